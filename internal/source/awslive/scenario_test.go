package awslive_test

import (
	"io/fs"
	"strings"
	"testing"
	"time"

	"github.com/cloudward/cloudward/internal/check"
	"github.com/cloudward/cloudward/internal/fakeaws"
	awsm "github.com/cloudward/cloudward/internal/model/aws"
	"github.com/cloudward/cloudward/internal/source/awslive"
)

func readAll(t *testing.T, fsys fs.FS) map[string]string {
	t.Helper()
	out := map[string]string{}
	err := fs.WalkDir(fsys, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := fs.ReadFile(fsys, p)
		out[p] = string(b)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// TestPagination: with one item a page, every list is paginated on the wire
// (IAM Marker/IsTruncated, EC2 NextToken, KMS NextMarker/Truncated, RDS
// Marker, GuardDuty nextToken) and merged back into the same files.
func TestPagination(t *testing.T) {
	whole := startFake(t, fakeaws.Scenario{})
	w1, _ := collect(t, whole, awslive.Options{})
	paged := startFake(t, fakeaws.Scenario{PageSize: 1})
	w2, _ := collect(t, paged, awslive.Options{})
	a, b := readAll(t, w1.FS()), readAll(t, w2.FS())
	if len(a) != len(b) {
		t.Errorf("%d files unpaginated, %d paginated", len(a), len(b))
	}
	for name, content := range a {
		if b[name] != content {
			t.Errorf("%s differs when paginated:\n%s\nvs\n%s", name, b[name], content)
		}
	}
	calls := paged.Calls()
	for op, min := range map[string]int{
		"iam:GetAccountAuthorizationDetails": 3, // the fixture has 3 users
		"ec2:DescribeSecurityGroups":         3,
		"kms:ListKeys":                       3,
	} {
		if calls[op] < min {
			t.Errorf("%s: %d calls, want at least %d (pages)", op, calls[op], min)
		}
		if whole.Calls()[op] >= calls[op] {
			t.Errorf("%s: %d calls unpaginated, %d paginated", op, whole.Calls()[op], calls[op])
		}
	}
}

// TestThrottlingRetried: throttling answers are retried by the SDK and the
// data arrives.
func TestThrottlingRetried(t *testing.T) {
	srv := startFake(t, fakeaws.Scenario{Throttle: map[string]int{
		"us-east-1/ec2/describe-volumes":                2,
		"iam/get-account-summary":                       2,
		"us-east-1/kms/list-keys":                       1,
		"global/s3api/get-bucket-policy/cw-public-site": 1,
	}})
	w, sum := collect(t, srv, awslive.Options{})
	files := readAll(t, w.FS())
	for _, f := range []string{"us-east-1/ec2/describe-volumes.json", "global/iam/get-account-summary.json", "us-east-1/kms/list-keys.json", "global/s3api/get-bucket-policy/cw-public-site.json"} {
		if _, ok := files[f]; !ok {
			t.Errorf("%s: not collected after throttling (error file: %q)", f, files[strings.TrimSuffix(f, ".json")+".error.json"])
		}
	}
	c := srv.Calls()
	if c["ec2:DescribeVolumes"] != 2+2 { // us-east-1: 2 throttled + 1; eu-west-1: 1
		t.Errorf("DescribeVolumes calls = %d, want 4", c["ec2:DescribeVolumes"])
	}
	if c["iam:GetAccountSummary"] != 3 {
		t.Errorf("GetAccountSummary calls = %d, want 3", c["iam:GetAccountSummary"])
	}
	if sum.Calls == 0 {
		t.Error("no calls counted")
	}
}

// TestAccessDeniedIsPartial: a denied operation leaves its data unknown and
// is reported in coverage; the rest of the collection goes on.
func TestAccessDeniedIsPartial(t *testing.T) {
	srv := startFake(t, fakeaws.Scenario{Errors: map[string]fakeaws.Error{
		"ec2/describe-security-groups":               {Code: "UnauthorizedOperation", Message: "You are not authorized to perform this operation."},
		"iam/get-account-authorization-details":      {Code: "AccessDenied", Message: "User: arn:aws:iam::111122223333:user/audit is not authorized"},
		"global/s3api/get-bucket-acl/cw-public-site": {Code: "AccessDenied", Message: "Access Denied"},
	}})
	w, sum := collect(t, srv, awslive.Options{})
	if sum.Errors == 0 {
		t.Error("no errors counted")
	}
	files := readAll(t, w.FS())
	if !strings.Contains(files["us-east-1/ec2/describe-security-groups.error.json"], `"Code": "UnauthorizedOperation"`) {
		t.Errorf("describe-security-groups.error.json = %q", files["us-east-1/ec2/describe-security-groups.error.json"])
	}
	if _, ok := files["us-east-1/ec2/describe-volumes.json"]; !ok {
		t.Error("the other EC2 operations were not collected")
	}
	got, inv := findings(t, w.FS())
	var sgUnknown, sgOther int
	for _, l := range got {
		if strings.HasPrefix(l, "aws-ec2-sg-") {
			if strings.Fields(l)[2] == string(check.Unknown) {
				sgUnknown++
			} else {
				sgOther++
			}
		}
	}
	if sgOther != 0 {
		t.Errorf("security group checks decided without describe-security-groups: %d", sgOther)
	}
	var covErr bool
	for _, c := range inv.Coverage {
		if c.Operation == "describe-security-groups" && c.Region == "us-east-1" {
			covErr = c.Status == awsm.CoverageError && strings.Contains(c.Detail, "UnauthorizedOperation")
		}
	}
	if !covErr {
		t.Errorf("coverage does not record the denied describe-security-groups: %+v", inv.Coverage)
	}
	if len(got) == 0 {
		t.Error("no findings")
	}
}

// TestHangingRegionTimesOut: a region that never answers costs the call
// timeout, not the scan.
func TestHangingRegionTimesOut(t *testing.T) {
	srv := startFake(t, fakeaws.Scenario{Hang: []string{"eu-west-1"}})
	start := time.Now()
	w, _ := collect(t, srv, awslive.Options{Regions: []string{"us-east-1", "eu-west-1"}, CallTimeout: 300 * time.Millisecond})
	if d := time.Since(start); d > 5*time.Second {
		t.Errorf("collection took %v with a hanging region", d)
	}
	files := readAll(t, w.FS())
	if !strings.Contains(files["eu-west-1/ec2/describe-vpcs.error.json"], "RequestTimeout") {
		t.Errorf("eu-west-1 describe-vpcs: %q", files["eu-west-1/ec2/describe-vpcs.error.json"])
	}
	if _, ok := files["us-east-1/ec2/describe-vpcs.json"]; !ok {
		t.Error("us-east-1 was not collected")
	}
}

// TestAssumeRoleAndNoSecrets: --role-arn goes through sts AssumeRole; no
// access key, secret key or session token reaches any written file.
func TestAssumeRoleAndNoSecrets(t *testing.T) {
	srv := startFake(t, fakeaws.Scenario{})
	w, _ := collect(t, srv, awslive.Options{RoleARN: "arn:aws:iam::111122223333:role/cloudward-audit", ExternalID: "ext-123", SessionName: "audit"})
	if srv.Calls()["sts:AssumeRole"] != 1 {
		t.Errorf("AssumeRole calls = %d, want 1 (credentials cached)", srv.Calls()["sts:AssumeRole"])
	}
	for name, content := range readAll(t, w.FS()) {
		for _, secret := range []string{testKeyID, testSecret, testToken, fakeaws.AssumedKeyID, "fakeaws-assumed-secret", "fakeaws-session-token"} {
			if strings.Contains(content, secret) {
				t.Errorf("%s contains a credential (%.8s...)", name, secret)
			}
		}
	}
}

// TestEndpointFromEnvironment: the SDK's AWS_ENDPOINT_URL reaches every
// client (S3 path-style and S3 Control included) without --endpoint-url.
func TestEndpointFromEnvironment(t *testing.T) {
	srv := startFake(t, fakeaws.Scenario{})
	setCredsEnv(t)
	t.Setenv("AWS_ENDPOINT_URL", srv.URL)
	w := &awslive.MemWriter{}
	if _, err := awslive.Collect(t.Context(), awslive.Options{Regions: []string{"us-east-1"}, MaxBackoff: 50 * time.Millisecond}, w); err != nil {
		t.Fatal(err)
	}
	files := readAll(t, w.FS())
	for _, f := range []string{"global/s3control/get-public-access-block.json", "global/s3api/get-bucket-acl/cw-public-site.json", "us-east-1/kms/list-keys.json", "us-east-1/guardduty/list-detectors.json", "global/iam/get-credential-report.csv"} {
		if _, ok := files[f]; !ok {
			t.Errorf("%s not collected through AWS_ENDPOINT_URL", f)
		}
	}
}

// TestParallelOne: with one call in flight (and few goroutines) the
// collection still completes, with the same files.
func TestParallelOne(t *testing.T) {
	srv := startFake(t, fakeaws.Scenario{})
	w1, _ := collect(t, srv, awslive.Options{Parallel: 1})
	w2, _ := collect(t, srv, awslive.Options{})
	a, b := readAll(t, w1.FS()), readAll(t, w2.FS())
	if len(a) != len(b) || len(a) < 50 {
		t.Fatalf("%d files with --parallel 1, %d by default", len(a), len(b))
	}
	for name, content := range b {
		if a[name] != content {
			t.Errorf("%s differs with --parallel 1", name)
		}
	}
}

// TestOptInRegionNotEnabled: a region the account has not enabled fails
// every call there; the collection goes on and says so per operation.
func TestOptInRegionNotEnabled(t *testing.T) {
	srv := startFake(t, fakeaws.Scenario{Disabled: []string{"ap-east-1"}})
	w, sum := collect(t, srv, awslive.Options{Regions: []string{"us-east-1", "ap-east-1"}})
	files := readAll(t, w.FS())
	if !strings.Contains(files["ap-east-1/ec2/describe-security-groups.error.json"], `"AuthFailure"`) ||
		!strings.Contains(files["ap-east-1/kms/list-keys.error.json"], `"UnrecognizedClientException"`) {
		t.Errorf("ap-east-1 errors: %q / %q", files["ap-east-1/ec2/describe-security-groups.error.json"], files["ap-east-1/kms/list-keys.error.json"])
	}
	if _, ok := files["us-east-1/ec2/describe-security-groups.json"]; !ok {
		t.Error("us-east-1 not collected")
	}
	if sum.Errors < 11 { // 7 ec2 + rds + kms + cloudtrail + guardduty in ap-east-1
		t.Errorf("errors = %d", sum.Errors)
	}
	_, inv := findings(t, w.FS())
	var failed int
	for _, c := range inv.Coverage {
		if c.Region == "ap-east-1" && c.Status == awsm.CoverageError {
			failed++
		}
	}
	if failed < 11 {
		t.Errorf("coverage records %d failed operations in ap-east-1, want 11", failed)
	}
}
