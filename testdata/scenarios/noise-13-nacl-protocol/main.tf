# Perpetual-diff row 13: network ACL protocols by name in state (`all`, `tcp`) and by number
# live (`-1`, `6`): noise (protocol-number). The `aws_network_acl_rule` id is synthetic
# (`nacl-...`) and matches on (acl, rule number, egress).

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
    protocol   = "tcp"
    from_port  = 443
    to_port    = 443
  }
}

resource "aws_network_acl_rule" "egress_all" {
  network_acl_id = aws_network_acl.private.id
  rule_number    = 200
  egress         = true
  protocol       = "all"
  rule_action    = "allow"
  cidr_block     = "10.20.0.0/16"
  from_port      = 0
  to_port        = 0
}
