variable "name" {
  type = string
}

resource "aws_kms_key" "this" {
  description         = "${var.name} data key"
  enable_key_rotation = false
}

resource "aws_ebs_volume" "cache" {
  availability_zone = "eu-west-1a"
  size              = 20
}
