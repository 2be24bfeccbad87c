# tainted: a tainted instance is reported as such (the next apply replaces it), not compared
# for drift even though its type differs live.

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

resource "aws_instance" "web" {
  ami           = "ami-0c1a2b3d4e5f60718"
  instance_type = "t3.small"
  subnet_id     = "subnet-0aa11bb22cc33dd44"
  tags          = {
    Name = "web"
  }
}
