package report

import (
	"bytes"
	"crypto/sha256"
	"encoding/csv"
	"encoding/hex"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/cloudward/cloudward/internal/check"
	"github.com/cloudward/cloudward/internal/model"
	"github.com/cloudward/cloudward/internal/model/aws"
)

var update = flag.Bool("update", false, "rewrite the golden files under testdata/")

const acct = "111122223333"

func meta(id, title string, sev check.Severity, dom check.Domain, svc, typ string, cis ...string) check.Meta {
	m := check.Meta{
		ID: id, Title: title, Severity: sev, Domain: dom, Provider: "aws", Service: svc, ResourceType: typ,
		Rationale: "Rationale of " + id + ".",
		Remediation: check.Remediation{
			Console:   "Console steps for " + id + ".",
			CLI:       "aws " + svc + " fix --id <id>",
			Terraform: "resource \"x\" \"y\" {\n  fixed = true\n}",
		},
		References: []string{"https://docs.aws.amazon.com/" + svc + "/"},
	}
	if len(cis) > 0 {
		m.Frameworks = map[string][]string{CISFramework: cis}
	}
	return m
}

// Fixture checks with realistic metadata; built directly so that reports do
// not change when the real checks' texts do.
var (
	rootMFA   = &check.Check{Meta: meta("aws-iam-root-mfa-missing", "Root user has no MFA", check.Critical, check.Identity, "iam", aws.TypeRootUser, "1.4")}
	sshOpen   = &check.Check{Meta: meta("aws-ec2-sg-ssh-open", "Security group allows SSH (22) from the internet", check.High, check.Network, "ec2", aws.TypeSecurityGroup, "5.3", "5.4")}
	ebsVolume = &check.Check{Meta: meta("aws-ec2-ebs-volume-unencrypted", "EBS volume is not encrypted", check.Medium, check.Encryption, "ec2", aws.TypeVolume)}
	guardduty = &check.Check{Meta: meta("aws-guardduty-disabled", "GuardDuty is not enabled in the region", check.High, check.Detection, "guardduty", aws.TypeRegion)}
)

func sgRef(id, name string) *model.Ref {
	return &model.Ref{ID: "arn:aws:ec2:us-east-1:" + acct + ":security-group/" + id, Type: aws.TypeSecurityGroup,
		Name: name, Region: "us-east-1", Account: acct, Provider: "aws"}
}

func volRef(id, region string) *model.Ref {
	return &model.Ref{ID: "arn:aws:ec2:" + region + ":" + acct + ":volume/" + id, Type: aws.TypeVolume,
		Name: id, Region: region, Account: acct, Provider: "aws"}
}

func src(file, path string) model.Source { return model.Source{File: file, Path: path} }

