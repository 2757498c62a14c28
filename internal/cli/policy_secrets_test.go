package cli

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestLambdaEnvironmentValuesNeverReported: a snapshot written by the raw
// CLI may hold Lambda environment variable values; no report format and no
// stored scan may show them.
func TestLambdaEnvironmentValuesNeverReported(t *testing.T) {
	snap := filepath.Join("..", "source", "snapshot", "testdata", "policy")
	dir := t.TempDir()
	for _, format := range []string{"table", "json", "csv", "html", "sarif"} {
		db := filepath.Join(dir, format+".db")
		r := run(t, runOpts{}, "scan", "aws", "--snapshot", snap, "--format", format, "--db", db)
		if r.code != 1 || !strings.Contains(r.stdout, "aws-lambda-function-policy-public") {
			t.Fatalf("%s: exit %d\n%s%s", format, r.code, r.stdout, r.stderr)
		}
		for _, secret := range []string{"hunter2-DoNotLeak-7f3a", "sk_live_DoNotLeak4242"} {
			if strings.Contains(r.stdout+r.stderr, secret) {
				t.Errorf("%s report shows the environment value %q", format, secret)
			}
		}
		if b := readFileOrEmpty(db); b == "" || strings.Contains(b, "DoNotLeak") {
			t.Errorf("%s: the scan database is missing (%d bytes) or holds an environment value", format, len(b))
		}
	}
}

func readFileOrEmpty(name string) string {
	b, _ := os.ReadFile(name)
	return string(b)
}
