package report

import (
	"bufio"
	"bytes"
	"encoding/json"
	"encoding/xml"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/cloudward/cloudward/internal/check"
	"github.com/cloudward/cloudward/internal/model"
	"github.com/cloudward/cloudward/internal/model/aws"
)

var (
	s3Public = &check.Check{Meta: meta("aws-s3-bucket-public-access-block-missing", "S3 bucket does not block public access", check.High, check.Exposure, "s3", aws.TypeBucket, "2.1.4")}
	kmsRot   = &check.Check{Meta: meta("aws-kms-key-rotation-disabled", "KMS key rotation is not enabled", check.Low, check.Encryption, "kms", aws.TypeKMSKey)}
)

// iacRef is an IaC resource as the Terraform source builds it: the address
// is the ID, the block is the location, module calls lead there.
func iacRef(addr, typ, file string, start, end int, calls ...model.Source) *model.Ref {
	return &model.Ref{ID: addr, Type: typ, Name: addr[strings.LastIndexByte(addr, '.')+1:], Provider: "aws", Address: addr,
		Location: &model.Source{File: file, StartLine: start, EndLine: end}, ModuleCalls: calls}
}

// iacFindings are what `scan iac` gives for a small repository: a module's
// bucket, a root security group (whose rule is the evidence), a
// CloudFormation volume, an unknown, a pass and a muted failure. shift moves
// every line down, as an edit above the resources would.
func iacFindings(shift int) []check.Finding {
	call := model.Source{File: "envs/prod/main.tf", StartLine: 3 + shift, EndLine: 9 + shift}
	bucket := iacRef(`module.data.aws_s3_bucket.logs["eu"]`, aws.TypeBucket, "modules/data/s3.tf", 1+shift, 12+shift, call)
	sg := iacRef("aws_security_group.web", aws.TypeSecurityGroup, "./envs/prod/network.tf", 20+shift, 41+shift)
	vol := iacRef("DataVolume", aws.TypeVolume, "templates/app stack,v2.yaml", 30+shift, 36+shift)
	key := iacRef("aws_kms_key.logs", aws.TypeKMSKey, "envs/prod/kms.tf", 1+shift, 5+shift)
	muted := iacRef("aws_security_group.legacy", aws.TypeSecurityGroup, "envs/prod/network.tf", 50+shift, 60+shift)
	fs := []check.Finding{
		{Check: s3Public, Resource: bucket, Result: check.FailResult("no aws_s3_bucket_public_access_block for the bucket",
			check.Ev(model.Source{File: "modules/data/s3.tf", StartLine: 1 + shift, EndLine: 12 + shift}, "block_public_acls, ignore_public_acls, block_public_policy, restrict_public_buckets are unset"))},
		{Check: sshOpen, Resource: sg, Result: check.FailResult("SSH (22) is open to the internet: 100% of IPv4, <all>",
			check.Ev(model.Source{File: "./envs/prod/network.tf", StartLine: 27 + shift, EndLine: 33 + shift}, "ingress tcp 22 from 0.0.0.0/0,\r\nsee rule \"ssh\""))},
		{Check: ebsVolume, Resource: vol, Result: check.FailResult("the volume is not encrypted",
			check.Ev(model.Source{File: "templates/app stack,v2.yaml", Path: "Resources.DataVolume.Properties.Encrypted", StartLine: 35 + shift, EndLine: 35 + shift}, "Encrypted is false for DataVolume"))},
		{Check: kmsRot, Resource: key, Result: check.UnknownResult("enable_key_rotation is unknown: var.rotate has no value",
			check.Ev(model.Source{File: "envs/prod/kms.tf", StartLine: 3 + shift, EndLine: 3 + shift}, "enable_key_rotation: var.rotate has no value"))},
		{Check: ebsVolume, Resource: iacRef("aws_ebs_volume.data", aws.TypeVolume, "envs/prod/ebs.tf", 1+shift, 6+shift), Result: check.PassResult("the volume is encrypted")},
		{Check: sshOpen, Resource: muted, Result: check.FailResult("SSH (22) is open to the internet"),
			Mute: &check.Mute{Status: check.Fail, Reason: "decommissioned in Q1", Owner: "net-team", Entry: "cloudward.yaml:14"}},
	}
	fs[len(fs)-1].Status = check.Muted
	return fs
}

