package snapshot

import (
	"reflect"
	"sort"
	"testing"
	"time"

	awsm "github.com/cloudward/cloudward/internal/model/aws"
)

const (
	acct   = "111122223333"
	authF  = "global/iam/get-account-authorization-details.json"
	credF  = "global/iam/get-credential-report.csv"
	sgF    = "us-east-1/ec2/describe-security-groups.json"
	volF   = "us-east-1/ec2/describe-volumes.json"
	k1     = "1234abcd-12ab-34cd-56ef-1234567890ab"
	k3     = "5a5a5a5a-1111-2222-3333-444455556666"
	logsBk = "cw-logs-111122223333"
)

func TestLoadBasicInventory(t *testing.T) {
	res := mustLoad(t, basicDir)
	inv := res.Inventory
	if inv.AccountID != acct || inv.Partition != "aws" {
		t.Errorf("account/partition = %q/%q", inv.AccountID, inv.Partition)
	}
	if want := time.Date(2024, 6, 1, 0, 0, 0, 0, time.UTC); !inv.CollectedAt.Equal(want) {
		t.Errorf("CollectedAt = %v, want %v", inv.CollectedAt, want)
	}
	if !reflect.DeepEqual(inv.RegionNames, []string{"eu-west-1", "us-east-1"}) {
		t.Errorf("RegionNames = %v", inv.RegionNames)
	}
	counts := map[string][2]int{
		"users": {len(inv.Users), 3}, "groups": {len(inv.Groups), 1}, "roles": {len(inv.Roles), 3},
		"policies": {len(inv.Policies), 2}, "buckets": {len(inv.Buckets), 3}, "security groups": {len(inv.SecurityGroups), 3},
		"instances": {len(inv.Instances), 2}, "volumes": {len(inv.Volumes), 2}, "vpcs": {len(inv.VPCs), 3},
		"nacls": {len(inv.NetworkACLs), 1}, "db instances": {len(inv.DBInstances), 2}, "kms keys": {len(inv.KMSKeys), 3},
		"regions": {len(inv.Regions), 2},
	}
	for what, c := range counts {
		if c[0] != c[1] {
			t.Errorf("%s: got %d, want %d", what, c[0], c[1])
		}
	}
	// The only warning is the stray file (an operation the layout does not read).
	if len(res.Warnings) != 1 || res.Warnings[0].File != "us-east-1/ec2/describe-images.json" {
		t.Errorf("warnings = %v, want one about us-east-1/ec2/describe-images.json", res.Warnings)
	}
	// Every list is sorted by ARN.
	arns := map[string][]string{}
	for _, x := range inv.SecurityGroups {
		arns["sg"] = append(arns["sg"], x.ARN)
	}
	for _, x := range inv.Users {
		arns["users"] = append(arns["users"], x.ARN)
	}
	for _, x := range inv.Buckets {
		arns["buckets"] = append(arns["buckets"], x.ARN)
	}
	for _, x := range inv.VPCs {
		arns["vpcs"] = append(arns["vpcs"], x.ARN)
	}
	for k, l := range arns {
		if !sort.StringsAreSorted(l) {
			t.Errorf("%s not sorted by ARN: %v", k, l)
		}
	}
	// Index was built.
	if inv.Policy("arn:aws:iam::aws:policy/AdministratorAccess") == nil || inv.Group("Admins") == nil {
		t.Error("inventory index not built")
	}
}

