# Perpetual-diff row 17: representation differences between AWS and Terraform: a policy
# with a single statement object where state has a list of one, and an unset list as null live.

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
