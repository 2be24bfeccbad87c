# Perpetual-diff row 12 (drift that must not be missed): a route removed from the code (and
# from state) stayed in AWS. Live routes are compared directly: the extra route is drift.

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

resource "aws_route_table" "private" {
  vpc_id = "vpc-0a1b2c3d4e5f60718"
  tags   = {
    Name = "private"
  }

  route {
    cidr_block                = "10.99.0.0/16"
    vpc_peering_connection_id = "pcx-0a1b2c3d4e5f60718"
  }
}
