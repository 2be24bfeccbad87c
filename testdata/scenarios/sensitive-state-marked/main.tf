# Values the state itself marks sensitive (`sensitive_attributes`: here a tag set from a
# sensitive variable, and a tag inside the root_block_device block), neither schema-sensitive
# nor named by a policy. Both were rotated in the console, so the instance has drifted; every
# format (plan-json too, whose `after` is the live object) shows "(sensitive)", never a value.

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

variable "api_token" {
  type      = string
  sensitive = true
}

resource "aws_instance" "web" {
  ami           = "ami-0c1a2b3d4e5f60718"
  instance_type = "t3.small"
  subnet_id     = "subnet-0aa11bb22cc33dd44"
  tags = {
    Name     = "web"
    ApiToken = var.api_token
  }
  root_block_device {
    tags = {
      Secret = var.api_token
    }
  }
}
