# The legacy deploy script keeps the database password in a tag.
sensitive {
  type   = "aws_instance"
  path   = "tags.DbPassword"
  reason = "the legacy deploy script keeps the database password in a tag"
}
