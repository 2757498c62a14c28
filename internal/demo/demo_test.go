package demo

import (
	"context"
	"sort"
	"strings"
	"testing"

	"github.com/cloudward/cloudward/internal/check"
	awschecks "github.com/cloudward/cloudward/internal/checks/aws"
	awsm "github.com/cloudward/cloudward/internal/model/aws"
	"github.com/cloudward/cloudward/internal/source/snapshot"
)

const acct = "123456789012"

// Short ARN builders keep the expectation table readable.
func sg(region, id string) string {
	return "arn:aws:ec2:" + region + ":" + acct + ":security-group/" + id
}
func ec2(region, kind, id string) string {
	return "arn:aws:ec2:" + region + ":" + acct + ":" + kind + "/" + id
}
func user(pathName string) string   { return "arn:aws:iam::" + acct + ":user/" + pathName }
func role(name string) string       { return "arn:aws:iam::" + acct + ":role/" + name }
func bucket(name string) string     { return "arn:aws:s3:::" + name }
func db(region, name string) string { return "arn:aws:rds:" + region + ":" + acct + ":db:" + name }
func key(region, id string) string  { return "arn:aws:kms:" + region + ":" + acct + ":key/" + id }
func trail(region, name string) string {
	return "arn:aws:cloudtrail:" + region + ":" + acct + ":trail/" + name
}
func region(name string) string { return acct + "/" + name }

const rootARN = "arn:aws:iam::" + acct + ":root"

// passOnly are checks on a single account-level resource that the demo
// account gets right by design (its root has MFA; it has a multi-region
// management trail), so they cannot also FAIL.
var passOnly = map[string]bool{
	"aws-iam-root-mfa-disabled":           true,
	"aws-cloudtrail-multi-region-missing": true,
	// CIS 4.x alarms the demo account has set up on its trail's log group.
	"aws-cloudwatch-unauthorized-api-calls-alarm-missing": true,
	"aws-cloudwatch-root-usage-alarm-missing":             true,
	"aws-cloudwatch-iam-policy-changes-alarm-missing":     true,
	"aws-cloudwatch-cloudtrail-changes-alarm-missing":     true,
	"aws-cloudwatch-security-group-changes-alarm-missing": true,
}

// expectedWarnings are import warnings the demo produces on purpose.
var expectedWarnings = []string{}

func loadDemo(t *testing.T) *snapshot.Result {
	t.Helper()
	res, err := snapshot.LoadFS(FS())
	if err != nil && strings.Contains(err.Error(), "not implemented") {
		t.Skip("snapshot importer not implemented yet")
	}
	if err != nil {
		t.Fatalf("demo snapshot does not load: %v", err)
	}
	return res
}

type findingKey struct{ check, resource string }

func runDemo(t *testing.T) (map[findingKey]check.Finding, []check.Finding) {
	t.Helper()
	res := loadDemo(t)
	for _, w := range res.Warnings {
		ok := false
		for _, e := range expectedWarnings {
			ok = ok || strings.Contains(w.String(), e)
		}
		if !ok {
			t.Errorf("unexpected import warning: %s", w)
		}
	}
	reg, err := check.NewRegistry(awschecks.Checks()...)
	if err != nil {
		t.Fatal(err)
	}
	findings, err := check.Run(context.Background(), check.Input{AWS: []*awsm.Inventory{res.Inventory}}, reg.All())
	if err != nil {
		t.Fatal(err)
	}
	byKey := make(map[findingKey]check.Finding, len(findings))
	for _, f := range findings {
		byKey[findingKey{f.Check.ID, f.Resource.ID}] = f
	}
	return byKey, findings
}

// TestEveryCheckFailsSomewhere is the point of the demo: each built-in check
// shows at least one FAIL (and, where the resource kind has more than one
// resource, at least one PASS).
func TestEveryCheckFailsSomewhere(t *testing.T) {
	_, findings := runDemo(t)
	statuses := map[string]map[check.Status]int{}
	for _, f := range findings {
		if statuses[f.Check.ID] == nil {
			statuses[f.Check.ID] = map[check.Status]int{}
		}
		statuses[f.Check.ID][f.Status]++
	}
	for _, c := range awschecks.Checks() {
		got := statuses[c.ID]
		switch {
		case passOnly[c.ID]:
			if got[check.Pass] == 0 || got[check.Fail] != 0 {
				t.Errorf("%s: want PASS only in the demo, got %v", c.ID, got)
			}
		case got[check.Fail] == 0:
			t.Errorf("%s: no FAIL in the demo (got %v)", c.ID, got)
		case got[check.Fail]+got[check.Unknown] > 1 && got[check.Pass] == 0:
			// Several resources of this kind: one of them should be right.
			t.Errorf("%s: no PASS in the demo (got %v)", c.ID, got)
		}
	}
}

