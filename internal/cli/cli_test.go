package cli

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	awschecks "github.com/cloudward/cloudward/internal/checks/aws"
	"github.com/cloudward/cloudward/internal/demo"
)

// snap is a small hand-made snapshot: one security group with SSH open to
// the world (aws-ec2-sg-ssh-open, high, FAILs), one with only HTTPS open.
// Everything else is not collected, so other checks are UNKNOWN.
const snap = "testdata/snap"

const sshGroupARN = "arn:aws:ec2:us-east-1:111122223333:security-group/sg-0a1b2c3d4e5f67890"

type runOpts struct {
	terminal bool              // stdout and stderr are terminals
	env      map[string]string // environment variables
	demoFS   fs.FS
}

type result struct {
	stdout, stderr string
	code           int
}

func run(t *testing.T, o runOpts, args ...string) result {
	t.Helper()
	var stdout, stderr bytes.Buffer
	clock := time.Date(2026, 11, 21, 8, 0, 0, 0, time.UTC)
	env := Env{
		Stdout:     &stdout,
		Stderr:     &stderr,
		Getenv:     func(k string) string { return o.env[k] },
		IsTerminal: func(io.Writer) bool { return o.terminal },
		Now: func() time.Time {
			clock = clock.Add(250 * time.Millisecond)
			return clock
		},
		NewScanID: func() string { return "00000000-0000-4000-8000-000000000001" },
		Version:   "v0.0.0-test",
		Checks:    awschecks.Checks,
		DemoFS:    func() fs.FS { return o.demoFS },
	}
	code := Main(args, env)
	return result{stdout: stdout.String(), stderr: stderr.String(), code: code}
}

func TestScanExitCodes(t *testing.T) {
	tests := []struct {
		name string
		args []string
		code int
	}{
		{"high failure at default fail-on low", nil, 1},
		{"fail-on high", []string{"--fail-on", "high"}, 1},
		{"fail-on critical", []string{"--fail-on", "critical"}, 0},
		{"fail-on none", []string{"--fail-on", "none"}, 0},
		{"failing check filtered out by severity", []string{"--severity", "critical,medium"}, 0},
		{"failing check filtered out by service", []string{"--service", "iam,s3"}, 0},
		{"failing check filtered out by region", []string{"--region", "global"}, 0},
		{"status only changes the listing, not the exit code", []string{"--status", "pass"}, 1},
		{"check filter keeps the failure", []string{"--check", "aws-ec2-sg-ssh-open"}, 1},
		{"json", []string{"--format", "json"}, 1},
		{"csv", []string{"--format", "csv"}, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := run(t, runOpts{}, append([]string{"scan", "aws", "--snapshot", snap}, tt.args...)...)
			if r.code != tt.code {
				t.Fatalf("exit %d, want %d\nstdout:\n%s\nstderr:\n%s", r.code, tt.code, r.stdout, r.stderr)
			}
			if r.stderr != "" {
				t.Errorf("unexpected stderr: %s", r.stderr)
			}
		})
	}
}

