package suppress_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/cloudward/cloudward/internal/check"
	checksaws "github.com/cloudward/cloudward/internal/checks/aws"
	"github.com/cloudward/cloudward/internal/scanrun"
	"github.com/cloudward/cloudward/internal/suppress"
)

var scanDay = time.Date(2026, 11, 28, 2, 0, 0, 0, time.UTC)

// scan evaluates testdata for real (Terraform and CloudFormation sources,
// every AWS check) and applies the directives.
func scan(t *testing.T, now time.Time) (map[string]check.Finding, []string, []string) {
	t.Helper()
	invs, _, err := scanrun.LoadIaC([]string{"testdata"}, scanrun.IaCOptions{}, func(string) string { return "" })
	if err != nil {
		t.Fatalf("LoadIaC: %v", err)
	}
	findings, err := check.Run(context.Background(), check.Input{AWS: invs}, checksaws.Checks())
	if err != nil {
		t.Fatalf("check.Run: %v", err)
	}
	a := suppress.NewApplier()
	var debug []string
	a.Debug = func(s string) { debug = append(debug, s) }
	warnings := a.Apply(findings, now)
	out := map[string]check.Finding{}
	for _, f := range findings {
		out[f.Check.ID+" "+f.Resource.Address] = f
	}
	return out, warnings, debug
}

func TestSuppressions(t *testing.T) {
	got, warnings, debug := scan(t, scanDay)
	const kms, ebs = "aws-kms-key-rotation-disabled", "aws-ec2-ebs-volume-unencrypted"
	cases := []struct {
		check, address string
		status         check.Status
		tool, entry    string // for SUPPRESSED
		reason         string
	}{
		// Terraform
		{kms, "aws_kms_key.imported", check.Suppressed, "cloudward", "tf/main.tf:6", "imported key, rotated by the HSM team"},
		{kms, "aws_kms_key.app", check.Fail, "", "", ""},    // no leak from the block above
		{kms, "aws_kms_key.legacy", check.Fail, "", "", ""}, // expired
		{kms, "aws_kms_key.attr", check.Suppressed, "cloudward", "tf/main.tf:26", "rotation done by a lambda"},
		{ebs, "aws_ebs_volume.scratch", check.Suppressed, "checkov", "tf/main.tf:30", "scratch volume, no data"},
		{ebs, "aws_ebs_volume.cache", check.Suppressed, "tfsec", "tf/main.tf:37", "no reason given"},
		{ebs, "aws_ebs_volume.tmp", check.Suppressed, "trivy", "tf/main.tf:44", "reason after a space"},
		{ebs, "aws_ebs_volume.data", check.Fail, "", "", ""}, // unmapped peer ID
		{ebs, "aws_ebs_volume.logs", check.Fail, "", "", ""}, // directive for another check
		// CloudFormation
		{kms, "ImportedKey", check.Suppressed, "cloudward", "cfn/stack.yaml:9", "imported key material cannot rotate"},
		{kms, "ExpiredKey", check.Fail, "", "", ""},
		{kms, "AppKey", check.Fail, "", "", ""},
		{ebs, "ScratchVolume", check.Suppressed, "checkov", "cfn/stack.yaml:42", "scratch space"},
		{ebs, "CacheVolume", check.Suppressed, "cloudward", "cfn/stack.yaml:47", "cache, rebuilt on boot"},
		{ebs, "DataVolume", check.Fail, "", "", ""},
	}
	for _, c := range cases {
		f, ok := got[c.check+" "+c.address]
		if !ok {
			t.Errorf("%s on %s: no finding", c.check, c.address)
			continue
		}
		if f.Status != c.status {
			t.Errorf("%s on %s: %s, want %s", c.check, c.address, f.Status, c.status)
			continue
		}
		if c.status != check.Suppressed {
			if f.Mute != nil {
				t.Errorf("%s on %s: Mute set on a %s finding", c.check, c.address, f.Status)
			}
			continue
		}
		m := f.Mute
		if m == nil || m.Status != check.Fail || m.Owner != c.tool || m.Reason != c.reason || !strings.HasSuffix(m.Entry, c.entry) {
			t.Errorf("%s on %s: suppression %+v, want %s %s %q", c.check, c.address, m, c.tool, c.entry, c.reason)
		}
	}
	if got[kms+" ImportedKey"].Mute.Expires != "2099-01-01" {
		t.Errorf("expiry not reported: %+v", got[kms+" ImportedKey"].Mute)
	}
	joined := strings.Join(warnings, "\n")
	for _, w := range []string{"tf/main.tf:20: suppression of aws-kms-key-rotation-disabled expired on 2020-01-31",
		"cfn/stack.yaml:22: suppression of aws-kms-key-rotation-disabled expired on 2021-06-30"} {
		if !strings.Contains(joined, w) {
			t.Errorf("warnings %q lack %q", joined, w)
		}
	}
	if len(warnings) != 2 {
		t.Errorf("want 2 warnings, got %q", warnings)
	}
	if d := strings.Join(debug, "\n"); !strings.Contains(d, "aws-ec2-volume-encryption-customer-key has no cloudward equivalent") {
		t.Errorf("no debug note for the unmapped peer ID: %q", d)
	}
}