// fixtureFindings are in engine order (by check), not report order.
func fixtureFindings() []check.Finding {
	sgFile := "us-east-1/ec2/describe-security-groups.json"
	volFile := "us-east-1/ec2/describe-volumes.json"
	return []check.Finding{
		{Check: sshOpen, Resource: sgRef("sg-0a1b2c3d4e5f67890", "bastion-ssh"), Result: check.FailResult(
			"SSH (22) is open to the internet",
			check.Ev(src(sgFile, "SecurityGroups[1].IpPermissions[0]"), "remote administration port 22 open to 0.0.0.0/0 (protocol tcp, ports 22-22)"),
			check.Ev(src(sgFile, "SecurityGroups[1].IpPermissions[1]"), "remote administration port 22 open to ::/0 (protocol tcp, ports 22-22)"))},
		{Check: sshOpen, Resource: sgRef("sg-0123abcd4567ef890", "default"), Result: check.PassResult("no ingress from the internet reaches SSH")},
		{Check: sshOpen, Resource: sgRef("sg-09f8e7d6c5b4a3210", "web \"public\", tier"), Result: check.FailResult(
			"SSH (22) is open to the internet;\nsee the rule below",
			check.Ev(model.Source{File: "main.tf", StartLine: 12, EndLine: 18}, "ingress 0.0.0.0/0 tcp 0-65535"))},
		{Check: ebsVolume, Resource: volRef("vol-0c3d4e5f6a7b80003", "us-east-1"), Result: check.FailResult("the volume is not encrypted",
			check.Ev(src(volFile, "Volumes[2].Encrypted"), "Encrypted = false"))},
		{Check: ebsVolume, Resource: volRef("vol-0a1b2c3d4e5f60001", "us-east-1"), Result: check.PassResult("the volume is encrypted",
			check.Ev(src(volFile, "Volumes[0].Encrypted"), "Encrypted = true"))},
		{Check: ebsVolume, Resource: volRef("vol-0e5f6a7b8c9d00005", "eu-west-1"), Result: check.UnknownOf("Encrypted",
			model.Unknown[bool]("not collected", src("eu-west-1/ec2/describe-volumes.json", "")))},
		{Check: guardduty, Resource: &model.Ref{ID: acct + "/eu-west-1", Type: aws.TypeRegion, Name: "eu-west-1", Region: "eu-west-1", Account: acct, Provider: "aws"},
			Result: check.FailResult("GuardDuty has no detector in eu-west-1",
				check.Ev(src("eu-west-1/guardduty/list-detectors.json", "DetectorIds"), "DetectorIds = []"))},
		{Check: rootMFA, Resource: &model.Ref{ID: "arn:aws:iam::" + acct + ":root", Type: aws.TypeRootUser, Name: "<root_account>", Region: "global", Account: acct, Provider: "aws"},
			Result: check.FailResult("the root user has no MFA device",
				check.Ev(src("global/iam/get-account-summary.json", "SummaryMap.AccountMFAEnabled"), "AccountMFAEnabled = 0"))},
	}
}

func fixtureInventory() *aws.Inventory {
	return &aws.Inventory{
		AccountID:   acct,
		Partition:   "aws",
		CollectedAt: time.Date(2026, 11, 20, 9, 30, 0, 0, time.UTC),
		RegionNames: []string{"eu-west-1", "us-east-1"},
		Coverage: []aws.Coverage{
			{Region: "eu-west-1", Service: "ec2", Operation: "describe-volumes", Status: aws.CoverageMissing, Detail: "not collected"},
			{Region: "eu-west-1", Service: "guardduty", Operation: "list-detectors", Status: aws.CoverageRead},
			{Region: "global", Service: "iam", Operation: "get-account-summary", Status: aws.CoverageRead},
			{Region: "global", Service: "s3api", Operation: "get-bucket-policy", Status: aws.CoverageError, Detail: "AccessDenied", Code: "AccessDenied"},
			{Region: "us-east-1", Service: "ec2", Operation: "describe-security-groups", Status: aws.CoverageRead},
			{Region: "us-east-1", Service: "ec2", Operation: "describe-volumes", Status: aws.CoverageRead},
		},
	}
}

func fixtureReport(filter Filter) *Report {
	start := time.Date(2026, 11, 21, 8, 0, 0, 0, time.FixedZone("CET", 3600))
	return Build(Input{
		Tool: Tool{Name: "cloudward", Version: "v0.1.0-test"},
		Scan: Scan{
			ID: "0b6f3e4c-2a51-4c8e-9d7a-3f1e2b4c5d6e", StartedAt: start, FinishedAt: start.Add(1500 * time.Millisecond),
			Source:   "snapshot:testdata/snap",
			Warnings: []string{"us-east-1/ec2/describe-instances.json:3: unexpected end of JSON input"},
		},
		Inventories: []*aws.Inventory{fixtureInventory()},
		Findings:    fixtureFindings(),
		Filter:      filter,
	})
}

func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test ./internal/report -update to create it)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs from the output (run go test ./internal/report -update if the change is intended)\n--- got:\n%s", path, got)
	}
}

