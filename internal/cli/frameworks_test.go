package cli

import (
	"encoding/csv"
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

func TestFrameworksCommand(t *testing.T) {
	r := run(t, runOpts{}, "frameworks")
	if r.code != 0 || !strings.HasPrefix(r.stdout, "ID ") ||
		!strings.Contains(r.stdout, "\ncis-aws-4.0           64         36         62             62      100%  CIS Amazon Web Services Foundations Benchmark 4.0.1\n") {
		t.Errorf("frameworks (exit %d):\n%s%s", r.code, r.stdout, r.stderr)
	}
	r = run(t, runOpts{}, "frameworks", "--format", "json")
	var list []struct {
		ID                             string
		Controls, Automated, Evaluated int
		APIEvaluable                   int `json:"api_evaluable"`
	}
	if err := json.Unmarshal([]byte(r.stdout), &list); err != nil {
		t.Fatal(err)
	}
	if len(list) != 10 || list[4].ID != "cis-aws-7.0" || list[4].Controls != 70 ||
		list[1].ID != "cis-aws-4.0" || list[1].APIEvaluable != 62 || list[1].Evaluated != 62 {
		t.Errorf("json list %+v", list)
	}

	r = run(t, runOpts{}, "frameworks", "show", "cis-aws-4.0")
	if r.code != 0 || !strings.Contains(r.stdout, "\n1.10   1      automated   aws-iam-user-console-mfa-missing ") ||
		!strings.Contains(r.stdout, "64 controls, 36 automated, 62 evaluated by cloudward, 62 API-evaluable (100% evaluated)") {
		t.Errorf("show table (exit %d):\n%s", r.code, r.stdout)
	}
	r = run(t, runOpts{}, "frameworks", "show", "pci-dss-4.0", "--format", "csv")
	rows, err := csv.NewReader(strings.NewReader(r.stdout)).ReadAll()
	if err != nil || len(rows) != 21 || rows[0][1] != "control_id" || rows[1][0] != "pci-dss-4.0" || rows[1][1] != "1.3.1" ||
		!strings.Contains(rows[1][6], "aws-ec2-sg-ssh-open") {
		t.Errorf("show csv: %v %v", err, rows[:min(2, len(rows))])
	}
	r = run(t, runOpts{}, "frameworks", "show", "cis-aws-7.0", "--format", "json")
	var fw struct {
		ID       string
		Controls []struct {
			ID, Assessment string
			Level          int
			Checks         []string
		}
	}
	if err := json.Unmarshal([]byte(r.stdout), &fw); err != nil || fw.ID != "cis-aws-7.0" || len(fw.Controls) != 70 ||
		fw.Controls[0].ID != "2.1.1" || fw.Controls[0].Level != 2 || fw.Controls[0].Checks == nil {
		t.Errorf("show json: %v %+v", err, fw)
	}
	r = run(t, runOpts{}, "frameworks", "show", "soc2", "--format", "markdown")
	if r.code != 0 || !strings.HasPrefix(r.stdout, "## soc2\n") || !strings.Contains(r.stdout, "| CC6.6 | CC6 Logical and Physical Access Controls | automated |") {
		t.Errorf("show markdown:\n%s", r.stdout)
	}

	for _, tt := range []struct {
		args []string
		want string
	}{
		{[]string{"frameworks", "show", "cis-aws-9.9"}, `unknown framework "cis-aws-9.9" (known: cis-aws-3.0, `},
		{[]string{"frameworks", "show"}, "frameworks show needs one framework ID"},
		{[]string{"frameworks", "show", "soc2", "--format", "xml"}, `--format: unknown format "xml" (want table, json, markdown, csv)`},
		{[]string{"frameworks", "--format", "csv"}, `--format: unknown format "csv" (want table, json, markdown)`},
		{[]string{"frameworks", "extra"}, "takes no arguments"},
	} {
		r := run(t, runOpts{}, tt.args...)
		if r.code != ExitUsage || !strings.Contains(r.stderr, tt.want) {
			t.Errorf("%v: exit %d, stderr %q, want %q", tt.args, r.code, r.stderr, tt.want)
		}
	}
}

// TestComplianceDocInSync keeps docs/compliance.md equal to the command's
// output.
func TestComplianceDocInSync(t *testing.T) {
	r := run(t, runOpts{}, "frameworks", "--format", "markdown")
	if r.code != 0 {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	const regen = "go run ./cmd/cloudward frameworks --format markdown > docs/compliance.md"
	want, err := os.ReadFile(filepath.Join("..", "..", "docs", "compliance.md"))
	if err != nil {
		t.Fatalf("%v; generate it: %s", err, regen)
	}
	if r.stdout != string(want) {
		got, old := strings.Split(r.stdout, "\n"), strings.Split(string(want), "\n")
		line := 0
		for line < min(len(got), len(old)) && got[line] == old[line] {
			line++
		}
		t.Fatalf("docs/compliance.md is out of date (first difference at line %d); regenerate it:\n%s", line+1, regen)
	}
}

type jsonCompliance struct {
	Framework string
	Level     int
	Score     float64
	Counts    map[string]int
	Controls  []struct {
		ID, Status string
		Level      int
		Checks     []string
		Failing    []string
	}
}

// scanCompliance runs a JSON scan of the fixture snapshot and returns its
// compliance section and the fingerprint of each finding by check and
// resource.
func scanCompliance(t *testing.T, args ...string) ([]jsonCompliance, map[string]string) {
	t.Helper()
	r := run(t, runOpts{}, append([]string{"scan", "aws", "--snapshot", snap, "--format", "json"}, args...)...)
	var doc struct {
		Compliance []jsonCompliance
		Findings   []struct {
			CheckID     string `json:"check_id"`
			Resource    struct{ ID string }
			Fingerprint string
		}
	}
	if err := json.Unmarshal([]byte(r.stdout), &doc); err != nil {
		t.Fatalf("exit %d: %v\n%s", r.code, err, r.stderr)
	}
	fps := map[string]string{}
	for _, f := range doc.Findings {
		fps[f.CheckID+" "+f.Resource.ID] = f.Fingerprint
	}
	return doc.Compliance, fps
}

func TestScanCompliance(t *testing.T) {
	// Default: every AWS framework, in ID order.
	all, _ := scanCompliance(t)
	if len(all) != 10 || all[0].Framework != "cis-aws-3.0" || all[9].Framework != "soc2" {
		t.Fatalf("default frameworks: %d", len(all))
	}

	got, fps := scanCompliance(t, "--compliance", "cis-aws-4.0", "--level", "1")
	if len(got) != 1 || got[0].Framework != "cis-aws-4.0" || got[0].Level != 1 || got[0].Counts["total"] != 42 {
		t.Fatalf("level 1: %+v", got)
	}
	byID := map[string]int{}
	for i, c := range got[0].Controls {
		byID[c.ID] = i
		if c.Level != 1 {
			t.Errorf("level 1 report has %s (level %d)", c.ID, c.Level)
		}
	}
	// The fixture snapshot has a security group open to SSH from anywhere.
	ssh := got[0].Controls[byID["5.3"]]
	if fp := fps["aws-ec2-sg-ssh-open "+sshGroupARN]; ssh.Status != "FAIL" || fp == "" || !slices.Contains(ssh.Failing, fp) {
		t.Errorf("5.3: %+v", ssh)
	}
	if s := got[0].Controls[byID["1.1"]].Status; s != "MANUAL" {
		t.Errorf("1.1: %s", s)
	}

	// Checks left out by --check make their controls NOT_EVALUATED, not PASS.
	got, _ = scanCompliance(t, "--compliance", "cspm-baseline", "--check", "aws-ec2-sg-ssh-open")
	for _, c := range got[0].Controls {
		want := "NOT_EVALUATED"
		if c.ID == "NET-1" {
			want = "FAIL" // the SSH check ran and failed
		}
		if c.Status != want {
			t.Errorf("--check: %s is %s, want %s", c.ID, c.Status, want)
		}
	}

	for _, tt := range []struct {
		args []string
		want string
	}{
		{[]string{"--compliance", "cis-aws-4.0,hipaa"}, `--compliance: unknown framework "hipaa"`},
		{[]string{"--level", "3"}, "--level: 3 is not a CIS profile level (want 1 or 2)"},
	} {
		r := run(t, runOpts{}, append([]string{"scan", "aws", "--snapshot", snap}, tt.args...)...)
		if r.code != ExitUsage || !strings.Contains(r.stderr, tt.want) {
			t.Errorf("%v: exit %d, %q", tt.args, r.code, r.stderr)
		}
	}

	r := run(t, runOpts{}, "scan", "aws", "--snapshot", snap, "--compliance", "soc2,cis-aws-7.0")
	i := strings.Index(r.stdout, "Compliance: SCORE is controls passed / controls assessed")
	if i < 0 || !strings.Contains(r.stdout[i:], "\n  soc2 ") || !strings.Contains(r.stdout[i:], "\n  cis-aws-7.0 ") {
		t.Errorf("table:\n%s", r.stdout)
	}
}