// The expiry day itself is still covered; the day after is not.
func TestExpiryBoundary(t *testing.T) {
	got, _, _ := scan(t, time.Date(2099, 12, 31, 23, 59, 0, 0, time.UTC))
	if s := got["aws-kms-key-rotation-disabled aws_kms_key.imported"].Status; s != check.Suppressed {
		t.Errorf("on the expiry day: %s, want SUPPRESSED", s)
	}
	got, _, _ = scan(t, time.Date(2100, 1, 1, 0, 0, 0, 0, time.UTC))
	if s := got["aws-kms-key-rotation-disabled aws_kms_key.imported"].Status; s != check.Fail {
		t.Errorf("the day after expiry: %s, want FAIL", s)
	}
}

func TestParseComment(t *testing.T) {
	cases := []struct {
		line   string
		ok     bool
		err    string
		tool   string
		ids    []string
		reason string
		exp    string
	}{
		{"# cloudward:ignore:aws-s3-bucket-public-acl public website", true, "", "cloudward", []string{"aws-s3-bucket-public-acl"}, "public website", ""},
		{"  // cloudward:ignore:a,b exp:2027-02-28 two checks", true, "", "cloudward", []string{"a", "b"}, "two checks", "2027-03-01"},
		{"# cloudward:ignore:* everything", true, "wildcards are not allowed", "", nil, "", ""},
		{"# cloudward:ignore: no id", true, "needs a check ID", "", nil, "", ""},
		{"# cloudward:ignore:x exp:tomorrow", true, "not a date", "", nil, "", ""},
		{"#checkov:skip=CKV_AWS_20:The bucket is a public static website", true, "", "checkov", []string{"CKV_AWS_20"}, "The bucket is a public static website", ""},
		{"# checkov:skip=CKV2_AWS_11", true, "", "checkov", []string{"CKV2_AWS_11"}, "", ""},
		{"#tfsec:ignore:aws-s3-enable-bucket-encryption:exp:2025-01-02", true, "", "tfsec", []string{"aws-s3-enable-bucket-encryption"}, "", "2025-01-03"},
		{"#trivy:ignore:AVD-AWS-0086", true, "", "trivy", []string{"AVD-AWS-0086"}, "", ""},
		{"# an ordinary comment", false, "", "", nil, "", ""},
		{`name = "# cloudward:ignore:x"`, false, "", "", nil, "", ""},
	}
	for _, c := range cases {
		d, ok, err := suppress.ParseComment(c.line)
		if ok != c.ok {
			t.Errorf("%q: ok %v, want %v", c.line, ok, c.ok)
			continue
		}
		if c.err != "" {
			if err == nil || !strings.Contains(err.Error(), c.err) {
				t.Errorf("%q: error %v, want %q", c.line, err, c.err)
			}
			continue
		}
		if err != nil {
			t.Errorf("%q: %v", c.line, err)
			continue
		}
		exp := ""
		if !d.Expires.IsZero() {
			exp = d.Expires.Format("2006-01-02")
		}
		if d.Tool != c.tool || strings.Join(d.IDs, ",") != strings.Join(c.ids, ",") || d.Reason != c.reason || exp != c.exp {
			t.Errorf("%q: got %+v (expires %s)", c.line, d, exp)
		}
	}
}

func TestPeerTable(t *testing.T) {
	reg := map[string]bool{}
	for _, c := range checksaws.Checks() {
		reg[c.ID] = true
	}
	for _, tool := range []string{"checkov", "tfsec", "trivy"} {
		for _, id := range []string{"CKV_AWS_20", "CKV_AWS_3", "AVD-AWS-0026", "aws-kms-auto-rotate-keys"} {
			ours, ok := suppress.OurID(tool, id)
			if !ok || !reg[ours] {
				t.Errorf("%s %s -> %q, not a registered check", tool, id, ours)
			}
		}
	}
	// Not the same meaning: bucket-level Block Public Access flag, not a public ACL.
	if ours, ok := suppress.OurID("tfsec", "aws-s3-block-public-acls"); ok {
		t.Errorf("aws-s3-block-public-acls mapped to %s", ours)
	}
	for id, ours := range suppress.PeerTable() {
		if !reg[ours] {
			t.Errorf("peer %s maps to %q, which is not a check", id, ours)
		}
	}
}

func FuzzParseComment(f *testing.F) {
	for _, s := range []string{"# cloudward:ignore:a,b exp:2027-02-28 r", "#checkov:skip=CKV_AWS_20:x", "#tfsec:ignore:x:exp:2025-01-02",
		"// cloudward:ignore:", "#trivy:ignore:", "# cloudward:ignore:,,, exp:"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, line string) {
		d, ok, err := suppress.ParseComment(line)
		if !ok && (err != nil || len(d.IDs) > 0) {
			t.Fatalf("%q: not a directive but %+v, %v", line, d, err)
		}
		if ok && err == nil && len(d.IDs) == 0 {
			t.Fatalf("%q: directive without IDs", line)
		}
		for _, id := range d.IDs {
			if d.Tool == "cloudward" && (id == "" || strings.ContainsAny(id, "*?")) {
				t.Fatalf("%q: bad ID %q accepted", line, id)
			}
		}
	})
}
