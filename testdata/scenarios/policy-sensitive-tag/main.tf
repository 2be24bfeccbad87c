# A tag named sensitive by the policy (.plumb.hcl here: `sensitive { path = "tags.DbPassword" }`):
# it was changed in the console, so the report says it changed, and shows "(sensitive)" for the
# state, live and code values, never the values. aws_instance.api has no such tag: its tags stay
# visible (the Owner tag added live is shown).

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
  tags = {
    Name       = "web"
    DbPassword = "pw-0ld-Xq7vR2kLm9"
  }
}

resource "aws_instance" "api" {
  ami           = "ami-0c1a2b3d4e5f60718"
  instance_type = "t3.small"
  subnet_id     = "subnet-0aa11bb22cc33dd44"
  tags = {
    Name = "api"
  }
}
