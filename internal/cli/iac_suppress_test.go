package cli

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// A FAIL suppressed inline no longer fails the run, stays in the report as
// SUPPRESSED with its reason, and is a SARIF inSource suppression.
func TestScanIaCSuppressed(t *testing.T) {
	dir := t.TempDir()
	tf := `provider "aws" {
  region = "eu-west-1"
}

#checkov:skip=CKV_AWS_3:scratch volume, no data
resource "aws_ebs_volume" "scratch" {
  availability_zone = "eu-west-1a"
  size              = 10
  encrypted         = false
}
`
	if err := os.WriteFile(filepath.Join(dir, "main.tf"), []byte(tf), 0o644); err != nil {
		t.Fatal(err)
	}
	r := run(t, runOpts{}, "scan", "iac", dir, "--no-store", "--format", "json")
	if r.code != 0 {
		t.Fatalf("exit %d, want 0 (suppressed is not a failure); stdout:\n%s\nstderr:\n%s", r.code, r.stdout, r.stderr)
	}
	var rep struct {
		Summary struct {
			Suppressed int `json:"suppressed"`
		} `json:"summary"`
		Findings []struct {
			CheckID string    `json:"check_id"`
			Status  string    `json:"status"`
			Mute    *struct{} `json:"mute"`
			// Suppressions have their own member, never "mute".
			Suppression *struct {
				Status, Reason, Source, Expires, Entry string
			} `json:"suppression"`
		} `json:"findings"`
	}
	if err := json.Unmarshal([]byte(r.stdout), &rep); err != nil {
		t.Fatalf("json: %v", err)
	}
	found := false
	for _, f := range rep.Findings {
		if f.CheckID == "aws-ec2-ebs-volume-unencrypted" {
			found = true
			s := f.Suppression
			if f.Status != "SUPPRESSED" || f.Mute != nil || s == nil || s.Reason != "scratch volume, no data" ||
				s.Source != "checkov" || !strings.HasSuffix(s.Entry, "main.tf:5") || s.Status != "FAIL" || s.Expires != "" {
				t.Errorf("finding %+v %+v", f, s)
			}
		}
	}
	if !found || rep.Summary.Suppressed != 1 {
		t.Errorf("found %v, summary.suppressed %d", found, rep.Summary.Suppressed)
	}

	r = run(t, runOpts{}, "scan", "iac", dir, "--no-store", "--format", "sarif")
	if r.code != 0 {
		t.Fatalf("sarif: exit %d; stderr:\n%s", r.code, r.stderr)
	}
	if !strings.Contains(r.stdout, `"kind":"inSource"`) && !strings.Contains(r.stdout, `"kind": "inSource"`) {
		t.Errorf("SARIF has no inSource suppression:\n%s", r.stdout)
	}
}
