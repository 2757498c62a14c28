package aws

import (
	"fmt"
	"slices"
	"strings"

	"github.com/cloudward/cloudward/internal/check"
	"github.com/cloudward/cloudward/internal/model"
	awsm "github.com/cloudward/cloudward/internal/model/aws"
)

// CIS AWS v4.0.1 checks answered by data the model already holds (IAM
// attachments, instance profiles, bucket versioning and logging, RDS
// settings, trail selectors, security-group rules).

// cisModelChecks lists them.
func cisModelChecks() []*check.Check {
	return []*check.Check{
		iamSupportRoleMissing,
		instanceNoProfile,
		iamCloudShellFullAccess,
		s3MFADeleteDisabled,
		rdsAutoMinorUpgradeDisabled,
		rdsMultiAZDisabled,
		cloudtrailBucketAccessLoggingDisabled,
		cloudtrailS3WriteEventsMissing,
		cloudtrailS3ReadEventsMissing,
		sgCIFSOpen,
	}
}

// cisAWSManaged reports whether arn is the AWS-managed policy name in any
// partition (arn:aws:..., arn:aws-us-gov:..., arn:aws-cn:...).
func cisAWSManaged(arn, name string) bool {
	suffix := ":iam::aws:policy/" + name
	return strings.HasPrefix(arn, "arn:") && strings.HasSuffix(arn, suffix) &&
		strings.IndexByte(arn[len("arn:"):len(arn)-len(suffix)], ':') < 0
}

// cisAttached returns the attachment of the AWS-managed policy name, or nil.
func cisAttached(list []awsm.AttachedPolicy, name string) *awsm.AttachedPolicy {
	for i := range list {
		if cisAWSManaged(list[i].ARN, name) {
			return &list[i]
		}
	}
	return nil
}

// cisAuthDetailsSource is where IAM attachments come from, for evidence of
// an account-wide absence.
func cisAuthDetailsSource(inv *awsm.Inventory) model.Source {
	region := "global"
	if c, ok := inv.CoverageOf("iam", "get-account-authorization-details"); ok && c.Region != "" {
		region = c.Region
	}
	return model.Source{File: region + "/iam/get-account-authorization-details.json"}
}

var iamSupportRoleMissing = check.AWS(check.Meta{
	ID:           "aws-iam-support-role-missing",
	Title:        "No IAM principal holds AWSSupportAccess to manage incidents with AWS Support",
	Severity:     check.Low,
	Domain:       check.Identity,
	Service:      "iam",
	ResourceType: awsm.TypeAccount,
	Rationale: "During an incident someone must be able to open and follow AWS Support cases. Without a role that carries " +
		"AWSSupportAccess, teams reach for the root user or an administrator to do it; a dedicated, assumable support role " +
		"keeps that task least-privilege and auditable. cloudward passes when a role, group or user has it attached (CIS asks " +
		"for a role; the evidence names the principal).",
	Remediation: check.Remediation{
		Console: "IAM console > Roles > Create role: trusted entity your account (or your identity provider), attach the AWS " +
			"managed policy AWSSupportAccess, name it e.g. aws-support, and let the incident responders assume it.",
		CLI: "aws iam create-role --role-name aws-support --assume-role-policy-document file://trust.json\n" +
			"aws iam attach-role-policy --role-name aws-support --policy-arn arn:aws:iam::aws:policy/AWSSupportAccess",
		Terraform: "resource \"aws_iam_role\" \"support\" {\n  name               = \"aws-support\"\n" +
			"  assume_role_policy = data.aws_iam_policy_document.support_trust.json\n}\n\n" +
			"resource \"aws_iam_role_policy_attachment\" \"support\" {\n  role       = aws_iam_role.support.name\n" +
			"  policy_arn = \"arn:aws:iam::aws:policy/AWSSupportAccess\"\n}",
	},
	References: []string{
		"https://docs.aws.amazon.com/awssupport/latest/user/accessing-support.html",
		"https://docs.aws.amazon.com/aws-managed-policy/latest/reference/AWSSupportAccess.html",
	},
	Frameworks: map[string][]string{CIS: {"1.17"}},
}, accountList, func(env *check.Env, _ *awsm.Account) check.Result {
	inv := env.AWS
	if res, ok := iamAuthDetailsUnknown(inv, "IAM policy attachments"); !ok {
		return res
	}
	// A role is what CIS asks for; a user or group holding the policy still
	// lets the account work with Support, so it passes with its name.
	for _, r := range inv.Roles {
		if ap := cisAttached(r.AttachedPolicies, "AWSSupportAccess"); ap != nil {
			return check.PassResult("role "+r.Name+" has AWSSupportAccess", check.Ev(ap.Source, "AWSSupportAccess attached to role %s", r.Name))
		}
	}
	for _, g := range inv.Groups {
		if ap := cisAttached(g.AttachedPolicies, "AWSSupportAccess"); ap != nil {
			return check.PassResult("group "+g.Name+" has AWSSupportAccess", check.Ev(ap.Source, "AWSSupportAccess attached to group %s", g.Name))
		}
	}
	for _, u := range inv.Users {
		if ap := cisAttached(u.AttachedPolicies, "AWSSupportAccess"); ap != nil {
			return check.PassResult("user "+iamUserName(u)+" has AWSSupportAccess",
				check.Ev(ap.Source, "AWSSupportAccess attached to user %s", iamUserName(u)))
		}
	}
	return check.FailResult("no role, group or user has the AWSSupportAccess policy attached",
		check.Ev(cisAuthDetailsSource(inv), "none of %s, %s or %s has arn:aws:iam::aws:policy/AWSSupportAccess attached",
			iamPlural(len(inv.Roles), "role"), iamPlural(len(inv.Groups), "group"), iamPlural(len(inv.Users), "user")))
})