func TestUsageAndInputErrors(t *testing.T) {
	badMeta := filepath.Join("testdata", "snap-bad-meta")
	empty := t.TempDir()
	tests := []struct {
		name string
		args []string
		want string // in stderr, after "cloudward: "
	}{
		{"live scan bad parallel", []string{"scan", "aws", "--parallel", "0"}, "--parallel: must be at least 1"},
		{"no provider", []string{"scan"}, "scan needs a provider"},
		{"unknown provider", []string{"scan", "azure"}, `unsupported provider "azure"`},
		{"unknown command", []string{"scna"}, `unknown command "scna"`},
		{"unknown flag", []string{"scan", "aws", "--snapshot", snap, "--colour"}, "unknown flag: --colour"},
		{"bad severity", []string{"scan", "aws", "--snapshot", snap, "--severity", "critical,urgent"}, `--severity: unknown severity "urgent"`},
		{"unknown check", []string{"scan", "aws", "--snapshot", snap, "--check", "aws-ec2-sg-ssh-open,aws-nope"}, `--check: unknown check ID "aws-nope"`},
		{"bad status", []string{"scan", "aws", "--snapshot", snap, "--status", "FAIL,MAYBE"}, `--status: unknown status "MAYBE"`},
		{"bad format", []string{"scan", "aws", "--snapshot", snap, "--format", "xml"}, `--format: unknown format "xml"`},
		{"bad fail-on", []string{"scan", "aws", "--snapshot", snap, "--fail-on", "urgent"}, "--fail-on: unknown severity"},
		{"missing snapshot dir", []string{"scan", "aws", "--snapshot", "testdata/nope"}, "snapshot testdata/nope: directory does not exist"},
		{"empty snapshot dir", []string{"scan", "aws", "--snapshot", empty}, "empty snapshot"},
		{"malformed snapshot.json", []string{"scan", "aws", "--snapshot", badMeta}, "snapshot.json:"},
		{"unwritable output", []string{"scan", "aws", "--snapshot", snap, "--output", filepath.Join(empty, "no", "such", "dir.json")}, "--output: open " + filepath.Join(empty, "no")},
		{"checks bad format", []string{"checks", "--format", "csv"}, `--format: unknown format "csv"`},
		{"version with args", []string{"version", "extra"}, "takes no arguments"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := run(t, runOpts{}, tt.args...)
			if r.code != ExitUsage {
				t.Fatalf("exit %d, want 2\nstdout:\n%s\nstderr:\n%s", r.code, r.stdout, r.stderr)
			}
			if !strings.HasPrefix(r.stderr, "cloudward: ") || !strings.Contains(r.stderr, tt.want) {
				t.Errorf("stderr = %q, want it to contain %q", r.stderr, tt.want)
			}
			if strings.Contains(r.stdout, "Posture score") {
				t.Errorf("a report was written despite the error:\n%s", r.stdout)
			}
		})
	}
}

func TestTableDefaultListsFailAndUnknown(t *testing.T) {
	r := run(t, runOpts{}, "scan", "aws", "--snapshot", snap)
	lines := strings.Split(r.stdout, "\n")
	if !strings.HasPrefix(lines[0], "SEVERITY") {
		t.Fatalf("no table header:\n%s", r.stdout)
	}
	var sawSSH bool
	for _, l := range lines[1:] {
		if l == "" {
			continue
		}
		if strings.HasPrefix(l, "Summary:") {
			break
		}
		if strings.Contains(l, " PASS ") {
			t.Errorf("table lists a PASS by default: %s", l)
		}
		if strings.Contains(l, "aws-ec2-sg-ssh-open") && strings.Contains(l, "bastion-ssh") {
			sawSSH = true
			if !strings.HasPrefix(l, "high") || !strings.Contains(l, "FAIL") || !strings.Contains(l, "us-east-1") {
				t.Errorf("SSH row = %q", l)
			}
		}
	}
	if !sawSSH {
		t.Errorf("SSH failure not listed:\n%s", r.stdout)
	}
	// The summary still counts PASS (the HTTPS group passes the SSH check).
	if !strings.Contains(r.stdout, "Posture score:") || strings.Contains(r.stdout, " 0 pass,") {
		t.Errorf("summary lacks PASS counts or score:\n%s", r.stdout)
	}
	if strings.Contains(r.stdout, "\x1b[") {
		t.Error("colour on a non-terminal")
	}
}

func TestColour(t *testing.T) {
	args := []string{"scan", "aws", "--snapshot", snap}
	if r := run(t, runOpts{terminal: true}, args...); !strings.Contains(r.stdout, "\x1b[31mhigh") {
		t.Errorf("no colour on a terminal:\n%s", r.stdout)
	}
	if r := run(t, runOpts{terminal: true, env: map[string]string{"NO_COLOR": "1"}}, args...); strings.Contains(r.stdout, "\x1b[") {
		t.Error("colour despite NO_COLOR")
	}
	if r := run(t, runOpts{terminal: true}, append(args, "--no-color")...); strings.Contains(r.stdout, "\x1b[") {
		t.Error("colour despite --no-color")
	}
	if r := run(t, runOpts{terminal: true}, append(args, "--format", "json")...); strings.Contains(r.stdout, "\x1b[") {
		t.Error("colour in JSON")
	}
}

