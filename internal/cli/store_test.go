package cli

import (
	"bytes"
	"database/sql"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	awschecks "github.com/cloudward/cloudward/internal/checks/aws"
)

// storeRun runs the CLI like run, with a fresh scan ID per run and a clock
// a day later per run, so that successive scans look like daily scans.
type storeRun struct {
	t     *testing.T
	env   map[string]string
	n     int
	clock time.Time
}

func newStoreRun(t *testing.T, env map[string]string) *storeRun {
	return &storeRun{t: t, env: env, clock: time.Date(2026, 11, 20, 6, 0, 0, 0, time.UTC)}
}

func (s *storeRun) run(args ...string) result {
	s.t.Helper()
	var stdout, stderr bytes.Buffer
	s.n++
	n := s.n
	s.clock = s.clock.Add(24 * time.Hour)
	clock := s.clock
	env := Env{
		Stdout: &stdout, Stderr: &stderr,
		Getenv:     func(k string) string { return s.env[k] },
		IsTerminal: func(io.Writer) bool { return false },
		Now: func() time.Time {
			clock = clock.Add(time.Second)
			return clock
		},
		NewScanID: func() string { return fmt.Sprintf("%08d-0000-4000-8000-0000000000%02d", n, n) },
		Version:   "v0.0.0-test",
		Checks:    awschecks.Checks,
		DemoFS:    func() fs.FS { return nil },
	}
	code := Main(args, env)
	return result{stdout: stdout.String(), stderr: stderr.String(), code: code}
}

// changedSnap is testdata/snap a day later: the bastion's SSH rule is now
// limited to 10.0.0.0/8 (ssh-open resolved), and the web group opens RDP
// to the world instead of HTTPS (rdp-open regressed: it passed before).
func changedSnap(t *testing.T) string {
	dir := t.TempDir()
	err := filepath.WalkDir(snap, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		s := string(b)
		if strings.HasSuffix(p, "describe-security-groups.json") {
			before := s
			s = strings.Replace(s, `"CidrIp": "0.0.0.0/0",
                            "Description": "ssh from anywhere"`, `"CidrIp": "10.0.0.0/8",
                            "Description": "ssh from the VPN"`, 1)
			s = strings.ReplaceAll(s, `"FromPort": 443,`, `"FromPort": 3389,`)
			s = strings.ReplaceAll(s, `"ToPort": 443,`, `"ToPort": 3389,`)
			if s == before {
				t.Fatal("fixture edit did not apply")
			}
		}
		out := filepath.Join(dir, strings.TrimPrefix(p, snap))
		if err := os.MkdirAll(filepath.Dir(out), 0o755); err != nil {
			return err
		}
		return os.WriteFile(out, []byte(s), 0o644)
	})
	if err != nil {
		t.Fatal(err)
	}
	return dir
}

const webGroupARN = "arn:aws:ec2:us-east-1:111122223333:security-group/sg-0b2c3d4e5f6a78901"

