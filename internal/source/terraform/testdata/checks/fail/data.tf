resource "aws_ebs_volume" "scratch" {
  availability_zone = "eu-west-1a"
  size              = 100
}

resource "aws_ebs_encryption_by_default" "this" {
  enabled = false
}

resource "aws_guardduty_detector" "main" {
  enable = false
}

resource "aws_db_parameter_group" "pg14" {
  name   = "pg14-app"
  family = "postgres14"

  parameter {
    name  = "rds.force_ssl"
    value = "0"
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
  publicly_accessible  = true
}

resource "aws_kms_key" "app" {
  description = "application data"
}

resource "aws_cloudtrail" "main" {
  name           = "main"
  s3_bucket_name = "acme-trail-logs"
}
