# Data sources are never compared: the state's data.aws_subnet points at a subnet that no
# longer exists live (scanned), and data.aws_ami at an image not scanned. Neither is missing
# nor not_checked.

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

data "aws_subnet" "legacy" {
  id = "subnet-0dead0dead0dead0d"
}

data "aws_ami" "al2023" {
  most_recent = true
  owners      = ["amazon"]
}

resource "aws_instance" "web" {
  ami           = "ami-0c1a2b3d4e5f60718"
  instance_type = "t3.small"
  subnet_id     = "subnet-0aa11bb22cc33dd44"
  tags          = {
    Name = "web"
  }
}
