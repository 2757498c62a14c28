package cli

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

const iacMixed = "testdata/iac/mixed"

func TestScanIaC(t *testing.T) {
	// Without a value for var.admin_cidr the SSH check is UNKNOWN; the
	// examples/ folder opens RDP; the CloudFormation volume is unencrypted.
	r := run(t, runOpts{}, "scan", "iac", iacMixed, "--no-store", "--format", "json")
	if r.code != 1 {
		t.Fatalf("exit %d, want 1; stderr:\n%s", r.code, r.stderr)
	}
	var rep struct {
		Findings []struct {
			CheckID  string `json:"check_id"`
			Status   string `json:"status"`
			Message  string `json:"message"`
			Resource struct {
				Address  string `json:"address"`
				Location struct {
					File      string `json:"file"`
					StartLine int    `json:"start_line"`
					EndLine   int    `json:"end_line"`
				} `json:"location"`
			} `json:"resource"`
		} `json:"findings"`
	}
	if err := json.Unmarshal([]byte(r.stdout), &rep); err != nil {
		t.Fatalf("report is not JSON: %v\n%s", err, r.stdout)
	}
	got := map[string]string{}
	for _, f := range rep.Findings {
		got[f.CheckID+" "+f.Resource.Address] = f.Status
		if f.CheckID == "aws-ec2-sg-ssh-open" && f.Resource.Address == "aws_security_group.admin" {
			if !strings.Contains(f.Message, "var.admin_cidr has no value") {
				t.Errorf("message %q does not name the variable", f.Message)
			}
			loc := f.Resource.Location
			if loc.File != iacMixed+"/infra/main.tf" || loc.StartLine != 5 || loc.EndLine != 14 {
				t.Errorf("location %+v, want infra/main.tf:5-14", loc)
			}
		}
	}
	for key, status := range map[string]string{
		"aws-ec2-sg-ssh-open aws_security_group.admin":   "UNKNOWN",
		"aws-ec2-sg-rdp-open aws_security_group.example": "FAIL",
		"aws-kms-key-rotation-disabled aws_kms_key.logs": "PASS",
	} {
		if got[key] != status {
			t.Errorf("%s: %q, want %s", key, got[key], status)
		}
	}
	cfn := false
	for _, f := range rep.Findings {
		if f.CheckID == "aws-ec2-ebs-volume-unencrypted" && f.Status == "FAIL" && strings.Contains(f.Resource.Location.File, "bucket.yaml") {
			cfn = true
		}
	}
	if !cfn {
		t.Errorf("the CloudFormation volume was not judged; findings: %v", got)
	}
	// The plan JSON beside the templates is read too.
	if got[`aws-ec2-ebs-volume-unencrypted module.storage.aws_ebs_volume.data["a"]`] != "FAIL" {
		t.Errorf("the plan's volume was not judged; findings: %v", got)
	}
	for _, w := range []string{"infra/broken.tf:3:", "infra/binary.tf", "binary file"} {
		if !strings.Contains(r.stderr, w) {
			t.Errorf("stderr lacks %q:\n%s", w, r.stderr)
		}
	}
	if strings.Contains(r.stderr, "not-a-template") {
		t.Errorf("an ordinary YAML file was reported:\n%s", r.stderr)
	}
}

func TestScanIaCVariablesAndSkips(t *testing.T) {
	infra := filepath.Join(iacMixed, "infra")
	// --var gives the variable a value: now the SSH rule is judged.
	r := run(t, runOpts{}, "scan", "iac", infra, "--no-store", "--var", "admin_cidr=0.0.0.0/0", "--check", "aws-ec2-sg-ssh-open")
	if r.code != 1 || !strings.Contains(r.stdout, "FAIL") || !strings.Contains(r.stdout, "infra/main.tf:5-14 aws_security_group.admin") {
		t.Errorf("--var: exit %d\n%s", r.code, r.stdout)
	}
	// TF_VAR_ from the environment, below --var.
	r = run(t, runOpts{env: map[string]string{"TF_VAR_admin_cidr": "10.0.0.0/8"}}, "scan", "iac", infra, "--no-store", "--check", "aws-ec2-sg-ssh-open")
	if r.code != 0 {
		t.Errorf("TF_VAR_admin_cidr=10.0.0.0/8: exit %d\n%s", r.code, r.stdout)
	}
	// --skip-path drops the examples: nothing fails at high any more.
	r = run(t, runOpts{}, "scan", "iac", iacMixed, "--no-store", "--skip-path", "examples/**", "--skip-path", "templates", "--fail-on", "high")
	if r.code != 0 || strings.Contains(r.stdout, "aws_security_group.example") {
		t.Errorf("--skip-path: exit %d\n%s", r.code, r.stdout)
	}
}

func TestScanIaCBadInput(t *testing.T) {
	for _, args := range [][]string{
		{"scan", "iac"},
		{"scan", "iac", "testdata/iac/does-not-exist"},
		{"scan", "iac", iacMixed, "--var", "novalue"},
		{"scan", "iac", iacMixed, "--var-file", "missing.tfvars"},
	} {
		r := run(t, runOpts{}, append(args, "--no-store")...)
		if r.code != ExitUsage || !strings.Contains(r.stderr, "cloudward: ") {
			t.Errorf("%v: exit %d, stderr %q; want exit 2 with a message", args, r.code, r.stderr)
		}
	}
}

func TestScanIaCEmptyFolder(t *testing.T) {
	dir := t.TempDir()
	if err := os.MkdirAll(filepath.Join(dir, ".git"), 0o755); err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	r := run(t, runOpts{}, "scan", "iac", dir, "--no-store")
	if r.code != 0 || !strings.Contains(r.stdout, "0 results") {
		t.Errorf("empty folder: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	if d := time.Since(start); d > 500*time.Millisecond {
		t.Errorf("empty folder took %v", d)
	}
}
