package report

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/cloudward/cloudward/internal/check"
	"github.com/cloudward/cloudward/internal/compliance"
	"github.com/cloudward/cloudward/internal/model"
	"github.com/cloudward/cloudward/internal/model/aws"
)

func writeHTML(t testing.TB, r *Report) string {
	t.Helper()
	var buf bytes.Buffer
	if err := Write(&buf, "html", r, TableOptions{}); err != nil {
		t.Fatal(err)
	}
	return buf.String()
}

// TestHTMLGolden renders the fixture report with the fixture framework: a
// fixed clock and scan ID keep it stable.
func TestHTMLGolden(t *testing.T) {
	got := writeHTML(t, complianceReport(t, Filter{}))
	// The style sheet is left out of the golden file: it is the look, not
	// the content, and TestHTMLSelfContained checks it loads nothing.
	css := got[strings.Index(got, "<style>")+len("<style>") : strings.Index(got, "</style>")]
	golden(t, "report.html", []byte(strings.Replace(got, css, "/* report.css */", 1)))
	assertHTMLStructure(t, got)
	for _, want := range []string{
		// header
		"cloudward v0.1.0-test", "0b6f3e4c-2a51-4c8e-9d7a-3f1e2b4c5d6e", "snapshot:testdata/snap", "111122223333",
		"2026-11-21 07:00:00 UTC", "(1.5s)", "2026-11-20 09:30:00 UTC",
		// compliance summary and control table: 1.4 and 5.3 fail, 1.1 is manual with its audit procedure
		`href="#fw-fixture-fw"`, `<td class="id">5.3</td>`, `<span class="status st-fail">FAIL</span>`,
		`<span class="status st-manual">MANUAL</span>`, "Open the Billing console and read the contacts.",
		`<a href="#fail-aws-ec2-sg-ssh-open">aws-ec2-sg-ssh-open</a>`,
		// failing resources with evidence and remediation, grouped by check
		`<article class="check" id="fail-aws-ec2-sg-ssh-open">`, "2 FAIL",
		"remote administration port 22 open to ::/0 (protocol tcp, ports 22-22)",
		"us-east-1/ec2/describe-security-groups.json SecurityGroups[1].IpPermissions[1]", "main.tf:12-18",
		"Console steps for aws-ec2-sg-ssh-open.", "aws ec2 fix --id &lt;id&gt;", "fixed = true",
		// the unknown finding says what was missing
		`id="unknown-aws-ec2-ebs-volume-unencrypted"`, "Encrypted: not collected",
		// coverage
		"eu-west-1/ec2/describe-volumes", "global/s3api/get-bucket-policy", "AccessDenied",
		"unexpected end of JSON input",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("HTML report lacks %q", want)
		}
	}
	// FAIL groups come highest severity first.
	if i, j := strings.Index(got, `id="fail-aws-iam-root-mfa-missing"`), strings.Index(got, `id="fail-aws-ec2-sg-ssh-open"`); i < 0 || j < i {
		t.Errorf("critical check not listed before high: %d, %d", i, j)
	}
	// A resource name with quotes and a comma is escaped, not broken.
	if !strings.Contains(got, "web &#34;public&#34;, tier") {
		t.Error("resource name with quotes not escaped as expected")
	}
}

// externalRef matches anything that would make the browser fetch: src or
// href attributes with a scheme or protocol-relative URL, CSS url() and
// @import, <link> elements.
var externalRef = regexp.MustCompile(`(?i)(\b(src|href|action|poster|data)\s*=\s*["']?\s*([a-z][a-z0-9+.-]*:|//))|url\(|@import|<link\b|<iframe\b|<object\b|<embed\b|<img\b`)

var hrefAttr = regexp.MustCompile(`(?i)\bhref\s*=\s*"([^"]*)"`)

