package cli

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/cloudward/cloudward/internal/demo"
	"github.com/cloudward/cloudward/internal/fakeaws"
)

// The demo account: alice.martin is an admin through group Admins;
// partner-analytics-readonly holds AmazonS3ReadOnlyAccess; acme-corp-website
// has a public-read bucket policy.
const demoAcct = "123456789012"

func TestIAMCanTable(t *testing.T) {
	r := run(t, runOpts{demoFS: demo.FS()}, "iam", "can", "user/alice.martin", "iam:CreateUser", "*", "--demo")
	if r.code != ExitOK || r.stderr != "" {
		t.Fatalf("exit %d, stderr %q", r.code, r.stderr)
	}
	if !strings.HasPrefix(r.stdout, "Allow") {
		t.Errorf("want an Allow, got:\n%s", r.stdout)
	}
	// The demo has no organization data: the Allow may carry the SCP
	// assumption, "Allow (assuming no SCP denies): ...".
	for _, want := range []string{": arn:aws:iam::" + demoAcct + ":user/alice.martin may call iam:CreateUser on *? yes",
		"arn:aws:iam::aws:policy/AdministratorAccess (via group Admins) Statement[0] Allow"} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("output lacks %q:\n%s", want, r.stdout)
		}
	}
	// A denied question is still an answer: exit 0, decision in the output.
	r = run(t, runOpts{demoFS: demo.FS()}, "iam", "can", "arn:aws:iam::"+demoAcct+":user/bob.nguyen", "iam:CreateUser", "*", "--demo")
	if r.code != ExitOK || !strings.HasPrefix(r.stdout, "ExplicitDeny: ") ||
		!strings.Contains(r.stdout, "inline group/Developers/deny-iam-changes (via group Developers) Statement[0] (Sid \"NoIdentityChanges\") Deny") {
		t.Errorf("exit %d, output %q", r.code, r.stdout)
	}
}

