# An association made through an argument of a managed resource is that resource's: the EIP
# `web` is associated through `aws_eip`'s own `instance` (its `association_id`), and the NAT
# gateway holds the EIP `nat` through its `allocation_id`. Live, each association is also an
# `aws_eip_association` object: neither is unmanaged. The EIP `spare`, which the code leaves
# unassociated, was associated by hand: that is drift on `aws_eip.spare`, and its association,
# which nothing in the code makes, is unmanaged.

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

resource "aws_eip" "web" {
  domain   = "vpc"
  instance = "i-0a1b2c3d4e5f60001"
}

resource "aws_eip" "nat" {
  domain = "vpc"
}

resource "aws_eip" "spare" {
  domain = "vpc"
}

resource "aws_nat_gateway" "main" {
  allocation_id = aws_eip.nat.id
  subnet_id     = "subnet-0a1b2c3d4e5f60001"
}