var instanceNoProfile = check.AWS(check.Meta{
	ID:           "aws-ec2-instance-no-profile",
	Title:        "EC2 instance has no IAM instance profile",
	Severity:     check.Low,
	Domain:       check.Identity,
	Service:      "ec2",
	ResourceType: awsm.TypeInstance,
	Rationale: "Software on an instance that needs AWS access gets short-lived, automatically rotated credentials from an " +
		"instance profile. Instances without one tend to end up with long-lived access keys in configuration files or " +
		"environment variables, which leak with images, backups and logs.",
	Remediation: check.Remediation{
		Console: "EC2 console > Instances > select the instance > Actions > Security > Modify IAM role: choose a role with " +
			"only the permissions the workload needs (an empty role is fine), then remove any access keys stored on the host.",
		CLI: "aws ec2 associate-iam-instance-profile --instance-id i-0123456789abcdef0 --iam-instance-profile Name=web-app",
		Terraform: "resource \"aws_iam_instance_profile\" \"web\" {\n  name = \"web-app\"\n  role = aws_iam_role.web.name\n}\n\n" +
			"resource \"aws_instance\" \"web\" {\n  # ...\n  iam_instance_profile = aws_iam_instance_profile.web.name\n}",
	},
	References: []string{
		"https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/iam-roles-for-amazon-ec2.html",
		"https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_use_switch-role-ec2_instance-profiles.html",
	},
	Frameworks: map[string][]string{CIS: {"1.18"}},
}, func(inv *awsm.Inventory) []*awsm.Instance { return inv.Instances }, evalInstanceNoProfile)

// evalInstanceNoProfile: CIS looks at running instances; stopped ones run no
// software and terminated ones are gone. An unknown state (IaC) is judged.
func evalInstanceNoProfile(_ *check.Env, in *awsm.Instance) check.Result {
	if st, ok := in.State.Get(); ok && st != "running" && st != "pending" {
		return check.Skip()
	}
	arn, ok := in.InstanceProfile.Get()
	switch {
	case !ok:
		return check.UnknownOf("IamInstanceProfile", in.InstanceProfile)
	case arn == "":
		return check.FailResult("the instance has no IAM instance profile",
			check.Ev(in.InstanceProfile.Source(), "instance %s has no IamInstanceProfile", in.ID))
	}
	return check.PassResult("the instance has an IAM instance profile")
}

