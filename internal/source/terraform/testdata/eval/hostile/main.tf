locals {
  a = local.b
  b = local.a
}

module "outer" {
  source   = "./outer"
  for_each = toset(["x", "y", "z"])
}

module "self" {
  source = "./"
}

module "vpc" {
  source  = "terraform-aws-modules/vpc/aws"
  version = "5.8.1"
}

resource "aws_security_group" "all_ports" {
  name = local.a

  ingress {
    from_port   = 0
    to_port     = 65535
    protocol    = "tcp"
    cidr_blocks = ["0.0.0.0/0"]
  }
}

resource "aws_ebs_volume" "many" {
  count             = 100000
  availability_zone = "eu-west-1a"
  size              = 1
  encrypted         = true
}