type jsonFinding struct {
	CheckID  string `json:"check_id"`
	Severity string `json:"severity"`
	Status   string `json:"status"`
	Resource struct {
		ID     string `json:"id"`
		Region string `json:"region"`
	} `json:"resource"`
	Evidence []struct {
		Source struct {
			File string `json:"file"`
		} `json:"source"`
	} `json:"evidence"`
}

type jsonReport struct {
	Tool struct{ Name, Version string } `json:"tool"`
	Scan struct {
		ID          string   `json:"id"`
		StartedAt   string   `json:"started_at"`
		FinishedAt  string   `json:"finished_at"`
		Source      string   `json:"source"`
		CollectedAt string   `json:"collected_at"`
		AccountIDs  []string `json:"account_ids"`
		Warnings    []string `json:"warnings"`
	} `json:"scan"`
	Coverage struct {
		Read, Missing int
	} `json:"coverage"`
	Summary struct {
		Total, Pass, Fail, Unknown, Listed int
		Score                              struct{ Value float64 }
	} `json:"summary"`
	Findings []jsonFinding `json:"findings"`
}

func decodeReport(t *testing.T, data string) jsonReport {
	t.Helper()
	var rep jsonReport
	if err := json.Unmarshal([]byte(data), &rep); err != nil {
		t.Fatalf("invalid JSON report: %v\n%s", err, data)
	}
	return rep
}

func TestJSONReport(t *testing.T) {
	r := run(t, runOpts{}, "scan", "aws", "--snapshot", snap, "--format", "json")
	rep := decodeReport(t, r.stdout)
	if rep.Tool.Name != "cloudward" || rep.Tool.Version != "v0.0.0-test" ||
		rep.Scan.ID != "00000000-0000-4000-8000-000000000001" || rep.Scan.Source != "snapshot:testdata/snap" ||
		rep.Scan.StartedAt != "2026-11-21T08:00:00.25Z" || rep.Scan.FinishedAt != "2026-11-21T08:00:00.5Z" ||
		rep.Scan.CollectedAt != "2026-11-20T09:30:00Z" || len(rep.Scan.AccountIDs) != 1 {
		t.Errorf("header = %+v %+v", rep.Tool, rep.Scan)
	}
	// JSON lists every status by default.
	statuses := map[string]int{}
	var ssh *jsonFinding
	for i, f := range rep.Findings {
		statuses[f.Status]++
		if f.CheckID == "aws-ec2-sg-ssh-open" && f.Resource.ID == sshGroupARN {
			ssh = &rep.Findings[i]
		}
	}
	if statuses["PASS"] == 0 || statuses["FAIL"] == 0 || statuses["UNKNOWN"] == 0 || rep.Summary.Listed != len(rep.Findings) {
		t.Errorf("statuses %v, listed %d of %d", statuses, rep.Summary.Listed, len(rep.Findings))
	}
	if ssh == nil || ssh.Status != "FAIL" || ssh.Severity != "high" ||
		len(ssh.Evidence) == 0 || ssh.Evidence[0].Source.File != "us-east-1/ec2/describe-security-groups.json" {
		t.Errorf("SSH finding = %+v", ssh)
	}
	if rep.Coverage.Read == 0 || rep.Coverage.Missing == 0 {
		t.Errorf("coverage = %+v", rep.Coverage)
	}
	if rep.Summary.Score.Value <= 0 || rep.Summary.Score.Value >= 100 {
		t.Errorf("score %v: a high failure among passes should give 0 < score < 100", rep.Summary.Score.Value)
	}

	// --status narrows the list, not the summary.
	r = run(t, runOpts{}, "scan", "aws", "--snapshot", snap, "--format", "json", "--status", "FAIL")
	failed := decodeReport(t, r.stdout)
	if len(failed.Findings) != failed.Summary.Fail || failed.Summary.Total != rep.Summary.Total {
		t.Errorf("status filter: %d listed, summary %+v", len(failed.Findings), failed.Summary)
	}
}

