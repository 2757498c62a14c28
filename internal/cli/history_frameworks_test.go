package cli

import (
	"encoding/csv"
	"encoding/json"
	"fmt"
	"path/filepath"
	"strings"
	"testing"

	"github.com/cloudward/cloudward/internal/compliance"
)

// history shows the compliance score per framework stored with each scan:
// every built-in framework in json, the chosen ones as table columns and in
// csv; a partial scan has none ("-").
func TestHistoryFrameworkScores(t *testing.T) {
	db := filepath.Join(t.TempDir(), "fw.db")
	s := newStoreRun(t, nil)
	if r := s.run("scan", "aws", "--snapshot", snap, "--db", db, "--format", "json"); r.code != 1 {
		t.Fatalf("scan: exit %d: %s", r.code, r.stderr)
	}
	if r := s.run("scan", "aws", "--snapshot", changedSnap(t), "--db", db, "--format", "json"); r.code != 1 {
		t.Fatalf("scan 2: exit %d: %s", r.code, r.stderr)
	}
	if r := s.run("scan", "aws", "--snapshot", snap, "--db", db, "--check", "aws-ec2-sg-ssh-open"); r.code != 1 {
		t.Fatalf("scoped scan: exit %d: %s", r.code, r.stderr)
	}
	h := s.run("history", "--db", db, "--format", "json")
	if h.code != 0 {
		t.Fatalf("history: exit %d: %s", h.code, h.stderr)
	}
	var hist struct {
		Scans []struct {
			ID         string
			Scoped     bool
			Frameworks []struct {
				ID, Name, Version string
				Score, Posture    float64
				Controls          struct{ Total, Pass, Fail, Unknown int }
			}
		}
	}
	if err := json.Unmarshal([]byte(h.stdout), &hist); err != nil {
		t.Fatal(err)
	}
	fws, _ := compliance.Builtin()
	if len(hist.Scans) != 3 || !hist.Scans[0].Scoped || len(hist.Scans[0].Frameworks) != 0 ||
		len(hist.Scans[1].Frameworks) != len(fws) || len(hist.Scans[2].Frameworks) != len(fws) {
		t.Fatalf("history json: %+v", hist.Scans)
	}
	cis := map[string]float64{}
	for _, sc := range hist.Scans[1:] {
		for _, f := range sc.Frameworks {
			if f.ID == "cis-aws-5.0" {
				if f.Controls.Total == 0 || f.Controls.Fail == 0 || f.Score <= 0 || f.Score >= 100 || f.Name == "" {
					t.Errorf("%s cis-aws-5.0 = %+v", sc.ID, f)
				}
				cis[sc.ID] = f.Score
			}
		}
	}
	if len(cis) != 2 {
		t.Fatalf("cis-aws-5.0 scores: %v", cis)
	}

	tab := s.run("history", "--db", db, "--framework", "cis-aws-5.0,pci-dss-4.0")
	if tab.code != 0 {
		t.Fatalf("history table: exit %d: %s", tab.code, tab.stderr)
	}
	lines := strings.Split(strings.TrimSpace(tab.stdout), "\n")
	if len(lines) != 4 || !strings.Contains(lines[0], "CIS-AWS-5.0") || !strings.Contains(lines[0], "PCI-DSS-4.0") {
		t.Fatalf("history table:\n%s", tab.stdout)
	}
	if f := strings.Fields(lines[1]); f[len(f)-1] != "-" || f[len(f)-2] != "-" {
		t.Errorf("partial scan row: %q", lines[1])
	}
	want := fmt.Sprintf("%.1f%%", cis[hist.Scans[2].ID])
	if f := strings.Fields(lines[3]); f[len(f)-2] != want {
		t.Errorf("first scan row %q: want cis-aws-5.0 %s", lines[3], want)
	}
	if plain := s.run("history", "--db", db); !strings.Contains(plain.stdout, "--framework ID") ||
		!strings.Contains(plain.stdout, "cis-aws-5.0") {
		t.Errorf("history table without --framework:\n%s", plain.stdout)
	}

	c := s.run("history", "--db", db, "--format", "csv", "--framework", "cis-aws-5.0")
	rows, err := csv.NewReader(strings.NewReader(c.stdout)).ReadAll()
	if err != nil || len(rows) != 4 || rows[0][len(rows[0])-1] != "scores_by_framework" {
		t.Fatalf("csv (%v):\n%s", err, c.stdout)
	}
	if got := rows[3][len(rows[3])-1]; got != fmt.Sprintf("cis-aws-5.0=%.1f", cis[hist.Scans[2].ID]) {
		t.Errorf("csv scores_by_framework = %q", got)
	}
	if bad := s.run("history", "--db", db, "--framework", "cis-aws-9.9"); bad.code != 2 || !strings.Contains(bad.stderr, "cis-aws-9.9") {
		t.Errorf("unknown framework: exit %d, %q", bad.code, bad.stderr)
	}
}