func TestScanStoredByDefault(t *testing.T) {
	data := t.TempDir()
	s := newStoreRun(t, map[string]string{"XDG_DATA_HOME": data, "HOME": "/nonexistent"})
	r := s.run("scan", "aws", "--snapshot", snap, "--format", "json")
	if r.code != 1 || r.stderr != "" {
		t.Fatalf("scan: exit %d, stderr %q", r.code, r.stderr)
	}
	var rep struct {
		Summary struct{ Total, Fail int }
	}
	if err := json.Unmarshal([]byte(r.stdout), &rep); err != nil {
		t.Fatal(err)
	}
	db := filepath.Join(data, "cloudward", "cloudward.db")
	if _, err := os.Stat(db); err != nil {
		t.Fatalf("no database at the XDG path: %v", err)
	}
	h := s.run("history", "--format", "json")
	if h.code != 0 {
		t.Fatalf("history: exit %d: %s", h.code, h.stderr)
	}
	var hist struct {
		Scans []struct {
			ID, Target, Source string
			AccountIDs         []string `json:"account_ids"`
			Findings           struct{ Total, Fail int }
			Score              struct {
				Value     float64
				ByAccount map[string]float64 `json:"by_account"`
			}
		}
	}
	if err := json.Unmarshal([]byte(h.stdout), &hist); err != nil {
		t.Fatal(err)
	}
	if len(hist.Scans) != 1 {
		t.Fatalf("history: %d scans", len(hist.Scans))
	}
	got := hist.Scans[0]
	if got.ID != "00000001-0000-4000-8000-000000000001" || got.Target != "111122223333" ||
		got.Source != "snapshot:"+snap || got.Findings.Total != rep.Summary.Total || got.Findings.Fail != rep.Summary.Fail ||
		got.Findings.Fail == 0 {
		t.Errorf("history scan = %+v, report summary %+v", got, rep.Summary)
	}
	if _, ok := got.Score.ByAccount["111122223333"]; !ok {
		t.Errorf("no per-account score: %+v", got.Score)
	}

	// --no-store: nothing more stored.
	if r := s.run("scan", "aws", "--snapshot", snap, "--no-store", "--format", "csv"); r.code != 1 || r.stderr != "" {
		t.Fatalf("--no-store: exit %d, %q", r.code, r.stderr)
	}
	if h := s.run("history", "--format", "csv"); strings.Count(h.stdout, "\n") != 2 {
		t.Errorf("history after --no-store:\n%s", h.stdout)
	}
	if r := s.run("scan", "aws", "--snapshot", snap, "--no-store", "--db", db); r.code != 2 {
		t.Errorf("--db with --no-store: exit %d", r.code)
	}
}

func TestUnwritableDefaultLocationWarns(t *testing.T) {
	// The data "directory" is a file: the database cannot be created.
	notDir := filepath.Join(t.TempDir(), "file")
	if err := os.WriteFile(notDir, []byte("x"), 0o600); err != nil {
		t.Fatal(err)
	}
	s := newStoreRun(t, map[string]string{"XDG_DATA_HOME": notDir})
	r := s.run("scan", "aws", "--snapshot", snap)
	if r.code != 1 || !strings.Contains(r.stdout, "aws-ec2-sg-ssh-open") {
		t.Fatalf("scan with an unwritable default database: exit %d\n%s", r.code, r.stdout)
	}
	if !strings.Contains(r.stderr, "cloudward: warning: the scan will not be stored") || !strings.Contains(r.stderr, "--no-store") {
		t.Errorf("stderr = %q, want a warning", r.stderr)
	}
	// An explicit --db that cannot be used is an error, before scanning.
	garbage := filepath.Join(t.TempDir(), "garbage.db")
	content := []byte("definitely not SQLite, but someone's notes\n")
	os.WriteFile(garbage, content, 0o600)
	r = s.run("scan", "aws", "--snapshot", snap, "--db", garbage)
	if r.code != 2 || !strings.Contains(r.stderr, garbage) || !strings.Contains(r.stderr, "untouched") || r.stdout != "" {
		t.Errorf("--db garbage: exit %d, stdout %q, stderr %q", r.code, r.stdout, r.stderr)
	}
	if after, _ := os.ReadFile(garbage); !bytes.Equal(after, content) {
		t.Error("the garbage file was modified")
	}
	r = s.run("history", "--db", garbage)
	if r.code != 2 || !strings.Contains(r.stderr, "untouched") {
		t.Errorf("history --db garbage: exit %d, %q", r.code, r.stderr)
	}
}

func TestHistoryDiffFindingsSQLite(t *testing.T) {
	historyDiffFindings(t, filepath.Join(t.TempDir(), "scans.db"))
}

