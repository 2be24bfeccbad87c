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
  instance_type = "t3.large"
  name          = "prod-web"
}

resource "aws_instance" "bastion" {
  ami           = "ami-0c1a2b3d4e5f60718"
  instance_type = "t3.micro"
  subnet_id     = "subnet-0aa11bb22cc33dd44"
  tags = {
    Name = "prod-bastion"
  }
}
