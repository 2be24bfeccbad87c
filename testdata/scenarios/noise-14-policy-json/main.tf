# Perpetual-diff row 14: a VPC endpoint policy that AWS returns re-ordered and re-spaced, with
# a single Action string where state has a one-element list: the same document, noise
# (json-semantic).

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

resource "aws_vpc_endpoint" "s3" {
  vpc_id          = "vpc-0a1b2c3d4e5f60718"
  service_name    = "com.amazonaws.eu-west-1.s3"
  route_table_ids = ["rtb-0f1e2d3c4b5a69788"]
  policy          = data.aws_iam_policy_document.s3.json
  tags            = {
    Name = "s3"
  }
}
