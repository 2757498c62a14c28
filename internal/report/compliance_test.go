package report

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/cloudward/cloudward/internal/check"
	awschecks "github.com/cloudward/cloudward/internal/checks/aws"
	"github.com/cloudward/cloudward/internal/compliance"
	"github.com/cloudward/cloudward/internal/model/aws"
)

const complianceFixture = `id: fixture-fw
name: Fixture framework
version: "1.0"
provider: aws
source: https://example.com/fixture
profiles: true
controls:
  - id: "1.4"
    title: Root user has MFA
    section: 1 Identity
    level: 1
    assessment: automated
    description: Root signs in with MFA.
    audit: Read AccountMFAEnabled.
    checks: [aws-iam-root-mfa-missing]
  - id: "5.3"
    title: No SSH from the internet
    section: 5 Networking
    level: 1
    assessment: automated
    description: No 0.0.0.0/0 on 22.
    audit: Read the security groups.
    checks: [aws-ec2-sg-ssh-open]
  - id: "1.1"
    title: Contacts are current
    section: 1 Identity
    level: 2
    assessment: manual
    description: Contacts reach a team.
    audit: Open the Billing console and read the contacts.
    checks: []
`

// complianceReport is the fixture report with the fixture framework
// evaluated on its in-scope findings, as the scan command does.
func complianceReport(t *testing.T, filter Filter) *Report {
	t.Helper()
	fw, err := compliance.Parse("fixture-fw.yaml", []byte(complianceFixture))
	if err != nil {
		t.Fatal(err)
	}
	r := fixtureReport(filter)
	scoped := InScope(fixtureFindings(), filter)
	r.Compliance = compliance.Evaluate([]*compliance.Framework{fw}, scoped, func(string) bool { return true })
	return r
}

func TestComplianceJSON(t *testing.T) {
	var buf bytes.Buffer
	if err := WriteJSON(&buf, complianceReport(t, Filter{})); err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Findings   []struct{ Fingerprint string }
		Compliance []struct {
			Framework, Name, Version string
			Score                    float64
			Counts                   map[string]int
			Posture                  struct {
				Value  float64
				Failed int
			}
			Controls []struct {
				ID, Title, Assessment, Status, Audit string
				Level                                int
				Checks                               []string
				Failing                              []string
			}
		}
	}
	if err := json.Unmarshal(buf.Bytes(), &doc); err != nil {
		t.Fatalf("%v\n%s", err, buf.String())
	}
	if len(doc.Compliance) != 1 {
		t.Fatalf("compliance: %+v", doc.Compliance)
	}
	fw := doc.Compliance[0]
	// Posture: root MFA fails (critical, 10), SSH 1 pass 2 fail (high, 5 each).
	if fw.Posture.Value != 20 || fw.Posture.Failed != 3 {
		t.Errorf("posture %+v", fw.Posture)
	}
	if fw.Framework != "fixture-fw" || fw.Version != "1.0" || fw.Score != 0 ||
		fw.Counts["fail"] != 2 || fw.Counts["manual"] != 1 || fw.Counts["assessed"] != 2 || fw.Counts["total"] != 3 {
		t.Errorf("framework %+v", fw)
	}
	fps := map[string]bool{}
	for _, f := range doc.Findings {
		fps[f.Fingerprint] = true
	}
	c := fw.Controls[1]
	if c.ID != "5.3" || c.Status != "FAIL" || len(c.Failing) != 2 || c.Level != 1 || c.Assessment != "automated" {
		t.Errorf("control 5.3: %+v", c)
	}
	for _, fp := range c.Failing {
		// Failing fingerprints point at findings of the same report.
		if !fps[fp] {
			t.Errorf("failing fingerprint %s not in findings", fp)
		}
	}
	if m := fw.Controls[2]; m.Status != "MANUAL" || m.Checks == nil || len(m.Checks) != 0 || !strings.Contains(m.Audit, "Billing console") {
		t.Errorf("manual control: %+v", m)
	}
	// Without compliance the document is unchanged: no "compliance" key.
	buf.Reset()
	if err := WriteJSON(&buf, fixtureReport(Filter{})); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(buf.String(), `"compliance"`) {
		t.Error("compliance member written without an evaluation")
	}
}

func TestComplianceScopeAndTable(t *testing.T) {
	// With only the SSH check in scope, root MFA has no finding: N/A.
	r := complianceReport(t, Filter{Checks: map[string]bool{"aws-ec2-sg-ssh-open": true}})
	got := []compliance.Status{}
	for _, c := range r.Compliance[0].Controls {
		got = append(got, c.Status)
	}
	if got[0] != compliance.NotApplicable || got[1] != compliance.Fail || got[2] != compliance.Manual {
		t.Errorf("statuses %v", got)
	}
	var buf bytes.Buffer
	if err := WriteTable(&buf, complianceReport(t, Filter{}), TableOptions{}); err != nil {
		t.Fatal(err)
	}
	out := buf.String()
	want := "  fixture-fw         0.0%     20.0     0     2        0     0       1         0      3\n"
	if !strings.Contains(out, "Compliance: SCORE is controls passed / controls assessed") || !strings.Contains(out, want) {
		t.Errorf("table:\n%s", out)
	}
	if i, j := strings.Index(out, "Posture score:"), strings.Index(out, "Compliance:"); i < 0 || j < i {
		t.Error("compliance summary must follow the findings and the posture score")
	}
}

// complianceBenchReport is 300,000 findings over the real checks (a third
// failing) with every built-in framework evaluated, as a large scan has.
func complianceBenchReport(b *testing.B) *Report {
	fws, err := compliance.Builtin()
	if err != nil {
		b.Fatal(err)
	}
	checks := awschecks.Checks()
	fs := make([]check.Finding, 300_000)
	statuses := []check.Status{check.Pass, check.Fail, check.Pass}
	for i := range fs {
		fs[i] = check.Finding{Check: checks[i%len(checks)], Resource: sgRef(fmt.Sprintf("sg-%017d", i), "bench"),
			Result: check.Result{Status: statuses[i%3], Message: "bench"}}
	}
	r := Build(Input{Tool: Tool{Name: "cloudward", Version: "bench"}, Scan: Scan{ID: "bench"},
		Inventories: []*aws.Inventory{fixtureInventory()}, Findings: fs})
	r.Compliance = compliance.Evaluate(fws, InScope(fs, Filter{}), func(string) bool { return true })
	return r
}

func BenchmarkComplianceEvaluate300k(b *testing.B) {
	fws, err := compliance.Builtin()
	if err != nil {
		b.Fatal(err)
	}
	r := complianceBenchReport(b)
	b.ResetTimer()
	for range b.N {
		compliance.Evaluate(fws, r.Findings, func(string) bool { return true })
	}
}

func BenchmarkComplianceJSON300k(b *testing.B) {
	r := complianceBenchReport(b)
	b.ResetTimer()
	for range b.N {
		var w countingWriter
		if err := WriteJSON(&w, r); err != nil {
			b.Fatal(err)
		}
		b.ReportMetric(float64(w.n)/1e6, "MB")
	}
}
