# Perpetual-diff row 4: a group with inline rules and an `aws_security_group_rule` on the same
# group. Live, the group carries both; the permission the rule resource manages is not drift of
# the group. The rule resource's id is synthetic (`sgrule-...`): it matches the live rule on what
# identifies it (group, direction, protocol, ports, peers), though the snapshot's id differs.

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

  ingress {
    description = "HTTPS"
    from_port   = 443
    to_port     = 443
    protocol    = "tcp"
    cidr_blocks = ["0.0.0.0/0"]
  }

  egress {
    from_port   = 0
    to_port     = 0
    protocol    = "-1"
    cidr_blocks = ["0.0.0.0/0"]
  }
}

resource "aws_security_group_rule" "ssh" {
  type              = "ingress"
  security_group_id = aws_security_group.web.id
  protocol          = "tcp"
  from_port         = 22
  to_port           = 22
  cidr_blocks       = ["203.0.113.0/24"]
  description       = "SSH from the office"
}
