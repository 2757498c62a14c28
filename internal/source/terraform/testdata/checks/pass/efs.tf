resource "aws_kms_key" "efs" {
  description         = "EFS at-rest encryption"
  enable_key_rotation = true
}

resource "aws_efs_file_system" "builds" {
  creation_token   = "ci-builds"
  performance_mode = "generalPurpose"
  throughput_mode  = "bursting"
  encrypted        = true
  kms_key_id       = aws_kms_key.efs.arn

  lifecycle_policy {
    transition_to_ia = "AFTER_30_DAYS"
  }

  tags = {
    Name = "ci-builds"
  }
}
