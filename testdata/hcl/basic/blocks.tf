import {
  to = aws_vpc.main
  id = "vpc-0123"
}

moved {
  from = aws_instance.old
  to   = aws_instance.web
}

removed {
  from = aws_s3_bucket.legacy
  lifecycle {
    destroy = false
  }
}

resource "aws_db_instance" "db" {
  password = var.db_password
  replicas = var.replicas
}
