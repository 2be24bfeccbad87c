provider "aws" {
  region = "eu-west-1"
}

module "app" {
  source = "../../modules/app"
  env    = "dev"
  cidr   = "10.1.0.0/16"
}
