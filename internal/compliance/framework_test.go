package compliance

import (
	"slices"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/cloudward/cloudward/internal/check"
	awschecks "github.com/cloudward/cloudward/internal/checks/aws"
	awsm "github.com/cloudward/cloudward/internal/model/aws"
)

func builtinOrFail(t testing.TB) []*Framework {
	t.Helper()
	fws, err := Builtin()
	if err != nil {
		t.Fatal(err)
	}
	return fws
}

func frameworkByID(t testing.TB, id string) *Framework {
	t.Helper()
	for _, f := range builtinOrFail(t) {
		if f.ID == id {
			return f
		}
	}
	t.Fatalf("framework %s not found", id)
	return nil
}

// TestBuiltinCounts pins the number of controls of each framework: for CIS,
// the number of recommendations of the published benchmark.
func TestBuiltinCounts(t *testing.T) {
	want := map[string]int{
		"cis-aws-3.0": 62, "cis-aws-4.0": 64, "cis-aws-5.0": 63, "cis-aws-6.0": 63, "cis-aws-7.0": 70,
		"nist-800-53-r5": 22, "pci-dss-4.0": 20, "soc2": 12, "iso-27001-2022": 14, "cspm-baseline": 18,
	}
	fws := builtinOrFail(t)
	var ids []string
	for _, f := range fws {
		ids = append(ids, f.ID)
		if n, ok := want[f.ID]; !ok {
			t.Errorf("unexpected framework %s", f.ID)
		} else if len(f.Controls) != n {
			t.Errorf("%s: %d controls, want %d", f.ID, len(f.Controls), n)
		}
		if f.Provider != "aws" {
			t.Errorf("%s: provider %q", f.ID, f.Provider)
		}
	}
	if len(ids) != len(want) || !slices.IsSorted(ids) {
		t.Errorf("frameworks %v", ids)
	}
}

// TestMappedChecksExist: every check ID in a framework file is a real check.
func TestMappedChecksExist(t *testing.T) {
	known := map[string]bool{}
	for _, c := range awschecks.Checks() {
		known[c.ID] = true
	}
	fws := builtinOrFail(t)
	if err := Validate(fws, func(id string) bool { return known[id] }); err != nil {
		t.Fatal(err)
	}
	// And Validate does report an unknown one, with file and line.
	err := Validate(fws, func(id string) bool { return id != "aws-iam-root-mfa-disabled" })
	if err == nil || !strings.Contains(err.Error(), "cis-aws-4.0.yaml: line ") ||
		!strings.Contains(err.Error(), "control 1.5 maps unknown check aws-iam-root-mfa-disabled") {
		t.Errorf("Validate = %v", err)
	}
}

// TestCIS40MatchesCheckMeta keeps the checks' hand-written CIS v4.0.1
// mappings (check.Meta.Frameworks) equal to what the framework file says,
// in both directions: the file is the source of truth.
func TestCIS40MatchesCheckMeta(t *testing.T) {
	derived := Mappings([]*Framework{frameworkByID(t, awschecks.CIS)})
	for _, c := range awschecks.Checks() {
		got := c.Frameworks[awschecks.CIS]
		want := derived[c.ID][awschecks.CIS]
		if !slices.Equal(sorted(got), sorted(want)) {
			t.Errorf("%s: Meta.Frameworks[%s] = %v, framework file maps it to %v", c.ID, awschecks.CIS, got, want)
		}
	}
	// Every check's other framework entries, if any, agree as well.
	fws := builtinOrFail(t)
	all := Mappings(fws)
	for _, c := range awschecks.Checks() {
		for fw, ids := range c.Frameworks {
			if !slices.Equal(sorted(ids), sorted(all[c.ID][fw])) {
				t.Errorf("%s: Meta.Frameworks[%s] = %v, framework files say %v", c.ID, fw, ids, all[c.ID][fw])
			}
		}
	}
}

func sorted(s []string) []string {
	s = slices.Clone(s)
	slices.Sort(s)
	return s
}