// ciReport mixes deployed (snapshot) and IaC findings: every output must
// handle both.
func ciReport(shift int) *Report {
	start := time.Date(2026, 11, 21, 8, 0, 0, 0, time.UTC)
	return Build(Input{
		Tool: Tool{Name: "cloudward", Version: "v0.1.0-test"},
		Scan: Scan{ID: "0b6f3e4c-2a51-4c8e-9d7a-3f1e2b4c5d6e", StartedAt: start, FinishedAt: start.Add(1234 * time.Millisecond),
			Source: "iac:.", Warnings: []string{"infra/broken.tf:3:7: Argument or block definition required"}},
		Inventories: []*aws.Inventory{fixtureInventory()},
		Findings:    append(fixtureFindings(), iacFindings(shift)...),
	})
}

func TestGoldenCIReports(t *testing.T) {
	for _, tt := range []struct{ format, file string }{
		{"sarif", "report.sarif"},
		{"junit", "report.junit.xml"},
		{"github", "report.github.txt"},
	} {
		t.Run(tt.format, func(t *testing.T) {
			var buf bytes.Buffer
			if err := Write(&buf, tt.format, ciReport(0), TableOptions{}); err != nil {
				t.Fatal(err)
			}
			golden(t, tt.file, buf.Bytes())
		})
	}
}

// sarifDoc is the part of SARIF 2.1.0 the tests read back, with the
// members the schema requires.
type sarifDoc struct {
	Schema  *string `json:"$schema"`
	Version *string `json:"version"`
	Runs    []struct {
		Tool *struct {
			Driver *struct {
				Name           *string `json:"name"`
				Version        string  `json:"version"`
				InformationURI string  `json:"informationUri"`
				Rules          []struct {
					ID               *string `json:"id"`
					Name             string  `json:"name"`
					ShortDescription *struct {
						Text *string `json:"text"`
					} `json:"shortDescription"`
					FullDescription *struct {
						Text *string `json:"text"`
					} `json:"fullDescription"`
					Help *struct {
						Text     *string `json:"text"`
						Markdown string  `json:"markdown"`
					} `json:"help"`
					HelpURI              string `json:"helpUri"`
					DefaultConfiguration struct {
						Level string `json:"level"`
					} `json:"defaultConfiguration"`
					Properties struct {
						Tags             []string `json:"tags"`
						SecuritySeverity string   `json:"security-severity"`
					} `json:"properties"`
				} `json:"rules"`
			} `json:"driver"`
		} `json:"tool"`
		Invocations []struct {
			ExecutionSuccessful *bool `json:"executionSuccessful"`
			Notifications       []struct {
				Message struct {
					Text *string `json:"text"`
				} `json:"message"`
			} `json:"toolExecutionNotifications"`
		} `json:"invocations"`
		Results []struct {
			RuleID    string `json:"ruleId"`
			RuleIndex int    `json:"ruleIndex"`
			Kind      string `json:"kind"`
			Level     string `json:"level"`
			Message   *struct {
				Text *string `json:"text"`
			} `json:"message"`
			Locations []struct {
				PhysicalLocation *struct {
					ArtifactLocation *struct {
						URI       string `json:"uri"`
						URIBaseID string `json:"uriBaseId"`
					} `json:"artifactLocation"`
					Region *struct {
						StartLine int `json:"startLine"`
						EndLine   int `json:"endLine"`
					} `json:"region"`
				} `json:"physicalLocation"`
				LogicalLocations []struct {
					FullyQualifiedName string `json:"fullyQualifiedName"`
					Kind               string `json:"kind"`
				} `json:"logicalLocations"`
			} `json:"locations"`
			PartialFingerprints map[string]string `json:"partialFingerprints"`
			Suppressions        []struct {
				Kind          *string `json:"kind"`
				Justification string  `json:"justification"`
			} `json:"suppressions"`
			Properties struct {
				Evidence []struct {
					Detail string `json:"detail"`
				} `json:"evidence"`
			} `json:"properties"`
		} `json:"results"`
	} `json:"runs"`
}

