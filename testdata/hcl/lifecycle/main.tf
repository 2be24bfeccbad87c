resource "aws_instance" "all" {
  lifecycle {
    ignore_changes = all
  }
}

resource "aws_instance" "legacy_all" {
  lifecycle {
    ignore_changes = ["*"]
  }
}

resource "aws_instance" "legacy_strings" {
  lifecycle {
    ignore_changes = ["tags", "ami"]
  }
}

resource "aws_instance" "paths" {
  lifecycle {
    ignore_changes        = [tags.Name, tags["Owner"], metadata_options[0].http_tokens, user_data]
    prevent_destroy       = true
    replace_triggered_by  = [aws_launch_template.lt.id, null_resource.x]
  }
}

resource "aws_instance" "none" {}
