locals {
  bucket  = lower("ACME-Assets")
  subnets = [for i in range(3) : cidrsubnet("10.0.0.0/16", 8, i)]
}

resource "aws_s3_bucket" "assets" {
  bucket = local.bucket
}

resource "aws_s3_bucket_public_access_block" "assets" {
  bucket = aws_s3_bucket.assets.id
}

resource "aws_s3_bucket_policy" "assets" {
  bucket = aws_s3_bucket.assets.id
  policy = templatefile("${path.module}/policy.json.tpl", { bucket_arn = aws_s3_bucket.assets.arn })
}

resource "aws_security_group" "internal" {
  name = "internal-${length(local.subnets)}"

  ingress {
    from_port   = 5432
    to_port     = 5432
    protocol    = "tcp"
    cidr_blocks = [element(local.subnets, 2), jsondecode("{\"open\":\"0.0.0.0/0\"}").open]
  }
}

resource "aws_iam_policy" "from_file" {
  name   = "escape"
  policy = file("${path.module}/../../../../../../../../../etc/passwd")
}

# Account-level Block Public Access leaves bucket policies alone.
resource "aws_s3_account_public_access_block" "this" {
  block_public_acls  = true
  ignore_public_acls = true
}