var iamCloudShellFullAccess = check.AWS(check.Meta{
	ID:           "aws-iam-cloudshell-full-access",
	Title:        "AWSCloudShellFullAccess is attached to an IAM principal",
	Severity:     check.Medium,
	Domain:       check.Identity,
	Service:      "iam",
	ResourceType: awsm.TypeUser + ", " + awsm.TypeGroup + ", " + awsm.TypeRole,
	Rationale: "AWSCloudShellFullAccess lets its holder upload and download files to a CloudShell environment with internet " +
		"access: an easy channel to bring in tools or carry data out that bypasses network controls. Grant the narrower " +
		"AWSCloudShellPowerUser-style permissions without file transfer, or none.",
	Remediation: check.Remediation{
		Console: "IAM console > Policies > AWSCloudShellFullAccess > Entities attached: detach it from every user, group and " +
			"role; grant a custom policy that denies cloudshell:GetFileUploadUrls and cloudshell:GetFileDownloadUrls where CloudShell is needed.",
		CLI: "aws iam list-entities-for-policy --policy-arn arn:aws:iam::aws:policy/AWSCloudShellFullAccess\n" +
			"aws iam detach-role-policy --role-name <role> --policy-arn arn:aws:iam::aws:policy/AWSCloudShellFullAccess\n" +
			"aws iam detach-user-policy --user-name <user> --policy-arn arn:aws:iam::aws:policy/AWSCloudShellFullAccess\n" +
			"aws iam detach-group-policy --group-name <group> --policy-arn arn:aws:iam::aws:policy/AWSCloudShellFullAccess",
		Terraform: "# Remove every aws_iam_*_policy_attachment of AWSCloudShellFullAccess, e.g.:\n" +
			"# resource \"aws_iam_role_policy_attachment\" \"cloudshell\" {\n#   policy_arn = \"arn:aws:iam::aws:policy/AWSCloudShellFullAccess\"\n# }",
	},
	References: []string{
		"https://docs.aws.amazon.com/cloudshell/latest/userguide/sec-auth-with-identities.html",
		"https://docs.aws.amazon.com/aws-managed-policy/latest/reference/AWSCloudShellFullAccess.html",
	},
	Frameworks: map[string][]string{CIS: {"1.22"}},
}, cisPrincipals, func(env *check.Env, p model.Resource) check.Result {
	if res, ok := iamAuthDetailsUnknown(env.AWS, "IAM policy attachments"); !ok {
		return res
	}
	var list []awsm.AttachedPolicy
	var kind, name string
	switch v := p.(type) {
	case *awsm.User:
		list, kind, name = v.AttachedPolicies, "user", iamUserName(v)
	case *awsm.Group:
		list, kind, name = v.AttachedPolicies, "group", v.Name
	case *awsm.Role:
		list, kind, name = v.AttachedPolicies, "role", v.Name
	}
	if ap := cisAttached(list, "AWSCloudShellFullAccess"); ap != nil {
		return check.FailResult(kind+" "+name+" has AWSCloudShellFullAccess attached",
			check.Ev(ap.Source, "%s is attached to %s %s", ap.ARN, kind, name))
	}
	return check.PassResult("AWSCloudShellFullAccess is not attached")
})

// cisPrincipals lists users, groups and roles; service-linked roles are
// AWS-managed and cannot carry customer attachments, so they are left out.
func cisPrincipals(inv *awsm.Inventory) []model.Resource {
	out := make([]model.Resource, 0, len(inv.Users)+len(inv.Groups)+len(inv.Roles))
	for _, u := range inv.Users {
		out = append(out, u)
	}
	for _, g := range inv.Groups {
		out = append(out, g)
	}
	for _, r := range inv.Roles {
		if !r.IsServiceLinked() {
			out = append(out, r)
		}
	}
	return out
}

