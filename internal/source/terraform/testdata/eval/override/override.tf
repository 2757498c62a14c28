# Local developer override, kept out of git in real life (.gitignore has
# *_override.tf): it is still what `terraform apply` would deploy.
resource "aws_kms_key" "app" {
  enable_key_rotation = false
}

resource "aws_security_group" "web" {
  # Replaces every ingress block of the original: 443 is gone, 22 is open.
  ingress {
    from_port   = 22
    to_port     = 22
    protocol    = "tcp"
    cidr_blocks = ["0.0.0.0/0"]
  }

  lifecycle {
    prevent_destroy = true
  }
}

locals {
  admin_cidr = "0.0.0.0/0"
}

resource "aws_db_instance" "orders" {
  publicly_accessible = true
}

resource "aws_s3_bucket" "ghost" {
  bucket = "not-declared-anywhere-else"
}
