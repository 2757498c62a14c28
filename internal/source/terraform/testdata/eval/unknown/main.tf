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

# One rule waits for a variable, the other is known: the known rule is
# judged (RDP open to the world fails), the unknown one only keeps SSH
# unknown.
resource "aws_security_group" "mixed" {
  name = "mixed"

  ingress {
    from_port   = 22
    to_port     = 22
    protocol    = "tcp"
    cidr_blocks = [var.admin_cidr]
  }

  ingress {
    from_port   = 3389
    to_port     = 3389
    protocol    = "tcp"
    cidr_blocks = ["0.0.0.0/0"]
  }
}
