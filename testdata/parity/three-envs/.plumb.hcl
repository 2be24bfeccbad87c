# What the three environments are allowed to differ in.

# for_each keys that carry the environment's name: aws_subnet.app["dev-a"] in dev is
# aws_subnet.app["prod-a"] in prod.
parity {
  key = "${env}-*"
}

# Prod is sized for its traffic.
parity {
  type   = "aws_instance"
  vary   = ["instance_type"]
  reason = "prod is sized for its traffic"
}

parity {
  type   = "aws_db_instance"
  vary   = ["instance_class", "multi_az"]
  reason = "prod's database is larger, and multi-AZ"
}

# The bastion is prod's alone.
parity {
  address = "aws_instance.bastion"
  only_in = ["prod"]
  reason  = "only prod is reachable from outside"
}

# The database password differs per environment and is never shown.
sensitive {
  type = "aws_db_instance"
  path = "password"
}
