variable "region" {
  type    = string
  default = "eu-west-1"
}

variable "environment" {
  type    = string
  default = "prod"
}

variable "office_cidr" {
  description = "Where administrators connect from."
  type        = string
  default     = "203.0.113.0/24"
}

variable "instance_type" {
  type    = string
  default = "t3.small"
}
