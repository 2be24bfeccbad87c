# VPC peering: the hub-spoke connection's requester option `allow_remote_vpc_dns_resolution`
# was turned on by hand (drift, attribute-changed); the hub-legacy connection was deleted by hand
# (missing: the adapter leaves out connections in state `deleted`, as the provider's Read does);
# the connection a partner account requested, adopted here by an accepter, is in sync (matched
# with the connection the adapter reports, its configuration-only `vpc_peering_connection_id`
# aside).

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

resource "aws_vpc_peering_connection" "hub_spoke" {
  vpc_id      = "vpc-0a1b2c3d4e5f60718"
  peer_vpc_id = "vpc-0b2c3d4e5f6071829"
  auto_accept = true

  requester {
    allow_remote_vpc_dns_resolution = false
  }

  tags = {
    Name = "hub-spoke"
  }
}

resource "aws_vpc_peering_connection" "hub_legacy" {
  vpc_id      = "vpc-0a1b2c3d4e5f60718"
  peer_vpc_id = "vpc-0c3d4e5f607182930"
  auto_accept = true

  tags = {
    Name = "hub-legacy"
  }
}

resource "aws_vpc_peering_connection_accepter" "partner" {
  vpc_peering_connection_id = "pcx-0d4e5f60718293a4b"
  auto_accept               = true

  tags = {
    Name = "partner"
  }
}
