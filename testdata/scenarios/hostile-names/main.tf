# hostile-names: instance keys, tag keys, tag values and ids that try to become code or
# terminal/Markdown control: a key that closes its string and opens a `terraform_data` block with
# a `local-exec` provisioner, shell substitutions, HCL template sequences, ANSI and OSC 52
# sequences, bidi overrides, @mentions and bare links. Every output and remediation file must
# keep them inert: escaped in HCL and shell, neutralised in the terminal and the Markdown.

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

variable "volumes" {
  type = map(object({ name = string }))
}

resource "aws_ebs_volume" "data" {
  for_each          = var.volumes
  availability_zone = "eu-west-1a"
  size              = 50
  type              = "gp3"
  encrypted         = true
  tags = {
    Name = each.value.name
  }
}