func TestGoldenReports(t *testing.T) {
	for _, tt := range []struct {
		name, format, file string
		filter             Filter
	}{
		{"json all statuses", "json", "report.json", Filter{}},
		{"csv all statuses", "csv", "report.csv", Filter{}},
		{"table fail and unknown", "table", "report.table.txt",
			Filter{Statuses: map[check.Status]bool{check.Fail: true, check.Unknown: true}}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			var buf bytes.Buffer
			if err := Write(&buf, tt.format, fixtureReport(tt.filter), TableOptions{}); err != nil {
				t.Fatal(err)
			}
			golden(t, tt.file, buf.Bytes())
		})
	}
}

func TestGoldenChecks(t *testing.T) {
	checks := []*check.Check{ebsVolume, sshOpen, guardduty, rootMFA}
	for _, format := range CheckFormats {
		t.Run(format, func(t *testing.T) {
			var buf bytes.Buffer
			if err := WriteChecks(&buf, format, checks); err != nil {
				t.Fatal(err)
			}
			golden(t, "checks."+map[string]string{"table": "txt", "json": "json", "markdown": "md"}[format], buf.Bytes())
		})
	}
}

// jsonReport mirrors the documented schema; decoding with
// DisallowUnknownFields catches fields missing from the documentation.
type jsonReport struct {
	Tool struct{ Name, Version string } `json:"tool"`
	Scan struct {
		ID          string   `json:"id"`
		StartedAt   string   `json:"started_at"`
		FinishedAt  string   `json:"finished_at"`
		Source      string   `json:"source"`
		CollectedAt *string  `json:"collected_at"`
		AccountIDs  []string `json:"account_ids"`
		Warnings    []string `json:"warnings"`
	} `json:"scan"`
	Coverage Coverage    `json:"coverage"`
	Summary  jsonSummary `json:"summary"`
	Findings []struct {
		CheckID     string            `json:"check_id"`
		Title       string            `json:"title"`
		Severity    string            `json:"severity"`
		Status      string            `json:"status"`
		Domain      string            `json:"domain"`
		Service     string            `json:"service"`
		Resource    model.Ref         `json:"resource"`
		Message     string            `json:"message"`
		Evidence    []json.RawMessage `json:"evidence"`
		Remediation check.Remediation `json:"remediation"`
		Frameworks  map[string][]string
		Fingerprint string `json:"fingerprint"`
	} `json:"findings"`
}

