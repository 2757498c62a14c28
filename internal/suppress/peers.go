package suppress

// peerIDs maps the peers' check IDs to ours. Only IDs whose meaning is the
// same as one of our checks are listed: suppressing a narrower or broader
// peer check must not silence ours (e.g. tfsec's aws-s3-block-public-acls is
// about the bucket's Block Public Access flag, not about a public ACL, so it
// is not mapped). The table is documented in docs/suppressions.md.
var peerIDs = map[string]string{
	// checkov
	"CKV_AWS_1":   "aws-iam-policy-admin-wildcard",
	"CKV_AWS_62":  "aws-iam-policy-admin-wildcard",
	"CKV_AWS_3":   "aws-ec2-ebs-volume-unencrypted",
	"CKV_AWS_7":   "aws-kms-key-rotation-disabled",
	"CKV_AWS_16":  "aws-rds-storage-unencrypted",
	"CKV_AWS_17":  "aws-rds-instance-public",
	"CKV_AWS_19":  "aws-s3-bucket-default-encryption-missing",
	"CKV_AWS_20":  "aws-s3-bucket-public-acl",
	"CKV_AWS_57":  "aws-s3-bucket-public-acl",
	"CKV_AWS_24":  "aws-ec2-sg-ssh-open",
	"CKV_AWS_25":  "aws-ec2-sg-rdp-open",
	"CKV_AWS_35":  "aws-cloudtrail-kms-encryption-missing",
	"CKV_AWS_36":  "aws-cloudtrail-log-validation-disabled",
	"CKV_AWS_40":  "aws-iam-user-direct-policies",
	"CKV_AWS_42":  "aws-efs-unencrypted",
	"CKV_AWS_52":  "aws-s3-bucket-mfa-delete-disabled",
	"CKV_AWS_67":  "aws-cloudtrail-multi-region-missing",
	"CKV_AWS_79":  "aws-ec2-instance-imdsv1",
	"CKV_AWS_157": "aws-rds-multi-az-disabled",
	"CKV_AWS_226": "aws-rds-auto-minor-upgrade-disabled",
	"CKV_AWS_277": "aws-ec2-sg-all-ports-open",
	"CKV2_AWS_11": "aws-ec2-vpc-flow-logs-disabled",
	"CKV2_AWS_12": "aws-ec2-sg-default-has-rules",
	// trivy (AVD IDs) and tfsec (long IDs) name the same rules
	"AVD-AWS-0092":                               "aws-s3-bucket-public-acl",
	"aws-s3-no-public-access-with-acl":           "aws-s3-bucket-public-acl",
	"AVD-AWS-0088":                               "aws-s3-bucket-default-encryption-missing",
	"aws-s3-enable-bucket-encryption":            "aws-s3-bucket-default-encryption-missing",
	"AVD-AWS-0065":                               "aws-kms-key-rotation-disabled",
	"aws-kms-auto-rotate-keys":                   "aws-kms-key-rotation-disabled",
	"AVD-AWS-0026":                               "aws-ec2-ebs-volume-unencrypted",
	"aws-ec2-enable-volume-encryption":           "aws-ec2-ebs-volume-unencrypted",
	"AVD-AWS-0028":                               "aws-ec2-instance-imdsv1",
	"aws-ec2-enforce-http-token-imds":            "aws-ec2-instance-imdsv1",
	"AVD-AWS-0080":                               "aws-rds-storage-unencrypted",
	"aws-rds-encrypt-instance-storage-data":      "aws-rds-storage-unencrypted",
	"AVD-AWS-0082":                               "aws-rds-instance-public",
	"aws-rds-no-public-db-access":                "aws-rds-instance-public",
	"AVD-AWS-0014":                               "aws-cloudtrail-multi-region-missing",
	"aws-cloudtrail-enable-all-regions":          "aws-cloudtrail-multi-region-missing",
	"AVD-AWS-0016":                               "aws-cloudtrail-log-validation-disabled",
	"aws-cloudtrail-enable-log-validation":       "aws-cloudtrail-log-validation-disabled",
	"AVD-AWS-0015":                               "aws-cloudtrail-kms-encryption-missing",
	"aws-cloudtrail-encryption-customer-key":     "aws-cloudtrail-kms-encryption-missing",
	"AVD-AWS-0037":                               "aws-efs-unencrypted",
	"aws-efs-enable-at-rest-encryption":          "aws-efs-unencrypted",
	"AVD-AWS-0173":                               "aws-ec2-sg-default-has-rules",
	"AVD-AWS-0178":                               "aws-ec2-vpc-flow-logs-disabled",
	"aws-ec2-require-vpc-flow-logs-for-all-vpcs": "aws-ec2-vpc-flow-logs-disabled",
}

// OurID returns our check ID for an ID written in a directive of tool.
func OurID(tool, id string) (string, bool) {
	if tool == "cloudward" {
		return id, true
	}
	ours, ok := peerIDs[id]
	return ours, ok
}

// PeerTable returns a copy of the peer ID -> check ID table (for docs and
// tests).
func PeerTable() map[string]string {
	out := make(map[string]string, len(peerIDs))
	for k, v := range peerIDs {
		out[k] = v
	}
	return out
}
