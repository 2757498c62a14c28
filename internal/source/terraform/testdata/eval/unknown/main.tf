variable "admin_cidr" {
  type        = string
  description = "CIDR allowed to reach SSH; set per environment"
}

variable "rotate_keys" {
  type = bool
}

data "aws_ebs_default_kms_key" "current" {}

resource "aws_security_group" "admin" {
  name = "admin"

  ingress {
    from_port   = 22
    to_port     = 22
    protocol    = "tcp"
    cidr_blocks = [var.admin_cidr]
  }
}

resource "aws_kms_key" "data" {
  enable_key_rotation = var.rotate_keys
}

resource "aws_ebs_volume" "data" {
  availability_zone = "eu-west-1a"
  size              = 10
  encrypted         = data.aws_ebs_default_kms_key.current.key_arn != ""
}
