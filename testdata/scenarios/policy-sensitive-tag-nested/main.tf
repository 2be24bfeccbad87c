# One tag named sensitive by the policy (.plumb.hcl: `sensitive { path = "tags.DbPassword" }`)
# is hidden wherever the object carries tags: the instance's own tags, its root volume's tags
# (root_block_device[0].tags) and a launch template's tag_specifications[0].tags. Only that key:
# the other tags of the same maps (Team, the volume's and the template's Name), changed live,
# are reported with their values, and every DbPassword change says "(sensitive)".

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

# Set by the deploy script; its value is in the state only.
variable "db_password" {
  type      = string
  sensitive = true
}

resource "aws_instance" "web" {
  ami           = "ami-0c1a2b3d4e5f60718"
  instance_type = "t3.small"
  subnet_id     = "subnet-0aa11bb22cc33dd44"
  tags = {
    Name       = "web"
    Team       = "blue"
    DbPassword = var.db_password
  }

  root_block_device {
    tags = {
      Name       = "web-root"
      DbPassword = var.db_password
    }
  }
}

resource "aws_launch_template" "app" {
  name          = "web"
  image_id      = "ami-0c1a2b3d4e5f60718"
  instance_type = "t3.small"
  tags = {
    Name = "web"
  }

  metadata_options {
    http_endpoint               = "enabled"
    http_tokens                 = "required"
    http_put_response_hop_limit = 2
  }

  tag_specifications {
    resource_type = "instance"
    tags = {
      Name       = "app-node"
      DbPassword = var.db_password
    }
  }
}
