# Perpetual-diff row 18: versions created out of band bump a launch template's
# latest_version; default_version is unchanged. Benign (computed-by-design).

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

resource "aws_launch_template" "web" {
  name          = "web"
  image_id      = "ami-0c1a2b3d4e5f60718"
  instance_type = "t3.small"
  tags          = {
    Name = "web"
  }

  metadata_options {
    http_endpoint               = "enabled"
    http_tokens                 = "required"
    http_put_response_hop_limit = 2
  }
}