func decodeSARIF(t *testing.T, r *Report) sarifDoc {
	t.Helper()
	var buf bytes.Buffer
	if err := WriteSARIF(&buf, r); err != nil {
		t.Fatal(err)
	}
	var doc sarifDoc
	dec := json.NewDecoder(&buf)
	if err := dec.Decode(&doc); err != nil {
		t.Fatalf("SARIF is not JSON: %v", err)
	}
	return doc
}

// TestSARIFStructure checks the members the SARIF 2.1.0 schema requires
// (sarifLog: version, runs; run: tool; tool: driver; toolComponent: name;
// reportingDescriptor: id; multiformatMessageString and message: text;
// invocation: executionSuccessful; suppression: kind; region.startLine >= 1)
// and what GitHub code scanning reads.
func TestSARIFStructure(t *testing.T) {
	doc := decodeSARIF(t, ciReport(0))
	if doc.Version == nil || *doc.Version != "2.1.0" || doc.Schema == nil || !strings.Contains(*doc.Schema, "sarif-schema-2.1.0.json") {
		t.Fatalf("version/$schema: %v %v", doc.Version, doc.Schema)
	}
	if len(doc.Runs) != 1 || doc.Runs[0].Tool == nil || doc.Runs[0].Tool.Driver == nil {
		t.Fatal("want one run with tool.driver")
	}
	run := doc.Runs[0]
	d := run.Tool.Driver
	if d.Name == nil || *d.Name != "cloudward" || d.Version != "v0.1.0-test" || d.InformationURI == "" {
		t.Errorf("driver: %+v", d)
	}
	if len(run.Invocations) != 1 || run.Invocations[0].ExecutionSuccessful == nil || len(run.Invocations[0].Notifications) != 1 {
		t.Errorf("invocations: %+v (the scan warning belongs there)", run.Invocations)
	}
	levels := map[string]bool{"error": true, "warning": true, "note": true, "none": true}
	for i, rule := range d.Rules {
		if rule.ID == nil || rule.ShortDescription == nil || rule.ShortDescription.Text == nil ||
			rule.FullDescription == nil || rule.FullDescription.Text == nil || rule.Help == nil || rule.Help.Text == nil {
			t.Fatalf("rule %d lacks a required member", i)
		}
		if !strings.Contains(rule.Help.Markdown, "```hcl") || !strings.Contains(*rule.Help.Text, "AWS CLI:") || rule.HelpURI == "" {
			t.Errorf("rule %s: help lacks the remediation: %+v", *rule.ID, rule.Help)
		}
		if _, err := strconv.ParseFloat(rule.Properties.SecuritySeverity, 64); err != nil {
			t.Errorf("rule %s: security-severity %q", *rule.ID, rule.Properties.SecuritySeverity)
		}
		if !levels[rule.DefaultConfiguration.Level] {
			t.Errorf("rule %s: level %q", *rule.ID, rule.DefaultConfiguration.Level)
		}
	}
	// FAIL results, plus the muted failure (suppressed); no PASS or UNKNOWN.
	fails := 0
	for _, f := range ciReport(0).Findings {
		if f.Status == check.Fail || f.Status == check.Muted {
			fails++
		}
	}
	if len(run.Results) != fails {
		t.Fatalf("%d results, want %d", len(run.Results), fails)
	}
	byRule := map[string]int{}
	seenIaC, seenCloud, suppressed := 0, 0, 0
	for _, res := range run.Results {
		if res.Message == nil || res.Message.Text == nil || *res.Message.Text == "" {
			t.Fatal("result without message.text")
		}
		if res.RuleIndex < 0 || res.RuleIndex >= len(d.Rules) || *d.Rules[res.RuleIndex].ID != res.RuleID {
			t.Errorf("result %s: ruleIndex %d points elsewhere", res.RuleID, res.RuleIndex)
		}
		byRule[res.RuleID]++
		if !levels[res.Level] {
			t.Errorf("level %q", res.Level)
		}
		if len(res.PartialFingerprints[FingerprintKey]) != 32 {
			t.Errorf("partialFingerprints: %v", res.PartialFingerprints)
		}
		for _, s := range res.Suppressions {
			if s.Kind == nil {
				t.Error("suppression without kind")
			}
			suppressed++
		}
		if len(res.Locations) != 1 {
			t.Fatalf("%d locations", len(res.Locations))
		}
		loc := res.Locations[0]
		if pl := loc.PhysicalLocation; pl != nil {
			seenIaC++
			if pl.ArtifactLocation == nil || pl.ArtifactLocation.URIBaseID != "%SRCROOT%" ||
				strings.HasPrefix(pl.ArtifactLocation.URI, "./") || strings.Contains(pl.ArtifactLocation.URI, " ") {
				t.Errorf("artifactLocation: %+v", pl.ArtifactLocation)
			}
			if pl.Region == nil || pl.Region.StartLine < 1 || pl.Region.EndLine < pl.Region.StartLine {
				t.Errorf("region: %+v", pl.Region)
			}
		} else {
			seenCloud++
			if len(loc.LogicalLocations) != 1 || loc.LogicalLocations[0].Kind != "resource" ||
				!strings.HasPrefix(loc.LogicalLocations[0].FullyQualifiedName, "arn:aws:") &&
					!strings.HasPrefix(loc.LogicalLocations[0].FullyQualifiedName, acct) {
				t.Errorf("cloud finding's logical location: %+v", loc.LogicalLocations)
			}
		}
	}
	if seenIaC != 4 || seenCloud != 5 || suppressed != 1 {
		t.Errorf("IaC results %d (want 4), cloud %d (want 5), suppressed %d (want 1)", seenIaC, seenCloud, suppressed)
	}
	if len(byRule) != len(d.Rules) {
		t.Errorf("rules %d, used %d: one rule per check that appears", len(d.Rules), len(byRule))
	}
	// The SG finding points at the offending rule (the evidence), not the block.
	for _, res := range run.Results {
		pl := res.Locations[0].PhysicalLocation
		if res.RuleID == sshOpen.ID && pl != nil && len(res.Suppressions) == 0 {
			if pl.ArtifactLocation.URI != "envs/prod/network.tf" || pl.Region.StartLine != 27 || pl.Region.EndLine != 33 {
				t.Errorf("SSH rule location: %s %+v", pl.ArtifactLocation.URI, pl.Region)
			}
		}
		if res.RuleID == ebsVolume.ID && pl != nil && pl.ArtifactLocation.URI != "templates/app%20stack,v2.yaml" {
			t.Errorf("URI not escaped: %s", pl.ArtifactLocation.URI)
		}
	}
}