var s3MFADeleteDisabled = check.AWS(check.Meta{
	ID:           "aws-s3-bucket-mfa-delete-disabled",
	Title:        "S3 bucket does not have MFA Delete enabled",
	Severity:     check.Low,
	Domain:       check.Exposure,
	Service:      "s3",
	ResourceType: awsm.TypeBucket,
	Rationale: "MFA Delete makes permanently deleting an object version or changing the bucket's versioning state require the " +
		"root user's MFA code, so stolen IAM credentials cannot destroy the bucket's history. It only exists on versioned " +
		"buckets: a bucket without versioning fails too, because nothing protects its objects from deletion.",
	Remediation: check.Remediation{
		Console: "MFA Delete cannot be set in the console. Signed in as root with an MFA device, use the CLI command below; " +
			"versioning must be enabled in the same call.",
		CLI: "aws s3api put-bucket-versioning --bucket <bucket> --versioning-configuration Status=Enabled,MFADelete=Enabled " +
			"--mfa 'arn:aws:iam::<account-id>:mfa/root-account-mfa-device 123456'",
		Terraform: "resource \"aws_s3_bucket_versioning\" \"this\" {\n  bucket = aws_s3_bucket.this.id\n  mfa    = \"<serial> <code>\"\n" +
			"  versioning_configuration {\n    status     = \"Enabled\"\n    mfa_delete = \"Enabled\"\n  }\n}",
	},
	References: []string{
		"https://docs.aws.amazon.com/AmazonS3/latest/userguide/MultiFactorAuthenticationDelete.html",
		"https://docs.aws.amazon.com/cli/latest/reference/s3api/put-bucket-versioning.html",
	},
	Frameworks: map[string][]string{CIS: {"2.1.2"}},
}, func(inv *awsm.Inventory) []*awsm.Bucket { return inv.Buckets }, evalS3MFADelete)

func evalS3MFADelete(_ *check.Env, b *awsm.Bucket) check.Result {
	mfa, ok := b.MFADelete.Get()
	if !ok {
		return check.UnknownOf("MFADelete (get-bucket-versioning)", b.MFADelete)
	}
	if mfa == "Enabled" {
		return check.PassResult("MFA Delete is enabled")
	}
	state := "is " + fmt.Sprintf("%q", mfa)
	if mfa == "" {
		state = "was never enabled"
	}
	ev := []check.Evidence{check.Ev(b.MFADelete.Source(), "MFADelete %s", state)}
	if v, ok := b.Versioning.Get(); ok && v != "Enabled" {
		ev = append(ev, check.Ev(b.Versioning.Source(), "versioning is not enabled (Status %q); MFA Delete requires it", v))
	}
	return check.FailResult("MFA Delete is not enabled on bucket "+b.Name, ev...)
}

var rdsAutoMinorUpgradeDisabled = check.AWS(check.Meta{
	ID:           "aws-rds-auto-minor-upgrade-disabled",
	Title:        "RDS instance does not apply minor engine upgrades automatically",
	Severity:     check.Low,
	Domain:       check.Exposure,
	Service:      "rds",
	ResourceType: awsm.TypeDBInstance,
	Rationale: "Minor engine versions carry security fixes. With auto minor version upgrade on, RDS applies them in the " +
		"maintenance window instead of leaving known vulnerabilities in place until someone remembers to upgrade.",
	Remediation: check.Remediation{
		Console:   "RDS console > Databases > the instance > Modify > Maintenance: Auto minor version upgrade: Enable > Continue > Apply during the next maintenance window.",
		CLI:       "aws rds modify-db-instance --db-instance-identifier <db> --auto-minor-version-upgrade --no-apply-immediately",
		Terraform: "resource \"aws_db_instance\" \"this\" {\n  # ...\n  auto_minor_version_upgrade = true\n}",
	},
	References: []string{"https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/USER_UpgradeDBInstance.Upgrading.html#USER_UpgradeDBInstance.Upgrading.AutoMinorVersionUpgrades"},
	Frameworks: map[string][]string{CIS: {"2.2.2"}},
}, func(inv *awsm.Inventory) []*awsm.DBInstance { return inv.DBInstances }, func(_ *check.Env, d *awsm.DBInstance) check.Result {
	on, ok := d.AutoMinorVersionUpgrade.Get()
	switch {
	case !ok:
		return check.UnknownOf("AutoMinorVersionUpgrade", d.AutoMinorVersionUpgrade)
	case !on:
		return check.FailResult("auto minor version upgrade is disabled",
			check.Ev(d.AutoMinorVersionUpgrade.Source(), "AutoMinorVersionUpgrade is false for %s", d.ID))
	}
	return check.PassResult("auto minor version upgrade is enabled")
})

