# lifecycle { ignore_changes }: one instance ignores instance_type (a path), the other
# ignores everything (all). Both changed live; neither drifts, and each difference is counted in
# `ignored`.

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

resource "aws_instance" "sized_by_ops" {
  ami           = "ami-0c1a2b3d4e5f60718"
  instance_type = "t3.small"
  subnet_id     = "subnet-0aa11bb22cc33dd44"
  tags          = {
    Name = "ignores-type"
  }

  lifecycle {
    ignore_changes = [instance_type]
  }
}

resource "aws_instance" "hands_off" {
  ami           = "ami-0c1a2b3d4e5f60718"
  instance_type = "t3.small"
  subnet_id     = "subnet-0aa11bb22cc33dd44"
  tags          = {
    Name = "ignores-all"
  }

  lifecycle {
    ignore_changes = all
  }
}
