# A root module exercising variables, locals, spans and meta-arguments.
terraform {
  required_version = ">= 1.5"
  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = "~> 5.0"
    }
  }
  backend "s3" {
    bucket = "state-bucket"
    key    = "basic/terraform.tfstate"
    region = "us-east-1"
  }
}

provider "aws" {
  region = var.region
  default_tags {
    tags = local.common_tags
  }
}

provider "aws" {
  alias  = "west"
  region = "us-west-2"
}

resource "aws_vpc" "main" {
  cidr_block           = var.cidr
  enable_dns_hostnames = true
  tags = merge(local.common_tags, {
    Name = "${local.name}-vpc"
  })
}

  resource "aws_subnet" "private" {
  count             = length(var.azs)
  vpc_id            = aws_vpc.main.id
  cidr_block        = cidrsubnet(var.cidr, 8, count.index)
  availability_zone = var.azs[count.index]
  tags = {
    Name = "${local.name}-private"
    Tier = "private"
  }
}

resource "aws_instance" "web" {
  for_each      = toset(["a", "b"])
  provider      = aws.west
  ami           = data.aws_ami.ubuntu.id
  instance_type = var.instance_type
  user_data     = <<-EOT
    #!/bin/bash
    echo ${local.name}
  EOT

  metadata_options {
    http_tokens = "required"
  }

  ebs_block_device {
    device_name = "/dev/sdb"
    volume_size = 10
  }
  ebs_block_device {
    device_name = "/dev/sdc"
    volume_size = 20
  }

  dynamic "ingress" {
    for_each = var.azs
    content {
      from_port = 1
    }
  }

  lifecycle {
    ignore_changes        = [tags["Name"], metadata_options[0].http_tokens]
    create_before_destroy = true
  }

  depends_on = [aws_vpc.main, aws_subnet.private]
}

data "aws_ami" "ubuntu" {
  most_recent = true
  owners      = ["099720109477"]
}
