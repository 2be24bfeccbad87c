# Configuration and state of the same commit, on types outside the EC2 family: nothing is
# pending and nothing drifted. The code writes values as people do, and Terraform converts each
# to the schema's type before it compares: numbers and bools as strings ("60", "false"), sets in
# another order than the state keeps them, a number for a string, a write-only password that
# the state never holds, a timeouts block (configuration only), and attributes left to the
# provider's defaults. Live matches state.

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

resource "aws_sqs_queue" "jobs" {
  name                       = "jobs"
  visibility_timeout_seconds = "60"
  message_retention_seconds  = "345600"
  receive_wait_time_seconds  = 20
  fifo_queue                 = "false"
  sqs_managed_sse_enabled    = "true"
  tags = {
    Team = "jobs"
  }
}

resource "aws_iam_role" "worker" {
  name = "worker"
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Action    = "sts:AssumeRole"
      Effect    = "Allow"
      Principal = { Service = "ecs-tasks.amazonaws.com" }
    }]
  })
  managed_policy_arns = [
    "arn:aws:iam::aws:policy/CloudWatchLogsFullAccess",
    "arn:aws:iam::aws:policy/AmazonSQSFullAccess",
    "arn:aws:iam::aws:policy/AmazonSQSFullAccess",
  ]
  max_session_duration = "3600"
}

resource "aws_db_instance" "main" {
  identifier              = "app-db"
  engine                  = "postgres"
  engine_version          = 16.3
  instance_class          = "db.t4g.micro"
  allocated_storage       = "20"
  max_allocated_storage   = 100
  storage_encrypted       = "true"
  port                    = "5432"
  db_name                 = "app"
  username                = "app"
  password_wo             = "wr1te-only-pw-5d0c"
  password_wo_version     = "1"
  db_subnet_group_name    = "app"
  vpc_security_group_ids  = ["sg-0b1b2b3b4b5b6b7b8", "sg-0a1a2a3a4a5a6a7a8"]
  backup_retention_period = "7"
  multi_az                = "false"
  skip_final_snapshot     = "true"
  tags = {
    Name = "app-db"
  }

  timeouts {
    create = "60m"
  }
}

resource "aws_s3_bucket" "logs" {
  bucket        = "app-logs-123456789012"
  force_destroy = "false"
  tags = {
    Purpose = "logs"
  }
}

resource "aws_cloudwatch_log_group" "app" {
  name              = "/app/web"
  retention_in_days = "14"
}