// TestCIS40Facts spot-checks IDs, titles, levels and assessment status that
// are easy to get wrong (1.10 is not 1.1; renumbered sections).
func TestCIS40Facts(t *testing.T) {
	fw := frameworkByID(t, "cis-aws-4.0")
	for _, w := range []struct {
		id, title  string
		level      int
		assessment Assessment
		section    string
	}{
		{"1.1", "Maintain current contact details", 1, AssessManual, "1 Identity and Access Management"},
		{"1.10", "Ensure multi-factor authentication (MFA) is enabled for all IAM users that have a console password", 1, AssessAutomated, "1 Identity and Access Management"},
		{"1.6", "Ensure hardware MFA is enabled for the 'root' user account", 2, AssessManual, "1 Identity and Access Management"},
		{"1.18", "Ensure IAM instance roles are used for AWS resource access from instances", 2, AssessAutomated, "1 Identity and Access Management"},
		{"1.20", "Ensure that IAM Access Analyzer is enabled for all regions", 1, AssessAutomated, "1 Identity and Access Management"},
		{"1.22", "Ensure access to AWSCloudShellFullAccess is restricted", 1, AssessManual, "1 Identity and Access Management"},
		{"2.1.1", "Ensure S3 Bucket Policy is set to deny HTTP requests", 2, AssessAutomated, "2 Storage / 2.1 Simple Storage Service (S3)"},
		{"2.1.2", "Ensure MFA Delete is enabled on S3 buckets", 2, AssessManual, "2 Storage / 2.1 Simple Storage Service (S3)"},
		{"2.3.1", "Ensure that encryption is enabled for EFS file systems", 1, AssessAutomated, "2 Storage / 2.3 Elastic File System (EFS)"},
		{"3.4", "Ensure that server access logging is enabled on the CloudTrail S3 bucket", 1, AssessAutomated, "3 Logging"},
		{"2.2.4", "Ensure Multi-AZ deployments are used for enhanced availability in Amazon RDS", 1, AssessManual, "2 Storage / 2.2 Relational Database Service (RDS)"},
		{"3.3", "Ensure AWS Config is enabled in all regions", 2, AssessAutomated, "3 Logging"},
		{"4.16", "Ensure AWS Security Hub is enabled", 2, AssessAutomated, "4 Monitoring"},
		{"5.1.2", "Ensure CIFS access is restricted to trusted networks to prevent unauthorized access", 1, AssessManual, "5 Networking / 5.1 Elastic Compute Cloud (EC2)"},
		{"5.7", "Ensure that the EC2 Metadata Service only allows IMDSv2", 1, AssessAutomated, "5 Networking"},
	} {
		c := fw.Control(w.id)
		if c == nil {
			t.Errorf("control %s missing", w.id)
			continue
		}
		if c.Title != w.title || c.Level != w.level || c.Assessment != w.assessment || c.Section != w.section {
			t.Errorf("control %s = %q L%d %s %q, want %q L%d %s %q", w.id, c.Title, c.Level, c.Assessment, c.Section,
				w.title, w.level, w.assessment, w.section)
		}
	}
	// Per section: 22 IAM, 9 storage, 9 logging, 16 monitoring, 8 networking.
	per := map[string]int{}
	for _, c := range fw.Controls {
		per[strings.SplitN(c.ID, ".", 2)[0]]++
	}
	if want := map[string]int{"1": 22, "2": 9, "3": 9, "4": 16, "5": 8}; !mapsEqual(per, want) {
		t.Errorf("controls per section %v, want %v", per, want)
	}
	cov := fw.Coverage()
	if cov.Controls != 64 || cov.Automated != 36 || cov.Evaluated != 62 || cov.APIEvaluable != 62 {
		t.Errorf("coverage %+v", cov)
	}
}

func mapsEqual(a, b map[string]int) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if b[k] != v {
			return false
		}
	}
	return true
}

// TestCIS70OrganizationsBlock: v7.0 opens IAM with the Organizations block
// and adds the resource-policy Principal "*" recommendation.
func TestCIS70OrganizationsBlock(t *testing.T) {
	fw := frameworkByID(t, "cis-aws-7.0")
	var org []string
	for _, c := range fw.Controls {
		if strings.HasPrefix(c.ID, "2.1.") {
			org = append(org, c.ID)
			if !strings.Contains(c.Section, "AWS Organizations") {
				t.Errorf("%s section %q", c.ID, c.Section)
			}
		}
	}
	if !slices.Equal(org, []string{"2.1.1", "2.1.2", "2.1.3", "2.1.4", "2.1.5", "2.1.6"}) {
		t.Errorf("organizations block %v", org)
	}
	if c := fw.Control("2.21"); c == nil || !strings.Contains(c.Title, "Principal: *") {
		t.Errorf("2.21 = %+v", c)
	}
}

