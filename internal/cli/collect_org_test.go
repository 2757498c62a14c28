package cli

import (
	"bytes"
	"encoding/json"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"testing"
	"testing/fstest"
	"time"

	awschecks "github.com/cloudward/cloudward/internal/checks/aws"
	"github.com/cloudward/cloudward/internal/fakeaws"
)

const (
	orgMgmt   = "111122223333"
	orgMember = "444455556666"
	orgDenied = "777788889999"
)

// orgLiveEnv: the basic fixture is the management account of an
// organization with a member served a different snapshot (a strong
// password policy) and an account whose role cannot be assumed.
func orgLiveEnv(t *testing.T, latency time.Duration) *fakeaws.Server {
	t.Helper()
	basic := os.DirFS(filepath.Join("..", "source", "snapshot", "testdata", "basic"))
	member, err := fakeaws.Retarget(basic, orgMgmt, orgMember)
	if err != nil {
		t.Fatal(err)
	}
	member.(fstest.MapFS)["global/iam/get-account-password-policy.json"] = &fstest.MapFile{Data: []byte(`{"PasswordPolicy": {
    "MinimumPasswordLength": 16, "RequireSymbols": true, "RequireNumbers": true,
    "RequireUppercaseCharacters": true, "RequireLowercaseCharacters": true,
    "AllowUsersToChangePassword": true, "ExpirePasswords": true, "MaxPasswordAge": 90,
    "PasswordReusePrevention": 24, "HardExpiry": false}}`)}
	return liveEnv(t, fakeaws.Scenario{Latency: latency, Org: &fakeaws.Organization{Accounts: []fakeaws.OrgAccount{
		{ID: orgMgmt, Name: "management"},
		{ID: orgMember, Name: "workloads", Snapshot: member},
		{ID: orgDenied, Name: "sandbox", DenyAssumeRole: true},
	}}})
}

type orgReport struct {
	Scan struct {
		AccountIDs []string `json:"account_ids"`
		Warnings   []string `json:"warnings"`
	} `json:"scan"`
	Findings []struct {
		CheckID  string `json:"check_id"`
		Status   string `json:"status"`
		Resource struct {
			ID      string `json:"id"`
			Account string `json:"account"`
		} `json:"resource"`
	} `json:"findings"`
}

func parseOrgReport(t *testing.T, out string) orgReport {
	t.Helper()
	var r orgReport
	if err := json.Unmarshal([]byte(out), &r); err != nil {
		t.Fatalf("JSON report: %v\n%s", err, out)
	}
	return r
}

// findingLines: one sorted line per finding, with its account.
func (r orgReport) findingLines() []string {
	var out []string
	for _, f := range r.Findings {
		out = append(out, f.Resource.Account+" "+f.CheckID+" "+f.Resource.ID+" "+f.Status)
	}
	sort.Strings(out)
	return out
}

// TestScanOrg: one report over the organization; the unassumable account
// is a warning on stderr and in scan.warnings; `collect --org` writes one
// snapshot per account and scanning that folder gives the same findings.
func TestScanOrg(t *testing.T) {
	srv := orgLiveEnv(t, 0)
	live := run(t, runOpts{}, "scan", "aws", "--org", "--org-role", "cloudward-audit", "--endpoint-url", srv.URL, "--format", "json", "--no-store")
	if live.code != 1 {
		t.Fatalf("exit %d (want 1: failures)\n%s", live.code, live.stderr)
	}
	rep := parseOrgReport(t, live.stdout)
	if strings.Join(rep.Scan.AccountIDs, ",") != orgMgmt+","+orgMember {
		t.Errorf("account_ids %v", rep.Scan.AccountIDs)
	}
	per, pw := map[string]int{}, map[string]string{}
	for _, f := range rep.Findings {
		per[f.Resource.Account]++
		if f.CheckID == "aws-iam-password-policy-weak" {
			pw[f.Resource.Account] = f.Status
		}
	}
	if len(per) != 2 || per[orgMgmt] < 30 || per[orgMember] < 30 {
		t.Errorf("findings per account %v", per)
	}
	if pw[orgMgmt] != "FAIL" || pw[orgMember] != "PASS" {
		t.Errorf("password policy per account %v: each account must be scanned from its own data", pw)
	}
	warned := false
	for _, w := range rep.Scan.Warnings {
		if strings.Contains(w, "account "+orgDenied+" (sandbox) not scanned") && strings.Contains(w, "AccessDenied") {
			warned = true
		}
	}
	if !warned || !strings.Contains(live.stderr, orgDenied) {
		t.Errorf("no warning for the unassumable account: warnings %q, stderr %q", rep.Scan.Warnings, live.stderr)
	}

	dir := filepath.Join(t.TempDir(), "org")
	col := run(t, runOpts{}, "collect", "aws", "--org", "--org-role", "cloudward-audit", "--out", dir, "--endpoint-url", srv.URL)
	if col.code != 0 {
		t.Fatalf("collect --org: exit %d\n%s", col.code, col.stderr)
	}
	for _, id := range []string{orgMgmt, orgMember} {
		if _, err := os.Stat(filepath.Join(dir, id, "snapshot.json")); err != nil {
			t.Errorf("no snapshot for %s: %v", id, err)
		}
	}
	if _, err := os.Stat(filepath.Join(dir, orgDenied)); err == nil {
		t.Errorf("a folder was written for the unassumable account")
	}
	if !strings.Contains(col.stderr, "warning: account "+orgDenied) {
		t.Errorf("collect stderr %q", col.stderr)
	}
	replay := run(t, runOpts{}, "scan", "aws", "--snapshot", dir, "--format", "json", "--no-store")
	if replay.code != 1 {
		t.Fatalf("scan of the folder: exit %d\n%s", replay.code, replay.stderr)
	}
	rr := parseOrgReport(t, replay.stdout)
	if a, b := strings.Join(rr.findingLines(), "\n"), strings.Join(rep.findingLines(), "\n"); a != b {
		t.Errorf("folder scan findings differ from the live scan's:\n%s\nvs\n%s", a, b)
	}
	if !strings.Contains(strings.Join(rr.Scan.Warnings, "\n"), "account "+orgDenied+" (sandbox) not scanned") {
		t.Errorf("folder scan lost the warning: %q", rr.Scan.Warnings)
	}
}

