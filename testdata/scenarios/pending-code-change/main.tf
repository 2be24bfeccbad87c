# Pending code changes: the code now asks for a larger instance type and an extra tag than
# state records; live still matches state. Reported in pending[] (an apply would change it), not
# as drift.

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
  instance_type = "m6i.large"
  subnet_id     = "subnet-0aa11bb22cc33dd44"
  tags          = {
    Name = "web"
    Tier = "frontend"
  }
}
