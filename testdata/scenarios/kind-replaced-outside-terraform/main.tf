# replaced outside Terraform: the instance in state is gone and a new one with the same Name
# tag runs in its place. One missing and one unmanaged finding, linked both ways.

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

resource "aws_instance" "api" {
  ami           = "ami-0c1a2b3d4e5f60718"
  instance_type = "t3.small"
  subnet_id     = "subnet-0aa11bb22cc33dd44"
  tags          = {
    Name = "api"
  }
}
