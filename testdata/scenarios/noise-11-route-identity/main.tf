# Perpetual-diff row 11: an `aws_route`'s Terraform id is synthetic. It is matched on
# (route table, destination) even though the snapshot names it differently, and the target the
# state records is the one live: in sync.

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

resource "aws_route" "default" {
  route_table_id         = "rtb-0f1e2d3c4b5a69788"
  destination_cidr_block = "0.0.0.0/0"
  nat_gateway_id         = "nat-0123456789abcdef0"
}
