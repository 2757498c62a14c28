package cli

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestScanConfigFile(t *testing.T) {
	absSnap, err := filepath.Abs(snap)
	if err != nil {
		t.Fatal(err)
	}
	cfg := writeTemp(t, "cloudward.yaml", `version: 1
scan:
  fail-on: critical
  format: json
mutelist:
  entries:
    - check: aws-ec2-sg-ssh-open
      resource: `+sshGroupARN+`
      reason: Bastion (SEC-1412)
      owner: platform-team@acme.example
`)
	base := []string{"scan", "aws", "--snapshot", snap, "--no-store", "--config", cfg}
	// fail-on critical from the file: the high failure does not fail.
	r := run(t, runOpts{}, base...)
	if r.code != 0 || !strings.HasPrefix(strings.TrimSpace(r.stdout), "{") {
		t.Fatalf("exit %d, stdout %.80q, stderr %q", r.code, r.stdout, r.stderr)
	}
	if !strings.Contains(r.stdout, `"status":"MUTED"`) || !strings.Contains(r.stdout, `"entry":"`+cfg+`:7"`) {
		t.Errorf("the config's inline mutelist did not mute:\n%s", r.stdout)
	}
	// The command line wins over the file.
	r = run(t, runOpts{}, append(base, "--fail-on", "high", "--format", "csv", "--mutelist", writeTemp(t, "m.yaml", "entries: []\n"))...)
	if r.code != 1 || !strings.HasPrefix(r.stdout, "severity,status") {
		t.Errorf("flags did not win: exit %d\n%.200s", r.code, r.stdout)
	}

	// ./cloudward.yaml is read without --config.
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "cloudward.yaml"), []byte("scan:\n  snapshot: "+absSnap+"\n  fail-on: none\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	t.Chdir(dir)
	r = run(t, runOpts{}, "scan", "aws", "--no-store")
	if r.code != 0 || !strings.Contains(r.stdout, "aws-ec2-sg-ssh-open") {
		t.Errorf("default config: exit %d, stderr %q", r.code, r.stderr)
	}
}

func TestScanConfigErrors(t *testing.T) {
	tests := []struct {
		name, yaml string
		env        map[string]string
		want       string
	}{
		{"unknown flag", "scan:\n  colour: never\n", nil, `:2: scan: unknown flag "colour"`},
		{"bad flag value", "scan:\n  fail-on: [high, low]\n", nil, ":2: scan.fail-on: takes one value, got a list"},
		{"unset variable", "alerts:\n  destinations:\n    - name: s\n      type: slack\n      url: ${SLACK_WEBHOOK_URL}\n", nil,
			":5: environment variable SLACK_WEBHOOK_URL is not set"},
		{"bad mutelist check", "mutelist:\n  entries:\n    - check: aws-ec2-sg-ssh\n      reason: r\n      owner: o\n", nil,
			`:3: unknown check ID "aws-ec2-sg-ssh"`},
		{"secret never printed", "alerts:\n  destinations:\n    - name: s\n      type: slack\n      url: ${HOOK}\n      timeout: forever\n",
			map[string]string{"HOOK": "https://hooks.slack.com/services/T0/B0/TOPSECRET"}, `:6: alerts.destinations[0]: timeout: "forever" is not a positive duration`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := writeTemp(t, "cloudward.yaml", tt.yaml)
			r := run(t, runOpts{env: tt.env}, "scan", "aws", "--snapshot", snap, "--no-store", "--config", cfg)
			if r.code != ExitUsage || !strings.Contains(r.stderr, cfg+tt.want) {
				t.Errorf("exit %d, stderr %q; want 2 and %q", r.code, r.stderr, cfg+tt.want)
			}
			if strings.Contains(r.stderr+r.stdout, "TOPSECRET") {
				t.Error("secret printed")
			}
		})
	}
	r := run(t, runOpts{}, "demo", "--config", "/nonexistent/cloudward.yaml")
	if r.code != ExitUsage || !strings.Contains(r.stderr, "--config: stat /nonexistent/cloudward.yaml") {
		t.Errorf("missing --config file: exit %d %q", r.code, r.stderr)
	}
}

func TestScanConfigDatabase(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "scans.db")
	cfg := writeTemp(t, "cloudward.yaml", "database: ${CLOUDWARD_DB}\n")
	r := run(t, runOpts{env: map[string]string{"CLOUDWARD_DB": db}}, "scan", "aws", "--snapshot", snap, "--config", cfg, "--fail-on", "none")
	if r.code != 0 {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	if _, err := os.Stat(db); err != nil {
		t.Errorf("the config's database was not used: %v", err)
	}
	// --no-store still wins over the file's database.
	other := filepath.Join(dir, "other.db")
	r = run(t, runOpts{env: map[string]string{"CLOUDWARD_DB": other}}, "scan", "aws", "--snapshot", snap, "--config", cfg, "--no-store", "--fail-on", "none")
	if _, err := os.Stat(other); r.code != 0 || err == nil {
		t.Errorf("--no-store: exit %d, stderr %q, database created: %v", r.code, r.stderr, err == nil)
	}
}
