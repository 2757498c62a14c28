resource "aws_ebs_volume" "scratch" {
  availability_zone = "eu-west-1a"
  size              = 100
  encrypted         = true
  kms_key_id        = aws_kms_key.app.arn
}

resource "aws_ebs_encryption_by_default" "this" {}

resource "aws_guardduty_detector" "main" {}

resource "aws_db_parameter_group" "pg14" {
  name   = "pg14-app"
  family = "postgres14"

  parameter {
    name  = "rds.force_ssl"
    value = "1"
  }
}

resource "aws_db_instance" "orders" {
  identifier           = "orders"
  engine               = "postgres"
  engine_version       = "14.12"
  instance_class       = "db.t3.medium"
  allocated_storage    = 50
  username             = "orders"
  manage_master_user_password = true
  parameter_group_name = aws_db_parameter_group.pg14.name
  storage_encrypted    = true
  kms_key_id           = aws_kms_key.app.arn
}

resource "aws_kms_key" "app" {
  description         = "application data"
  enable_key_rotation = true
}

resource "aws_cloudtrail" "main" {
  name                       = "main"
  s3_bucket_name             = "acme-trail-logs"
  is_multi_region_trail      = true
  enable_log_file_validation = true
  kms_key_id                 = aws_kms_key.app.arn
}
