package cloudformation

import (
	"context"
	"path/filepath"
	"strings"
	"testing"

	"github.com/cloudward/cloudward/internal/check"
	checksaws "github.com/cloudward/cloudward/internal/checks/aws"
	awsm "github.com/cloudward/cloudward/internal/model/aws"
)

// scan loads testdata templates and runs every real AWS check over them.
func scan(t *testing.T, opts Options, files ...string) (map[string]check.Finding, *awsm.Inventory, []Warning) {
	t.Helper()
	var paths []string
	for _, f := range files {
		paths = append(paths, filepath.Join("testdata", f))
	}
	inv, warns, err := Load(paths, opts)
	if err != nil {
		t.Fatalf("Load: %v", err)
	}
	if !inv.IaC {
		t.Errorf("inventory not marked IaC")
	}
	findings, err := check.Run(context.Background(), check.Input{AWS: []*awsm.Inventory{inv}}, checksaws.Checks())
	if err != nil {
		t.Fatalf("check.Run: %v", err)
	}
	out := map[string]check.Finding{}
	for _, f := range findings {
		out[f.Check.ID+" "+f.Resource.Address] = f
	}
	return out, inv, warns
}

type want struct {
	check, address string
	status         check.Status
	// message fragment the finding must contain (optional)
	contains string
}

func assertFindings(t *testing.T, got map[string]check.Finding, wants []want) {
	t.Helper()
	for _, w := range wants {
		f, ok := got[w.check+" "+w.address]
		if !ok {
			t.Errorf("%s on %s: no finding", w.check, w.address)
			continue
		}
		if f.Status != w.status {
			t.Errorf("%s on %s: status %s, want %s (%s; evidence %+v)", w.check, w.address, f.Status, w.status, f.Message, f.Evidence)
		}
		if w.contains != "" && !strings.Contains(f.Message+" "+evidenceText(f), w.contains) {
			t.Errorf("%s on %s: %q does not mention %q", w.check, w.address, f.Message+" "+evidenceText(f), w.contains)
		}
	}
}

func evidenceText(f check.Finding) string {
	var parts []string
	for _, e := range f.Evidence {
		parts = append(parts, e.Detail)
	}
	return strings.Join(parts, "; ")
}

func TestS3Checks(t *testing.T) {
	got, inv, warns := scan(t, Options{}, "s3.yaml")
	for _, w := range warns {
		t.Errorf("unexpected warning: %s", w)
	}
	assertFindings(t, got, []want{
		// CloudFormation cannot declare the account-level Block Public
		// Access, so a bucket that turns its own off stays UNKNOWN, never
		// PASS: the account setting decides.
		{"aws-s3-bucket-public-acl", "WebsiteBucket", check.Unknown, "account-level IgnorePublicAcls"},
		{"aws-s3-bucket-public-acl", "DataBucket", check.Pass, ""},
		{"aws-s3-bucket-public-acl", "AccessLogBucket", check.Pass, ""},
		{"aws-s3-bucket-public-policy", "WebsiteBucket", check.Unknown, "PublicRead"},
		{"aws-s3-bucket-public-policy", "DataBucket", check.Pass, ""},
		{"aws-s3-bucket-public-policy", "AccessLogBucket", check.Pass, "no bucket policy"},
		{"aws-s3-bucket-tls-not-enforced", "WebsiteBucket", check.Fail, ""},
		// The unnamed bucket's policy names it through !GetAtt/!Sub: the
		// symbolic ARN must match.
		{"aws-s3-bucket-tls-not-enforced", "DataBucket", check.Pass, ""},
		{"aws-s3-bucket-tls-not-enforced", "AccessLogBucket", check.Fail, ""},
		{"aws-s3-bucket-default-encryption-missing", "DataBucket", check.Pass, ""},
		{"aws-s3-bucket-default-encryption-missing", "WebsiteBucket", check.Pass, ""},
		{"aws-kms-key-rotation-disabled", "DataKey", check.Pass, ""},
		{"aws-iam-role-trust-unrestricted", "AppRole", check.Pass, ""},
	})
	// The policy's evidence covers the PolicyDocument block.
	if f := got["aws-s3-bucket-tls-not-enforced WebsiteBucket"]; len(f.Evidence) == 0 ||
		f.Evidence[0].Source.StartLine != 24 || f.Evidence[0].Source.EndLine != 31 {
		t.Errorf("WebsiteBucket TLS evidence = %+v, want s3.yaml:24-31", f.Evidence)
	}
	var data *awsm.Bucket
	for _, b := range inv.Buckets {
		if b.Address == "DataBucket" {
			data = b
		}
	}
	if data == nil {
		t.Fatal("DataBucket not in the inventory")
	}
	enc, _ := data.Encryption.Get()
	if enc == nil || enc.SSEAlgorithm != "aws:kms" || enc.KMSMasterKeyID != "${DataKey.Arn}" || !enc.BucketKeyEnabled {
		t.Errorf("DataBucket encryption = %+v", enc)
	}
	if v, _ := data.Versioning.Get(); v != "Enabled" {
		t.Errorf("versioning = %q", v)
	}
	if v, _ := data.LoggingTarget.Get(); v != "${AccessLogBucket}" {
		t.Errorf("logging target = %q", v)
	}
}

