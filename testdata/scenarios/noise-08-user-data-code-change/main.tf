# Perpetual-diff row 8: with provider v4+, a user_data change is an in-place update (or a
# replacement with user_data_replace_on_change). The code changed the script; the cloud still runs
# the one in state: a pending code change, not drift, and its value is not shown.

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
  ami                         = "ami-0c1a2b3d4e5f60718"
  instance_type               = "t3.small"
  subnet_id                   = "subnet-0aa11bb22cc33dd44"
  tags                        = {
    Name = "web"
  }
  user_data                   = "#!/bin/bash\necho v2-pw-55d0\n"
  user_data_replace_on_change = false
}
