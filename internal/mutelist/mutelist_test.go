package mutelist

import (
	"context"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/cloudward/cloudward/internal/check"
	awschecks "github.com/cloudward/cloudward/internal/checks/aws"
	"github.com/cloudward/cloudward/internal/demo"
	awsm "github.com/cloudward/cloudward/internal/model/aws"
	"github.com/cloudward/cloudward/internal/source/snapshot"
)

func TestParseFixture(t *testing.T) {
	data, err := os.ReadFile("testdata/mutelist.yaml")
	if err != nil {
		t.Fatal(err)
	}
	l, err := Parse("mutelist.yaml", data)
	if err != nil {
		t.Fatal(err)
	}
	if len(l.Entries) != 4 {
		t.Fatalf("got %d entries, want 4", len(l.Entries))
	}
	e := l.Entries[1]
	if e.Pos() != "mutelist.yaml:14" || e.Check != "aws-s3-bucket-public-*" || e.Owner != "web-team@acme.example" ||
		e.ExpiresString() != "2027-03-31" {
		t.Errorf("entry 2 = %+v at %s", e, e.Pos())
	}
	if got := l.Entries[0].Tags["Name"]; got != "bastion-*" {
		t.Errorf("entry 1 tags = %v", l.Entries[0].Tags)
	}
}

func TestParseErrors(t *testing.T) {
	tests := []struct {
		name, yaml string
		want       []string // each must appear in the error
	}{
		{"not a mapping", "- check: x\n", []string{`f.yaml:1: want a mapping with an "entries" list, got a list`}},
		{"empty file", "", []string{"f.yaml:1: empty mutelist"}},
		{"syntax", "entries:\n  - check: [\n", []string{"f.yaml:2: did not find expected node content"}},
		{"unknown top key", "entrys: []\n", []string{`f.yaml:1: unknown key "entrys"`}},
		{"entries not list", "entries: 3\n", []string{`f.yaml:1: entries: want a list, got "3"`}},
		{"entry not mapping", "entries:\n  - aws-iam-root-mfa\n", []string{`f.yaml:2: entry 1: want a mapping`}},
		{"unknown key", "entries:\n  - check: a-b\n    reason: r\n    owner: o\n    resources: x\n",
			[]string{`f.yaml:5: entry 1: unknown key "resources"`}},
		{"missing reason and owner", "entries:\n  - check: a-b\n", []string{
			"f.yaml:2: entry 1: missing reason", "f.yaml:2: entry 1: missing owner"}},
		{"missing check", "entries:\n  - reason: r\n    owner: o\n", []string{"f.yaml:2: entry 1: missing check"}},
		{"empty reason", "entries:\n  - check: a-b\n    reason: \"\"\n    owner: o\n", []string{"f.yaml:3: reason: empty value"}},
		{"bad date", "entries:\n  - check: a-b\n    reason: r\n    owner: o\n    expires: 31/12/2026\n",
			[]string{`f.yaml:5: expires: "31/12/2026" is not a date (want YYYY-MM-DD)`}},
		{"impossible date", "entries:\n  - check: a-b\n    reason: r\n    owner: o\n    expires: 2026-02-30\n",
			[]string{`f.yaml:5: expires: "2026-02-30" is not a date`}},
		{"bad regex", "entries:\n  - check: a-b\n    resource: \"regex:arn:(\"\n    reason: r\n    owner: o\n",
			[]string{"f.yaml:3: resource: bad regular expression"}},
		{"regex outside resource", "entries:\n  - check: \"regex:a.*\"\n    reason: r\n    owner: o\n",
			[]string{"f.yaml:2: check: regular expressions are only allowed in resource"}},
		{"tags not mapping", "entries:\n  - check: a-b\n    tags: [a]\n    reason: r\n    owner: o\n",
			[]string{"f.yaml:3: tags: want a non-empty mapping"}},
		{"duplicate key", "entries:\n  - check: a-b\n    check: c-d\n    reason: r\n    owner: o\n",
			[]string{`f.yaml:3: duplicate key "check"`}},
		{"second entry bad", "entries:\n  - check: a-b\n    reason: r\n    owner: o\n  - check: c-d\n    reason: r\n",
			[]string{"f.yaml:5: entry 2: missing owner"}},
		{"list as reason", "entries:\n  - check: a-b\n    reason: [x]\n    owner: o\n", []string{"f.yaml:3: reason: want a string, got a list"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Parse("f.yaml", []byte(tt.yaml))
			if err == nil {
				t.Fatal("no error")
			}
			for _, w := range tt.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not contain %q", err, w)
				}
			}
		})
	}
}