func TestNetworkChecks(t *testing.T) {
	got, _, warns := scan(t, Options{}, "network.yaml")
	for _, w := range warns {
		t.Errorf("unexpected warning: %s", w)
	}
	assertFindings(t, got, []want{
		{"aws-ec2-sg-ssh-open", "BastionSG", check.Fail, "0.0.0.0/0"},
		{"aws-ec2-sg-ssh-open", "WebSG", check.Pass, ""},
		{"aws-ec2-sg-ssh-open", "WindowsSG", check.Pass, ""},
		// A parameter without a default: UNKNOWN naming it, never FAIL.
		{"aws-ec2-sg-ssh-open", "AdminSG", check.Unknown, "parameter AdminCidr has no Default"},
		{"aws-ec2-sg-rdp-open", "WindowsSG", check.Fail, "::/0"},
		{"aws-ec2-sg-rdp-open", "BastionSG", check.Pass, ""},
		{"aws-ec2-sg-all-ports-open", "WideOpenSG", check.Fail, ""},
		{"aws-ec2-sg-all-ports-open", "WebSG", check.Pass, ""},
		// The open CIDR comes from a parameter default.
		{"aws-ec2-sg-db-ports-open", "DatabaseSG", check.Fail, "3306"},
		{"aws-ec2-sg-db-ports-open", "WebSG", check.Pass, ""},
		// Environment defaults to dev: FindInMap gives 0.0.0.0/0.
		{"aws-ec2-sg-db-ports-open", "ReportingDbSG", check.Fail, "5432"},
		{"aws-ec2-nacl-admin-ports-open", "PublicAcl", check.Fail, ""},
		{"aws-ec2-nacl-admin-ports-open", "PrivateAcl", check.Pass, ""},
		{"aws-ec2-vpc-flow-logs-disabled", "AppVpc", check.Pass, ""},
		{"aws-ec2-vpc-flow-logs-disabled", "SandboxVpc", check.Fail, ""},
	})
	// The condition IsProd is false (Environment defaults to dev): the
	// resource is not created and the prod-only rule of WebSG is removed.
	for k := range got {
		if strings.HasSuffix(k, " ProdOnlyOpenSG") {
			t.Errorf("ProdOnlyOpenSG has a finding although its condition is false: %s", k)
		}
	}
}

func TestNetworkChecksAfterOverrides(t *testing.T) {
	// Environment=prod turns on the condition: the prod-only group exists,
	// WebSG gains SSH from anywhere via Fn::If, and FindInMap narrows HTTPS.
	got, _, _ := scan(t, Options{Params: map[string]string{"Environment": "prod", "AdminCidr": "10.0.0.0/8", "DbClientCidr": "10.20.0.0/16"}}, "network.yaml")
	assertFindings(t, got, []want{
		{"aws-ec2-sg-ssh-open", "ProdOnlyOpenSG", check.Fail, ""},
		{"aws-ec2-sg-ssh-open", "WebSG", check.Fail, ""},
		{"aws-ec2-sg-ssh-open", "AdminSG", check.Pass, ""},
		{"aws-ec2-sg-db-ports-open", "DatabaseSG", check.Pass, ""},
		{"aws-ec2-sg-db-ports-open", "ReportingDbSG", check.Pass, ""},
	})
}

func TestDataChecks(t *testing.T) {
	got, _, _ := scan(t, Options{AccountID: "111122223333", Region: "eu-west-1"}, "data.yaml")
	assertFindings(t, got, []want{
		{"aws-rds-instance-public", "LegacyDb", check.Fail, ""},
		{"aws-rds-instance-public", "OrdersDb", check.Pass, ""},
		// StorageEncrypted comes from a parameter default "false".
		{"aws-rds-storage-unencrypted", "LegacyDb", check.Fail, ""},
		{"aws-rds-storage-unencrypted", "OrdersDb", check.Pass, ""},
		{"aws-rds-tls-not-enforced", "LegacyDb", check.Fail, "require_secure_transport"},
		{"aws-rds-tls-not-enforced", "OrdersDb", check.Pass, ""},
		{"aws-ec2-ebs-volume-unencrypted", "ScratchVolume", check.Fail, ""},
		{"aws-ec2-ebs-volume-unencrypted", "SecureVolume", check.Pass, ""},
		{"aws-ec2-instance-imdsv1", "AppInstance", check.Unknown, "MetadataOptions"},
		{"aws-kms-key-rotation-disabled", "UnrotatedKey", check.Fail, ""},
		{"aws-kms-key-rotation-disabled", "DataKey", check.Pass, ""},
		{"aws-cloudtrail-log-validation-disabled", "DebugTrail", check.Fail, ""},
		{"aws-cloudtrail-log-validation-disabled", "AuditTrail", check.Pass, ""},
		{"aws-cloudtrail-kms-encryption-missing", "DebugTrail", check.Fail, ""},
		{"aws-cloudtrail-kms-encryption-missing", "AuditTrail", check.Pass, ""},
		{"aws-guardduty-disabled", "Detector", check.Fail, ""},
	})
	// An account-level check, run because the account is given.
	if f := got["aws-cloudtrail-multi-region-missing "]; f.Status != check.Pass || !strings.Contains(f.Message, "org-audit") {
		t.Errorf("multi-region trail: %s %s", f.Status, f.Message)
	}
	if f := got["aws-s3-account-public-access-block-off "]; f.Status != check.Unknown || !strings.Contains(f.Message, "do not declare") {
		t.Errorf("account block public access: %s %s", f.Status, f.Message)
	}
	if _, ok := got["aws-kms-key-rotation-disabled SigningKey"]; ok {
		t.Errorf("asymmetric key judged by the rotation check")
	}
}

