package cli

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func writeTemp(t *testing.T, name, content string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

const sshMutelist = `entries:
  - check: aws-ec2-sg-ssh-open
    resource: arn:aws:ec2:us-east-1:111122223333:security-group/sg-0a1b2c3d4e5f67890
    reason: Bastion, SSH with MFA at the host (SEC-1412)
    owner: platform-team@acme.example
    expires: 2027-01-31
  - check: aws-ec2-sg-rdp-open
    reason: Old exception
    owner: nobody@acme.example
    expires: 2025-01-31
`

func TestScanMutelist(t *testing.T) {
	ml := writeTemp(t, "mutelist.yaml", sshMutelist)
	base := []string{"scan", "aws", "--snapshot", snap, "--fail-on", "high"}
	if r := run(t, runOpts{}, base...); r.code != 1 {
		t.Fatalf("without mutelist: exit %d, want 1", r.code)
	}
	r := run(t, runOpts{}, append(base, "--mutelist", ml, "--format", "json")...)
	if r.code != 0 {
		t.Fatalf("muted failure still fails: exit %d\n%s", r.code, r.stderr)
	}
	var doc struct {
		Scan struct {
			Warnings []string `json:"warnings"`
		} `json:"scan"`
		Summary struct {
			Fail  int `json:"fail"`
			Muted int `json:"muted"`
		} `json:"summary"`
		Findings []struct {
			CheckID  string `json:"check_id"`
			Status   string `json:"status"`
			Resource struct {
				ID string `json:"id"`
			} `json:"resource"`
			Mute *struct {
				Status, Reason, Owner, Expires, Entry string
			} `json:"mute"`
		} `json:"findings"`
	}
	if err := json.Unmarshal([]byte(r.stdout), &doc); err != nil {
		t.Fatalf("%v\n%s", err, r.stdout)
	}
	if doc.Summary.Muted != 1 || doc.Summary.Fail != 0 {
		t.Errorf("summary fail=%d muted=%d, want 0 and 1", doc.Summary.Fail, doc.Summary.Muted)
	}
	found := false
	for _, f := range doc.Findings {
		if f.Status == "MUTED" {
			found = true
			if f.CheckID != "aws-ec2-sg-ssh-open" || f.Resource.ID != sshGroupARN || f.Mute == nil ||
				f.Mute.Status != "FAIL" || f.Mute.Reason != "Bastion, SSH with MFA at the host (SEC-1412)" ||
				f.Mute.Owner != "platform-team@acme.example" || f.Mute.Expires != "2027-01-31" ||
				f.Mute.Entry != ml+":2" {
				t.Errorf("muted finding = %+v mute %+v", f, f.Mute)
			}
		} else if f.Mute != nil {
			t.Errorf("%s: mute object on a %s finding", f.CheckID, f.Status)
		}
	}
	if !found {
		t.Error("no MUTED finding in the JSON report")
	}
	if w := strings.Join(doc.Scan.Warnings, "\n"); !strings.Contains(w, ml+":7: entry for check aws-ec2-sg-rdp-open (owner nobody@acme.example) expired on 2025-01-31") {
		t.Errorf("warnings lack the expired entry: %q", w)
	}
	if !strings.Contains(r.stderr, "expired on 2025-01-31") {
		t.Errorf("stderr lacks the expired warning: %q", r.stderr)
	}

	// The table lists MUTED findings by default, with the reason.
	r = run(t, runOpts{}, append(base, "--mutelist", ml)...)
	if !strings.Contains(r.stdout, "MUTED") || !strings.Contains(r.stdout, "[muted by "+ml+":2, platform-team@acme.example: Bastion") {
		t.Errorf("table lacks the muted row:\n%s", r.stdout)
	}
	// CSV carries the mute columns.
	r = run(t, runOpts{}, append(base, "--mutelist", ml, "--format", "csv", "--status", "MUTED")...)
	lines := strings.Split(strings.TrimSpace(r.stdout), "\n")
	if len(lines) < 2 || !strings.HasSuffix(lines[0], ",mute_reason,mute_owner,mute_expires,mute_entry") ||
		!strings.Contains(r.stdout, "Bastion, SSH with MFA at the host (SEC-1412)") {
		t.Errorf("csv:\n%s", r.stdout)
	}
}

func TestScanMutelistErrors(t *testing.T) {
	tests := []struct{ name, content, want string }{
		{"missing owner", "entries:\n  - check: aws-ec2-sg-ssh-open\n    reason: r\n", ":2: entry 1: missing owner"},
		{"unknown check", "entries:\n  - check: aws-ec2-sg-ssh-opn\n    reason: r\n    owner: o\n", `:2: unknown check ID "aws-ec2-sg-ssh-opn"`},
		{"bad date", "entries:\n  - check: aws-ec2-sg-ssh-open\n    reason: r\n    owner: o\n    expires: tomorrow\n", `:5: expires: "tomorrow" is not a date`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ml := writeTemp(t, "m.yaml", tt.content)
			r := run(t, runOpts{}, "scan", "aws", "--snapshot", snap, "--mutelist", ml)
			if r.code != ExitUsage || !strings.Contains(r.stderr, ml+tt.want) {
				t.Errorf("exit %d, stderr %q; want 2 and %q", r.code, r.stderr, ml+tt.want)
			}
		})
	}
	r := run(t, runOpts{}, "scan", "aws", "--snapshot", snap, "--mutelist", "/nonexistent/m.yaml")
	if r.code != ExitUsage || !strings.Contains(r.stderr, "--mutelist: open /nonexistent/m.yaml") {
		t.Errorf("missing file: exit %d %q", r.code, r.stderr)
	}
}
