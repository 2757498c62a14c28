package cli

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/cloudward/cloudward/internal/fakeaws"
)

// liveEnv starts the fake on the importer's example snapshot and points the
// standard credential chain at test credentials only.
func liveEnv(t *testing.T, sc fakeaws.Scenario) *fakeaws.Server {
	t.Helper()
	sc.Snapshot = os.DirFS(filepath.Join("..", "source", "snapshot", "testdata", "basic"))
	sc.AccessKeyID = "AKIAFAKECLITESTKEY01"
	sc.SecretAccessKey = "cli/test/SecretDoNotLeak0123456789abcdefg" // signatures are verified
	srv, err := fakeaws.Start(sc)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(srv.Close)
	t.Setenv("AWS_ACCESS_KEY_ID", sc.AccessKeyID)
	t.Setenv("AWS_SECRET_ACCESS_KEY", "cli/test/SecretDoNotLeak0123456789abcdefg")
	t.Setenv("AWS_SESSION_TOKEN", "")
	t.Setenv("AWS_REGION", "us-east-1")
	t.Setenv("AWS_PROFILE", "")
	t.Setenv("AWS_CONFIG_FILE", filepath.Join(t.TempDir(), "none"))
	t.Setenv("AWS_SHARED_CREDENTIALS_FILE", filepath.Join(t.TempDir(), "none"))
	t.Setenv("AWS_EC2_METADATA_DISABLED", "true")
	t.Setenv("AWS_ENDPOINT_URL", "")
	return srv
}

// TestLiveEqualsCollectedSnapshot: live = snapshot = replay. A live scan,
// and a scan of the snapshot `collect` wrote, give the same report.
func TestLiveEqualsCollectedSnapshot(t *testing.T) {
	srv := liveEnv(t, fakeaws.Scenario{})
	dir := filepath.Join(t.TempDir(), "snap")
	r := run(t, runOpts{}, "collect", "aws", "--out", dir, "--endpoint-url", srv.URL)
	if r.code != 0 {
		t.Fatalf("collect: exit %d\n%s", r.code, r.stderr)
	}
	if !strings.Contains(r.stderr, "collected account 111122223333, 2 regions") || r.stdout != "" {
		t.Errorf("collect output: stdout %q stderr %q", r.stdout, r.stderr)
	}
	if st, err := os.Stat(filepath.Join(dir, "global", "iam", "get-credential-report.csv")); err != nil || st.Mode().Perm() != 0o600 {
		t.Errorf("credential report file: %v %v (want mode 0600)", st, err)
	}

	replay := run(t, runOpts{}, "scan", "aws", "--snapshot", dir, "--format", "csv", "--no-store")
	live := run(t, runOpts{}, "scan", "aws", "--endpoint-url", srv.URL, "--format", "csv", "--no-store", "--quiet")
	if replay.code != 1 || live.code != 1 {
		t.Fatalf("exit codes: replay %d, live %d (want 1: the fixture has failures)\n%s\n%s", replay.code, live.code, replay.stderr, live.stderr)
	}
	if live.stdout != replay.stdout {
		t.Errorf("live report differs from the collected snapshot's:\nlive:\n%s\nreplay:\n%s", live.stdout, replay.stdout)
	}
	if n := strings.Count(live.stdout, "\n"); n < 30 {
		t.Errorf("live report has %d lines", n)
	}
	if strings.Contains(live.stderr, "collected account") {
		t.Errorf("--quiet printed a summary: %q", live.stderr)
	}
	for _, out := range []string{live.stdout, live.stderr, replay.stdout, r.stderr} {
		if strings.Contains(out, "SecretDoNotLeak") {
			t.Error("the secret key was printed")
		}
	}
}

func TestCollectUsageErrors(t *testing.T) {
	nonEmpty := t.TempDir()
	if err := os.WriteFile(filepath.Join(nonEmpty, "x"), nil, 0o600); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		args []string
		want string
	}{
		{"no provider", []string{"collect"}, "collect needs a provider"},
		{"no out", []string{"collect", "aws"}, "--out: a directory is required"},
		{"non-empty out", []string{"collect", "aws", "--out", nonEmpty}, "directory is not empty"},
		{"bad service", []string{"collect", "aws", "--out", t.TempDir(), "--services", "ec2,lambada"}, `unknown service "lambada"`},
		{"external id without role", []string{"collect", "aws", "--out", t.TempDir(), "--external-id", "x"}, "need --role-arn"},
		{"live flag with snapshot", []string{"scan", "aws", "--snapshot", snap, "--regions", "us-east-1"}, "--regions is for live scans"},
		{"bad endpoint", []string{"collect", "aws", "--out", t.TempDir(), "--endpoint-url", "localhost"}, "--endpoint-url"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := run(t, runOpts{}, tt.args...)
			if r.code != ExitUsage || !strings.Contains(r.stderr, tt.want) {
				t.Errorf("exit %d, stderr %q; want 2 and %q", r.code, r.stderr, tt.want)
			}
		})
	}
}
