# Perpetual-diff row 9: the instance's volume_tags and the attached volume's own tags fight.
# The data volume is attached with an `aws_volume_attachment` and tagged by its `aws_ebs_volume`:
# the instance's volume_tags live reflect the volume's tags, which is not drift of the instance.
# The attachment's id is synthetic (`vai-...`) and matches on volume, instance and device.

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

resource "aws_instance" "web" {
  ami           = "ami-0c1a2b3d4e5f60718"
  instance_type = "t3.small"
  subnet_id     = "subnet-0aa11bb22cc33dd44"
  tags          = {
    Name = "web"
  }
  volume_tags   = {
    Backup = "daily"
  }
}

resource "aws_ebs_volume" "data" {
  availability_zone = "eu-west-1a"
  size              = 50
  type              = "gp3"
  encrypted         = true
  tags              = {
    Name   = "data"
    Backup = "weekly"
  }
}

resource "aws_volume_attachment" "data" {
  device_name = "/dev/sdf"
  volume_id   = aws_ebs_volume.data.id
  instance_id = aws_instance.web.id
}