func TestHTMLSelfContained(t *testing.T) {
	r := complianceReport(t, Filter{})
	// Hostile texts must not turn into markup or links.
	fs := fixtureFindings()
	fs = append(fs, check.Finding{Check: sshOpen, Resource: sgRef("sg-0dead", `<img src="https://evil.example/x.png">`),
		Result: check.FailResult(`<script src="https://evil.example/x.js"></script>`,
			check.Ev(src("a.json", "x"), `<a href="https://evil.example">click</a>`))})
	r = Build(Input{Tool: r.Tool, Scan: r.Scan, Inventories: []*aws.Inventory{fixtureInventory()}, Findings: fs})
	got := writeHTML(t, r)
	if m := externalRef.FindAllString(got, -1); len(m) > 0 {
		t.Errorf("HTML report references external resources: %q", m)
	}
	for _, m := range hrefAttr.FindAllStringSubmatch(got, -1) {
		if !strings.HasPrefix(m[1], "#") {
			t.Errorf("link %q leaves the document", m[1])
		}
	}
	if strings.Count(got, "<script") != 1 {
		t.Errorf("want exactly the one inline script, got %d", strings.Count(got, "<script"))
	}
	for _, want := range []string{"&lt;script src=&#34;https://evil.example/x.js&#34;&gt;&lt;/script&gt;", "&lt;img src=", "&lt;a href="} {
		if !strings.Contains(got, want) {
			t.Errorf("hostile text not escaped: %q missing", want)
		}
	}
	// Documentation links stay as text.
	if !strings.Contains(got, `<span class="url">https://docs.aws.amazon.com/ec2/</span>`) {
		t.Error("reference not shown as text")
	}
}

// TestHTMLCapsListing: a check with more failing resources than the cap lists
// the cap and counts the rest; totals stay exact.
func TestHTMLCapsListing(t *testing.T) {
	n := HTMLMaxPerCheck + 57
	fs := make([]check.Finding, 0, n+1)
	for i := range n {
		fs = append(fs, check.Finding{Check: sshOpen, Resource: sgRef(fmt.Sprintf("sg-%017d", i), fmt.Sprintf("group-%d", i)),
			Result: check.FailResult("SSH (22) is open to the internet")})
	}
	fs = append(fs, check.Finding{Check: ebsVolume, Resource: volRef("vol-1", "us-east-1"), Result: check.FailResult("the volume is not encrypted")})
	r := Build(Input{Tool: Tool{Name: "cloudward", Version: "test"}, Scan: Scan{ID: "cap"}, Findings: fs})
	got := writeHTML(t, r)
	assertHTMLStructure(t, got)
	ssh := got[strings.Index(got, `id="fail-aws-ec2-sg-ssh-open"`):]
	ssh = ssh[:strings.Index(ssh, "</article>")]
	if rows := strings.Count(ssh, `<td class="res">`); rows != HTMLMaxPerCheck {
		t.Errorf("listed %d rows, want %d", rows, HTMLMaxPerCheck)
	}
	for _, want := range []string{fmt.Sprintf("%d FAIL", n), "… and 57 more FAIL resources", fmt.Sprintf("list all %d", n), "<b>group-199 (", "No UNKNOWN results."} {
		if !strings.Contains(got, want) {
			t.Errorf("missing %q", want)
		}
	}
	if strings.Contains(ssh, "<b>group-200 (") {
		t.Error("listed beyond the cap")
	}
	// The next check is still listed in full after the capped one.
	if !strings.Contains(got, `id="fail-aws-ec2-ebs-volume-unencrypted"`) || strings.Contains(got[strings.Index(got, `id="fail-aws-ec2-ebs-volume-unencrypted"`):], "more FAIL resources") {
		t.Error("second check not listed in full")
	}
}