func TestJSONSchemaAndOrder(t *testing.T) {
	var buf bytes.Buffer
	if err := WriteJSON(&buf, fixtureReport(Filter{})); err != nil {
		t.Fatal(err)
	}
	dec := json.NewDecoder(&buf)
	dec.DisallowUnknownFields()
	var r jsonReport
	if err := dec.Decode(&r); err != nil {
		t.Fatalf("report does not decode into the documented schema: %v", err)
	}
	if r.Scan.StartedAt != "2026-11-21T07:00:00Z" || *r.Scan.CollectedAt != "2026-11-20T09:30:00Z" {
		t.Errorf("times not RFC 3339 UTC: %s %v", r.Scan.StartedAt, *r.Scan.CollectedAt)
	}
	if len(r.Scan.Warnings) != 1 || len(r.Scan.AccountIDs) != 1 || r.Scan.AccountIDs[0] != acct {
		t.Errorf("scan = %+v", r.Scan)
	}
	if c := r.Coverage; c.Operations != 6 || c.Read != 4 || c.Missing != 1 || c.Error != 1 ||
		c.MissingOperations[0] != "eu-west-1/ec2/describe-volumes" || c.Errors[0].Detail != "AccessDenied" {
		t.Errorf("coverage = %+v", c)
	}
	var order []string
	for _, f := range r.Findings {
		order = append(order, f.Severity+" "+f.CheckID+" "+f.Resource.ID)
		sum := sha256.Sum256([]byte(f.CheckID + f.Resource.ID))
		if f.Fingerprint != hex.EncodeToString(sum[:])[:32] {
			t.Errorf("%s %s: fingerprint %s", f.CheckID, f.Resource.ID, f.Fingerprint)
		}
	}
	want := []string{
		"critical aws-iam-root-mfa-missing arn:aws:iam::111122223333:root",
		"high aws-ec2-sg-ssh-open arn:aws:ec2:us-east-1:111122223333:security-group/sg-0123abcd4567ef890",
		"high aws-ec2-sg-ssh-open arn:aws:ec2:us-east-1:111122223333:security-group/sg-09f8e7d6c5b4a3210",
		"high aws-ec2-sg-ssh-open arn:aws:ec2:us-east-1:111122223333:security-group/sg-0a1b2c3d4e5f67890",
		"high aws-guardduty-disabled 111122223333/eu-west-1",
		"medium aws-ec2-ebs-volume-unencrypted arn:aws:ec2:eu-west-1:111122223333:volume/vol-0e5f6a7b8c9d00005",
		"medium aws-ec2-ebs-volume-unencrypted arn:aws:ec2:us-east-1:111122223333:volume/vol-0a1b2c3d4e5f60001",
		"medium aws-ec2-ebs-volume-unencrypted arn:aws:ec2:us-east-1:111122223333:volume/vol-0c3d4e5f6a7b80003",
	}
	if strings.Join(order, "\n") != strings.Join(want, "\n") {
		t.Errorf("order:\n%s\nwant:\n%s", strings.Join(order, "\n"), strings.Join(want, "\n"))
	}
	if got := r.Findings[1].Frameworks[CISFramework]; len(got) != 2 || got[1] != "5.4" {
		t.Errorf("frameworks = %v", r.Findings[1].Frameworks)
	}
	if r.Findings[3].Remediation.Terraform == "" || len(r.Findings[3].Evidence) != 2 {
		t.Errorf("remediation/evidence missing: %+v", r.Findings[3])
	}
	// 3 pass weight: high 5 + medium 3 = 8; fail: critical 10 + high 5+5+5 + medium 3 = 28.
	if s := r.Summary.Score; s.Value != 22.2 || s.PassedWeight != 8 || s.ScoredWeight != 36 || s.Unknown != 1 ||
		s.ByAccount[acct].Value != 22.2 {
		t.Errorf("score = %+v", s)
	}
	if r.Summary.Total != 8 || r.Summary.Fail != 5 || r.Summary.Pass != 2 || r.Summary.Unknown != 1 ||
		r.Summary.BySeverity["high"] != (Counts{Pass: 1, Fail: 3}) || r.Summary.ByDomain["encryption"] != (Counts{1, 1, 1}) {
		t.Errorf("summary = %+v", r.Summary)
	}
}

func TestFiltersScopeAndStatus(t *testing.T) {
	r := fixtureReport(Filter{
		Severities: map[check.Severity]bool{check.High: true, check.Medium: true},
		Regions:    map[string]bool{"us-east-1": true},
		Statuses:   map[check.Status]bool{check.Fail: true},
	})
	// In scope: 3 SSH (us-east-1) + 2 us-east-1 volumes; GuardDuty is in
	// eu-west-1 and root is critical.
	if r.Summary.Total() != 5 || r.Summary.Pass != 2 || r.Summary.Fail != 3 {
		t.Errorf("summary counts scope = %+v", r.Summary.Counts)
	}
	if r.Summary.Listed != 3 || len(r.Findings) != 3 {
		t.Fatalf("listed %d, want 3 FAIL", len(r.Findings))
	}
	for _, f := range r.Findings {
		if f.Status != check.Fail || f.Resource.Region != "us-east-1" {
			t.Errorf("unexpected %s %s %s", f.Check.ID, f.Status, f.Resource.Region)
		}
	}
	if !r.FailsAtOrAbove(check.High) || r.FailsAtOrAbove(check.Critical) {
		t.Error("FailsAtOrAbove wrong")
	}

	r = fixtureReport(Filter{Checks: map[string]bool{"aws-ec2-ebs-volume-unencrypted": true}, Services: map[string]bool{"ec2": true}})
	if len(r.Findings) != 3 || r.Findings[0].Check != ebsVolume {
		t.Errorf("check filter: %d findings", len(r.Findings))
	}
	r = fixtureReport(Filter{Services: map[string]bool{"iam": true}})
	if len(r.Findings) != 1 || r.Findings[0].Check != rootMFA {
		t.Errorf("service filter: %d findings", len(r.Findings))
	}
}