var rdsMultiAZDisabled = check.AWS(check.Meta{
	ID:           "aws-rds-multi-az-disabled",
	Title:        "RDS instance is not deployed across multiple Availability Zones",
	Severity:     check.Medium,
	Domain:       check.Exposure,
	Service:      "rds",
	ResourceType: awsm.TypeDBInstance,
	Rationale: "A Multi-AZ deployment keeps a synchronous standby in another Availability Zone and fails over to it " +
		"automatically, so an AZ outage, a host failure or maintenance does not take the database (and its data) offline. " +
		"An Aurora instance is judged by its DB cluster (describe-db-clusters MultiAZ: instances in more than one " +
		"Availability Zone); UNKNOWN when the cluster was not collected.",
	Remediation: check.Remediation{
		Console:   "RDS console > Databases > the instance > Modify > Availability & durability: Create a standby instance (Multi-AZ) > Continue > Apply.",
		CLI:       "aws rds modify-db-instance --db-instance-identifier <db> --multi-az --apply-immediately",
		Terraform: "resource \"aws_db_instance\" \"this\" {\n  # ...\n  multi_az = true\n}",
	},
	References: []string{"https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/Concepts.MultiAZ.html"},
	Frameworks: map[string][]string{CIS: {"2.2.4"}},
}, func(inv *awsm.Inventory) []*awsm.DBInstance { return inv.DBInstances }, func(env *check.Env, d *awsm.DBInstance) check.Result {
	// Aurora replicates storage across AZs and places replicas at cluster
	// level; the instance's MultiAZ flag says nothing about it.
	if engine, ok := d.Engine.Get(); ok && strings.HasPrefix(engine, "aurora") {
		return auroraMultiAZ(env.AWS, d, engine)
	}
	on, ok := d.MultiAZ.Get()
	switch {
	case !ok:
		return check.UnknownOf("MultiAZ", d.MultiAZ)
	case !on:
		return check.FailResult("the instance is single-AZ", check.Ev(d.MultiAZ.Source(), "MultiAZ is false for %s", d.ID))
	}
	return check.PassResult("the instance is Multi-AZ")
})

var cloudtrailBucketAccessLoggingDisabled = check.AWS(check.Meta{
	ID:           "aws-cloudtrail-bucket-access-logging-disabled",
	Title:        "CloudTrail trail's S3 bucket has no server access logging",
	Severity:     check.Medium,
	Domain:       check.Logging,
	Service:      "cloudtrail",
	ResourceType: awsm.TypeTrail,
	Rationale: "Server access logs on the CloudTrail bucket record who read, overwrote or deleted the account's audit " +
		"trail. Without them, access to the logs themselves, for reconnaissance or to cover tracks, goes unseen. A trail " +
		"delivering to a bucket of another account (a log-archive account) is UNKNOWN here: scan that account.",
	Remediation: check.Remediation{
		Console: "S3 console > the trail's bucket > Properties > Server access logging > Edit: Enable, choose a separate " +
			"target bucket (not the trail bucket itself) > Save changes.",
		CLI: "aws s3api put-bucket-logging --bucket <trail-bucket> --bucket-logging-status " +
			"'{\"LoggingEnabled\":{\"TargetBucket\":\"<access-log-bucket>\",\"TargetPrefix\":\"cloudtrail/\"}}'",
		Terraform: "resource \"aws_s3_bucket_logging\" \"trail\" {\n  bucket        = aws_s3_bucket.trail.id\n" +
			"  target_bucket = aws_s3_bucket.access_logs.id\n  target_prefix = \"cloudtrail/\"\n}",
	},
	References: []string{
		"https://docs.aws.amazon.com/AmazonS3/latest/userguide/ServerLogs.html",
		"https://docs.aws.amazon.com/awscloudtrail/latest/userguide/best-practices-security.html",
	},
	Frameworks: map[string][]string{CIS: {"3.4"}},
}, logTrailList, evalTrailBucketLogging)

