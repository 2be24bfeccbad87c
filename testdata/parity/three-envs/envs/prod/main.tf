provider "aws" {
  region = "eu-west-1"
}

module "app" {
  source = "../../modules/app"
  env    = "prod"
  cidr   = "10.3.0.0/16"

  instance_type = "t3.large"
  db_class      = "db.t3.large"
}

# Only prod has a way in from outside.
resource "aws_instance" "bastion" {
  ami           = "ami-0c1a2b3d4e5f60718"
  instance_type = "t3.micro"
  subnet_id     = module.app.subnet_id
  tags = {
    Name = "prod-bastion"
  }
}
