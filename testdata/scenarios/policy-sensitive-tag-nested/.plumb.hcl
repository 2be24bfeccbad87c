# The legacy deploy script keeps the database password in a tag, on every kind of object.
sensitive {
  path   = "tags.DbPassword"
  reason = "the legacy deploy script keeps the database password in a tag"
}