func TestWithLevel(t *testing.T) {
	fw := frameworkByID(t, "cis-aws-4.0")
	l1, l2 := fw.WithLevel(1), fw.WithLevel(2)
	if len(l2.Controls) != 64 {
		t.Errorf("level 2 profile has %d controls, want all 64", len(l2.Controls))
	}
	n := 0
	for _, c := range l1.Controls {
		if c.Level != 1 {
			t.Errorf("level 1 profile has %s (level %d)", c.ID, c.Level)
		}
		n++
	}
	if n != 42 || len(fw.Controls) != 64 {
		t.Errorf("level 1: %d controls (want 42); original now %d", n, len(fw.Controls))
	}
	if nist := frameworkByID(t, "nist-800-53-r5"); nist.WithLevel(1) != nist {
		t.Error("level filter changed a framework without profiles")
	}
}

const goodFile = `id: test-fw
name: Test
version: "1"
provider: aws
source: https://example.com/fw
controls:
  - id: "1.1"
    title: One
    section: S
    assessment: automated
    description: d
    audit: a
    checks: [aws-iam-root-mfa-disabled]
`

func TestParseErrors(t *testing.T) {
	if _, err := Parse("test-fw.yaml", []byte(goodFile)); err != nil {
		t.Fatalf("good file: %v", err)
	}
	for _, tt := range []struct{ name, edit, from, want string }{
		{"unquoted id", `id: 1.10`, `id: "1.1"`, `test-fw.yaml: line 7: control id 1.10 must be a quoted string`},
		{"duplicate id", "    checks: [aws-iam-root-mfa-disabled]\n  - id: \"1.1\"\n    title: T\n    section: S\n    assessment: manual\n    description: d\n    audit: a\n",
			"    checks: [aws-iam-root-mfa-disabled]\n", `test-fw.yaml: line 14: control id "1.1" already used on line 7`},
		{"bad assessment", `assessment: sometimes`, `assessment: automated`, `line 7: control 1.1: assessment "sometimes" must be automated or manual`},
		{"unknown control field", "    audit: a\n    owner: me\n", "    audit: a\n", `line 13: unknown control field "owner"`},
		{"unknown framework field", "provider: aws\nvendor: x\n", "provider: aws\n", `line 5: unknown framework field "vendor"`},
		{"level without profiles", "    assessment: automated\n    level: 1\n", "    assessment: automated\n", `line 7: control 1.1: level set but the framework has no profiles`},
		{"profiles without level", "provider: aws\nprofiles: true\n", "provider: aws\n", `control 1.1: level 0 must be 1 or 2`},
		{"not a check id", `checks: [Root_MFA]`, `checks: [aws-iam-root-mfa-disabled]`, `control 1.1: "Root_MFA" is not a check ID`},
		{"check twice", `checks: [aws-a-b, aws-a-b]`, `checks: [aws-iam-root-mfa-disabled]`, `check aws-a-b listed twice`},
		{"http source", `source: http://example.com`, `source: https://example.com/fw`, `must be an https URL`},
		{"no audit", "", "    audit: a\n", `line 7: control 1.1: no audit procedure`},
		{"bad yaml", "controls: [\n", "controls:\n", "test-fw.yaml: yaml:"},
		{"control not a mapping", "controls:\n  - just text\n", "controls:\n", `line 7: a control must be a mapping`},
	} {
		t.Run(tt.name, func(t *testing.T) {
			data := strings.Replace(goodFile, tt.from, tt.edit, 1)
			_, err := Parse("test-fw.yaml", []byte(data))
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("err = %v, want it to contain %q", err, tt.want)
			}
		})
	}
}

