provider "aws" {
  region = "eu-west-1"
}

locals {
  admin_cidr = "10.0.0.0/8"
}

resource "aws_kms_key" "app" {
  description         = "application data"
  enable_key_rotation = true
}

resource "aws_security_group" "web" {
  name = "web"

  ingress {
    from_port   = 443
    to_port     = 443
    protocol    = "tcp"
    cidr_blocks = ["0.0.0.0/0"]
  }

  lifecycle {
    create_before_destroy = true
  }
}

resource "aws_security_group" "admin" {
  name = "admin"

  dynamic "ingress" {
    for_each = [22, 3389]
    content {
      from_port   = ingress.value
      to_port     = ingress.value
      protocol    = "tcp"
      cidr_blocks = [local.admin_cidr]
    }
  }
}

resource "aws_db_instance" "orders" {
  identifier          = "orders"
  engine              = "postgres"
  instance_class      = "db.t3.medium"
  allocated_storage   = 50
  storage_encrypted   = true
  publicly_accessible = false
}