func evalTrailBucketLogging(env *check.Env, t *awsm.Trail) check.Result {
	name, ok := t.S3BucketName.Get()
	switch {
	case !ok:
		return check.UnknownOf("S3BucketName", t.S3BucketName)
	case name == "":
		return check.UnknownResult("the trail names no S3 bucket", check.Ev(t.S3BucketName.Source(), "S3BucketName is empty"))
	}
	var b *awsm.Bucket
	for _, x := range env.AWS.Buckets {
		if x.Name == name {
			b = x
			break
		}
	}
	if b == nil {
		// Typically a central log-archive account's bucket: scan that account.
		return check.UnknownResult("trail bucket "+name+" is not in this account's inventory",
			check.Ev(t.S3BucketName.Source(), "S3BucketName %s is not among the collected buckets (another account's bucket?)", name))
	}
	target, ok := b.LoggingTarget.Get()
	switch {
	case !ok:
		return check.UnknownOf("server access logging of bucket "+name, b.LoggingTarget)
	case target == "":
		return check.FailResult("trail bucket "+name+" has no server access logging",
			check.Ev(b.LoggingTarget.Source(), "bucket %s has no LoggingEnabled (get-bucket-logging)", name))
	}
	return check.PassResult("trail bucket " + name + " logs access to " + target)
}

var cloudtrailS3WriteEventsMissing = check.AWS(check.Meta{
	ID:           "aws-cloudtrail-s3-object-write-events-missing",
	Title:        "No multi-region trail records S3 object-level write events for all buckets",
	Severity:     check.Medium,
	Domain:       check.Logging,
	Service:      "cloudtrail",
	ResourceType: awsm.TypeAccount,
	Rationale: "Management events do not show PutObject, DeleteObject or CopyObject. Without object-level write data " +
		"events, who changed or destroyed data in a bucket cannot be established after an incident. A trail counts when it " +
		"is multi-region, logging, and selects AWS::S3::Object for all buckets (basic selector value arn:aws:s3, or an " +
		"advanced selector on eventCategory Data and resources.type AWS::S3::Object with no narrowing field).",
	Remediation: check.Remediation{
		Console: "CloudTrail console > Trails > the multi-region trail > Data events > Edit: Add data event type S3, Log " +
			"selector template 'Log all events' (or 'Log writeonly events') for all current and future buckets > Save changes.",
		CLI: "aws cloudtrail put-event-selectors --trail-name <trail> --advanced-event-selectors " +
			"'[{\"Name\":\"Management events\",\"FieldSelectors\":[{\"Field\":\"eventCategory\",\"Equals\":[\"Management\"]}]},{\"Name\":\"S3 data events\",\"FieldSelectors\":[{\"Field\":\"eventCategory\",\"Equals\":[\"Data\"]},{\"Field\":\"resources.type\",\"Equals\":[\"AWS::S3::Object\"]}]}]'",
		Terraform: "resource \"aws_cloudtrail\" \"this\" {\n  # ...\n  is_multi_region_trail = true\n  advanced_event_selector {\n" +
			"    name = \"S3 data events\"\n    field_selector {\n      field  = \"eventCategory\"\n      equals = [\"Data\"]\n    }\n" +
			"    field_selector {\n      field  = \"resources.type\"\n      equals = [\"AWS::S3::Object\"]\n    }\n  }\n}",
	},
	References: []string{"https://docs.aws.amazon.com/awscloudtrail/latest/userguide/logging-data-events-with-cloudtrail.html"},
	Frameworks: map[string][]string{CIS: {"3.8"}},
}, accountList, func(env *check.Env, _ *awsm.Account) check.Result {
	return logS3DataEvents(env.AWS.Trails, false)
})

