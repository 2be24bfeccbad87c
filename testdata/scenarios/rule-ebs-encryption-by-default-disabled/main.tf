# aws-ebs-encryption-disabled (critical): the region's EBS encryption by default was turned
# off.

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

resource "aws_ebs_encryption_by_default" "this" {
  enabled = true
}