func TestCheckIDs(t *testing.T) {
	l, err := Parse("m.yaml", []byte("entries:\n  - check: aws-iam-root-mfa-missing\n    reason: r\n    owner: o\n"+
		"  - check: aws-iam-*\n    reason: r\n    owner: o\n  - check: aws-iam-root-mfa\n    reason: r\n    owner: o\n"))
	if err != nil {
		t.Fatal(err)
	}
	known := map[string]bool{"aws-iam-root-mfa": true}
	err = l.CheckIDs(func(id string) bool { return known[id] })
	if err == nil || err.Error() != `m.yaml:2: unknown check ID "aws-iam-root-mfa-missing" (see cloudward checks)` {
		t.Fatalf("err = %v", err)
	}
}

// demoFindings scans the embedded demo account.
func demoFindings(t *testing.T) ([]check.Finding, []*awsm.Inventory) {
	t.Helper()
	res, err := snapshot.LoadFS(demo.FS())
	if err != nil {
		t.Fatal(err)
	}
	invs := []*awsm.Inventory{res.Inventory}
	fs, err := check.Run(context.Background(), check.Input{AWS: invs}, awschecks.Checks())
	if err != nil {
		t.Fatal(err)
	}
	return fs, invs
}

func TestApplyOnDemo(t *testing.T) {
	data, err := os.ReadFile("testdata/mutelist.yaml")
	if err != nil {
		t.Fatal(err)
	}
	l, err := Parse("mutelist.yaml", data)
	if err != nil {
		t.Fatal(err)
	}
	findings, invs := demoFindings(t)
	before := map[string]check.Status{}
	key := func(f *check.Finding) string { return f.Check.ID + " " + f.Resource.ID }
	for i := range findings {
		before[key(&findings[i])] = findings[i].Status
	}
	now := time.Date(2026, 11, 28, 9, 0, 0, 0, time.UTC)
	out := l.Apply(findings, now, InventoryTags(invs))

	muted := map[string]*check.Mute{}
	for i := range findings {
		f := &findings[i]
		if f.Status == check.Muted {
			muted[key(f)] = f.Mute
			if f.Mute == nil || (f.Mute.Status != check.Fail && f.Mute.Status != check.Unknown) {
				t.Errorf("%s: muted without a FAIL/UNKNOWN record: %+v", key(f), f.Mute)
			}
		} else if f.Status != before[key(f)] || f.Mute != nil {
			t.Errorf("%s: changed without being muted", key(f))
		}
	}
	want := map[string]string{
		// Tag Name=bastion-ssh matches bastion-*; debug-temp-open does not.
		"aws-ec2-sg-ssh-open arn:aws:ec2:us-east-1:123456789012:security-group/sg-0a1b2c3d4e5f67890": "mutelist.yaml:5",
		"aws-s3-bucket-public-policy arn:aws:s3:::acme-corp-website":                                 "mutelist.yaml:14",
	}
	for k, pos := range want {
		m := muted[k]
		if m == nil {
			t.Errorf("%s: not muted", k)
			continue
		}
		if m.Entry != pos {
			t.Errorf("%s: muted by %s, want %s", k, m.Entry, pos)
		}
	}
	if m := muted["aws-ec2-sg-ssh-open arn:aws:ec2:us-east-1:123456789012:security-group/sg-0a1b2c3d4e5f67890"]; m != nil &&
		(m.Reason != "Bastion host, SSH with MFA at the host (SEC-1412)" || m.Owner != "platform-team@acme.example") {
		t.Errorf("bastion mute = %+v", m)
	}
	if len(muted) != len(want) || out.Muted != len(want) {
		t.Errorf("muted %d findings (%v), outcome says %d; want %d", len(muted), muted, out.Muted, len(want))
	}
	// The legacy-mysql entry expired on 2026-10-31: its findings stay FAIL.
	for i := range findings {
		f := &findings[i]
		if strings.Contains(f.Resource.ID, ":db:legacy-mysql") && f.Status == check.Muted {
			t.Errorf("%s muted by an expired entry", key(f))
		}
	}
	if len(out.Expired) != 1 || out.Expired[0].Pos() != "mutelist.yaml:21" {
		t.Errorf("expired = %v", out.Expired)
	}
	if len(out.TagsUnknown) != 1 || out.TagsUnknown[0].Entry.Pos() != "mutelist.yaml:28" || out.TagsUnknown[0].Findings != 1 {
		t.Errorf("tags unknown = %+v", out.TagsUnknown)
	}
	w := strings.Join(out.Warnings(), "\n")
	for _, s := range []string{
		"mutelist mutelist.yaml:21: entry for check * (owner data-team@acme.example) expired on 2026-10-31 and no longer mutes",
		"mutelist mutelist.yaml:28: 1 findings not muted because their resource tags are unknown (e.g. 123456789012)",
	} {
		if !strings.Contains(w, s) {
			t.Errorf("warnings lack %q:\n%s", s, w)
		}
	}
}

