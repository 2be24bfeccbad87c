# A state written by provider 4.x (no `region`, `cpu_core_count` instead of `cpu_options`, no
# `host_resource_group_arn`...) read against a 6.x snapshot: attributes that exist in one provider
# version only are noise (schema-version), nothing drifted.

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