// TestSARIFFingerprintsSurviveLineShifts is what lets GitHub code scanning
// keep one alert when lines are added above a resource.
func TestSARIFFingerprintsSurviveLineShifts(t *testing.T) {
	fps := func(shift int) map[string]string {
		out := map[string]string{}
		for _, res := range decodeSARIF(t, ciReport(shift)).Runs[0].Results {
			msg := *res.Message.Text
			if _, dup := out[msg]; dup {
				t.Fatalf("two results %q", msg)
			}
			out[msg] = res.PartialFingerprints[FingerprintKey]
		}
		return out
	}
	before, after := fps(0), fps(7)
	if len(before) != 9 || len(before) != len(after) {
		t.Fatalf("%d and %d results", len(before), len(after))
	}
	seen := map[string]bool{}
	for msg, fp := range before {
		if after[msg] != fp {
			t.Errorf("%s: fingerprint changed with a line shift: %s -> %s", msg, fp, after[msg])
		}
		if seen[fp] {
			t.Errorf("fingerprint %s shared by two results", fp)
		}
		seen[fp] = true
	}
	// But the region did move, and another address or check is another alert.
	doc := decodeSARIF(t, ciReport(7))
	for _, res := range doc.Runs[0].Results {
		if pl := res.Locations[0].PhysicalLocation; pl != nil && res.RuleID == s3Public.ID && pl.Region.StartLine != 8 {
			t.Errorf("region did not follow the shift: %+v", pl.Region)
		}
	}
	f := iacFindings(0)[0]
	other := f
	ref := *f.Resource
	ref.Address = `module.data.aws_s3_bucket.logs["us"]`
	ref.ID = ref.Address
	other.Resource = &ref
	if CIFingerprint(&f) == CIFingerprint(&other) {
		t.Error("two addresses share a fingerprint")
	}
	other = f
	other.Check = kmsRot
	if CIFingerprint(&f) == CIFingerprint(&other) {
		t.Error("two checks share a fingerprint")
	}
	// "./a.tf" and "a.tf" are the same file.
	ref = *f.Resource
	loc := *ref.Location
	loc.File = "./" + loc.File
	ref.Location = &loc
	other = f
	other.Resource = &ref
	if CIFingerprint(&f) != CIFingerprint(&other) {
		t.Error("./ changed the fingerprint")
	}
}

