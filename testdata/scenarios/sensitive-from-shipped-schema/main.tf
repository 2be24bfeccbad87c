# Sensitive attributes of types outside the EC2 family are hidden because the shipped schema
# says they are sensitive (the state's sensitive_attributes is empty, and no policy names
# them): an RDS password changed live and in the code, an access key's secret and SMTP
# password changed live. Every output says "(sensitive)" and that it changed, never the value.

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

resource "aws_db_instance" "legacy" {
  identifier             = "legacy-db"
  engine                 = "mysql"
  instance_class         = "db.t4g.small"
  allocated_storage      = 50
  username               = "admin"
  password               = "c0de-db-pw-6b2d"
  vpc_security_group_ids = ["sg-0c1c2c3c4c5c6c7c8"]
  skip_final_snapshot    = true
}

resource "aws_iam_access_key" "ci" {
  user = "ci"
}