// TestDemoExpectations pins the verdict of specific resources, so a change
// in a check or in the importer that flips one shows up here.
func TestDemoExpectations(t *testing.T) {
	byKey, _ := runDemo(t)
	const use1, euw1 = "us-east-1", "eu-west-1"
	P, F, U := check.Pass, check.Fail, check.Unknown
	tests := []struct {
		check, resource string
		want            check.Status
	}{
		// Network.
		{"aws-ec2-sg-ssh-open", sg(use1, "sg-0a1b2c3d4e5f67890"), F}, // bastion-ssh: 22 from 0.0.0.0/0
		{"aws-ec2-sg-ssh-open", sg(use1, "sg-08b9c0d1e2f3a4b5c"), F}, // debug-temp-open: all traffic
		{"aws-ec2-sg-ssh-open", sg(use1, "sg-0d5e6f7a8b9c0d1e2"), P}, // app-servers: 22 from the bastion SG only
		{"aws-ec2-sg-ssh-open", sg(euw1, "sg-0234bcde5678f9012"), P}, // analytics-workers: 22 from the VPN range
		{"aws-ec2-sg-rdp-open", sg(use1, "sg-0e6f7a8b9c0d1e2f3"), F}, // windows-jump: 3389 from ::/0
		{"aws-ec2-sg-rdp-open", sg(use1, "sg-0a1b2c3d4e5f67890"), P},
		{"aws-ec2-sg-all-ports-open", sg(use1, "sg-08b9c0d1e2f3a4b5c"), F},
		{"aws-ec2-sg-all-ports-open", sg(use1, "sg-0c4d5e6f7a8b9c0d1"), P}, // web-alb: 80/443 only
		{"aws-ec2-sg-db-ports-open", sg(use1, "sg-07a8b9c0d1e2f3a4b"), F},  // mysql-legacy: 3306 open
		{"aws-ec2-sg-db-ports-open", sg(euw1, "sg-0345cdef6789a0123"), P},  // postgres-private: from an SG
		{"aws-ec2-sg-default-has-rules", sg(use1, "sg-0f9e8d7c6b5a40312"), F},
		{"aws-ec2-sg-default-has-rules", sg(use1, "sg-0b1c2d3e4f5a60718"), P},                   // rules removed
		{"aws-ec2-nacl-admin-ports-open", ec2(use1, "network-acl", "acl-0a1b2c3d4e5f60718"), F}, // default allow-all
		{"aws-ec2-nacl-admin-ports-open", ec2(use1, "network-acl", "acl-0b2c3d4e5f6a70819"), P}, // rule 90 denies 3389 first
		{"aws-ec2-vpc-flow-logs-disabled", ec2(use1, "vpc", "vpc-0e2a4b6c8d0f13579"), F},
		{"aws-ec2-vpc-flow-logs-disabled", ec2(use1, "vpc", "vpc-0c3f5a9e2b7d41a68"), P},
		{"aws-ec2-vpc-flow-logs-disabled", ec2(euw1, "vpc", "vpc-0d8b1e4f7a2c5e9b3"), P},
		{"aws-ec2-instance-imdsv1", ec2(use1, "instance", "i-0a12b34c56d78e90f"), F}, // web-1
		{"aws-ec2-instance-imdsv1", ec2(use1, "instance", "i-0b23c45d67e89f01a"), P}, // bastion
		// Encryption.
		{"aws-ec2-ebs-volume-unencrypted", ec2(use1, "volume", "vol-0a1b2c3d4e5f60001"), F},
		{"aws-ec2-ebs-volume-unencrypted", ec2(use1, "volume", "vol-0b2c3d4e5f6a70002"), P},
		{"aws-ec2-ebs-default-encryption-off", region(use1), F},
		{"aws-ec2-ebs-default-encryption-off", region(euw1), P},
		{"aws-s3-bucket-default-encryption-missing", bucket("acme-corp-legacy-uploads"), F},
		{"aws-s3-bucket-default-encryption-missing", bucket("acme-corp-data-lake"), P},
		{"aws-s3-bucket-tls-not-enforced", bucket("acme-corp-website"), F},
		{"aws-s3-bucket-tls-not-enforced", bucket("acme-corp-legacy-uploads"), F}, // NoSuchBucketPolicy
		{"aws-s3-bucket-tls-not-enforced", bucket("acme-corp-data-lake"), P},
		{"aws-s3-bucket-tls-not-enforced", bucket("acme-corp-payroll-exports"), U}, // AccessDenied
		{"aws-rds-storage-unencrypted", db(use1, "legacy-mysql"), F},
		{"aws-rds-storage-unencrypted", db(euw1, "analytics-pg"), P},
		{"aws-rds-tls-not-enforced", db(use1, "legacy-mysql"), F},
		{"aws-rds-tls-not-enforced", db(euw1, "analytics-pg"), P},
		// CIS checks answered from existing model data (cis_model.go).
		{"aws-iam-support-role-missing", acct, F},
		{"aws-ec2-instance-no-profile", ec2(use1, "instance", "i-0a12b34c56d78e90f"), P}, // web-1: web-ec2-role
		{"aws-ec2-instance-no-profile", ec2(use1, "instance", "i-0b23c45d67e89f01a"), F}, // bastion
		{"aws-iam-cloudshell-full-access", "arn:aws:iam::" + acct + ":group/Developers", F},
		{"aws-iam-cloudshell-full-access", "arn:aws:iam::" + acct + ":group/Admins", P},
		{"aws-s3-bucket-mfa-delete-disabled", bucket("acme-corp-payroll-exports"), P},
		{"aws-s3-bucket-mfa-delete-disabled", bucket("acme-corp-data-lake"), F},      // versioned, MFADelete Disabled
		{"aws-s3-bucket-mfa-delete-disabled", bucket("acme-corp-legacy-uploads"), F}, // versioning suspended
		{"aws-rds-auto-minor-upgrade-disabled", db(use1, "legacy-mysql"), F},
		{"aws-rds-auto-minor-upgrade-disabled", db(euw1, "analytics-pg"), P},
		{"aws-rds-multi-az-disabled", db(use1, "legacy-mysql"), F},
		{"aws-rds-multi-az-disabled", db(euw1, "analytics-pg"), P},
		{"aws-cloudtrail-bucket-access-logging-disabled", trail(use1, "acme-management-events"), F}, // acme-corp-logs
		{"aws-cloudtrail-bucket-access-logging-disabled", trail(euw1, "eu-data-events"), P},         // acme-corp-data-lake
		{"aws-cloudtrail-s3-object-write-events-missing", acct, F},
		{"aws-cloudtrail-s3-object-read-events-missing", acct, F},
		{"aws-ec2-sg-cifs-open", sg(use1, "sg-08b9c0d1e2f3a4b5c"), F}, // debug-temp-open: all traffic
		{"aws-ec2-sg-cifs-open", sg(use1, "sg-0c4d5e6f7a8b9c0d1"), P}, // web-alb
		{"aws-kms-key-rotation-disabled", key(use1, "3e7b9d10-4c2a-4e8f-b6d5-7a9c0e1f2b34"), F},
		{"aws-kms-key-rotation-disabled", key(use1, "a8f2c1d4-5b6e-4f70-9a81-2b3c4d5e6f70"), P},
		// Exposure.
		{"aws-s3-account-public-access-block-off", acct, F},
		{"aws-s3-bucket-public-policy", bucket("acme-corp-website"), F},
		{"aws-s3-bucket-public-policy", bucket("acme-corp-data-lake"), P},
		{"aws-s3-bucket-public-policy", bucket("acme-corp-logs"), P},            // service principals only
		{"aws-s3-bucket-public-policy", bucket("acme-corp-payroll-exports"), P}, // policy unknown, but RestrictPublicBuckets neutralises it
		{"aws-s3-bucket-public-acl", bucket("acme-corp-legacy-uploads"), F},
		{"aws-s3-bucket-public-acl", bucket("acme-corp-logs"), P}, // LogDelivery is not public
		{"aws-rds-instance-public", db(use1, "legacy-mysql"), F},
		{"aws-rds-instance-public", db(euw1, "analytics-pg"), P},
		// Logging and detection.
		{"aws-cloudtrail-multi-region-missing", acct, P},
		{"aws-cloudtrail-log-validation-disabled", trail(euw1, "eu-data-events"), F},
		{"aws-cloudtrail-log-validation-disabled", trail(use1, "acme-management-events"), P},
		{"aws-cloudtrail-kms-encryption-missing", trail(euw1, "eu-data-events"), F},
		{"aws-cloudtrail-kms-encryption-missing", trail(use1, "acme-management-events"), P},
		{"aws-guardduty-disabled", region(euw1), F},
		{"aws-guardduty-disabled", region(use1), P},
		// Monitoring (CIS 4.x): metric filters on aws-cloudtrail-logs-acme.
		{"aws-cloudwatch-unauthorized-api-calls-alarm-missing", acct, P},     // CIS pattern, alarm, confirmed e-mail
		{"aws-cloudwatch-root-usage-alarm-missing", acct, P},                 // Security Hub spacing of the CIS pattern
		{"aws-cloudwatch-iam-policy-changes-alarm-missing", acct, P},         // reordered, one extra event
		{"aws-cloudwatch-security-group-changes-alarm-missing", acct, P},     // broader: *SecurityGroup*
		{"aws-cloudwatch-console-signin-without-mfa-alarm-missing", acct, F}, // filter without an alarm
		{"aws-cloudwatch-console-auth-failures-alarm-missing", acct, F},      // topic subscription pending
		{"aws-cloudwatch-cmk-disable-deletion-alarm-missing", acct, F},       // misses ScheduleKeyDeletion
		{"aws-cloudwatch-s3-bucket-policy-changes-alarm-missing", acct, F},   // misses PutBucketAcl
		{"aws-cloudwatch-config-changes-alarm-missing", acct, F},             // no filter at all
		{"aws-cloudwatch-organizations-changes-alarm-missing", acct, F},
		{"aws-securityhub-disabled", region(euw1), F}, // InvalidAccessException
		{"aws-securityhub-disabled", region(use1), P},
		// Identity.
		{"aws-iam-root-mfa-disabled", rootARN, P},
		{"aws-iam-root-access-keys", rootARN, F},
		{"aws-iam-root-recently-used", rootARN, F},
		{"aws-iam-user-console-mfa-missing", user("bob.nguyen"), F},
		{"aws-iam-user-console-mfa-missing", user("alice.martin"), P},
		{"aws-iam-user-admin-access", user("alice.martin"), F}, // group Admins -> AdministratorAccess
		{"aws-iam-user-admin-access", user("ci/ci-legacy"), F}, // LegacyAutomation v2 allows *:*
		{"aws-iam-user-admin-access", user("bob.nguyen"), P},
		{"aws-iam-user-admin-access", user("dave.okafor"), P},
		{"aws-iam-user-setup-key-unused", user("dave.okafor"), F},
		{"aws-iam-user-setup-key-unused", user("carol.diaz"), P},
		{"aws-iam-user-direct-policies", user("ci/ci-deploy"), F},
		{"aws-iam-user-direct-policies", user("alice.martin"), P},
		{"aws-iam-access-key-not-rotated", user("carol.diaz"), F}, // rotated 200 days ago
		{"aws-iam-access-key-not-rotated", user("ci/ci-deploy"), P},
		{"aws-iam-access-key-unused", user("ci/ci-legacy"), F},
		{"aws-iam-access-key-unused", user("carol.diaz"), P},
		{"aws-iam-user-password-unused", user("eve.kowalski"), F}, // last sign-in 63 days ago
		{"aws-iam-user-password-unused", user("alice.martin"), P},
		{"aws-iam-user-multiple-active-keys", user("ci/ci-legacy"), F},
		{"aws-iam-user-multiple-active-keys", user("carol.diaz"), P},
		{"aws-iam-password-policy-weak", acct, F}, // length 8, no reuse prevention
		{"aws-iam-policy-admin-wildcard", "arn:aws:iam::" + acct + ":policy/LegacyAutomation", F},
		{"aws-iam-policy-admin-wildcard", "arn:aws:iam::" + acct + ":policy/DeveloperAccess", P},
		{"aws-iam-role-trust-unrestricted", role("partner-analytics-readonly"), F},
		{"aws-iam-role-trust-unrestricted", role("vendor-monitoring"), P}, // sts:ExternalId
		{"aws-iam-role-trust-unrestricted", role("web-ec2-role"), P},
		{"aws-iam-role-trust-unrestricted", role("SecurityAudit"), P},
		// Engine-powered identity checks (internal/iam).
		{"aws-iam-principal-effective-admin", user("alice.martin"), F}, // group Admins -> AdministratorAccess
		{"aws-iam-principal-effective-admin", user("ci/ci-legacy"), F},
		{"aws-iam-principal-effective-admin", user("bob.nguyen"), P},
		{"aws-iam-principal-effective-admin", role("web-ec2-role"), P},
		{"aws-iam-policy-notaction-admin", "arn:aws:iam::" + acct + ":policy/SupportEngineer", F}, // NotAction billing only
		{"aws-iam-policy-notaction-admin", "arn:aws:iam::" + acct + ":policy/DeveloperAccess", P},
		{"aws-iam-policy-dangling-principal", bucket("acme-corp-data-lake"), F}, // AROA... of a deleted ETL role
		{"aws-iam-policy-dangling-principal", bucket("acme-corp-website"), P},
		{"aws-iam-role-trust-foreign-no-condition", role("partner-analytics-readonly"), F},
		{"aws-iam-role-trust-foreign-no-condition", role("vendor-monitoring"), P}, // sts:ExternalId
		{"aws-s3-bucket-policy-any-account", bucket("acme-corp-website"), F},
		{"aws-s3-bucket-policy-any-account", bucket("acme-corp-data-lake"), P},
		{"aws-iam-privilege-escalation", user("ci/ci-deploy"), F}, // iam:CreateAccessKey on user/ci/* reaches ci-legacy (admin)
		{"aws-iam-privilege-escalation", user("bob.nguyen"), P},
		{"aws-iam-sensitive-data-access", bucket("acme-corp-data-lake"), F},       // tagged confidential; Developers read and write it
		{"aws-iam-sensitive-data-access", bucket("acme-corp-payroll-exports"), F}, // contains-pii; Analysts and the partner role read it
		{"aws-iam-sensitive-data-access", db(euw1, "analytics-pg"), P},            // confidential, but only admins can snapshot or modify it
	}
	registered := map[string]bool{}
	for _, c := range awschecks.Checks() {
		registered[c.ID] = true
	}
	for _, tt := range tests {
		if !registered[tt.check] {
			t.Errorf("%s is not a registered check", tt.check)
			continue
		}
		f, ok := byKey[findingKey{tt.check, tt.resource}]
		if !ok {
			t.Errorf("%s on %s: no finding (want %s)", tt.check, tt.resource, tt.want)
			continue
		}
		if f.Status != tt.want {
			t.Errorf("%s on %s: %s (%s), want %s", tt.check, tt.resource, f.Status, f.Message, tt.want)
		}
		if f.Status == check.Fail && len(f.Evidence) == 0 {
			t.Errorf("%s on %s: FAIL without evidence", tt.check, tt.resource)
		}
	}
}

