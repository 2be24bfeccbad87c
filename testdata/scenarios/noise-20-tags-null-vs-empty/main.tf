# Perpetual-diff row 20: tags null in state, {} live (the real plan in the corpus shows this
# as resource_drift). Noise (empty-equals-null), reported in suppressed[].

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

resource "aws_eip" "nat" {
  domain = "vpc"
}
