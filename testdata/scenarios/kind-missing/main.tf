# missing: a security group deleted by hand is critical (aws-network-resource-deleted); a
# deleted EBS volume is high (aws-resource-missing).

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

resource "aws_ebs_volume" "data" {
  availability_zone = "eu-west-1a"
  size              = 50
  type              = "gp3"
  encrypted         = true
  tags              = {
    Name = "data"
  }
}