// TestDemoIsOneRealisticAccount guards the demo's shape: one account, both
// regions, the collection time, and the deliberate AccessDenied answer.
func TestDemoIsOneRealisticAccount(t *testing.T) {
	res := loadDemo(t)
	inv := res.Inventory
	if inv.AccountID != acct || inv.Partition != "aws" || inv.CollectedAt.Format("2006-01-02T15:04:05Z07:00") != "2026-11-20T09:30:00Z" {
		t.Fatalf("snapshot.json read as %s %s %s", inv.AccountID, inv.Partition, inv.CollectedAt)
	}
	regions := append([]string(nil), inv.RegionNames...)
	sort.Strings(regions)
	if strings.Join(regions, ",") != "eu-west-1,us-east-1" {
		t.Fatalf("regions %v", regions)
	}
	counts := map[string]int{"users": len(inv.Users), "groups": len(inv.Groups), "roles": len(inv.Roles),
		"buckets": len(inv.Buckets), "security groups": len(inv.SecurityGroups), "instances": len(inv.Instances),
		"volumes": len(inv.Volumes), "vpcs": len(inv.VPCs), "nacls": len(inv.NetworkACLs), "db instances": len(inv.DBInstances),
		"kms keys": len(inv.KMSKeys)}
	want := map[string]int{"users": 7, "groups": 3, "roles": 6, "buckets": 5, "security groups": 11, "instances": 4,
		"volumes": 5, "vpcs": 3, "nacls": 4, "db instances": 2, "kms keys": 5}
	for k, n := range want {
		if counts[k] != n {
			t.Errorf("%s: %d, want %d", k, counts[k], n)
		}
	}
	if trails, ok := inv.Trails.Get(); !ok || len(trails) != 2 {
		t.Errorf("trails: %v (multi-region shadow copies must be de-duplicated)", inv.Trails)
	}
	var denied bool
	for _, c := range inv.Coverage {
		if c.Status == awsm.CoverageError && strings.Contains(c.Detail, "AccessDenied") {
			denied = true
		}
	}
	if !denied {
		t.Error("the AccessDenied answer for acme-corp-payroll-exports is not in the coverage")
	}
}