func TestArtifactURI(t *testing.T) {
	for in, want := range map[string][2]string{
		"main.tf":                 {"main.tf", "%SRCROOT%"},
		"./infra/../infra/a b.tf": {"infra/a%20b.tf", "%SRCROOT%"},
		"/repo/x#1.tf":            {"file:///repo/x%231.tf", ""},
		"mod/ü.tf":                {"mod/%C3%BC.tf", "%SRCROOT%"},
	} {
		uri, base := artifactURI(in)
		if uri != want[0] || base != want[1] {
			t.Errorf("%q: %q %q, want %q %q", in, uri, base, want[0], want[1])
		}
	}
}

// junitDoc reads JUnit XML back.
type junitDoc struct {
	XMLName  xml.Name `xml:"testsuites"`
	Tests    int      `xml:"tests,attr"`
	Failures int      `xml:"failures,attr"`
	Skipped  int      `xml:"skipped,attr"`
	Suites   []struct {
		Name     string `xml:"name,attr"`
		Tests    int    `xml:"tests,attr"`
		Failures int    `xml:"failures,attr"`
		Skipped  int    `xml:"skipped,attr"`
		Cases    []struct {
			Classname string `xml:"classname,attr"`
			Name      string `xml:"name,attr"`
			File      string `xml:"file,attr"`
			Line      int    `xml:"line,attr"`
			Failure   *struct {
				Message string `xml:"message,attr"`
				Type    string `xml:"type,attr"`
				Text    string `xml:",chardata"`
			} `xml:"failure"`
			Skipped *struct {
				Message string `xml:"message,attr"`
			} `xml:"skipped"`
		} `xml:"testcase"`
	} `xml:"testsuite"`
}

