package report

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"

	"github.com/cloudward/cloudward/internal/check"
	"github.com/cloudward/cloudward/internal/model"
	"github.com/cloudward/cloudward/internal/model/aws"
)

// suppressedReport: one finding muted by the mutelist, one suppressed by a
// CloudFormation Metadata entry and one by a checkov comment (with expiry).
func suppressedReport(t *testing.T) *Report {
	t.Helper()
	fs := fixtureFindings()
	fs[0].Status, fs[0].Mute = check.Muted, &check.Mute{Status: check.Fail, Reason: "bastion, SSH with MFA at the host",
		Owner: "platform-team@acme.example", Expires: "2027-01-31", Entry: "mutelist.yaml:2"}
	fs[2].Status, fs[2].Mute = check.Suppressed, &check.Mute{Status: check.Fail, Reason: "web tier <behind> the WAF",
		Owner: "checkov", Expires: "2027-03-31", Entry: "main.tf:11", Source: "checkov"}
	fs[2].Resource.Location = &model.Source{File: "main.tf", StartLine: 12, EndLine: 18}
	fs[5].Status, fs[5].Mute = check.Suppressed, &check.Mute{Status: check.Unknown, Reason: "scratch space",
		Owner: "cloudward", Entry: "stack.yaml:42", Source: "cloudformation-metadata"}
	r := fixtureReport(Filter{})
	r = Build(Input{Tool: r.Tool, Scan: r.Scan, Inventories: []*aws.Inventory{fixtureInventory()}, Findings: fs})
	return r
}

func TestSuppressionReports(t *testing.T) {
	r := suppressedReport(t)
	out := map[string]string{}
	for _, f := range Formats {
		var buf bytes.Buffer
		if err := Write(&buf, f, r, TableOptions{}); err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		out[f] = buf.String()
	}
	golden(t, "report.suppressed.json", []byte(out["json"]))

	// JSON: "mute" only on the MUTED finding, "suppression" on the others.
	var doc struct {
		Summary  struct{ Muted, Suppressed int }
		Findings []struct {
			Status      string          `json:"status"`
			Mute        json.RawMessage `json:"mute"`
			Suppression *struct {
				Status, Reason, Source, Expires, Entry string
			} `json:"suppression"`
		} `json:"findings"`
	}
	if err := json.Unmarshal([]byte(out["json"]), &doc); err != nil {
		t.Fatal(err)
	}
	sources := map[string]bool{}
	for _, f := range doc.Findings {
		switch f.Status {
		case "MUTED":
			if f.Mute == nil || f.Suppression != nil || !strings.Contains(string(f.Mute), `"owner":"platform-team@acme.example"`) {
				t.Errorf("muted finding: mute %s suppression %+v", f.Mute, f.Suppression)
			}
		case "SUPPRESSED":
			if f.Mute != nil || f.Suppression == nil {
				t.Errorf("suppressed finding: mute %s suppression %+v", f.Mute, f.Suppression)
				continue
			}
			sources[f.Suppression.Source+" "+f.Suppression.Status+" "+f.Suppression.Entry+" "+f.Suppression.Expires] = true
		default:
			if f.Mute != nil || f.Suppression != nil {
				t.Errorf("%s finding with mute/suppression", f.Status)
			}
		}
	}
	if !sources["checkov FAIL main.tf:11 2027-03-31"] || !sources["cloudformation-metadata UNKNOWN stack.yaml:42 "] || doc.Summary.Suppressed != 2 || doc.Summary.Muted != 1 {
		t.Errorf("suppressions %v, summary %+v", sources, doc.Summary)
	}

	// SARIF: the mutelist is external, the directive in source; the
	// suppressed UNKNOWN is no result at all (SARIF lists failures).
	for _, want := range []string{`"kind":"external","justification":"bastion, SSH with MFA at the host (owner platform-team@acme.example) [mutelist.yaml:2]"`,
		`"kind":"inSource","justification":"web tier <behind> the WAF (checkov directive, until 2027-03-31) [main.tf:11]"`} {
		if !strings.Contains(out["sarif"], want) {
			t.Errorf("SARIF lacks %s", want)
		}
	}
	if strings.Contains(out["sarif"], "scratch space") {
		t.Error("SARIF lists the suppressed UNKNOWN")
	}
	if !strings.Contains(out["junit"], "SUPPRESSED: scratch space (cloudformation-metadata directive) [stack.yaml:42]") {
		t.Errorf("JUnit lacks the suppression:\n%s", out["junit"])
	}
	if !strings.Contains(out["csv"], "scratch space,cloudformation-metadata,,stack.yaml:42") {
		t.Errorf("CSV lacks the suppression:\n%s", out["csv"])
	}
	if !strings.Contains(out["table"], "[suppressed by stack.yaml:42 (cloudformation-metadata): scratch space]") {
		t.Errorf("table lacks the suppression:\n%s", out["table"])
	}

	// HTML: a section of its own, after the muted one, with the reason.
	html := out["html"]
	assertHTMLStructure(t, html)
	for _, want := range []string{`<a href="#suppressed">Suppressed</a>`, `<div class="big st-suppressed">2</div>`,
		`<section id="suppressed">`, `id="suppressed-aws-ec2-sg-ssh-open"`, `id="suppressed-aws-ec2-ebs-volume-unencrypted"`,
		"Suppressed by a checkov directive at <code>main.tf:11</code> (until 2027-03-31): web tier &lt;behind&gt; the WAF; was FAIL",
		"Suppressed by a cloudformation-metadata directive at <code>stack.yaml:42</code>: scratch space; was UNKNOWN"} {
		if !strings.Contains(html, want) {
			t.Errorf("HTML lacks %q", want)
		}
	}
	muted, suppressed := strings.Index(html, `<section id="muted">`), strings.Index(html, `<section id="suppressed">`)
	if muted < 0 || suppressed < muted || strings.Contains(html[muted:suppressed], "scratch space") {
		t.Error("suppressed findings not in their own section after the muted ones")
	}
	if strings.Count(html, "Muted by <code>") != 1 {
		t.Error("a suppression is shown as muted")
	}

	// A report written this way is a baseline: the suppressed FAIL counts
	// as a failure, the suppressed UNKNOWN does not.
	b, err := ParseBaseline("old.json", []byte(out["json"]))
	if err != nil {
		t.Fatal(err)
	}
	if got := b.Failing(); got != 5 { // 3 FAIL + muted FAIL + suppressed FAIL
		t.Errorf("baseline failing = %d, want 5", got)
	}
}

// TestBaselineReadsOldSuppressions: reports written before "suppression"
// existed carried suppressions under "mute".
func TestBaselineReadsOldSuppressions(t *testing.T) {
	old := `{"tool":{"name":"cloudward","version":"v0.4.0"},"findings":[{"check_id":"aws-ec2-ebs-volume-unencrypted","status":"SUPPRESSED","resource":{"id":"aws_ebs_volume.scratch","address":"aws_ebs_volume.scratch","location":{"file":"main.tf"}},"mute":{"status":"FAIL","reason":"x","owner":"checkov","expires":"","entry":"main.tf:5"}}]}`
	b, err := ParseBaseline("old.json", []byte(old))
	if err != nil {
		t.Fatal(err)
	}
	if b.Failing() != 1 {
		t.Errorf("failing = %d, want 1", b.Failing())
	}
}
