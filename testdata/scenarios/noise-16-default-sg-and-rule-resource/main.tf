# Perpetual-diff row 16: another managed resource changed the object. An
# `aws_security_group_rule` adds a rule to the VPC's default security group, managed as
# `aws_default_security_group` (which matches the live `aws_security_group` with the same id).

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

resource "aws_default_security_group" "default" {
  vpc_id = "vpc-0a1b2c3d4e5f60718"
  tags   = {
    Name = "default"
  }
}

resource "aws_security_group_rule" "postgres" {
  type              = "ingress"
  security_group_id = aws_default_security_group.default.id
  protocol          = "tcp"
  from_port         = 5432
  to_port           = 5432
  cidr_blocks       = ["10.20.0.0/16"]
  description       = "postgres"
}