func TestCSVReport(t *testing.T) {
	r := run(t, runOpts{}, "scan", "aws", "--snapshot", snap, "--format", "csv", "--check", "aws-ec2-sg-ssh-open")
	rows, err := csv.NewReader(strings.NewReader(r.stdout)).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 3 || rows[0][0] != "severity" {
		t.Fatalf("want header + 2 rows (both groups), got %d:\n%s", len(rows), r.stdout)
	}
	if rows[1][1] != "FAIL" || rows[2][1] != "PASS" {
		t.Errorf("rows = %q", rows[1:])
	}
}

func TestOutputFile(t *testing.T) {
	out := filepath.Join(t.TempDir(), "report.json")
	r := run(t, runOpts{terminal: true}, "scan", "aws", "--snapshot", snap, "--format", "json", "--output", out)
	if r.code != 1 {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	if strings.Count(r.stdout, "\n") != 1 || !strings.HasPrefix(r.stdout, "cloudward: wrote "+out+": ") ||
		!strings.Contains(r.stdout, "posture score") {
		t.Errorf("terminal output = %q, want a one-line summary", r.stdout)
	}
	data, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	if rep := decodeReport(t, string(data)); len(rep.Findings) == 0 {
		t.Error("empty report file")
	}

	// A table written to a file has no colour even when stdout is a terminal.
	out = filepath.Join(t.TempDir(), "report.txt")
	run(t, runOpts{terminal: true}, "scan", "aws", "--snapshot", snap, "--output", out)
	if data, _ := os.ReadFile(out); !bytes.Contains(data, []byte("Posture score")) || bytes.Contains(data, []byte("\x1b[")) {
		t.Errorf("table file:\n%s", data)
	}
}

func TestSnapshotWarningsReachStderrAndJSON(t *testing.T) {
	dir := t.TempDir()
	copyFile(t, filepath.Join(snap, "snapshot.json"), filepath.Join(dir, "snapshot.json"))
	copyFile(t, filepath.Join(snap, "us-east-1/ec2/describe-security-groups.json"), filepath.Join(dir, "us-east-1/ec2/describe-security-groups.json"))
	// A truncated operation file: a warning, and the scan goes on.
	writeTestFile(t, filepath.Join(dir, "us-east-1/ec2/describe-volumes.json"), `{"Volumes": [{"VolumeId": "vol-1",`)

	r := run(t, runOpts{}, "scan", "aws", "--snapshot", dir, "--format", "json")
	if r.code != 1 {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	if !strings.Contains(r.stderr, "cloudward: warning: us-east-1/ec2/describe-volumes.json") {
		t.Errorf("stderr lacks the warning naming the file: %q", r.stderr)
	}
	rep := decodeReport(t, r.stdout)
	if len(rep.Scan.Warnings) == 0 || !strings.Contains(rep.Scan.Warnings[0], "describe-volumes.json") {
		t.Errorf("scan.warnings = %q", rep.Scan.Warnings)
	}
}

func TestDemo(t *testing.T) {
	// Wiring: demo scans whatever DemoFS returns, with the scan flags.
	r := run(t, runOpts{demoFS: os.DirFS(snap)}, "demo", "--format", "json", "--fail-on", "critical")
	if r.code != 0 {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	if rep := decodeReport(t, r.stdout); rep.Scan.Source != "demo" || len(rep.Findings) == 0 {
		t.Errorf("demo report: source %q, %d findings", rep.Scan.Source, len(rep.Findings))
	}
	if r := run(t, runOpts{}, "demo"); r.code != 2 || !strings.Contains(r.stderr, "demo snapshot") {
		t.Errorf("demo without a snapshot: exit %d, %q", r.code, r.stderr)
	}
}

func TestEmbeddedDemo(t *testing.T) {
	r := run(t, runOpts{demoFS: demo.FS()}, "demo")
	if r.code != 0 {
		t.Fatalf("demo without --fail-on: want exit 0, got %d\nstderr: %s", r.code, r.stderr)
	}
	if gated := run(t, runOpts{demoFS: demo.FS()}, "demo", "--fail-on", "low"); gated.code != 1 {
		t.Fatalf("the demo account has failures: with --fail-on low want exit 1, got %d", gated.code)
	}
	if !strings.Contains(r.stdout, "critical") || !strings.Contains(r.stdout, "Posture score:") {
		t.Errorf("demo report:\n%s", r.stdout)
	}
}

func TestChecksCommand(t *testing.T) {
	ids := map[string]bool{}
	for _, c := range awschecks.Checks() {
		ids[c.ID] = true
	}
	r := run(t, runOpts{}, "checks")
	if r.code != 0 || !strings.Contains(r.stdout, "aws-ec2-sg-ssh-open") || !strings.HasPrefix(r.stdout, "ID ") {
		t.Errorf("checks table (exit %d):\n%s", r.code, r.stdout)
	}
	r = run(t, runOpts{}, "checks", "--format", "json")
	var list []struct {
		ID          string              `json:"id"`
		Severity    string              `json:"severity"`
		Frameworks  map[string][]string `json:"frameworks"`
		Remediation struct{ Console, CLI, Terraform string }
	}
	if err := json.Unmarshal([]byte(r.stdout), &list); err != nil {
		t.Fatal(err)
	}
	if len(list) != len(ids) {
		t.Errorf("json lists %d checks, want %d", len(list), len(ids))
	}
	for _, c := range list {
		if !ids[c.ID] || c.Severity == "" || c.Remediation.Terraform == "" {
			t.Errorf("check %+v", c)
		}
	}
}

// TestChecksDocInSync keeps docs/checks.md equal to the command's output.
func TestChecksDocInSync(t *testing.T) {
	r := run(t, runOpts{}, "checks", "--format", "markdown")
	if r.code != 0 {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	want, err := os.ReadFile(filepath.Join("..", "..", "docs", "checks.md"))
	if err != nil {
		t.Fatalf("%v; generate it: go run ./cmd/cloudward checks --format markdown > docs/checks.md", err)
	}
	if r.stdout != string(want) {
		got, old := strings.Split(r.stdout, "\n"), strings.Split(string(want), "\n")
		line := 0
		for line < min(len(got), len(old)) && got[line] == old[line] {
			line++
		}
		t.Fatalf("docs/checks.md is out of date (first difference at line %d); regenerate it:\n"+
			"go run ./cmd/cloudward checks --format markdown > docs/checks.md", line+1)
	}
}

func TestVersion(t *testing.T) {
	r := run(t, runOpts{}, "version")
	if r.code != 0 || r.stdout != "cloudward v0.0.0-test\n" {
		t.Errorf("version: exit %d, %q", r.code, r.stdout)
	}
}

func TestNoProgressOnNonTerminal(t *testing.T) {
	p := newProgress(&Env{Stderr: &bytes.Buffer{}, IsTerminal: func(io.Writer) bool { return false }})
	p.set("loading")
	p.done()
	if p.timer != nil || p.shown {
		t.Error("progress active on a non-terminal")
	}
}

func TestProgressOnSlowTerminalScan(t *testing.T) {
	defer func(d time.Duration) { progressDelay = d }(progressDelay)
	progressDelay = time.Millisecond
	var stderr bytes.Buffer
	p := newProgress(&Env{Stderr: &stderr, IsTerminal: func(io.Writer) bool { return true }})
	p.set("loading snapshot")
	time.Sleep(50 * time.Millisecond)
	p.set("evaluating 3 checks")
	p.done()
	p.done()
	want := "\r\x1b[Kcloudward: loading snapshot…\r\x1b[Kcloudward: evaluating 3 checks…\r\x1b[K"
	if stderr.String() != want {
		t.Errorf("progress output %q, want %q", stderr.String(), want)
	}
}

func copyFile(t *testing.T, from, to string) {
	t.Helper()
	data, err := os.ReadFile(from)
	if err != nil {
		t.Fatal(err)
	}
	writeTestFile(t, to, string(data))
}

func writeTestFile(t *testing.T, name, data string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(name), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(name, []byte(data), 0o644); err != nil {
		t.Fatal(err)
	}
}