func TestHistoryDiffFindingsPostgres(t *testing.T) {
	base := os.Getenv("CLOUDWARD_TEST_POSTGRES")
	if base == "" {
		t.Skip("CLOUDWARD_TEST_POSTGRES is not set: PostgreSQL tests skipped (scripts/test.sh starts a server and sets it)")
	}
	admin, err := sql.Open("pgx", base)
	if err != nil {
		t.Fatal(err)
	}
	schema := fmt.Sprintf("cli_%d", time.Now().UnixNano())
	if _, err := admin.Exec("CREATE SCHEMA " + schema); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { admin.Exec("DROP SCHEMA " + schema + " CASCADE"); admin.Close() })
	sep := "?"
	if strings.Contains(base, "?") {
		sep = "&"
	}
	historyDiffFindings(t, base+sep+"search_path="+schema)
}

type findingOut struct {
	Fingerprint string
	CheckID     string `json:"check_id"`
	Status      string
	State       string
	ScanID      string `json:"scan_id"`
	FirstSeen   string `json:"first_seen"`
	LastSeen    string `json:"last_seen"`
	Resource    struct{ ID, Region, Account string }
	Evidence    []map[string]any
}

func has(fs []findingOut, check, resource string) bool {
	for _, f := range fs {
		if f.CheckID == check && f.Resource.ID == resource {
			return true
		}
	}
	return false
}