func TestHTMLMutedAndStatusFilter(t *testing.T) {
	fs := fixtureFindings()
	fs[0].Mute = &check.Mute{Status: check.Fail, Reason: "bastion <approved>", Owner: "net-team", Expires: "2027-01-31", Entry: "mutelist.yaml:7"}
	fs[0].Status = check.Muted
	r := Build(Input{Tool: Tool{Name: "cloudward", Version: "test"}, Scan: Scan{ID: "m", AccountIDs: []string{acct, "444455556666"}}, Findings: fs})
	got := writeHTML(t, r)
	assertHTMLStructure(t, got)
	for _, want := range []string{`<section id="muted">`, `id="muted-aws-ec2-sg-ssh-open"`, "mutelist.yaml:7", "bastion &lt;approved&gt;", "expires 2027-01-31", "was FAIL",
		"account 111122223333", `<a href="#muted">`} {
		if !strings.Contains(got, want) {
			t.Errorf("missing %q", want)
		}
	}

	// --status FAIL: the UNKNOWN section says the results exist but are not listed.
	r = Build(Input{Tool: Tool{Name: "cloudward", Version: "test"}, Scan: Scan{ID: "s"}, Findings: fixtureFindings(),
		Filter: Filter{Statuses: map[check.Status]bool{check.Fail: true}}})
	got = writeHTML(t, r)
	if !strings.Contains(got, "1 UNKNOWN results in scope, not listed (--status).") {
		t.Error("status filter not explained")
	}
	if strings.Contains(got, `id="unknown-`) {
		t.Error("unknown findings listed despite --status FAIL")
	}
}

// TestHTMLNoComplianceNoCoverage: a report without compliance or coverage
// (IaC scans) still renders a whole document.
func TestHTMLNoComplianceNoCoverage(t *testing.T) {
	r := Build(Input{Tool: Tool{Name: "cloudward", Version: "test"}, Scan: Scan{ID: "iac", StartedAt: time.Unix(0, 0)},
		Findings: []check.Finding{{Check: ebsVolume, Resource: &model.Ref{ID: "aws_ebs_volume.data", Type: aws.TypeVolume, Address: "aws_ebs_volume.data",
			Location: &model.Source{File: "main.tf", StartLine: 3, EndLine: 9}}, Result: check.FailResult("the volume is not encrypted")}}})
	got := writeHTML(t, r)
	assertHTMLStructure(t, got)
	if strings.Contains(got, `id="compliance"`) || !strings.Contains(got, "This source reports no operation coverage.") ||
		!strings.Contains(got, "main.tf:3-9 aws_ebs_volume.data") {
		t.Errorf("unexpected document:\n%s", got)
	}
}

var tagRe = regexp.MustCompile(`<(/?)(html|head|body|main|section|article|table|thead|tbody|tr|td|th|ul|li|div|p|dl|nav|header|footer|pre|style|script)\b[^>]*>`)

// assertHTMLStructure checks that the block elements the template writes are
// balanced and properly nested: the document is written in pieces, and a
// piece that leaves an element open breaks the page.
func assertHTMLStructure(t *testing.T, doc string) {
	t.Helper()
	if !strings.HasPrefix(doc, "<!DOCTYPE html>") || !strings.HasSuffix(strings.TrimSpace(doc), "</html>") {
		t.Fatal("not a whole HTML document")
	}
	var stack []string
	for _, m := range tagRe.FindAllStringSubmatch(doc, -1) {
		if m[1] == "" {
			stack = append(stack, m[2])
			continue
		}
		if len(stack) == 0 || stack[len(stack)-1] != m[2] {
			t.Fatalf("</%s> closes %v", m[2], stack)
		}
		stack = stack[:len(stack)-1]
	}
	if len(stack) > 0 {
		t.Fatalf("unclosed elements: %v", stack)
	}
}

