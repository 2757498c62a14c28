package cli

import (
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"
)

// Four daily scans in which the bastion's SSH rule flips: prune keeps the
// newest scans and the open findings' scans, from flags or the config.
func TestPruneCommand(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "prune.db")
	s := newStoreRun(t, nil)
	changed := changedSnap(t)
	for _, sn := range []string{snap, changed, snap, changed} {
		if r := s.run("scan", "aws", "--snapshot", sn, "--db", db, "--format", "json"); r.code != 1 {
			t.Fatalf("scan: exit %d: %s", r.code, r.stderr)
		}
	}
	if r := s.run("prune", "--db", db); r.code != 2 || !strings.Contains(r.stderr, "--keep-days") {
		t.Errorf("prune without a rule: exit %d, %q", r.code, r.stderr)
	}
	dry := s.run("prune", "--db", db, "--keep-scans", "2", "--dry-run", "--format", "json")
	if dry.code != 0 {
		t.Fatalf("dry run: exit %d: %s", dry.code, dry.stderr)
	}
	var out struct {
		DryRun bool `json:"dry_run"`
		Scans  []struct {
			ID       string
			Target   string
			Findings int
		}
		Findings int64
	}
	if err := json.Unmarshal([]byte(dry.stdout), &out); err != nil {
		t.Fatal(err)
	}
	if !out.DryRun || len(out.Scans) != 2 || out.Scans[0].ID != "00000001-0000-4000-8000-000000000001" ||
		out.Scans[1].ID != "00000002-0000-4000-8000-000000000002" || out.Scans[0].Findings == 0 ||
		out.Findings != int64(out.Scans[0].Findings+out.Scans[1].Findings) {
		t.Fatalf("dry run: %s", dry.stdout)
	}
	if h := s.run("history", "--db", db, "--format", "csv"); strings.Count(h.stdout, "\n") != 5 {
		t.Fatalf("the dry run deleted scans:\n%s", h.stdout)
	}
	r := s.run("prune", "--db", db, "--keep-scans", "2")
	if r.code != 0 || !strings.Contains(r.stdout, "Deleted 2 scans") || !strings.Contains(r.stdout, "00000001-") {
		t.Fatalf("prune: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	if h := s.run("history", "--db", db, "--format", "csv"); strings.Count(h.stdout, "\n") != 3 ||
		!strings.Contains(h.stdout, "00000004-") || !strings.Contains(h.stdout, "00000003-") {
		t.Fatalf("history after prune:\n%s", h.stdout)
	}
	// The RDP finding (regressed on day 2, resolved on day 3, failing again
	// on day 4) is reopened, first seen on day 2 although that scan is gone.
	f := s.run("findings", "--db", db, "--check", "aws-ec2-sg-rdp-open", "--format", "json")
	var fs struct {
		Findings []struct {
			State     string
			FirstSeen string `json:"first_seen"`
			ScanID    string `json:"scan_id"`
		}
	}
	if err := json.Unmarshal([]byte(f.stdout), &fs); err != nil || len(fs.Findings) != 1 {
		t.Fatalf("findings (%v):\n%s%s", err, f.stdout, f.stderr)
	}
	if got := fs.Findings[0]; got.State != "reopened" || !strings.HasPrefix(got.FirstSeen, "2026-11-22") ||
		!strings.HasPrefix(got.ScanID, "00000004-") {
		t.Errorf("rdp finding after prune: %+v", got)
	}

	// The config file's retention and flag sections.
	cfg := filepath.Join(dir, "cloudward.yaml")
	writeTestFile(t, cfg, "database: "+db+"\nretention:\n  scans: 1\nhistory:\n  format: json\n  limit: 1\n")
	if r := s.run("prune", "--config", cfg); r.code != 0 || !strings.Contains(r.stdout, "Deleted 1 scans") {
		t.Fatalf("prune --config: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	h := s.run("history", "--config", cfg)
	var hist struct{ Scans []struct{ ID string } }
	if err := json.Unmarshal([]byte(h.stdout), &hist); err != nil || len(hist.Scans) != 1 ||
		!strings.HasPrefix(hist.Scans[0].ID, "00000004-") {
		t.Fatalf("history --config (json, limit 1 from the file): %v\n%s%s", err, h.stdout, h.stderr)
	}
	// Flags win over the file.
	if h := s.run("history", "--config", cfg, "--format", "csv"); !strings.HasPrefix(h.stdout, "scan_id,") {
		t.Errorf("--format csv did not win over the file:\n%s", h.stdout)
	}
}

// Every command's flags can come from its section of cloudward.yaml; a
// wrong key or value is an error naming the file and line.
func TestCommandSectionsFromConfig(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "s.db")
	s := newStoreRun(t, nil)
	if r := s.run("scan", "aws", "--snapshot", snap, "--db", db); r.code != 1 {
		t.Fatalf("scan: exit %d: %s", r.code, r.stderr)
	}
	cfg := filepath.Join(dir, "cloudward.yaml")
	writeTestFile(t, cfg, "database: "+db+"\nfindings:\n  state: all\n  format: csv\n  severity: [critical, high]\n")
	f := s.run("findings", "--config", cfg)
	flags := s.run("findings", "--db", db, "--state", "all", "--format", "csv", "--severity", "critical,high")
	if f.code != 0 || !strings.HasPrefix(f.stdout, "fingerprint,state,severity") || strings.Contains(f.stdout, ",medium,") ||
		strings.Count(f.stdout, "\n") < 2 || f.stdout != flags.stdout {
		t.Errorf("findings from the config: exit %d\n%s%s\nwith flags:\n%s", f.code, f.stdout, f.stderr, flags.stdout)
	}
	writeTestFile(t, cfg, "database: "+db+"\ndiff:\n  format: yaml\n")
	if r := s.run("diff", "--config", cfg); r.code != 2 || !strings.Contains(r.stderr, "unknown format") {
		t.Errorf("diff format from the config: exit %d %q", r.code, r.stderr)
	}
	for _, tc := range []struct {
		name, file string
		args       []string
		want       string
	}{
		{"unknown flag", "history:\n  limt: 3\n", []string{"history"}, `cloudward.yaml:2: history: unknown flag "limt"`},
		{"bad value", "history:\n  limit: many\n", []string{"history"}, "cloudward.yaml:2: history.limit:"},
		{"config in a section", "diff:\n  config: x.yaml\n", []string{"diff"}, "cloudward.yaml:2: diff: config cannot be set"},
		{"serve listen", "serve:\n  listen: 0.0.0.0:8080\n", []string{"serve", "--db", db}, "is not a loopback address"},
		{"queue on SQLite", "queue: postgres\n", []string{"serve", "--db", db}, "--queue postgres needs a postgres"},
		{"queue type", "queue:\n  type: redis\n", []string{"serve", "--db", db}, `cloudward.yaml:2: queue: unknown queue type "redis"`},
		{"concurrency", "queue:\n  concurrency: 0\n", []string{"worker"}, "cloudward.yaml:2: queue.concurrency: want a whole number"},
		{"worker flag", "worker:\n  concurrency: lots\n", []string{"worker"}, "cloudward.yaml:2: worker.concurrency:"},
		{"retention", "retention:\n  days: -1\n", []string{"prune"}, "cloudward.yaml:2: retention.days"},
		{"token from env not quoted", "serve:\n  shutdown-timeout: ${TOKENISH}\n", []string{"serve", "--db", db},
			"shutdown-timeout: the value from the environment is not valid"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			writeTestFile(t, cfg, tc.file)
			s.env = map[string]string{"TOKENISH": "s3cr3t-value"}
			r := s.run(append(tc.args, "--config", cfg)...)
			if r.code != 2 || !strings.Contains(r.stderr, tc.want) || strings.Contains(r.stderr, "s3cr3t") {
				t.Errorf("exit %d, stderr %q, want %q", r.code, r.stderr, tc.want)
			}
		})
	}
}