// TestDemoCISNewOps pins the CIS checks over operations collected for them
// (virtual MFA, server certificates, Access Analyzer, AWS Config, EFS).
func TestDemoCISNewOps(t *testing.T) {
	byKey, _ := runDemo(t)
	P, F := check.Pass, check.Fail
	efs := func(region, id string) string {
		return "arn:aws:elasticfilesystem:" + region + ":" + acct + ":file-system/" + id
	}
	for _, tt := range []struct {
		check, resource string
		want            check.Status
	}{
		{"aws-iam-root-hardware-mfa-missing", rootARN, F},        // root-account-mfa-device is virtual
		{"aws-iam-server-certificate-expired", acct, F},          // legacy-elb-2025 expired 2025-08-01
		{"aws-accessanalyzer-disabled", region("us-east-1"), P},  // acme-account-analyzer ACTIVE
		{"aws-accessanalyzer-disabled", region("eu-west-1"), F},  // no analyzer
		{"aws-config-recorder-disabled", region("us-east-1"), P}, // all types, globals, recording
		{"aws-config-recorder-disabled", region("eu-west-1"), F}, // recorder stopped
		{"aws-efs-unencrypted", efs("us-east-1", "fs-0c1d2e3f4a5b6c7d8"), P},
		{"aws-efs-unencrypted", efs("eu-west-1", "fs-0e9d8c7b6a5f4e3d2"), F},                             // analytics-scratch
		{"aws-account-security-contact-missing", acct, F},                                                // ResourceNotFoundException
		{"aws-ec2-peering-route-too-broad", ec2("us-east-1", "route-table", "rtb-0a1b2c3d4e5f60711"), P}, // 10.20.0.0/16 = peer VPC
		{"aws-ec2-peering-route-too-broad", ec2("eu-west-1", "route-table", "rtb-0c3d4e5f6a7b80933"), F}, // 10.0.0.0/8 for a /16 peer
	} {
		f, ok := byKey[findingKey{tt.check, tt.resource}]
		if !ok {
			t.Errorf("%s on %s: no finding", tt.check, tt.resource)
			continue
		}
		if f.Status != tt.want {
			t.Errorf("%s on %s: %s (%s), want %s", tt.check, tt.resource, f.Status, f.Message, tt.want)
		}
	}
}

