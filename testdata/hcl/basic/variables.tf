variable "region" {
  type    = string
  default = "us-east-1"
}

variable "cidr" {
  default = "10.0.0.0/16"
}

variable "azs" {
  type    = list(string)
  default = ["us-east-1a", "us-east-1b"]
}

variable "instance_type" {
  type    = string
  default = "t3.micro"
}

variable "env" {
  type = string
}

variable "owner" {
  type    = string
  default = "default-owner"
}

variable "db_password" {
  type      = string
  sensitive = true
  default   = "hunter2"
}

variable "replicas" {
  type    = number
  default = 1
}
