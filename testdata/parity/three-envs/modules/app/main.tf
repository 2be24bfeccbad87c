# The application every environment runs: one module, one set of inputs per environment.

variable "env" {
  type = string
}

variable "cidr" {
  type = string
}

variable "instance_type" {
  type    = string
  default = "t3.small"
}

variable "db_class" {
  type    = string
  default = "db.t3.medium"
}

resource "aws_subnet" "app" {
  for_each          = toset(["${var.env}-a"])
  vpc_id            = "vpc-0000000000000000"
  cidr_block        = cidrsubnet(var.cidr, 8, 1)
  availability_zone = "eu-west-1a"
  tags = {
    Name = each.key
  }
}

resource "aws_security_group" "web" {
  name        = "${var.env}-web"
  description = "web tier of ${var.env}"
  vpc_id      = "vpc-0000000000000000"

  ingress {
    description = "https"
    from_port   = 443
    to_port     = 443
    protocol    = "tcp"
    cidr_blocks = [var.cidr]
  }

  egress {
    from_port   = 0
    to_port     = 0
    protocol    = "-1"
    cidr_blocks = ["0.0.0.0/0"]
  }

  tags = {
    Name = "${var.env}-web"
  }
}

resource "aws_instance" "web" {
  ami           = "ami-0c1a2b3d4e5f60718"
  instance_type = var.instance_type
  subnet_id     = aws_subnet.app["${var.env}-a"].id

  metadata_options {
    http_tokens = "required"
  }

  tags = {
    Name  = "${var.env}-web"
    Owner = "platform"
  }
}

resource "aws_ebs_volume" "data" {
  availability_zone = "eu-west-1a"
  size              = 100
  type              = "gp3"
  encrypted         = true
  tags = {
    Name = "${var.env}-data"
  }
}

resource "aws_db_instance" "main" {
  identifier        = "${var.env}-main"
  engine            = "mysql"
  engine_version    = "5.7"
  instance_class    = var.db_class
  allocated_storage = 50
  backup_window     = "03:00-04:00"
  storage_encrypted = true
  tags = {
    Name = "${var.env}-main"
  }
}
