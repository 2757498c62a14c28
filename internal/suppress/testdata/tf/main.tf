provider "aws" {
  region = "eu-west-1"
}

# Resource-level: the directive sits on the line above the block.
# cloudward:ignore:aws-kms-key-rotation-disabled imported key, rotated by the HSM team exp:2099-12-31
resource "aws_kms_key" "imported" {
  description         = "imported key material"
  enable_key_rotation = false
}

# Same check, no directive: must still FAIL (no leak between resources).
resource "aws_kms_key" "app" {
  description         = "application key"
  enable_key_rotation = false
}

resource "aws_kms_key" "legacy" {
  description = "legacy key"
  // cloudward:ignore:aws-kms-key-rotation-disabled waiting for the migration exp:2020-01-31
  enable_key_rotation = false
}

resource "aws_kms_key" "attr" {
  description = "attribute-level directive"
  # cloudward:ignore:aws-kms-key-rotation-disabled,aws-ec2-ebs-volume-unencrypted rotation done by a lambda
  enable_key_rotation = false
}

#checkov:skip=CKV_AWS_3:scratch volume, no data
resource "aws_ebs_volume" "scratch" {
  availability_zone = "eu-west-1a"
  size              = 10
  encrypted         = false
}

#tfsec:ignore:aws-ec2-enable-volume-encryption
resource "aws_ebs_volume" "cache" {
  availability_zone = "eu-west-1a"
  size              = 10
  encrypted         = false
}

#trivy:ignore:AVD-AWS-0026 reason after a space
resource "aws_ebs_volume" "tmp" {
  availability_zone = "eu-west-1a"
  size              = 10
  encrypted         = false
}

# A peer ID that has no equivalent: ignored, the finding stays FAIL.
#tfsec:ignore:aws-ec2-volume-encryption-customer-key
resource "aws_ebs_volume" "data" {
  availability_zone = "eu-west-1a"
  size              = 10
  encrypted         = false
}

# A directive for another check does not suppress this one.
# cloudward:ignore:aws-kms-key-rotation-disabled wrong check
resource "aws_ebs_volume" "logs" {
  availability_zone = "eu-west-1a"
  size              = 10
  encrypted         = false
}
