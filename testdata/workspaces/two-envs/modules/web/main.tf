# The web tier every environment runs.

variable "instance_type" {
  type = string
}

variable "name" {
  type = string
}

resource "aws_instance" "web" {
  ami           = "ami-0c1a2b3d4e5f60718"
  instance_type = var.instance_type
  subnet_id     = "subnet-0aa11bb22cc33dd44"
  tags = {
    Name = var.name
  }
}
