# Perpetual-diff row 10: a route table with an inline route and an `aws_route` on the same
# table. Live, the table lists both; the route the `aws_route` manages is not drift of the table.

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

resource "aws_route_table" "private" {
  vpc_id = "vpc-0a1b2c3d4e5f60718"
  tags   = {
    Name = "private"
  }

  route {
    cidr_block                = "10.99.0.0/16"
    vpc_peering_connection_id = "pcx-0a1b2c3d4e5f60718"
  }
}

resource "aws_route" "default" {
  route_table_id         = aws_route_table.private.id
  destination_cidr_block = "0.0.0.0/0"
  nat_gateway_id         = "nat-0123456789abcdef0"
}
