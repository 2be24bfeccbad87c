locals {
  # Deliberately out of order: name uses prefix, declared below.
  name = "${local.prefix}-${var.env}"
  common_tags = {
    Environment = var.env
    Owner       = var.owner
    Project     = local.prefix
  }
  prefix = "plumb"
}
