# `aws_security_group_rule` resources with several sources, as the AWS adapter sees them: EC2
# keeps one rule per source (`DescribeSecurityGroupRules`), so the live side holds one-source
# rules. `office` (two CIDRs) is whole live and in sync; `vpn` lost one of its two CIDRs by hand,
# so it is missing, as the provider's Read would find it gone; `peer` (a peer group) had its
# description changed.

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

resource "aws_security_group_rule" "office" {
  type              = "ingress"
  security_group_id = "sg-0123abcd4567ef890"
  protocol          = "tcp"
  from_port         = 22
  to_port           = 22
  cidr_blocks       = ["203.0.113.0/24", "198.51.100.0/24"]
  description       = "SSH from the offices"
}

resource "aws_security_group_rule" "vpn" {
  type              = "ingress"
  security_group_id = "sg-0123abcd4567ef890"
  protocol          = "tcp"
  from_port         = 443
  to_port           = 443
  cidr_blocks       = ["192.0.2.0/24", "192.0.2.128/25"]
  description       = "VPN"
}

resource "aws_security_group_rule" "peer" {
  type                     = "ingress"
  security_group_id        = "sg-0123abcd4567ef890"
  protocol                 = "tcp"
  from_port                = 5432
  to_port                  = 5432
  source_security_group_id = "sg-0fedcba9876543210"
  description              = "app servers"
}
