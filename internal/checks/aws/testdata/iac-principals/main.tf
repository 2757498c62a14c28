# IAM principals as a platform team writes them: AWS managed policies are
# attached by ARN and never defined in the configuration.
data "aws_iam_policy_document" "ec2_trust" {
  statement {
    actions = ["sts:AssumeRole"]
    principals {
      type        = "Service"
      identifiers = ["ec2.amazonaws.com"]
    }
  }
}

resource "aws_iam_role" "break_glass" {
  name               = "break-glass"
  assume_role_policy = data.aws_iam_policy_document.ec2_trust.json
}

resource "aws_iam_role_policy_attachment" "break_glass_admin" {
  role       = aws_iam_role.break_glass.name
  policy_arn = "arn:aws:iam::aws:policy/AdministratorAccess"
}

resource "aws_iam_role" "auditor" {
  name                = "auditor"
  assume_role_policy  = data.aws_iam_policy_document.ec2_trust.json
  managed_policy_arns = ["arn:aws:iam::aws:policy/IAMReadOnlyAccess", "arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess"]
}

resource "aws_iam_role" "ml_training" {
  name               = "ml-training"
  assume_role_policy = data.aws_iam_policy_document.ec2_trust.json
}

# Not in cloudward's catalogue of AWS managed policies.
resource "aws_iam_role_policy_attachment" "ml_training_sagemaker" {
  role       = aws_iam_role.ml_training.name
  policy_arn = "arn:aws:iam::aws:policy/AmazonSageMakerFullAccess"
}

resource "aws_iam_user" "ci" {
  name = "ci-deployer"
}

resource "aws_iam_user_policy_attachment" "ci_iam" {
  user       = aws_iam_user.ci.name
  policy_arn = "arn:aws:iam::aws:policy/IAMFullAccess"
}

resource "aws_iam_user" "dev" {
  name = "dev"
}

resource "aws_iam_user_policy_attachment" "dev_power" {
  user       = aws_iam_user.dev.name
  policy_arn = "arn:aws:iam::aws:policy/PowerUserAccess"
}

# Same name as aws_iam_role.auditor (another stage would deploy it): each
# resource is judged on its own policies.
resource "aws_iam_role" "auditor_staging" {
  name                = "auditor"
  assume_role_policy  = data.aws_iam_policy_document.ec2_trust.json
  managed_policy_arns = ["arn:aws:iam::aws:policy/AdministratorAccess"]
}

# Admin through a group.
resource "aws_iam_group" "admins" {
  name = "admins"
}

resource "aws_iam_group_policy_attachment" "admins" {
  group      = aws_iam_group.admins.name
  policy_arn = "arn:aws:iam::aws:policy/AdministratorAccess"
}

resource "aws_iam_user" "ops" {
  name = "ops-oncall"
}

resource "aws_iam_group_membership" "admins" {
  name  = "admins"
  group = aws_iam_group.admins.name
  users = [aws_iam_user.ops.name]
}
