package aws

import (
	"github.com/cloudward/cloudward/internal/check"
	awsm "github.com/cloudward/cloudward/internal/model/aws"
)

var ebsVolumeUnencrypted = check.AWS(check.Meta{
	ID:           "aws-ec2-ebs-volume-unencrypted",
	Title:        "EBS volume is not encrypted",
	Severity:     check.Medium,
	Domain:       check.Encryption,
	Service:      "ec2",
	ResourceType: awsm.TypeVolume,
	Rationale: "An unencrypted EBS volume, and every snapshot taken from it, holds its data in the clear: a snapshot shared or made " +
		"public by mistake, or copied by someone with ec2:CreateSnapshot, is readable without any KMS permission. Encryption with " +
		"KMS adds a key policy as a second access control and an audit trail of key use.",
	Remediation: check.Remediation{
		Console: "A volume cannot be encrypted in place. EC2 console > Volumes > select the volume > Actions > Create snapshot; " +
			"Snapshots > select it > Actions > Copy snapshot with 'Encrypt this snapshot' and a KMS key; create a volume from the copy, " +
			"stop the instance, swap the volumes, then delete the unencrypted volume and snapshot.",
		CLI: "aws ec2 create-snapshot --volume-id vol-0123456789abcdef0 --description pre-encryption\n" +
			"aws ec2 copy-snapshot --source-region us-east-1 --source-snapshot-id snap-0123456789abcdef0 --encrypted --kms-key-id alias/aws/ebs\n" +
			"aws ec2 create-volume --snapshot-id snap-0fedcba9876543210 --availability-zone us-east-1a --encrypted",
		Terraform: "resource \"aws_ebs_volume\" \"data\" {\n  availability_zone = \"us-east-1a\"\n  size              = 100\n" +
			"  encrypted         = true\n  kms_key_id        = aws_kms_key.ebs.arn\n}",
	},
	References: []string{
		"https://docs.aws.amazon.com/ebs/latest/userguide/ebs-encryption.html",
		"https://docs.aws.amazon.com/ebs/latest/userguide/encrypt-unencrypted.html",
	},
	Frameworks: map[string][]string{},
}, func(inv *awsm.Inventory) []*awsm.Volume { return inv.Volumes }, evalEBSVolumeUnencrypted)

func evalEBSVolumeUnencrypted(_ *check.Env, v *awsm.Volume) check.Result {
	enc, ok := v.Encrypted.Get()
	switch {
	case !ok:
		return check.UnknownOf("Encrypted", v.Encrypted)
	case enc:
		return check.PassResult("the volume is encrypted")
	}
	return check.FailResult("the volume is not encrypted", check.Ev(v.Encrypted.Source(), "Encrypted is false for %s", v.ID))
}

var ebsDefaultEncryptionOff = check.AWS(check.Meta{
	ID:           "aws-ec2-ebs-default-encryption-off",
	Title:        "EBS encryption by default is off in the region",
	Severity:     check.Medium,
	Domain:       check.Encryption,
	Service:      "ec2",
	ResourceType: awsm.TypeRegion,
	Rationale: "EBS encryption by default is a per-region account setting that makes every new volume and snapshot copy encrypted " +
		"whatever the launch template, console user or tool asks for. Without it, one forgotten flag creates unencrypted storage.",
	Remediation: check.Remediation{
		Console: "EC2 console (in each region) > Dashboard > Account attributes > Data protection and security > Manage: " +
			"check 'Always encrypt new EBS volumes', optionally choose a customer-managed KMS key, Update.",
		CLI:       "aws ec2 enable-ebs-encryption-by-default --region us-east-1",
		Terraform: "# One per region (provider alias)\nresource \"aws_ebs_encryption_by_default\" \"this\" {\n  enabled = true\n}",
	},
	References: []string{
		"https://docs.aws.amazon.com/ebs/latest/userguide/encryption-by-default.html",
		"https://docs.aws.amazon.com/cli/latest/reference/ec2/enable-ebs-encryption-by-default.html",
	},
	Frameworks: map[string][]string{CIS: {"5.1.1"}},
}, func(inv *awsm.Inventory) []*awsm.Region { return inv.Regions }, evalEBSDefaultEncryption)

func evalEBSDefaultEncryption(_ *check.Env, r *awsm.Region) check.Result {
	on, ok := r.EBSEncryptionByDefault.Get()
	switch {
	case !ok:
		return check.UnknownOf("EbsEncryptionByDefault", r.EBSEncryptionByDefault)
	case on:
		return check.PassResult("EBS encryption by default is on")
	}
	return check.FailResult("EBS encryption by default is off",
		check.Ev(r.EBSEncryptionByDefault.Source(), "EbsEncryptionByDefault is false in %s", r.Region))
}