func TestExpiryIsInclusiveUTC(t *testing.T) {
	l, err := Parse("m.yaml", []byte("entries:\n  - check: aws-rds-instance-public\n    reason: r\n    owner: o\n    expires: 2026-10-31\n"))
	if err != nil {
		t.Fatal(err)
	}
	e := l.Entries[0]
	for _, tt := range []struct {
		now  time.Time
		want bool
	}{
		{time.Date(2026, 10, 31, 23, 59, 59, 0, time.UTC), false},
		{time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC), true},
		// 23:30 on the 31st in New York is already November in UTC.
		{time.Date(2026, 10, 31, 23, 30, 0, 0, time.FixedZone("EDT", -4*3600)), true},
	} {
		if got := e.Expired(tt.now); got != tt.want {
			t.Errorf("Expired(%v) = %v, want %v", tt.now, got, tt.want)
		}
	}
}

func TestPassIsNeverMuted(t *testing.T) {
	l, err := Parse("m.yaml", []byte("entries:\n  - check: \"*\"\n    reason: r\n    owner: o\n"))
	if err != nil {
		t.Fatal(err)
	}
	findings, _ := demoFindings(t)
	var pass, other int
	for _, f := range findings {
		if f.Status == check.Pass {
			pass++
		} else {
			other++
		}
	}
	out := l.Apply(findings, time.Now(), nil)
	if out.Muted != other {
		t.Errorf("muted %d, want every FAIL/UNKNOWN (%d)", out.Muted, other)
	}
	for _, f := range findings {
		if f.Status != check.Pass && f.Status != check.Muted {
			t.Errorf("%s %s left %s", f.Check.ID, f.Resource.ID, f.Status)
		}
	}
	if pass == 0 {
		t.Fatal("demo has no PASS findings: fixture changed?")
	}
}

func TestPatterns(t *testing.T) {
	tests := []struct {
		pat, s string
		want   bool
	}{
		{"aws-iam-*", "aws-iam-root-mfa", true},
		{"aws-iam-*", "aws-s3-x", false},
		{"arn:aws:s3:::logs-?", "arn:aws:s3:::logs-1", true},
		{"arn:aws:s3:::logs-?", "arn:aws:s3:::logs-12", false},
		{"*/ci/*", "arn:aws:iam::1:user/ci/ci-legacy", true},
		{"a.b", "axb", false}, // dots are literal in globs
		{"regex:^arn:aws:s3:::(a|b)$", "arn:aws:s3:::b", true},
		{"regex:^arn:aws:s3:::(a|b)$", "arn:aws:s3:::c", false},
	}
	for _, tt := range tests {
		p, err := compile(tt.pat, true)
		if err != nil {
			t.Fatal(err)
		}
		if got := p.match(tt.s); got != tt.want {
			t.Errorf("%q ~ %q = %v, want %v", tt.pat, tt.s, got, tt.want)
		}
	}
}

func FuzzParse(f *testing.F) {
	if data, err := os.ReadFile("testdata/mutelist.yaml"); err == nil {
		f.Add(data)
	}
	f.Add([]byte("entries:\n  - check: a-b\n    reason: r\n    owner: o\n    expires: 2026-01-01\n"))
	f.Add([]byte("entries: [{check: '*', tags: {a: b}, reason: r, owner: o}]"))
	f.Add([]byte("&a [*a]"))
	f.Fuzz(func(t *testing.T, data []byte) {
		l, err := Parse("fuzz.yaml", data)
		if err != nil {
			if !strings.HasPrefix(err.Error(), "fuzz.yaml") {
				t.Fatalf("error without the file name: %v", err)
			}
			return
		}
		for _, e := range l.Entries {
			if e.Check == "" || e.Reason == "" || e.Owner == "" {
				t.Fatalf("accepted an incomplete entry: %+v", e)
			}
		}
	})
}