func TestJUnitParsesAndCounts(t *testing.T) {
	r := ciReport(0)
	// Hostile text: markup, quotes, a control character, CR LF.
	r.Findings[0].Message = "a <b> & \"c\"\x01\r\nd"
	var buf bytes.Buffer
	if err := WriteJUnit(&buf, r); err != nil {
		t.Fatal(err)
	}
	var doc junitDoc
	if err := xml.Unmarshal(buf.Bytes(), &doc); err != nil {
		t.Fatalf("JUnit is not XML: %v\n%s", err, buf.String())
	}
	var fail, skip int
	for _, f := range r.Findings {
		switch f.Status {
		case check.Fail:
			fail++
		case check.Unknown, check.Muted:
			skip++
		}
	}
	if doc.Tests != len(r.Findings) || doc.Failures != fail || doc.Skipped != skip {
		t.Errorf("totals %d/%d/%d, want %d/%d/%d", doc.Tests, doc.Failures, doc.Skipped, len(r.Findings), fail, skip)
	}
	var cases, fails int
	for _, s := range doc.Suites {
		var sf, ss int
		for _, c := range s.Cases {
			if c.Classname != s.Name {
				t.Errorf("case %s in suite %s", c.Classname, s.Name)
			}
			if c.Failure != nil {
				sf++
				if c.Failure.Type == "" || !strings.Contains(c.Failure.Text, "Remediation:") || !strings.Contains(c.Failure.Text, "Evidence:") && c.Name != `aws_security_group.legacy` {
					t.Errorf("%s %s: failure %+v", s.Name, c.Name, c.Failure)
				}
			}
			if c.Skipped != nil {
				ss++
			}
		}
		if s.Tests != len(s.Cases) || s.Failures != sf || s.Skipped != ss {
			t.Errorf("suite %s: counts %d/%d/%d, cases %d/%d/%d", s.Name, s.Tests, s.Failures, s.Skipped, len(s.Cases), sf, ss)
		}
		cases += len(s.Cases)
		fails += sf
	}
	if cases != len(r.Findings) || fails != fail {
		t.Errorf("%d cases, %d failures", cases, fails)
	}
	first := doc.Suites[0].Cases[0]
	if first.Failure == nil || first.Failure.Message != "a <b> & \"c\"\uFFFD\r\nd" {
		t.Errorf("message did not round-trip: %+v", first.Failure)
	}
	for _, s := range doc.Suites {
		for _, c := range s.Cases {
			if c.Name == "aws_security_group.web" && (c.File != "envs/prod/network.tf" || c.Line != 27) {
				t.Errorf("IaC case location %s:%d", c.File, c.Line)
			}
		}
	}
}

// ghUnescape is the runner's decoding of workflow command values.
func ghUnescape(s string) string {
	return strings.NewReplacer("%0D", "\r", "%0A", "\n", "%3A", ":", "%2C", ",", "%25", "%").Replace(s)
}

func TestGitHubCommands(t *testing.T) {
	r := ciReport(0)
	var buf bytes.Buffer
	if err := WriteGitHub(&buf, r); err != nil {
		t.Fatal(err)
	}
	var lines []string
	for sc := bufio.NewScanner(&buf); sc.Scan(); {
		lines = append(lines, sc.Text())
	}
	fails := 0
	for _, f := range r.Findings {
		if f.Status == check.Fail {
			fails++
		}
	}
	if len(lines) != fails {
		t.Fatalf("%d lines for %d failures:\n%s", len(lines), fails, strings.Join(lines, "\n"))
	}
	for _, line := range lines {
		cmd, rest, ok := strings.Cut(line[2:], " ")
		if !strings.HasPrefix(line, "::") || !ok {
			t.Fatalf("not a workflow command: %q", line)
		}
		propText, msg, ok := strings.Cut(rest, "::")
		if !ok || strings.ContainsAny(msg, "\r\n") {
			t.Fatalf("bad command %q", line)
		}
		props := map[string]string{}
		for _, p := range strings.Split(propText, ",") {
			k, v, _ := strings.Cut(p, "=")
			props[k] = ghUnescape(v)
		}
		id := props["title"]
		var c *check.Check
		for _, cc := range []*check.Check{rootMFA, sshOpen, ebsVolume, guardduty, s3Public, kmsRot} {
			if cc.ID == id {
				c = cc
			}
		}
		if c == nil {
			t.Fatalf("title %q is not a check ID", id)
		}
		if want := ghCommand(c.Severity); cmd != want {
			t.Errorf("%s: %s, want %s", id, cmd, want)
		}
		if !strings.HasPrefix(ghUnescape(msg), "["+c.Severity.String()+"] "+c.Title) {
			t.Errorf("message %q", ghUnescape(msg))
		}
		if strings.Contains(ghUnescape(msg), "100% of IPv4") {
			if props["file"] != "envs/prod/network.tf" || props["line"] != "27" || props["endLine"] != "33" {
				t.Errorf("SG annotation props %v", props)
			}
			if !strings.Contains(ghUnescape(msg), "0.0.0.0/0,\r\nsee rule") {
				t.Errorf("evidence did not round-trip: %q", ghUnescape(msg))
			}
		}
		if strings.Contains(ghUnescape(msg), "DataVolume") && props["file"] != "templates/app stack,v2.yaml" {
			t.Errorf("file with a comma did not round-trip: %v", props)
		}
		if strings.Contains(msg, "arn:aws:") && props["file"] != "" {
			t.Errorf("cloud finding has a file: %v", props)
		}
	}
}

