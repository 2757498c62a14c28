variable "admin_cidr" {
  type = string
}

resource "aws_security_group" "admin" {
  name = "admin"

  ingress {
    from_port   = 22
    to_port     = 22
    protocol    = "tcp"
    cidr_blocks = [var.admin_cidr]
  }
}

resource "aws_kms_key" "logs" {
  description         = "log encryption"
  enable_key_rotation = true
}
