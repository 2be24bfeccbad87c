# aws-sg-ingress-open-world (critical): an `aws_vpc_security_group_ingress_rule` (a real id,
# modified in place) had its source widened from the VPN range to ::/0.

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

resource "aws_security_group" "web" {
  name        = "web"
  description = "Managed by Terraform"
  vpc_id      = "vpc-0a1b2c3d4e5f60718"
  tags        = {
    Name = "web"
  }
}

resource "aws_vpc_security_group_ingress_rule" "https" {
  security_group_id = aws_security_group.web.id
  ip_protocol       = "tcp"
  from_port         = 443
  to_port           = 443
  cidr_ipv6         = "2001:db8:1234::/48"
  description       = "HTTPS from the VPN"
  tags              = {
    Name = "https"
  }
}