func writeJSONReport(t *testing.T, r *Report) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := WriteJSON(&buf, r); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func TestBaselineKeepsOnlyNewFailures(t *testing.T) {
	// The baseline run: everything of ciReport but the SG on network.tf,
	// which the pull request adds; the PR also shifts every line by 4.
	old := ciReport(0)
	var kept []check.Finding
	for _, f := range old.Findings {
		if f.Resource.Address != "aws_security_group.web" {
			kept = append(kept, f)
		}
	}
	old.Findings = kept
	bl, err := ParseBaseline("base.json", writeJSONReport(t, old))
	if err != nil {
		t.Fatal(err)
	}
	// 5 cloud + 2 IaC FAILs, plus the muted FAIL.
	if bl.Failing() != 8 || bl.Findings != len(kept) {
		t.Errorf("baseline: %d failing of %d, want 8 of %d", bl.Failing(), bl.Findings, len(kept))
	}
	now := append(fixtureFindings(), iacFindings(4)...)
	// A resource fixed since the baseline and one newly failing on an old check.
	now[0].Status = check.Pass // the bastion SG (FAIL in the baseline) is fixed
	now[4].Status = check.Fail // the us-east-1 volume was PASS in the baseline
	got, dropped := bl.New(now)
	var fails []string
	for _, f := range got {
		if f.Status == check.Fail || f.Status == check.Muted {
			fails = append(fails, f.Check.ID+" "+resourceName(f.Resource))
		}
	}
	want := []string{
		"aws-ec2-ebs-volume-unencrypted arn:aws:ec2:us-east-1:" + acct + ":volume/vol-0a1b2c3d4e5f60001",
		"aws-ec2-sg-ssh-open aws_security_group.web",
	}
	if strings.Join(fails, "\n") != strings.Join(want, "\n") {
		t.Errorf("new failures:\n%s\nwant:\n%s", strings.Join(fails, "\n"), strings.Join(want, "\n"))
	}
	if dropped != 7 || len(got)+dropped != len(now) {
		t.Errorf("dropped %d, kept %d of %d", dropped, len(got), len(now))
	}
	// An empty baseline keeps everything.
	empty, err := ParseBaseline("e.json", writeJSONReport(t, Build(Input{Tool: Tool{Name: "cloudward"}})))
	if err != nil {
		t.Fatal(err)
	}
	if got, dropped := empty.New(now); len(got) != len(now) || dropped != 0 {
		t.Errorf("empty baseline dropped %d", dropped)
	}
}