func TestLoadBasicIdentity(t *testing.T) {
	inv := mustLoad(t, basicDir).Inventory
	acctR := inv.Account
	if acctR.ARN != acct || acctR.Region != "global" {
		t.Errorf("account identity = %q/%q", acctR.ARN, acctR.Region)
	}
	root := inv.Root
	if root.ARN != "arn:aws:iam::"+acct+":root" || root.Region != "global" {
		t.Errorf("root identity = %q/%q", root.ARN, root.Region)
	}
	alice := find(t, inv.Users, func(u *awsm.User) bool { return u.Name == "alice" })
	bot := find(t, inv.Users, func(u *awsm.User) bool { return u.Name == "ci-bot" })
	newhire := find(t, inv.Users, func(u *awsm.User) bool { return u.Name == "newhire" })
	admins := inv.Group("Admins")
	web := find(t, inv.Roles, func(r *awsm.Role) bool { return r.Name == "web-instance" })
	partner := find(t, inv.Roles, func(r *awsm.Role) bool { return r.Name == "partner-audit" })
	ro := inv.Policy("arn:aws:iam::" + acct + ":policy/ReadOnlyS3")

	checkValues(t, []valueCase{
		{"password policy exists", view(acctR.PasswordPolicy.Exists), true, "true", "global/iam/get-account-password-policy.json", "PasswordPolicy"},
		{"password min length", view(acctR.PasswordPolicy.MinimumPasswordLength), true, "8", "", "PasswordPolicy.MinimumPasswordLength"},
		{"password reuse absent is 0", view(acctR.PasswordPolicy.PasswordReusePrevention), true, "0", "", "PasswordPolicy.PasswordReusePrevention"},
		{"password uppercase", view(acctR.PasswordPolicy.RequireUppercaseCharacters), true, "false", "", ""},
		{"summary known", view(acctR.Summary), true, anyValue, "global/iam/get-account-summary.json", "SummaryMap"},
		{"account BPA acls", view(acctR.S3PublicAccessBlock.BlockPublicAcls), true, "true", "global/s3control/get-public-access-block.json", "PublicAccessBlockConfiguration.BlockPublicAcls"},
		{"account BPA policy", view(acctR.S3PublicAccessBlock.BlockPublicPolicy), true, "false", "", ""},
		{"account BPA all on", view(acctR.S3PublicAccessBlock.AllOn()), true, "false", "", ""},

		{"root mfa from report", view(root.MFAEnabled), true, "false", credF, "mfa_active"},
		{"root key 1 active", view(root.Credentials.AccessKeys[0].Active), true, "true", credF, "access_key_1_active"},
		{"root password not_supported", view(root.Credentials.PasswordEnabled), false, "not_supported", credF, ""},
		{"root password last used", view(root.Credentials.PasswordLastUsed), true, "2024-05-20 08:15:00 +0000 UTC", credF, "password_last_used"},
		{"root key 2 never used", view(root.Credentials.AccessKeys[1].NeverUsed), true, "true", "", ""},
		// list-virtual-mfa-devices is collected and the root has no MFA at all: not hardware.
		{"root hardware mfa: root without MFA", view(root.HardwareMFA), true, "false", "", ""},

		{"alice in report", view(alice.Credentials.InReport), true, "true", credF, ""},
		{"alice mfa", view(alice.Credentials.MFAActive), true, "true", "", ""},
		{"alice password enabled", view(alice.Credentials.PasswordEnabled), true, "true", "", ""},
		{"alice password changed", view(alice.Credentials.PasswordLastChange), true, "2024-01-15 09:30:00 +0000 UTC", "", ""},
		{"alice key 1 rotated N/A", view(alice.Credentials.AccessKeys[0].LastRotated), false, "N/A", "", ""},
		{"alice create date", view(alice.CreateDate), true, "2021-02-03 10:11:12 +0000 UTC", authF, "UserDetailList[0].CreateDate"},
		{"alice tags", view(alice.Tags), true, "map[team:platform]", authF, "UserDetailList[0].Tags"},
		{"alice no boundary", view(alice.PermissionsBoundary), true, "", "", ""},

		{"bot password never used", view(bot.Credentials.PasswordNeverUsed), true, "true", "", ""},
		{"bot password last used N/A", view(bot.Credentials.PasswordLastUsed), false, "N/A", "", ""},
		{"bot key 2 active", view(bot.Credentials.AccessKeys[1].Active), true, "true", credF, "access_key_2_active"},
		{"bot key 2 never used", view(bot.Credentials.AccessKeys[1].NeverUsed), true, "true", "", ""},
		{"bot key 1 last used", view(bot.Credentials.AccessKeys[0].LastUsed), true, "2024-05-31 22:10:00 +0000 UTC", "", ""},
		{"bot key 1 service", view(bot.Credentials.AccessKeys[0].LastUsedSvc), true, "ec2", "", ""},
		{"bot key 1 region", view(bot.Credentials.AccessKeys[0].LastUsedRegn), true, "eu-west-1", "", ""},
		{"bot key 1 rotated", view(bot.Credentials.AccessKeys[0].LastRotated), true, "2020-07-01 00:05:00 +0000 UTC", "", ""},
		{"bot boundary", view(bot.PermissionsBoundary), true, "arn:aws:iam::" + acct + ":policy/ReadOnlyS3", authF, "UserDetailList[1].PermissionsBoundary.PermissionsBoundaryArn"},
		{"bot inline url-encoded", view(bot.InlinePolicies[0].Document), true, anyValue, authF, "UserDetailList[1].UserPolicyList[0].PolicyDocument"},

		{"newhire not in report", view(newhire.Credentials.InReport), true, "false", credF, ""},
		{"newhire mfa unknown", view(newhire.Credentials.MFAActive), false, "not in the credential report", "", ""},

		{"group inline single statement", view(admins.InlinePolicies[0].Document), true, anyValue, authF, "GroupDetailList[0].GroupPolicyList[0].PolicyDocument"},
		{"group tags not collected", view(admins.Tags), false, "not part of", "", ""},

		{"role trust object", view(web.TrustPolicy), true, anyValue, authF, "RoleDetailList[0].AssumeRolePolicyDocument"},
		{"role last used", view(web.LastUsed), true, "2024-05-30 18:22:03 +0000 UTC", authF, "RoleDetailList[0].RoleLastUsed.LastUsedDate"},
		{"role last used region", view(web.LastUsedRegion), true, "us-east-1", "", ""},
		{"role trust url-encoded", view(partner.TrustPolicy), true, anyValue, authF, "RoleDetailList[1].AssumeRolePolicyDocument"},
		{"role never used", view(partner.LastUsed), false, "never used", "", ""},
		{"role tags", view(partner.Tags), true, "map[owner:secops]", "", ""},

		{"policy attachment count", view(ro.AttachmentCount), true, "2", authF, "Policies[1].AttachmentCount"},
		{"policy default version url-encoded", view(ro.Default().Document), true, anyValue, authF, "Policies[1].PolicyVersionList[0].Document"},
	})

	// Structure that is not a Value.
	if !reflect.DeepEqual(alice.Groups, []string{"Admins"}) {
		t.Errorf("alice groups = %v", alice.Groups)
	}
	if len(bot.AttachedPolicies) != 1 || bot.AttachedPolicies[0].ARN != "arn:aws:iam::"+acct+":policy/ReadOnlyS3" ||
		bot.AttachedPolicies[0].Source.Path != "UserDetailList[1].AttachedManagedPolicies[0]" {
		t.Errorf("bot attached = %+v", bot.AttachedPolicies)
	}
	if bot.Path != "/deploy/" || bot.ARN != "arn:aws:iam::"+acct+":user/deploy/ci-bot" || bot.Region != "global" {
		t.Errorf("bot identity = %+v", bot.Identity)
	}
	inline := bot.InlinePolicies[0].Document.Or(nil)
	if inline == nil || len(inline.Statements) != 1 || inline.Statements[0].Sid != "Deploy" ||
		!reflect.DeepEqual(inline.Statements[0].Action, []string{"ec2:*", "iam:PassRole"}) {
		t.Errorf("URL-encoded inline policy parsed as %+v", inline)
	}
	if g := admins.AttachedPolicies; len(g) != 1 || g[0].ARN != "arn:aws:iam::aws:policy/AdministratorAccess" {
		t.Errorf("Admins attached = %+v", g)
	}
	if d := admins.InlinePolicies[0].Document.Or(nil); d == nil || len(d.Statements) != 1 || d.Statements[0].Effect != "Deny" {
		t.Errorf("single-statement inline policy = %+v", d)
	}
	trust := partner.TrustPolicy.Or(nil)
	if trust == nil || trust.Statements[0].Principal == nil ||
		!reflect.DeepEqual(trust.Statements[0].Principal.Values["AWS"], []string{"arn:aws:iam::999988887777:root"}) ||
		len(trust.Statements[0].Condition) != 2 {
		t.Errorf("URL-encoded trust policy = %+v", trust)
	}
	if !reflect.DeepEqual(web.InstanceProfiles, []string{"arn:aws:iam::" + acct + ":instance-profile/web-instance"}) {
		t.Errorf("instance profiles = %v", web.InstanceProfiles)
	}
	support := find(t, inv.Roles, func(r *awsm.Role) bool { return r.Name == "AWSServiceRoleForSupport" })
	if !support.IsServiceLinked() {
		t.Error("support role not service-linked")
	}
	admin := inv.Policy("arn:aws:iam::aws:policy/AdministratorAccess")
	if !admin.AWSManaged || ro.AWSManaged {
		t.Errorf("AWSManaged: AdministratorAccess %v, ReadOnlyS3 %v", admin.AWSManaged, ro.AWSManaged)
	}
	if ro.DefaultVersionID != "v2" || len(ro.Versions) != 2 || ro.Default().VersionID != "v2" || ro.Versions[1].IsDefault {
		t.Errorf("ReadOnlyS3 versions = %+v", ro.Versions)
	}
	if d := ro.Versions[1].Document.Or(nil); d == nil || !d.Statements[0].HasWildcardAction() {
		t.Errorf("non-default admin version = %+v", d)
	}
}

// anyValue skips the value comparison (for pointers such as policies).
const anyValue = "\x00any"