func TestCSVQuotingAndMultiValues(t *testing.T) {
	var buf bytes.Buffer
	if err := WriteCSV(&buf, fixtureReport(Filter{})); err != nil {
		t.Fatal(err)
	}
	rows, err := csv.NewReader(&buf).ReadAll()
	if err != nil {
		t.Fatalf("CSV does not parse back: %v", err)
	}
	if strings.Join(rows[0], ",") != strings.Join(CSVHeader, ",") || len(rows) != 9 {
		t.Fatalf("header %v, %d rows", rows[0], len(rows))
	}
	col := map[string]int{}
	for i, h := range rows[0] {
		col[h] = i
	}
	var quoted, multi []string
	for _, row := range rows[1:] {
		if len(row) != len(CSVHeader) {
			t.Fatalf("row has %d fields", len(row))
		}
		if strings.Contains(row[col["resource_name"]], `"public", tier`) {
			quoted = row
		}
		if strings.HasSuffix(row[col["resource_id"]], "sg-0a1b2c3d4e5f67890") {
			multi = row
		}
	}
	if quoted == nil || !strings.Contains(quoted[col["message"]], ";\nsee") || quoted[col["evidence_sources"]] != "main.tf:12-18" {
		t.Errorf("quoted row = %q", quoted)
	}
	if multi == nil || multi[col["frameworks"]] != "cis-aws-4.0:5.3; cis-aws-4.0:5.4" ||
		strings.Count(multi[col["evidence"]], "; ") != 1 ||
		multi[col["evidence_sources"]] != "us-east-1/ec2/describe-security-groups.json SecurityGroups[1].IpPermissions[0]; us-east-1/ec2/describe-security-groups.json SecurityGroups[1].IpPermissions[1]" {
		t.Errorf("multi-valued row = %q", multi)
	}
}

func TestTableColour(t *testing.T) {
	var plain, color bytes.Buffer
	r := fixtureReport(Filter{})
	if err := WriteTable(&plain, r, TableOptions{}); err != nil {
		t.Fatal(err)
	}
	if err := WriteTable(&color, r, TableOptions{Color: true}); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(plain.String(), "\x1b[") {
		t.Error("plain table has escape codes")
	}
	if !strings.Contains(color.String(), "\x1b[1;31mcritical") {
		t.Error("coloured table has no red critical")
	}
	// Colour must not change the visible layout.
	stripped := strings.NewReplacer("\x1b[0m", "", "\x1b[1m", "", "\x1b[1;31m", "", "\x1b[31m", "", "\x1b[33m", "",
		"\x1b[36m", "", "\x1b[2m", "", "\x1b[32m", "", "\x1b[35m", "").Replace(color.String())
	if stripped != plain.String() {
		t.Errorf("coloured table differs from plain once codes are stripped:\n%s", stripped)
	}
}

func TestTableEmpty(t *testing.T) {
	r := fixtureReport(Filter{Statuses: map[check.Status]bool{check.Fail: true}, Services: map[string]bool{"s3": true}})
	var buf bytes.Buffer
	if err := WriteTable(&buf, r, TableOptions{}); err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(buf.String(), "No findings to list (0 results in scope).") ||
		!strings.Contains(buf.String(), "Posture score: 100.0/100") {
		t.Errorf("empty table:\n%s", buf.String())
	}
}

func TestAppendStringMatchesEncodingJSON(t *testing.T) {
	for _, s := range []string{"", "plain", `quote " and \ backslash`, "tab\tnew\nline\r", "\x00\x01\x1f\x7f",
		"<html> & co", "héllo wörld ✓", "bad \xff\xfe utf8", "line\u2028sep\u2029", "\xed\xa0\x80 surrogate"} {
		assertSameJSON(t, s)
	}
}

