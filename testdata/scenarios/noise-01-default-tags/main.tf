# Perpetual-diff row 1: provider default_tags. State splits the tags between `tags` and
# `tags_all`; the API returns them all as the resource's tags. The effective map is the same:
# noise (tags-effective), nothing drifted.

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

  default_tags {
    tags = {
      Project   = "webapp"
      ManagedBy = "terraform"
    }
  }
}

resource "aws_vpc" "main" {
  cidr_block = "10.20.0.0/16"
  tags       = {
    Name = "main"
  }
}
