# Perpetual-diff row 19 (drift that must not be missed): a rule's source changed in the
# console, same protocol and ports. The whole rule is compared, so the change is found.

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
    description = "SSH from the office"
    from_port   = 22
    to_port     = 22
    protocol    = "tcp"
    cidr_blocks = ["203.0.113.0/24"]
  }

  egress {
    from_port   = 0
    to_port     = 0
    protocol    = "-1"
    cidr_blocks = ["0.0.0.0/0"]
  }
}
