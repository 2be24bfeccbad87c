# Perpetual-diff row 7: state keeps a SHA-1 of user_data. One instance's state holds
# sha1("") where the API answers nothing; the other's holds the hash of the script the API returns
# (base64-encoded). Both are noise (user-data-hash); no user data is ever shown.

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

resource "aws_instance" "empty" {
  ami           = "ami-0c1a2b3d4e5f60718"
  instance_type = "t3.small"
  subnet_id     = "subnet-0aa11bb22cc33dd44"
  tags          = {
    Name = "empty-user-data"
  }
}

resource "aws_instance" "scripted" {
  ami           = "ami-0c1a2b3d4e5f60718"
  instance_type = "t3.small"
  subnet_id     = "subnet-0aa11bb22cc33dd44"
  tags          = {
    Name = "scripted"
  }
  user_data     = file("${path.module}/boot.sh")
}
