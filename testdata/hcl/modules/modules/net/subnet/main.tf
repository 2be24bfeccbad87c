variable "vpc_id" {}
variable "cidr_block" {}
variable "name" {}
variable "az" {
  default = "us-east-1a"
}

resource "aws_subnet" "this" {
  vpc_id            = var.vpc_id
  cidr_block        = var.cidr_block
  availability_zone = var.az
  tags = {
    Name = var.name
  }
}