// TestDemoComplianceOps pins the checks over operations read only for
// compliance controls (SAML providers, Macie, organization IAM features).
func TestDemoComplianceOps(t *testing.T) {
	byKey, _ := runDemo(t)
	for _, tt := range []struct {
		check, resource string
		want            check.Status
		message         string
	}{
		// okta-acme exists, but people still sign in as IAM users with passwords.
		{"aws-iam-federation-missing", acct, check.Fail, "IAM users sign in to the console with a local password"},
		{"aws-macie-disabled", region("us-east-1"), check.Pass, "Macie is enabled in us-east-1"},
		// "Macie is not enabled." while acme-corp-data-lake and acme-corp-legacy-uploads live there.
		{"aws-macie-disabled", region("eu-west-1"), check.Fail, "Macie is disabled in eu-west-1, which holds 2 S3 buckets"},
		// IAM trusted access is off in the organization: no centralized root access.
		{"aws-organizations-root-access-not-centralized", acct, check.Fail, "RootCredentialsManagement missing"},
	} {
		f, ok := byKey[findingKey{tt.check, tt.resource}]
		if !ok {
			t.Errorf("%s on %s: no finding", tt.check, tt.resource)
			continue
		}
		if f.Status != tt.want || !strings.Contains(f.Message, tt.message) {
			t.Errorf("%s on %s: %s (%s), want %s %q", tt.check, tt.resource, f.Status, f.Message, tt.want, tt.message)
		}
	}
}
