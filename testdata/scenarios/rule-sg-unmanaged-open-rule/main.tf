# Rules apply to unmanaged objects too: an `aws_security_group_rule` no state manages,
# admitting 0.0.0.0/0 on port 3389, is critical (aws-sg-ingress-open-world), not medium.

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
