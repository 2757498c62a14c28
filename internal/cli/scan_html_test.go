package cli

import (
	"encoding/csv"
	"encoding/json"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/cloudward/cloudward/internal/demo"
)

// TestDemoHTMLAndComplianceCSV is the README's example: the demo account as
// one HTML file, plus one control-results CSV per framework.
func TestDemoHTMLAndComplianceCSV(t *testing.T) {
	dir := t.TempDir()
	out, csvDir := filepath.Join(dir, "demo.html"), filepath.Join(dir, "compliance")
	r := run(t, runOpts{demoFS: demo.FS()}, "demo", "--no-store", "--format", "html", "--output", out, "--compliance-csv", csvDir)
	if r.code != 0 {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	if !strings.Contains(r.stdout, "wrote "+out) || !strings.Contains(r.stderr, "wrote 10 compliance CSV files to "+csvDir) {
		t.Errorf("stdout %q, stderr %q", r.stdout, r.stderr)
	}
	page, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	html := string(page)
	for _, want := range []string{"<!DOCTYPE html>", "00000000-0000-4000-8000-000000000001", "123456789012",
		`id="fw-cis-aws-4.0"`, `id="fw-cspm-baseline"`, `<section id="fail">`, `<section id="unknown">`, `<section id="coverage">`,
		`id="fail-aws-iam-root-access-keys"`, "Remediation", "</html>"} {
		if !strings.Contains(html, want) {
			t.Errorf("demo HTML lacks %q", want)
		}
	}

	// The CIS 4.0 CSV agrees, control by control, with the JSON report's
	// compliance section of the same demo scan.
	jr := run(t, runOpts{demoFS: demo.FS()}, "demo", "--no-store", "--format", "json", "--compliance", "cis-aws-4.0")
	var doc struct {
		Compliance []struct {
			Counts   map[string]int
			Controls []struct {
				ID, Status string
				Failing    []string
			}
		}
	}
	if err := json.Unmarshal([]byte(jr.stdout), &doc); err != nil || len(doc.Compliance) != 1 {
		t.Fatalf("json: %v (%d frameworks)", err, len(doc.Compliance))
	}
	want := doc.Compliance[0]
	f, err := os.Open(filepath.Join(csvDir, "cis-aws-4.0.csv"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 1+len(want.Controls) || len(want.Controls) != 64 {
		t.Fatalf("%d rows for %d controls, want header + 64", len(rows), len(want.Controls))
	}
	count := map[string]int{}
	for i, row := range rows[1:] {
		c := want.Controls[i]
		count[row[6]]++
		failing, _ := strconv.Atoi(row[8])
		if row[0] != "cis-aws-4.0" || row[1] != c.ID || row[6] != c.Status || failing != len(c.Failing) {
			t.Errorf("row %q, JSON control %s %s with %d failing", row[:9], c.ID, c.Status, len(c.Failing))
		}
		if (failing > 0) != (row[9] != "") {
			t.Errorf("control %s: failing_count %s, resources %q", row[1], row[8], row[9])
		}
	}
	if count["PASS"] != want.Counts["pass"] || count["FAIL"] != want.Counts["fail"] || count["MANUAL"] != want.Counts["manual"] ||
		count["FAIL"] == 0 || count["MANUAL"] == 0 {
		t.Errorf("status counts %v, JSON %v", count, want.Counts)
	}
	entries, _ := os.ReadDir(csvDir)
	if len(entries) != 10 {
		t.Errorf("%d CSV files, want one per framework", len(entries))
	}

	// --level names the file after the profile.
	lvl := filepath.Join(dir, "l1")
	if r := run(t, runOpts{demoFS: demo.FS()}, "demo", "--no-store", "--format", "json", "--compliance", "cis-aws-4.0", "--level", "1", "--compliance-csv", lvl); r.code != 0 {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	if _, err := os.Stat(filepath.Join(lvl, "cis-aws-4.0-l1.csv")); err != nil {
		t.Error(err)
	}

	// A directory that cannot be made is an input error naming it.
	file := filepath.Join(dir, "file")
	os.WriteFile(file, nil, 0o644)
	if r := run(t, runOpts{demoFS: demo.FS()}, "demo", "--no-store", "--format", "json", "--compliance-csv", file); r.code != ExitUsage ||
		!strings.Contains(r.stderr, "--compliance-csv") || !strings.Contains(r.stderr, file) {
		t.Errorf("bad dir: exit %d, %q", r.code, r.stderr)
	}
}
