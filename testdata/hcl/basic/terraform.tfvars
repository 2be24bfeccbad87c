env           = "tfvars"
owner         = "tfvars-owner"
instance_type = "t3.small"