func TestIAMCanJSON(t *testing.T) {
	r := run(t, runOpts{demoFS: demo.FS()}, "iam", "can", "role/partner-analytics-readonly", "s3:PutObject",
		"arn:aws:s3:::acme-corp-data-lake/shared/x.csv", "--demo", "--format", "json")
	if r.code != ExitOK {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	var got iamAnswerJSON
	if err := json.Unmarshal([]byte(r.stdout), &got); err != nil {
		t.Fatalf("%v\n%s", err, r.stdout)
	}
	if got.Decision != "ImplicitDeny" || got.Principal != "arn:aws:iam::"+demoAcct+":role/partner-analytics-readonly" || !got.ResourcePolicyKnown {
		t.Errorf("%+v", got)
	}
	r = run(t, runOpts{demoFS: demo.FS()}, "iam", "can", "role/partner-analytics-readonly", "s3:GetObject",
		"arn:aws:s3:::acme-corp-data-lake/shared/x.csv", "--demo", "--format", "json")
	if err := json.Unmarshal([]byte(r.stdout), &got); err != nil || got.Decision != "Allow" || len(got.Reasons) == 0 {
		t.Errorf("%v %+v", err, got)
	}
}

func TestIAMWhoCan(t *testing.T) {
	r := run(t, runOpts{demoFS: demo.FS()}, "iam", "who-can", "iam:PutRolePolicy", "arn:aws:iam::"+demoAcct+":role/web-ec2-role", "--demo", "--format", "json")
	if r.code != ExitOK {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	var out struct {
		Principals []iamAnswerJSON `json:"principals"`
	}
	if err := json.Unmarshal([]byte(r.stdout), &out); err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, p := range out.Principals {
		names = append(names, p.Principal)
	}
	// The two administrators of the demo, nobody else.
	want := "arn:aws:iam::" + demoAcct + ":user/alice.martin,arn:aws:iam::" + demoAcct + ":user/ci/ci-legacy"
	if strings.Join(names, ",") != want {
		t.Errorf("who-can: %v, want %s", names, want)
	}
	r = run(t, runOpts{demoFS: demo.FS()}, "iam", "who-can", "s3:GetObject", "arn:aws:s3:::acme-corp-website/index.html", "--demo")
	if r.code != ExitOK || !strings.Contains(r.stdout, "13 of 13 principals of account 123456789012, and 2 outside it, can call s3:GetObject") ||
		!strings.Contains(r.stdout, "anonymous (unsigned requests)") || !strings.Contains(r.stdout, "PublicReadGetObject") {
		t.Errorf("exit %d:\n%s", r.code, r.stdout)
	}
}

func TestIAMCanUsageErrors(t *testing.T) {
	tests := []struct {
		name string
		args []string
		want string
	}{
		{"live flag with a snapshot", []string{"iam", "can", "user/a", "s3:GetObject", "*", "--demo", "--regions", "us-east-1"}, "--regions is for live scans"},
		{"empty snapshot name", []string{"iam", "who-can", "s3:GetObject", "*", "--snapshot", ""}, "empty directory name"},
		{"bad live flag", []string{"iam", "who-can", "s3:GetObject", "*", "--parallel", "0"}, "--parallel: must be at least 1"},
		{"both sources", []string{"iam", "who-can", "s3:GetObject", "*", "--demo", "--snapshot", "x"}, "not both"},
		{"unknown principal", []string{"iam", "can", "user/nobody", "s3:GetObject", "*", "--demo"}, `principal "user/nobody" is not a user or role`},
		{"bad action", []string{"iam", "can", "user/alice.martin", "GetObject", "*", "--demo"}, "want SERVICE:Action"},
		{"bad format", []string{"iam", "can", "user/alice.martin", "s3:GetObject", "*", "--demo", "--format", "csv"}, "want table or json"},
		{"bad context", []string{"iam", "can", "user/alice.martin", "s3:GetObject", "*", "--demo", "--context", "novalue"}, "want KEY=VALUE"},
		{"missing snapshot", []string{"iam", "can", "user/a", "s3:GetObject", "*", "--snapshot", "testdata/does-not-exist"}, "does-not-exist"},
		{"wrong arg count", []string{"iam", "can", "user/a", "s3:GetObject", "--demo"}, "accepts 3 arg"},
	}
	for _, tt := range tests {
		r := run(t, runOpts{demoFS: demo.FS()}, tt.args...)
		if r.code != ExitUsage || !strings.Contains(r.stderr, tt.want) {
			t.Errorf("%s: exit %d, stderr %q, want 2 and %q", tt.name, r.code, r.stderr, tt.want)
		}
	}
}

func TestIAMCanContext(t *testing.T) {
	// The data-lake bucket denies requests without TLS: --context supplies
	// the key the question depends on.
	r := run(t, runOpts{demoFS: demo.FS()}, "iam", "can", "user/alice.martin", "s3:GetObject", "arn:aws:s3:::acme-corp-data-lake/x", "--demo",
		"--context", "aws:SecureTransport=false")
	if r.code != ExitOK || !strings.HasPrefix(r.stdout, "ExplicitDeny: ") || !strings.Contains(r.stdout, "DenyInsecureTransport") {
		t.Errorf("exit %d:\n%s", r.code, r.stdout)
	}
}

// TestIAMCanLive answers from a live account: the fake AWS endpoint serves
// the importer's example account (alice is in group Admins).
func TestIAMCanLive(t *testing.T) {
	srv := liveEnv(t, fakeaws.Scenario{})
	r := run(t, runOpts{}, "iam", "can", "user/alice", "iam:CreateUser", "*", "--endpoint-url", srv.URL, "--quiet", "--format", "json")
	if r.code != ExitOK {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	var got iamAnswerJSON
	if err := json.Unmarshal([]byte(r.stdout), &got); err != nil {
		t.Fatalf("%v\n%s", err, r.stdout)
	}
	if got.Principal != "arn:aws:iam::111122223333:user/alice" || got.Decision != "Allow" {
		t.Errorf("%+v", got)
	}
	if strings.Contains(r.stdout+r.stderr, "SecretDoNotLeak") {
		t.Error("credentials printed")
	}
	r = run(t, runOpts{}, "iam", "who-can", "iam:CreateUser", "*", "--endpoint-url", srv.URL, "--quiet")
	if r.code != ExitOK || !strings.Contains(r.stdout, "arn:aws:iam::111122223333:user/alice") {
		t.Errorf("who-can live: exit %d\n%s\n%s", r.code, r.stdout, r.stderr)
	}
}

// who-can names the partner account a trust policy admits, as an outsider.
func TestIAMWhoCanOutsiders(t *testing.T) {
	r := run(t, runOpts{demoFS: demo.FS()}, "iam", "who-can", "sts:AssumeRole", "arn:aws:iam::"+demoAcct+":role/partner-analytics-readonly", "--demo", "--format", "json")
	var out struct {
		Principals []iamAnswerJSON `json:"principals"`
	}
	if err := json.Unmarshal([]byte(r.stdout), &out); err != nil || r.code != ExitOK {
		t.Fatalf("exit %d: %v\n%s", r.code, err, r.stdout)
	}
	if len(out.Principals) != 1 || out.Principals[0].Principal != "arn:aws:iam::210987654321:root" || !out.Principals[0].External {
		t.Errorf("%+v", out.Principals)
	}
}
