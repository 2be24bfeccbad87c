provider "aws" {
  region = "eu-west-1"
}

module "app" {
  source = "../../modules/app"
  env    = "staging"
  cidr   = "10.2.0.0/16"
}
