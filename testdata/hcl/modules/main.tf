variable "env" {
  default = "prod"
}

locals {
  cidr = "10.10.0.0/16"
}

module "net" {
  source = "./modules/net"
  name   = "core-${var.env}"
  cidr   = local.cidr
  tags   = { Team = "infra" }
}

module "vpc" {
  source  = "terraform-aws-modules/vpc/aws"
  version = "5.1.0"
  name    = "registry"
}

module "git" {
  source = "git::https://example.com/modules.git//net?ref=v1"
}

resource "aws_s3_bucket" "logs" {
  bucket = "logs-${var.env}"
}
