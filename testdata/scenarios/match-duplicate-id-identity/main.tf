# Resources that share an id: two `aws_iam_policy_attachment` with the same `name` (which is
# their id) attach different policies, and two `aws_lambda_permission` with the same
# `statement_id` (their id) allow different functions. Each is matched to its own live object
# by its identity attributes (the policy, the function), with one warning per shared id, not
# all to the same live object, which made one "changed" and the other "unmanaged". The live
# objects are listed in the opposite order to the state's. Someone detached the `write`
# policy from the `ops` role by hand: that is the one drift, on `aws_iam_policy_attachment.write`.

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

resource "aws_iam_policy_attachment" "read" {
  name       = "attach"
  policy_arn = "arn:aws:iam::123456789012:policy/read"
  roles      = ["app"]
}

resource "aws_iam_policy_attachment" "write" {
  name       = "attach"
  policy_arn = "arn:aws:iam::123456789012:policy/write"
  roles      = ["app", "ops"]
}

resource "aws_lambda_permission" "orders" {
  statement_id  = "AllowExecutionFromAPIGateway"
  action        = "lambda:InvokeFunction"
  function_name = "orders"
  principal     = "apigateway.amazonaws.com"
}

resource "aws_lambda_permission" "billing" {
  statement_id  = "AllowExecutionFromAPIGateway"
  action        = "lambda:InvokeFunction"
  function_name = "billing"
  principal     = "apigateway.amazonaws.com"
}
