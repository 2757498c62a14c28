package awslive

import "slices"

// Permissions are the IAM actions the collector can call, all read-only.
// docs/aws-permissions.md holds the policy granting exactly these; a test
// checks the two agree and that every call the collector makes is listed.
var Permissions = slices.Concat(corePermissions, cisPermissions, networkPermissions, policyPermissions)

// corePermissions are the foundation services' actions.
var corePermissions = []string{
	"sts:GetCallerIdentity",
	"iam:GetAccountAuthorizationDetails",
	"iam:GenerateCredentialReport",
	"iam:GetCredentialReport",
	"iam:GetAccountPasswordPolicy",
	"iam:GetAccountSummary",
	"s3:ListAllMyBuckets",
	"s3:GetBucketLocation",
	"s3:GetBucketPolicy",
	"s3:GetBucketAcl",
	"s3:GetBucketPublicAccessBlock",
	"s3:GetEncryptionConfiguration",
	"s3:GetBucketVersioning",
	"s3:GetBucketLogging",
	"s3:GetBucketTagging",
	"s3:GetAccountPublicAccessBlock",
	"ec2:DescribeRegions",
	"ec2:DescribeSecurityGroups",
	"ec2:DescribeInstances",
	"ec2:DescribeVolumes",
	"ec2:GetEbsEncryptionByDefault",
	"ec2:DescribeVpcs",
	"ec2:DescribeFlowLogs",
	"ec2:DescribeNetworkAcls",
	"rds:DescribeDBInstances",
	"rds:DescribeDBParameters",
	"kms:ListKeys",
	"kms:DescribeKey",
	"kms:GetKeyRotationStatus",
	"cloudtrail:DescribeTrails",
	"cloudtrail:GetTrailStatus",
	"cloudtrail:GetEventSelectors",
	"guardduty:ListDetectors",
	"guardduty:GetDetector",
}
