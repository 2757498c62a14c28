package cli

import (
	"encoding/json"
	"encoding/xml"
	"path/filepath"
	"strings"
	"testing"

	"github.com/cloudward/cloudward/internal/demo"
)

const openSG = `resource "aws_security_group" "%s" {
  name = "%s"

  ingress {
    from_port   = 22
    to_port     = 22
    protocol    = "tcp"
    cidr_blocks = ["0.0.0.0/0"]
  }
}
`

// TestBaselineGatesOnlyNewFailures is the pull-request gate of docs/ci.md:
// the main branch's report is the baseline; the PR shifts the old
// resource's lines and adds a new open security group; only that one is
// reported and fails the build.
func TestBaselineGatesOnlyNewFailures(t *testing.T) {
	dir := t.TempDir()
	writeTestFile(t, filepath.Join(dir, "infra", "old.tf"), strings.ReplaceAll(openSG, "%s", "old"))
	base := filepath.Join(dir, "base.json")
	r := run(t, runOpts{}, "scan", "iac", filepath.Join(dir, "infra"), "--no-store", "--format", "json", "--output", base)
	if r.code != 1 {
		t.Fatalf("baseline scan: exit %d, want 1; stderr:\n%s", r.code, r.stderr)
	}

	// Same tree: nothing is new, so exit 0 and no annotations.
	r = run(t, runOpts{}, "scan", "iac", filepath.Join(dir, "infra"), "--no-store", "--format", "github", "--baseline", base)
	if r.code != 0 || r.stdout != "" {
		t.Fatalf("unchanged tree: exit %d, output %q; stderr:\n%s", r.code, r.stdout, r.stderr)
	}
	if !strings.Contains(r.stderr, "--baseline "+base+": 1 failing findings already failing in the baseline are not reported") {
		t.Errorf("stderr does not say what the baseline left out:\n%s", r.stderr)
	}

	// The PR: comments above the old resource, a new open group.
	writeTestFile(t, filepath.Join(dir, "infra", "old.tf"), "# moved down\n# by three\n# lines\n"+strings.ReplaceAll(openSG, "%s", "old"))
	writeTestFile(t, filepath.Join(dir, "infra", "new.tf"), strings.ReplaceAll(openSG, "%s", "new"))
	r = run(t, runOpts{}, "scan", "iac", filepath.Join(dir, "infra"), "--no-store", "--format", "sarif", "--baseline", base, "--fail-on", "high")
	if r.code != 1 {
		t.Fatalf("new failure: exit %d, want 1; stderr:\n%s", r.code, r.stderr)
	}
	var doc struct {
		Runs []struct {
			Results []struct {
				RuleID    string                `json:"ruleId"`
				Message   struct{ Text string } `json:"message"`
				Locations []struct {
					PhysicalLocation struct {
						ArtifactLocation struct{ URI string }    `json:"artifactLocation"`
						Region           struct{ StartLine int } `json:"region"`
					} `json:"physicalLocation"`
				} `json:"locations"`
			} `json:"results"`
		} `json:"runs"`
	}
	if err := json.Unmarshal([]byte(r.stdout), &doc); err != nil {
		t.Fatalf("SARIF: %v\n%s", err, r.stdout)
	}
	res := doc.Runs[0].Results
	if len(res) != 1 || res[0].RuleID != "aws-ec2-sg-ssh-open" || !strings.Contains(res[0].Message.Text, "aws_security_group.new") {
		t.Fatalf("results %+v, want only the new group", res)
	}
	if loc := res[0].Locations[0].PhysicalLocation; !strings.HasSuffix(loc.ArtifactLocation.URI, "/infra/new.tf") || loc.Region.StartLine != 4 {
		t.Errorf("location %+v, want infra/new.tf line 4 (the ingress block)", loc)
	}

	// Without the baseline both fail.
	r = run(t, runOpts{}, "scan", "iac", filepath.Join(dir, "infra"), "--no-store", "--format", "github")
	if n := strings.Count(r.stdout, "::error "); n != 2 || r.code != 1 {
		t.Errorf("without baseline: %d errors, exit %d:\n%s", n, r.code, r.stdout)
	}
}

func TestBaselineNotAReport(t *testing.T) {
	dir := t.TempDir()
	sarif := filepath.Join(dir, "last.sarif")
	r := run(t, runOpts{}, "scan", "aws", "--snapshot", snap, "--no-store", "--format", "sarif", "--output", sarif)
	if r.code != 1 {
		t.Fatalf("exit %d; stderr:\n%s", r.code, r.stderr)
	}
	r = run(t, runOpts{}, "scan", "aws", "--snapshot", snap, "--no-store", "--baseline", sarif)
	if r.code != 2 || !strings.Contains(r.stderr, "--baseline "+sarif+":1:1: not a cloudward JSON report") || r.stdout != "" {
		t.Errorf("exit %d, stdout %q, stderr:\n%s", r.code, r.stdout, r.stderr)
	}
	r = run(t, runOpts{}, "demo", "--baseline", filepath.Join(dir, "missing.json"))
	if r.code != 2 || !strings.Contains(r.stderr, "missing.json") {
		t.Errorf("missing baseline: exit %d, stderr:\n%s", r.code, r.stderr)
	}
}

// TestCIFormatsOnDemo runs each CI format on the embedded demo account
// (deployed resources: no files, ARNs as logical locations).
func TestCIFormatsOnDemo(t *testing.T) {
	r := run(t, runOpts{demoFS: demo.FS()}, "demo", "--no-store", "--format", "junit")
	if r.code != 0 {
		t.Fatalf("exit %d; stderr:\n%s", r.code, r.stderr)
	}
	var suites struct {
		Tests    int `xml:"tests,attr"`
		Failures int `xml:"failures,attr"`
	}
	if err := xml.Unmarshal([]byte(r.stdout), &suites); err != nil || suites.Failures == 0 || suites.Tests <= suites.Failures {
		t.Errorf("junit: %v %+v", err, suites)
	}
	r = run(t, runOpts{demoFS: demo.FS()}, "demo", "--no-store", "--format", "github")
	lines := strings.Split(strings.TrimSpace(r.stdout), "\n")
	if len(lines) != suites.Failures {
		t.Errorf("%d annotations for %d failures", len(lines), suites.Failures)
	}
	for _, l := range lines {
		if !strings.HasPrefix(l, "::") || strings.Contains(l, "file=") {
			t.Errorf("annotation %q", l)
			break
		}
	}
	r = run(t, runOpts{demoFS: demo.FS()}, "demo", "--no-store", "--format", "sarif")
	var doc map[string]any
	if err := json.Unmarshal([]byte(r.stdout), &doc); err != nil || doc["version"] != "2.1.0" {
		t.Errorf("sarif: %v", err)
	}
	if strings.Count(r.stdout, `"kind":"resource"`) != suites.Failures {
		t.Errorf("every demo result needs a logical location")
	}
}