var cloudtrailS3ReadEventsMissing = check.AWS(check.Meta{
	ID:           "aws-cloudtrail-s3-object-read-events-missing",
	Title:        "No multi-region trail records S3 object-level read events for all buckets",
	Severity:     check.Medium,
	Domain:       check.Logging,
	Service:      "cloudtrail",
	ResourceType: awsm.TypeAccount,
	Rationale: "Management events do not show GetObject. Without object-level read data events, whether data was read " +
		"(exfiltrated) from a bucket, and by whom, cannot be established after credentials leak. A trail counts when it " +
		"is multi-region, logging, and selects AWS::S3::Object for all buckets (basic selector value arn:aws:s3, or an " +
		"advanced selector on eventCategory Data and resources.type AWS::S3::Object with no narrowing field).",
	Remediation: check.Remediation{
		Console: "CloudTrail console > Trails > the multi-region trail > Data events > Edit: Add data event type S3, Log " +
			"selector template 'Log all events' (or 'Log readOnly events') for all current and future buckets > Save changes.",
		CLI: "aws cloudtrail put-event-selectors --trail-name <trail> --event-selectors " +
			"'[{\"ReadWriteType\":\"All\",\"IncludeManagementEvents\":true,\"DataResources\":[{\"Type\":\"AWS::S3::Object\",\"Values\":[\"arn:aws:s3\"]}]}]'",
		Terraform: "resource \"aws_cloudtrail\" \"this\" {\n  # ...\n  is_multi_region_trail = true\n  event_selector {\n" +
			"    read_write_type           = \"All\"\n    include_management_events = true\n    data_resource {\n" +
			"      type   = \"AWS::S3::Object\"\n      values = [\"arn:aws:s3\"]\n    }\n  }\n}",
	},
	References: []string{"https://docs.aws.amazon.com/awscloudtrail/latest/userguide/logging-data-events-with-cloudtrail.html"},
	Frameworks: map[string][]string{CIS: {"3.9"}},
}, accountList, func(env *check.Env, _ *awsm.Account) check.Result {
	return logS3DataEvents(env.AWS.Trails, true)
})

// logS3AllBuckets reports whether a basic data-resource value selects the
// objects of every bucket: "arn:aws:s3" or "arn:aws:s3:::" in any partition.
func logS3AllBuckets(v string) bool {
	v = strings.TrimSuffix(v, ":::")
	return strings.HasPrefix(v, "arn:") && strings.HasSuffix(v, ":s3") && strings.Count(v, ":") == 2
}

// logBasicS3Data reports whether basic selectors record S3 object events of
// every bucket for reads (read true) or writes.
func logBasicS3Data(sels []awsm.EventSelector, read bool) bool {
	want := "WriteOnly"
	if read {
		want = "ReadOnly"
	}
	for _, s := range sels {
		if s.ReadWriteType != "All" && s.ReadWriteType != want {
			continue
		}
		for _, d := range s.DataResources {
			if d.Type != "AWS::S3::Object" {
				continue
			}
			for _, v := range d.Values {
				if logS3AllBuckets(v) {
					return true
				}
			}
		}
	}
	return false
}

// logAdvancedS3Data reports whether an advanced selector records S3 object
// events of every bucket for reads or writes. Fields other than
// eventCategory, resources.type and readOnly (eventName, resources.ARN, ...)
// narrow the selection, so such a selector does not count.
func logAdvancedS3Data(s *awsm.AdvancedEventSelector, read bool) bool {
	data, objects := false, false
	for _, f := range s.FieldSelectors {
		narrowing := len(f.NotEquals)+len(f.StartsWith)+len(f.NotStartsWith)+len(f.EndsWith)+len(f.NotEndsWith) > 0
		switch {
		case strings.EqualFold(f.Field, "eventCategory"):
			data = !narrowing && slicesContain(f.Equals, "Data")
		case strings.EqualFold(f.Field, "resources.type"):
			objects = !narrowing && slicesContain(f.Equals, "AWS::S3::Object")
		case strings.EqualFold(f.Field, "readOnly"):
			want := "false"
			if read {
				want = "true"
			}
			if narrowing || !slicesContain(f.Equals, want) {
				return false
			}
		default:
			return false
		}
	}
	return data && objects
}

func slicesContain(list []string, v string) bool {
	for _, x := range list {
		if x == v {
			return true
		}
	}
	return false
}

// logRecordsS3Data is logRecordsManagementRW for S3 object data events.
func logRecordsS3Data(t *awsm.Trail, read bool) logTri {
	basic, basicOK := t.EventSelectors.Get()
	adv, advOK := t.AdvancedSelectors.Get()
	if !basicOK && !advOK {
		return logUnknown
	}
	if logBasicS3Data(basic, read) {
		return logYes
	}
	for i := range adv {
		if logAdvancedS3Data(&adv[i], read) {
			return logYes
		}
	}
	return logNo
}

