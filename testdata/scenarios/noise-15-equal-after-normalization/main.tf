# Perpetual-diff row 15: "objects have changed outside of Terraform" with nothing that
# matters: empty strings live where state has nulls, an empty list where state has none. Every
# difference is explained in suppressed[]; the resource is in sync.

terraform {
  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = "~> 6.0"
    }
  }
}

provider "aws" {
  region = "eu-west-1"
}

resource "aws_vpc" "main" {
  cidr_block = "10.20.0.0/16"
  tags       = {
    Name = "main"
  }
}
