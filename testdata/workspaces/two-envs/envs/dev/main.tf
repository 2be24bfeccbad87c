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

module "web" {
  source        = "../../modules/web"
  instance_type = "t3.small"
  name          = "dev-web"
}