func TestComplianceCSV(t *testing.T) {
	r := complianceReport(t, Filter{})
	var buf bytes.Buffer
	if err := WriteComplianceCSV(&buf, r.Compliance[0]); err != nil {
		t.Fatal(err)
	}
	golden(t, "compliance.fixture-fw.csv", buf.Bytes())
	rows := parseCSV(t, buf.String())
	if len(rows) != 4 || strings.Join(rows[0], ",") != strings.Join(ComplianceCSVHeader, ",") {
		t.Fatalf("rows: %q", rows)
	}
	col := map[string]int{}
	for i, h := range rows[0] {
		col[h] = i
	}
	ssh := rows[2] // 5.3, in framework order
	if ssh[col["control_id"]] != "5.3" || ssh[col["status"]] != "FAIL" || ssh[col["failing_count"]] != "2" || ssh[col["passed_count"]] != "1" ||
		ssh[col["failing_resources"]] != "arn:aws:ec2:us-east-1:111122223333:security-group/sg-09f8e7d6c5b4a3210; arn:aws:ec2:us-east-1:111122223333:security-group/sg-0a1b2c3d4e5f67890" {
		t.Errorf("5.3 row: %q", ssh)
	}
	if m := rows[3]; m[col["status"]] != "MANUAL" || m[col["level"]] != "2" || m[col["checks"]] != "" || m[col["failing_count"]] != "0" {
		t.Errorf("1.1 row: %q", m)
	}
	if got := ComplianceCSVName(compliance.Result{Framework: r.Compliance[0].Framework, Level: 1}); got != "fixture-fw-l1.csv" {
		t.Errorf("name: %s", got)
	}
}

func TestJoinCapped(t *testing.T) {
	items := make([]string, 5000)
	for i := range items {
		items[i] = fmt.Sprintf("arn:aws:ec2:us-east-1:111122223333:security-group/sg-%017d", i)
	}
	got := joinCapped(items, maxCSVCell)
	if len(got) > maxCSVCell {
		t.Errorf("cell of %d bytes", len(got))
	}
	listed := strings.Count(got, "security-group/")
	if want := fmt.Sprintf("… and %d more", len(items)-listed); !strings.HasSuffix(got, want) {
		t.Errorf("cell ends %q, want %q", got[len(got)-40:], want)
	}
	if joinCapped(items[:2], maxCSVCell) != items[0]+"; "+items[1] {
		t.Error("short list changed")
	}
	if got := joinCapped([]string{strings.Repeat("x", 100)}, 50); got != "… and 1 more" {
		t.Errorf("oversized first item: %q", got)
	}
}

// go test -run XXX -bench HTML300k -benchtime 2x -benchmem ./internal/report
func BenchmarkWriteHTML300k(b *testing.B) {
	r := complianceBenchReport(b)
	b.ResetTimer()
	for b.Loop() {
		var w countingWriter
		if err := WriteHTML(&w, r); err != nil {
			b.Fatal(err)
		}
		b.ReportMetric(float64(w.n)/1e6, "MB")
	}
}

func parseCSV(t *testing.T, s string) [][]string {
	t.Helper()
	rows, err := csv.NewReader(strings.NewReader(s)).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	return rows
}

// FuzzHTMLEscaping: whatever a snapshot puts in names, messages and evidence
// stays text; it never opens or closes an element of the report.
func FuzzHTMLEscaping(f *testing.F) {
	f.Add("bastion-ssh", "SSH (22) is open to the internet", "port 22 open to 0.0.0.0/0")
	f.Add("</td></tr></table><section>", `</article><script>alert(1)</script>`, `"><img src=//evil.example/x>`)
	f.Add("a\x00b\xff", "<!--", "]]><![CDATA[")
	f.Fuzz(func(t *testing.T, name, msg, detail string) {
		ref := sgRef("sg-0fuzz", name)
		fs := []check.Finding{
			{Check: sshOpen, Resource: ref, Result: check.FailResult(msg, check.Ev(src(detail, detail), "%s", detail))},
			{Check: ebsVolume, Resource: ref, Result: check.UnknownResult(msg, check.Ev(src("f.json", ""), "%s", detail))},
		}
		r := Build(Input{Tool: Tool{Name: "cloudward", Version: "fuzz"}, Scan: Scan{ID: name, Source: msg, Warnings: []string{detail}}, Findings: fs})
		out := writeHTML(t, r)
		assertHTMLStructure(t, out)
		if n := strings.Count(strings.ToLower(out), "<script"); n != 1 {
			t.Fatalf("%d script elements", n)
		}
		if strings.Contains(strings.ToLower(out), "<img") {
			t.Fatal("input became an img element")
		}
	})
}
