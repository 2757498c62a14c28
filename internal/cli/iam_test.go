package cli

import (
	"bufio"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

const iamCases = "../iam/testdata/cases.jsonl"

type simLine struct {
	Name     string `json:"name"`
	Decision string `json:"decision"`
	Error    string `json:"error"`
	Reasons  []struct {
		Kind      string `json:"kind"`
		Policy    string `json:"policy"`
		Statement *int   `json:"statement"`
		Rule      string `json:"rule"`
	} `json:"reasons"`
}

func decodeLines(t *testing.T, out string) []simLine {
	t.Helper()
	var lines []simLine
	sc := bufio.NewScanner(strings.NewReader(out))
	for sc.Scan() {
		var l simLine
		if err := json.Unmarshal(sc.Bytes(), &l); err != nil {
			t.Fatalf("output line %q is not JSON: %v", sc.Text(), err)
		}
		lines = append(lines, l)
	}
	return lines
}

// TestIAMSimulateCasesFile runs the rule cases file end to end and compares
// every decision with cases.expected.jsonl (both generated from the engine's
// Go table, see internal/iam/eval_test.go).
func TestIAMSimulateCasesFile(t *testing.T) {
	r := run(t, runOpts{}, "iam", "simulate", "--cases", iamCases)
	if r.code != ExitOK || r.stderr != "" {
		t.Fatalf("exit %d, stderr %q", r.code, r.stderr)
	}
	got := decodeLines(t, r.stdout)
	data, err := os.ReadFile("../iam/testdata/cases.expected.jsonl")
	if err != nil {
		t.Fatal(err)
	}
	want := decodeLines(t, string(data))
	if len(got) != len(want) || len(want) < 150 {
		t.Fatalf("%d results for %d expected cases (want at least 150)", len(got), len(want))
	}
	counts := map[string]int{}
	for i := range want {
		g, w := got[i], want[i]
		if g.Name != w.Name {
			t.Fatalf("line %d: name %q, want %q", i+1, g.Name, w.Name)
		}
		if w.Decision == "error" {
			if g.Error == "" || g.Decision != "" {
				t.Errorf("%s: decision %q, want an error", w.Name, g.Decision)
			}
			continue
		}
		if g.Error != "" || g.Decision != w.Decision {
			t.Errorf("%s: decision %q error %q, want decision %q", w.Name, g.Decision, g.Error, w.Decision)
		}
		if g.Decision != "" && len(g.Reasons) == 0 {
			t.Errorf("%s: %s without reasons", w.Name, g.Decision)
		}
		counts[g.Decision]++
	}
	// The file exercises all three decisions substantially.
	for _, d := range []string{"Allow", "ImplicitDeny", "ExplicitDeny"} {
		if counts[d] < 20 {
			t.Errorf("only %d %s cases", counts[d], d)
		}
	}
}

func TestIAMSimulateMalformedLinesGoOn(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "cases.jsonl")
	content := strings.Join([]string{
		`{"name":"ok","identity_policies":[{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*"}]}],"request":{"principal":"arn:aws:iam::111122223333:user/alice","action":"s3:GetObject","resource":"arn:aws:s3:::b/k","context":{"aws:SourceIp":"10.0.0.1","s3:max-keys":5,"aws:SecureTransport":true,"aws:TagKeys":["a","b"]}}}`,
		``,
		`{"name":"broken policy","identity_policies":[{"Statement":[{"Effect":"Allow","Action":{"x":1}}]}],"request":{"principal":"arn:aws:iam::111122223333:user/alice","action":"s3:GetObject","resource":"*"}}`,
		`this is not json`,
		`{"name":"denied","scps":[{"Statement":[{"Effect":"Deny","Action":"*","Resource":"*"}]}],"request":{"principal":"arn:aws:iam::111122223333:user/alice","action":"s3:GetObject","resource":"*"}}`,
	}, "\n")
	if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	r := run(t, runOpts{}, "iam", "simulate", "--cases", path)
	if r.code != ExitOK {
		t.Fatalf("exit %d, stderr %q", r.code, r.stderr)
	}
	got := decodeLines(t, r.stdout)
	if len(got) != 4 {
		t.Fatalf("%d output lines, want 4 (blank lines skipped):\n%s", len(got), r.stdout)
	}
	if got[0].Name != "ok" || got[0].Decision != "Allow" {
		t.Errorf("line 1: %+v", got[0])
	}
	if got[1].Name != "broken policy" || !strings.HasPrefix(got[1].Error, path+":3: ") || !strings.Contains(got[1].Error, "Action: want a string or a list of strings, got an object") {
		t.Errorf("line 3: %+v", got[1])
	}
	if got[2].Name != "" || !strings.HasPrefix(got[2].Error, path+":4: ") {
		t.Errorf("line 4: %+v", got[2])
	}
	if got[3].Name != "denied" || got[3].Decision != "ExplicitDeny" || got[3].Reasons[0].Kind != "scp" || *got[3].Reasons[0].Statement != 0 {
		t.Errorf("line 5: %+v", got[3])
	}
}

func TestIAMSimulateUsageErrors(t *testing.T) {
	r := run(t, runOpts{}, "iam", "simulate")
	if r.code != ExitUsage || !strings.Contains(r.stderr, "--cases FILE.jsonl is required") {
		t.Errorf("no --cases: exit %d, stderr %q", r.code, r.stderr)
	}
	r = run(t, runOpts{}, "iam", "simulate", "--cases", filepath.Join(t.TempDir(), "missing.jsonl"))
	if r.code != ExitUsage || !strings.Contains(r.stderr, "missing.jsonl") {
		t.Errorf("missing file: exit %d, stderr %q", r.code, r.stderr)
	}
	r = run(t, runOpts{}, "iam", "simulate", "--cases", t.TempDir())
	if r.code != ExitUsage || r.stdout != "" {
		t.Errorf("directory: exit %d, stdout %q, stderr %q", r.code, r.stdout, r.stderr)
	}
}
