# aws-public-ip-enabled (high): map_public_ip_on_launch was turned on for a private subnet.

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

resource "aws_subnet" "private_a" {
  vpc_id            = "vpc-0a1b2c3d4e5f60718"
  cidr_block        = "10.20.1.0/24"
  availability_zone = "eu-west-1a"
  tags              = {
    Name = "private-a"
  }
}