func TestOrgUsageErrors(t *testing.T) {
	for _, args := range [][]string{
		{"scan", "aws", "--org"},
		{"collect", "aws", "--org", "--out", t.TempDir()},
		{"scan", "aws", "--org-role", "audit"},
		{"scan", "aws", "--snapshot", t.TempDir(), "--org", "--org-role", "audit"},
	} {
		r := run(t, runOpts{}, args...)
		if r.code != 2 || !strings.Contains(r.stderr, "--org") {
			t.Errorf("%q: exit %d, stderr %q", args, r.code, r.stderr)
		}
	}
}

// ttyBuffer is stderr shared by the progress goroutine and the command.
type ttyBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *ttyBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *ttyBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// runTTY runs the CLI with stderr a (fake) terminal when stderrTTY, and
// stdout never one.
func runTTY(stderrTTY bool, args ...string) (stdout, stderr string, code int) {
	var out bytes.Buffer
	errw := &ttyBuffer{}
	env := Env{
		Stdout: &out, Stderr: errw,
		Getenv:     func(string) string { return "" },
		IsTerminal: func(w io.Writer) bool { return stderrTTY && w == io.Writer(errw) },
		Now:        time.Now,
		NewScanID:  func() string { return "00000000-0000-4000-8000-000000000001" },
		Version:    "v0.0.0-test",
		Checks:     awschecks.Checks,
		DemoFS:     func() fs.FS { return nil },
	}
	code = Main(args, env)
	return out.String(), errw.String(), code
}

// TestOrgProgress: the live display is redrawn in place on a terminal
// stderr, at most every progressInterval; never on stdout, never when
// stderr is not a terminal, never with --quiet.
func TestOrgProgress(t *testing.T) {
	delay, interval := progressDelay, progressInterval
	progressDelay, progressInterval = 0, 20*time.Millisecond
	t.Cleanup(func() { progressDelay, progressInterval = delay, interval })
	srv := orgLiveEnv(t, 15*time.Millisecond) // a collection of a few hundred ms
	args := []string{"scan", "aws", "--org", "--org-role", "cloudward-audit", "--endpoint-url", srv.URL, "--format", "json", "--no-store"}

	start := time.Now()
	stdout, stderr, code := runTTY(true, args...)
	elapsed := time.Since(start)
	if code != 1 {
		t.Fatalf("exit %d\n%s", code, stderr)
	}
	draws := strings.Count(stderr, "\r\x1b[Kcloudward: collecting the organization: accounts ")
	if draws == 0 || !strings.Contains(stderr, " calls · ") || !strings.Contains(stderr, "services ") {
		t.Errorf("no live progress on a terminal stderr: %q", stderr)
	}
	// A redraw per tick at most (plus the first draw and phase changes).
	if max := int(elapsed/progressInterval) + 3; draws > max {
		t.Errorf("%d redraws in %v: more than one per %v", draws, elapsed, progressInterval)
	}
	if !strings.HasSuffix(strings.TrimRight(stderr, "\n"), "\r\x1b[K") && strings.Contains(stderr[strings.LastIndex(stderr, "\r"):], "collecting") {
		t.Errorf("the progress line was not cleared at the end: %q", stderr[strings.LastIndex(stderr, "\r"):])
	}
	if strings.Contains(stdout, "\x1b") || strings.Contains(stdout, "collecting") {
		t.Errorf("progress on stdout")
	}
	parseOrgReport(t, stdout)

	_, stderr, _ = runTTY(false, args...)
	if strings.Contains(stderr, "\r") || strings.Contains(stderr, "calls ·") {
		t.Errorf("progress on a non-terminal stderr: %q", stderr)
	}
	_, stderr, _ = runTTY(true, append(args, "--quiet")...)
	if strings.Contains(stderr, "collecting the organization") {
		t.Errorf("progress with --quiet: %q", stderr)
	}
}
