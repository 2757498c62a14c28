variable "volume_count" {
  type    = number
  default = 2
}

locals {
  buckets = {
    site = { public = true }
    logs = { public = false }
  }
}

resource "aws_s3_bucket" "this" {
  for_each = local.buckets
  bucket   = "acme-${each.key}"
}

resource "aws_s3_bucket_public_access_block" "this" {
  for_each = aws_s3_bucket.this
  bucket   = each.value.id
}

resource "aws_s3_bucket_acl" "this" {
  for_each = local.buckets
  bucket   = aws_s3_bucket.this[each.key].id
  acl      = each.value.public ? "public-read" : "private"
}

resource "aws_s3_account_public_access_block" "this" {
  block_public_acls = true
}

resource "aws_ebs_volume" "disk" {
  count             = var.volume_count
  availability_zone = "eu-west-1a"
  size              = 10
  encrypted         = count.index == 0
}

resource "aws_kms_key" "per_env" {
  for_each            = toset(["dev", "prod"])
  description         = "${each.value} data"
  enable_key_rotation = each.key == "prod"
}