func TestBaselineErrorsNamePosition(t *testing.T) {
	var sarif bytes.Buffer
	if err := WriteSARIF(&sarif, ciReport(0)); err != nil {
		t.Fatal(err)
	}
	good := string(writeJSONReport(t, ciReport(0)))
	for _, tt := range []struct{ name, data, want string }{
		{"sarif", sarif.String(), `--baseline b.json:1:1: not a cloudward JSON report (the output of --format json): no "tool" member`},
		{"csv", "check_id,status\nx,FAIL\n", "--baseline b.json:1:1: malformed JSON"},
		{"empty", "", "--baseline b.json:1:1: malformed JSON: unexpected end of input"},
		{"array", "\n  [1]", "--baseline b.json:2:3: not a cloudward JSON report (the output of --format json): want a JSON object"},
		{"other tool", "{\n \"tool\": {\"name\": \"trivy\"}, \"findings\": []}", `b.json:2:10: not a cloudward JSON report (the output of --format json): "tool"."name" is "trivy"`},
		{"no findings", `{"tool":{"name":"cloudward"}}`, `b.json:1:1: not a cloudward JSON report (the output of --format json): no "findings" member`},
		{"findings object", "{\"tool\":{\"name\":\"cloudward\"},\n\"findings\": {}}", `b.json:2:13: "findings" is not an array`},
		{"finding without check", "{\"tool\":{\"name\":\"cloudward\"},\"findings\":[\n {\"status\":\"FAIL\",\"resource\":{}}]}", `b.json:2:2: finding 1: want "check_id", "status" and "resource"`},
		{"wrong type", "{\"tool\":{\"name\":\"cloudward\"},\"findings\":[\n {\"check_id\":1}]}", `b.json:2:14: unexpected number for "check_id"`},
		{"truncated", good[:len(good)/2], "malformed JSON"},
		{"trailing", good + "{}", "unexpected data after the report"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ParseBaseline("b.json", []byte(tt.data))
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error %v, want %q", err, tt.want)
			}
		})
	}
	if _, err := ParseBaseline("b.json", []byte(good)); err != nil {
		t.Errorf("a JSON report: %v", err)
	}
}

func FuzzParseBaseline(f *testing.F) {
	var buf bytes.Buffer
	_ = WriteJSON(&buf, ciReport(0))
	f.Add(buf.Bytes())
	f.Add([]byte(`{"tool":{"name":"cloudward"},"findings":[{"check_id":"a","status":"FAIL","resource":{"id":"x"}}]}`))
	f.Add([]byte(`[`))
	f.Fuzz(func(t *testing.T, data []byte) {
		bl, err := ParseBaseline("f.json", data)
		if err == nil {
			bl.New(iacFindings(0))
		}
	})
}

// go test -run XXX -bench 'SARIF|JUnit|GitHub|Baseline' -benchtime 3x -benchmem ./internal/report
func BenchmarkWriteSARIF300k(b *testing.B)  { benchmarkWrite(b, "sarif") }
func BenchmarkWriteJUnit300k(b *testing.B)  { benchmarkWrite(b, "junit") }
func BenchmarkWriteGitHub300k(b *testing.B) { benchmarkWrite(b, "github") }
func BenchmarkParseBaseline300k(b *testing.B) {
	var buf bytes.Buffer
	if err := WriteJSON(&buf, syntheticReport(300_000)); err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(buf.Len()))
	b.ResetTimer()
	for b.Loop() {
		if _, err := ParseBaseline("b.json", buf.Bytes()); err != nil {
			b.Fatal(err)
		}
	}
}

// A plan JSON finding has a file but no lines: code scanning still needs a
// startLine, and GitHub annotations get the file only.
func TestLocationWithoutLines(t *testing.T) {
	f := check.Finding{Check: ebsVolume, Resource: iacRef(`module.storage.aws_ebs_volume.data["a"]`, aws.TypeVolume, "plans/tfplan.json", 0, 0),
		Result: check.FailResult("the volume is not encrypted", check.Ev(model.Source{File: "plans/tfplan.json"}, "Encrypted is false"))}
	loc := sarifLocationOf(&f)
	if loc.PhysicalLocation == nil || loc.PhysicalLocation.ArtifactLocation.URI != "plans/tfplan.json" || *loc.PhysicalLocation.Region != (sarifRegion{1, 1}) {
		t.Errorf("SARIF location %+v", loc.PhysicalLocation)
	}
	var buf bytes.Buffer
	if err := WriteGitHub(&buf, &Report{Findings: []check.Finding{f}}); err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(buf.String(), "::warning file=plans/tfplan.json,title=aws-ec2-ebs-volume-unencrypted::") {
		t.Errorf("annotation %q", buf.String())
	}
}
