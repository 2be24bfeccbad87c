# aws_default_* matching: `aws_default_vpc` manages the live aws_vpc with the same id (which
# the snapshot marks as the default VPC). DNS hostnames were turned off by hand: the drift is
# reported on the aws_default_vpc address.

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

resource "aws_default_vpc" "default" {
  enable_dns_hostnames = true
  tags                 = {
    Name = "default"
  }
}
