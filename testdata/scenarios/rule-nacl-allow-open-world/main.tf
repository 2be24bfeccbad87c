# aws-nacl-allow-open-world (critical): an inbound allow-all entry from 0.0.0.0/0 was added to
# a network ACL's inline ingress.

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

resource "aws_network_acl" "private" {
  vpc_id     = "vpc-0a1b2c3d4e5f60718"
  subnet_ids = ["subnet-0aa11bb22cc33dd44"]
  tags       = {
    Name = "private"
  }

  ingress {
    rule_no    = 100
    action     = "allow"
    cidr_block = "10.20.0.0/16"
    protocol   = "6"
    from_port  = 443
    to_port    = 443
  }
}
