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
			CheckID string `json:"check_id"`
			Status  string `json:"status"`
			Mute    *struct {
				Status, Reason, Owner, Entry string
			} `json:"mute"`
		} `json:"findings"`
	}
	if err := json.Unmarshal([]byte(r.stdout), &rep); err != nil {
		t.Fatalf("json: %v", err)
	}
	found := false
	for _, f := range rep.Findings {
		if f.CheckID == "aws-ec2-ebs-volume-unencrypted" {
			found = true
			if f.Status != "SUPPRESSED" || f.Mute == nil || f.Mute.Reason != "scratch volume, no data" ||
				f.Mute.Owner != "checkov" || !strings.HasSuffix(f.Mute.Entry, "main.tf:5") || f.Mute.Status != "FAIL" {
				t.Errorf("finding %+v %+v", f, f.Mute)
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