// logS3DataEvents passes when a multi-region, logging trail records S3
// object read (read true) or write events for all buckets.
func logS3DataEvents(trails awsm.TrailList, read bool) check.Result {
	what := "S3 object write events for all buckets"
	if read {
		what = "S3 object read events for all buckets"
	}
	return logAccountTrail(trails, what, func(t *awsm.Trail) logTri { return logRecordsS3Data(t, read) })
}

var sgCIFSOpen = check.AWS(check.Meta{
	ID:           "aws-ec2-sg-cifs-open",
	Title:        "Security group allows CIFS/SMB (445) from the internet",
	Severity:     check.High,
	Domain:       check.Network,
	Service:      "ec2",
	ResourceType: awsm.TypeSecurityGroup,
	Rationale: "SMB on TCP 445 open to 0.0.0.0/0 or ::/0 exposes file shares and the SMB stack itself, the vector of " +
		"WannaCry and NotPetya (EternalBlue); it should only ever be reachable from trusted networks.",
	Remediation: check.Remediation{
		Console: "EC2 console > Security Groups > select the group > Inbound rules > Edit inbound rules: delete the rules whose source is " +
			"0.0.0.0/0 or ::/0 and whose port range includes 445 (or that allow all traffic), or narrow the source to a trusted CIDR.",
		CLI: "aws ec2 revoke-security-group-ingress --group-id sg-0123456789abcdef0 --ip-permissions " +
			"'IpProtocol=tcp,FromPort=445,ToPort=445,IpRanges=[{CidrIp=0.0.0.0/0}]' 'IpProtocol=tcp,FromPort=445,ToPort=445,Ipv6Ranges=[{CidrIpv6=::/0}]'",
		Terraform: "resource \"aws_vpc_security_group_ingress_rule\" \"smb\" {\n  security_group_id = aws_security_group.example.id\n" +
			"  ip_protocol       = \"tcp\"\n  from_port         = 445\n  to_port           = 445\n  cidr_ipv4         = \"10.20.0.0/16\" # a trusted range, never 0.0.0.0/0\n}",
	},
	References: []string{
		"https://docs.aws.amazon.com/vpc/latest/userguide/security-group-rules.html",
		"https://docs.aws.amazon.com/securityhub/latest/userguide/ec2-controls.html",
	},
	Frameworks: map[string][]string{CIS: {"5.1.2"}},
}, netSecurityGroups, func(_ *check.Env, sg *awsm.SecurityGroup) check.Result {
	return netSGAdminPort(sg, 445, "CIFS (445)", "no ingress rule opens CIFS (445) to the internet")
})

// auroraMultiAZ judges an Aurora instance by the cluster whose members
// include it.
func auroraMultiAZ(inv *awsm.Inventory, d *awsm.DBInstance, engine string) check.Result {
	for _, c := range inv.Network.DBClusters {
		if c.Region != d.Region || !slices.Contains(c.Members, d.ID) {
			continue
		}
		on, ok := c.MultiAZ.Get()
		switch {
		case !ok:
			return check.UnknownOf("cluster "+c.ID+" MultiAZ", c.MultiAZ)
		case !on:
			return check.FailResult("the instance's Aurora cluster "+c.ID+" has no instance in another Availability Zone",
				check.Ev(c.MultiAZ.Source(), "MultiAZ is false for cluster %s (members %s)", c.ID, strings.Join(c.Members, ", ")))
		}
		return check.PassResult("the instance's Aurora cluster " + c.ID + " spans several Availability Zones")
	}
	reason := "no DB cluster read by describe-db-clusters lists it as a member"
	if c, ok := inv.CoverageOf("rds", "describe-db-clusters"); ok && c.Status != awsm.CoverageRead {
		reason = "describe-db-clusters " + string(c.Status) + " " + c.Detail
	}
	return check.UnknownResult("Multi-AZ of an Aurora instance is a property of its DB cluster: "+reason,
		check.Ev(d.Engine.Source(), "engine %s: %s", engine, reason))
}
