# Inline or separate resource: objects that a managed resource holds through its own argument
# are its, not unmanaged, whatever adapter listed them and without `meta.owner`: the group's
# inline `ingress`/`egress` rules (listed live as `aws_vpc_security_group_ingress_rule`,
# `_egress_rule` and `aws_security_group_rule`), the table's inline `route` (as `aws_route`),
# the ACL's inline `ingress` entry (as `aws_network_acl_rule`) and the VPC's main route table
# (as `aws_main_route_table_association`). A rule added to the group by hand is drift of the
# group's `ingress`, and its rule object, which no argument holds, is unmanaged.

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
  cidr_block = "10.0.0.0/16"
}

resource "aws_security_group" "web" {
  name        = "web"
  description = "Managed by Terraform"
  vpc_id      = aws_vpc.main.id

  ingress {
    from_port   = 443
    to_port     = 443
    protocol    = "tcp"
    cidr_blocks = ["10.0.0.0/16"]
  }

  egress {
    from_port   = 0
    to_port     = 0
    protocol    = "-1"
    cidr_blocks = ["0.0.0.0/0"]
  }
}

resource "aws_route_table" "private" {
  vpc_id = aws_vpc.main.id

  route {
    cidr_block     = "0.0.0.0/0"
    nat_gateway_id = "nat-0a1b2c3d4e5f60001"
  }
}

resource "aws_network_acl" "private" {
  vpc_id = aws_vpc.main.id

  ingress {
    rule_no    = 100
    action     = "allow"
    protocol   = "tcp"
    cidr_block = "10.0.0.0/16"
    from_port  = 443
    to_port    = 443
  }
}