func TestIAMChecks(t *testing.T) {
	got, _, warns := scan(t, Options{}, "iam.yaml")
	for _, w := range warns {
		t.Errorf("unexpected warning: %s", w)
	}
	assertFindings(t, got, []want{
		{"aws-iam-user-admin-access", "Alice", check.Fail, "admins"},
		{"aws-iam-user-admin-access", "Bob", check.Fail, "AdministratorAccess"},
		{"aws-iam-user-admin-access", "Carol", check.Pass, ""},
		{"aws-iam-user-direct-policies", "Bob", check.Fail, ""},
		{"aws-iam-user-direct-policies", "Carol", check.Fail, "read-reports"},
		{"aws-iam-user-direct-policies", "Alice", check.Pass, ""},
		{"aws-iam-policy-admin-wildcard", "EverythingPolicy", check.Fail, ""},
		{"aws-iam-policy-admin-wildcard", "ReportsPolicy", check.Pass, ""},
		{"aws-iam-role-trust-unrestricted", "PartnerRole", check.Fail, ""},
		{"aws-iam-role-trust-unrestricted", "WorkerRole", check.Pass, ""},
	})
}

func TestSAMFunction(t *testing.T) {
	got, inv, warns := scan(t, Options{}, "sam.yaml")
	for _, w := range warns {
		t.Errorf("unexpected warning: %s", w)
	}
	var role *awsm.Role
	for _, r := range inv.Roles {
		if r.Address == "ThumbnailFunctionRole" {
			role = r
		}
	}
	if role == nil {
		t.Fatalf("SAM execution role not modelled; roles: %d", len(inv.Roles))
	}
	if len(role.AttachedPolicies) != 2 || role.AttachedPolicies[1].ARN != "arn:aws:iam::aws:policy/AWSLambdaBasicExecutionRole" {
		t.Errorf("attached = %+v", role.AttachedPolicies)
	}
	if len(role.InlinePolicies) != 1 {
		t.Fatalf("inline = %+v", role.InlinePolicies)
	}
	doc, ok := role.InlinePolicies[0].Document.Get()
	if !ok || len(doc.Statements) != 1 || !doc.Statements[0].HasWildcardAction() {
		t.Errorf("inline policy = %+v", role.InlinePolicies[0].Document)
	}
	assertFindings(t, got, []want{
		{"aws-iam-role-trust-unrestricted", "ThumbnailFunctionRole", check.Pass, ""},
		{"aws-s3-bucket-public-policy", "Uploads", check.Pass, ""},
	})
}

func TestJSONTemplate(t *testing.T) {
	got, _, warns := scan(t, Options{}, "network.json")
	for _, w := range warns {
		t.Errorf("unexpected warning: %s", w)
	}
	assertFindings(t, got, []want{
		{"aws-ec2-sg-ssh-open", "JsonSshSG", check.Fail, ""},
		{"aws-ec2-ebs-volume-unencrypted", "JsonVolume", check.Fail, ""},
	})
	f := got["aws-ec2-sg-ssh-open JsonSshSG"]
	if loc := f.Resource.Location; loc == nil || loc.File != filepath.Join("testdata", "network.json") || loc.StartLine != 8 || loc.EndLine != 16 {
		t.Errorf("location = %+v, want network.json:8-16", f.Resource.Location)
	}
}

func TestMultiRegionTrailMissing(t *testing.T) {
	got, _, _ := scan(t, Options{AccountID: "111122223333"}, "trail-single-region.yaml")
	assertFindings(t, got, []want{
		{"aws-cloudtrail-multi-region-missing", "", check.Fail, ""},
		{"aws-cloudtrail-log-validation-disabled", "RegionalTrail", check.Pass, ""},
	})
	// Without an account ID there is no account to judge.
	got, _, _ = scan(t, Options{}, "trail-single-region.yaml")
	if _, ok := got["aws-cloudtrail-multi-region-missing "]; ok {
		t.Errorf("account-level finding without an account")
	}
}