func TestLoadFSNameMismatch(t *testing.T) {
	_, err := LoadFS(fstest.MapFS{"other.yaml": {Data: []byte(goodFile)}})
	if err == nil || !strings.Contains(err.Error(), `other.yaml: framework id "test-fw" must match the file name`) {
		t.Errorf("err = %v", err)
	}
	fws, err := LoadFS(fstest.MapFS{"test-fw.yaml": {Data: []byte(goodFile)}, "README.md": {Data: []byte("x")}})
	if err != nil || len(fws) != 1 || fws[0].File() != "test-fw.yaml" || fws[0].Controls[0].Line() != 7 {
		t.Errorf("LoadFS = %v, %v", fws, err)
	}
}

func TestSelect(t *testing.T) {
	fws := builtinOrFail(t)
	all, err := Select(fws, "aws", nil)
	if err != nil || len(all) != len(fws) {
		t.Errorf("default selection: %d frameworks, %v", len(all), err)
	}
	two, err := Select(fws, "aws", []string{"soc2", "cis-aws-4.0"})
	if err != nil || len(two) != 2 || two[0].ID != "soc2" || two[1].ID != "cis-aws-4.0" {
		t.Errorf("Select = %v, %v", two, err)
	}
	if _, err := Select(fws, "aws", []string{"cis-aws-9.9"}); err == nil || !strings.Contains(err.Error(), `unknown framework "cis-aws-9.9" (known: cis-aws-3.0,`) {
		t.Errorf("unknown framework: %v", err)
	}
}

// FuzzParse: any input gives a framework or an error naming the file, never
// a panic.
func FuzzParse(f *testing.F) {
	f.Add([]byte(goodFile))
	f.Add([]byte("id: x\ncontrols:\n  - id: 1.10\n"))
	f.Add([]byte("controls: [{id: \"1\", checks: [a-b, a-b]}]"))
	f.Add([]byte("- a\n- b"))
	f.Fuzz(func(t *testing.T, data []byte) {
		fw, err := Parse("f.yaml", data)
		if err != nil {
			if !strings.HasPrefix(err.Error(), "f.yaml: ") {
				t.Errorf("error without file name: %v", err)
			}
			return
		}
		if len(fw.Controls) == 0 {
			t.Error("valid framework without controls")
		}
	})
}

func TestAnnotate(t *testing.T) {
	fws := builtinOrFail(t)
	orig := awschecks.Checks()
	var ssh *check.Check
	for _, c := range orig {
		if c.ID == "aws-ec2-sg-ssh-open" {
			ssh = c
		}
	}
	ssh.Frameworks["vendor-x"] = []string{"V-1"} // a framework without a file
	got := Annotate(orig, fws)
	var a *check.Check
	for _, c := range got {
		if c.ID == "aws-ec2-sg-ssh-open" {
			a = c
		}
	}
	if a == ssh {
		t.Fatal("Annotate must copy the checks")
	}
	// The copy keeps the evaluation functions (nil ones would panic).
	if fs := a.Evaluate(&awsm.Inventory{}); len(fs) != 0 {
		t.Errorf("empty inventory: %d findings", len(fs))
	}
	want := map[string][]string{
		"cis-aws-3.0": {"5.2", "5.3"}, "cis-aws-4.0": {"5.3", "5.4"}, "cis-aws-5.0": {"5.3", "5.4"},
		"cis-aws-6.0": {"6.3", "6.4"}, "cis-aws-7.0": {"6.3", "6.4"}, "cspm-baseline": {"NET-1"},
		"iso-27001-2022": {"A.8.20"}, "nist-800-53-r5": {"AC-4", "AC-17", "SC-7"},
		"pci-dss-4.0": {"1.3.1"}, "soc2": {"CC6.6"}, "vendor-x": {"V-1"},
	}
	if len(a.Frameworks) != len(want) {
		t.Errorf("frameworks %v", a.Frameworks)
	}
	for fw, ids := range want {
		if !slices.Equal(a.Frameworks[fw], ids) {
			t.Errorf("%s: %v, want %v", fw, a.Frameworks[fw], ids)
		}
	}
	if _, ok := ssh.Frameworks["nist-800-53-r5"]; ok {
		t.Error("Annotate changed the original check")
	}
}