func assertSameJSON(t *testing.T, s string) {
	t.Helper()
	var got, want string
	if err := json.Unmarshal(appendString(nil, s), &got); err != nil {
		t.Fatalf("%q: invalid JSON %s: %v", s, appendString(nil, s), err)
	}
	b, _ := json.Marshal(s)
	if err := json.Unmarshal(b, &want); err != nil {
		t.Fatal(err)
	}
	if got != want {
		t.Errorf("%q: decodes to %q, encoding/json gives %q", s, got, want)
	}
}

func FuzzAppendString(f *testing.F) {
	for _, s := range []string{"", "a\"b", "\xff", "\u2028", "\x00"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) { assertSameJSON(t, s) })
}

func TestWriteUnknownFormat(t *testing.T) {
	if err := Write(&bytes.Buffer{}, "xml", fixtureReport(Filter{}), TableOptions{}); err == nil {
		t.Error("xml accepted")
	}
	if err := WriteChecks(&bytes.Buffer{}, "csv", nil); err == nil {
		t.Error("checks csv accepted")
	}
}

// syntheticReport has n findings over 60 checks and 5,000 resources.
func syntheticReport(n int) *Report {
	checks := make([]*check.Check, 60)
	for i := range checks {
		checks[i] = &check.Check{Meta: meta(fmt.Sprintf("aws-bench-check-%02d", i), "Benchmark check", check.Severity(i%5),
			check.Network, "ec2", aws.TypeSecurityGroup, "5.3")}
	}
	fs := make([]check.Finding, n)
	statuses := []check.Status{check.Pass, check.Fail, check.Unknown}
	for i := range fs {
		fs[i] = check.Finding{Check: checks[i%60], Resource: sgRef(fmt.Sprintf("sg-%017d", i%5000), "bench"),
			Result: check.Result{Status: statuses[i%3], Message: "ingress from the internet reaches remote administration ports",
				Evidence: []check.Evidence{check.Ev(src("us-east-1/ec2/describe-security-groups.json", fmt.Sprintf("SecurityGroups[%d].IpPermissions[0]", i%5000)), "port 22 open to 0.0.0.0/0")}}}
	}
	return Build(Input{Tool: Tool{Name: "cloudward", Version: "bench"}, Scan: Scan{ID: "bench"},
		Inventories: []*aws.Inventory{fixtureInventory()}, Findings: fs})
}

func benchmarkWrite(b *testing.B, format string) {
	r := syntheticReport(300_000)
	b.ResetTimer()
	for b.Loop() {
		var cw countingWriter
		if err := Write(&cw, format, r, TableOptions{}); err != nil {
			b.Fatal(err)
		}
		b.SetBytes(cw.n)
	}
}

type countingWriter struct{ n int64 }

func (c *countingWriter) Write(p []byte) (int, error) { c.n += int64(len(p)); return len(p), nil }

// go test -bench Write -benchtime 3x ./internal/report
func BenchmarkWriteJSON300k(b *testing.B)  { benchmarkWrite(b, "json") }
func BenchmarkWriteCSV300k(b *testing.B)   { benchmarkWrite(b, "csv") }
func BenchmarkWriteTable300k(b *testing.B) { benchmarkWrite(b, "table") }

func BenchmarkBuild300k(b *testing.B) {
	r := syntheticReport(300_000)
	fs := append([]check.Finding(nil), r.Findings...)
	b.ResetTimer()
	for b.Loop() {
		Build(Input{Findings: append([]check.Finding(nil), fs...)})
	}
}

func TestMarkdownKeepsProseLiteral(t *testing.T) {
	c := &check.Check{Meta: meta("aws-iam-policy-star", `Policy allows "*" on "*" | <all>`, check.High, check.Identity, "iam", aws.TypeManagedPolicy)}
	var buf bytes.Buffer
	if err := WriteChecks(&buf, "markdown", []*check.Check{c}); err != nil {
		t.Fatal(err)
	}
	md := buf.String()
	if !strings.Contains(md, `| Policy allows "\*" on "\*" \| &lt;all> |`) || !strings.Contains(md, `**Policy allows "\*" on "\*" | &lt;all>**`) {
		t.Errorf("markdown not escaped:\n%s", md)
	}
}