func historyDiffFindings(t *testing.T, db string) {
	s := newStoreRun(t, nil)
	if r := s.run("diff", "--db", db); r.code != 2 || !strings.Contains(r.stderr, "no scans stored yet") {
		t.Fatalf("diff of an empty database: exit %d, %q", r.code, r.stderr)
	}
	if r := s.run("scan", "aws", "--snapshot", snap, "--db", db, "--format", "json"); r.code != 1 {
		t.Fatalf("day 1: exit %d: %s", r.code, r.stderr)
	}
	if r := s.run("diff", "--db", db); r.code != 2 || !strings.Contains(r.stderr, "only one scan") {
		t.Fatalf("diff with one scan: exit %d, %q", r.code, r.stderr)
	}
	if r := s.run("scan", "aws", "--snapshot", changedSnap(t), "--db", db, "--format", "json"); r.code != 1 {
		t.Fatalf("day 2: exit %d: %s", r.code, r.stderr)
	}
	day1, day2 := "00000002-0000-4000-8000-000000000002", "00000004-0000-4000-8000-000000000004"

	// History: newest first.
	h := s.run("history", "--db", db)
	if h.code != 0 || strings.Index(h.stdout, day2) > strings.Index(h.stdout, day1) || !strings.Contains(h.stdout, "111122223333=") {
		t.Fatalf("history: exit %d\n%s%s", h.code, h.stdout, h.stderr)
	}

	// Diff, default: the last two scans.
	var d struct {
		A, B                                   struct{ ID string }
		Summary                                map[string]int
		New, Resolved, Regressed, StillFailing []findingOut
	}
	r := s.run("diff", "--db", db, "--format", "json")
	if r.code != 0 {
		t.Fatalf("diff: exit %d: %s", r.code, r.stderr)
	}
	if err := json.Unmarshal([]byte(r.stdout), &d); err != nil {
		t.Fatal(err)
	}
	if d.A.ID != day1 || d.B.ID != day2 {
		t.Errorf("diff compared %s and %s", d.A.ID, d.B.ID)
	}
	if !has(d.Resolved, "aws-ec2-sg-ssh-open", sshGroupARN) || !has(d.Regressed, "aws-ec2-sg-rdp-open", webGroupARN) {
		t.Errorf("diff: resolved %+v\nregressed %+v", d.Resolved, d.Regressed)
	}
	if d.Summary["resolved"] != len(d.Resolved) || d.Summary["regressed"] != len(d.Regressed) {
		t.Errorf("summary %v", d.Summary)
	}
	// The same with explicit IDs (a prefix) and one ID; the table and CSV.
	r2 := s.run("diff", "--db", db, "--format", "json", "00000002", day2)
	r1 := s.run("diff", "--db", db, "--format", "json", day1)
	if r2.stdout != r.stdout || r1.stdout != r.stdout {
		t.Errorf("diff with IDs differs:\n%s\n%s", r2.stdout+r2.stderr, r1.stdout+r1.stderr)
	}
	tab := s.run("diff", "--db", db)
	if !strings.Contains(tab.stdout, "RESOLVED (") || !strings.Contains(tab.stdout, "REGRESSED (was PASS) (1)") {
		t.Errorf("diff table:\n%s", tab.stdout)
	}
	c := s.run("diff", "--db", db, "--format", "csv")
	rows, err := csv.NewReader(strings.NewReader(c.stdout)).ReadAll()
	if err != nil || len(rows) < 3 || rows[0][0] != "change" {
		t.Errorf("diff csv (%v):\n%s", err, c.stdout)
	}
	for _, args := range [][]string{{"nope"}, {day1, "nope"}, {day2}, {"a", "b", "c"}} {
		if r := s.run(append([]string{"diff", "--db", db}, args...)...); r.code != 2 {
			t.Errorf("diff %v: exit %d, want 2", args, r.code)
		}
	}

	// Findings: resolved and regressed states, with first and last seen.
	var fl struct{ Findings []findingOut }
	r = s.run("findings", "--db", db, "--state", "resolved", "--format", "json")
	if err := json.Unmarshal([]byte(r.stdout), &fl); err != nil || r.code != 0 {
		t.Fatalf("findings: exit %d %v: %s", r.code, err, r.stderr)
	}
	if len(fl.Findings) != 1 || fl.Findings[0].CheckID != "aws-ec2-sg-ssh-open" || fl.Findings[0].State != "resolved" ||
		!strings.HasPrefix(fl.Findings[0].FirstSeen, "2026-11-22") || len(fl.Findings[0].Evidence) == 0 {
		t.Errorf("resolved findings: %+v", fl.Findings)
	}
	r = s.run("findings", "--db", db, "--format", "json", "--check", "aws-ec2-sg-rdp-open", "--region", "us-east-1",
		"--account", "111122223333", "--severity", "high")
	fl.Findings = nil
	json.Unmarshal([]byte(r.stdout), &fl)
	if len(fl.Findings) != 1 || fl.Findings[0].State != "open" || fl.Findings[0].Resource.ID != webGroupARN ||
		!strings.HasPrefix(fl.Findings[0].FirstSeen, "2026-11-24") {
		t.Errorf("open rdp findings: %+v", fl.Findings)
	}
	r = s.run("findings", "--db", db, "--scan", "00000002", "--status", "FAIL", "--format", "json")
	fl.Findings = nil
	json.Unmarshal([]byte(r.stdout), &fl)
	if len(fl.Findings) == 0 || !has(fl.Findings, "aws-ec2-sg-ssh-open", sshGroupARN) {
		t.Errorf("findings of day 1: %+v", fl.Findings)
	}
	for _, f := range fl.Findings {
		if f.Status != "FAIL" || f.ScanID != day1 {
			t.Errorf("findings --scan leak: %+v", f)
		}
	}
	c = s.run("findings", "--db", db, "--state", "all", "--format", "csv")
	rows, err = csv.NewReader(strings.NewReader(c.stdout)).ReadAll()
	if err != nil || len(rows) < 3 || strings.Join(rows[0][:3], ",") != "fingerprint,state,severity" {
		t.Errorf("findings csv (%v):\n%s", err, c.stdout)
	}
	if tab := s.run("findings", "--db", db); !strings.Contains(tab.stdout, "aws-ec2-sg-rdp-open") || strings.Contains(tab.stdout, "resolved") {
		t.Errorf("findings table (open by default):\n%s", tab.stdout)
	}
	for _, args := range [][]string{{"--state", "fixed"}, {"--severity", "urgent"}, {"--scan", "nope"}, {"--format", "xml"},
		{"--status", "GREEN"}, {"--offset", "5"}} {
		if r := s.run(append([]string{"findings", "--db", db}, args...)...); r.code != 2 {
			t.Errorf("findings %v: exit %d, want 2", args, r.code)
		}
	}
}
