# Shared home directories for the build fleet. Created without encryption:
# the EFS API does not encrypt unless asked.
resource "aws_efs_file_system" "builds" {
  creation_token   = "ci-builds"
  performance_mode = "generalPurpose"
  throughput_mode  = "bursting"

  lifecycle_policy {
    transition_to_ia = "AFTER_30_DAYS"
  }

  tags = {
    Name = "ci-builds"
  }
}
