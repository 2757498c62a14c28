package report

import (
	"bytes"
	"encoding/json"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/cloudward/cloudward/internal/model/aws"
	"github.com/cloudward/cloudward/internal/source/snapshot"
)

// deniedRegion is the importer's example snapshot with every EC2 call of
// eu-west-1 denied, as an auditor role without ec2:Describe* there sees it.
// The fixture already has guardduty list-detectors denied in eu-west-1.
func deniedRegion(t *testing.T, account string) *aws.Inventory {
	t.Helper()
	base := os.DirFS(filepath.Join("..", "source", "snapshot", "testdata", "basic"))
	m := fstest.MapFS{}
	err := fs.WalkDir(base, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := fs.ReadFile(base, p)
		if err != nil {
			return err
		}
		if strings.HasPrefix(p, "eu-west-1/ec2/") {
			p = strings.TrimSuffix(strings.TrimSuffix(p, ".error.json"), ".json") + ".error.json"
			b = []byte(`{"Code": "UnauthorizedOperation", "Message": "You are not authorized to perform this operation."}`)
		}
		m[p] = &fstest.MapFile{Data: []byte(strings.ReplaceAll(string(b), acct, account))}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	res, err := snapshot.LoadFS(m)
	if err != nil {
		t.Fatal(err)
	}
	return res.Inventory
}

func scopeOf(t *testing.T, c Coverage, account, region, service string) CoverageScope {
	t.Helper()
	for _, s := range c.ByScope {
		if s.Account == account && s.Region == region && s.Service == service {
			return s
		}
	}
	t.Fatalf("no coverage scope %s/%s/%s in %+v", account, region, service, c.ByScope)
	return CoverageScope{}
}

// TestCoverageAccessDeniedRegion: the failed region's EC2 operations show as
// errors with their code, per account, region and service; the other
// region's EC2 is complete; the percentage is read/operations.
func TestCoverageAccessDeniedRegion(t *testing.T) {
	inv := deniedRegion(t, acct)
	r := Build(Input{Tool: Tool{Name: "cloudward"}, Inventories: []*aws.Inventory{inv}})
	c := r.Coverage

	if c.Percent == nil {
		t.Fatal("no percentage")
	}
	if want := coveragePercent(c.Read-c.NothingToRead, c.Operations-c.NothingToRead); *c.Percent != want || *c.Percent >= 100 || c.Read+c.Missing+c.Error != c.Operations {
		t.Errorf("percent = %v, counts %+v", *c.Percent, c)
	}
	eu := scopeOf(t, c, acct, "eu-west-1", "ec2")
	// Every EC2 file of the region is an error; operations the fixture
	// never had stay missing.
	if eu.Read != eu.NothingToRead || eu.Error < 6 || eu.Error+eu.Missing+eu.Read != eu.Operations || eu.Percent != 0 || eu.ErrorCodes["UnauthorizedOperation"] != eu.Error {
		t.Errorf("eu-west-1 ec2 = %+v", eu)
	}
	us := scopeOf(t, c, acct, "us-east-1", "ec2")
	if us.Error != 0 || us.Read < 6 || us.Percent <= 50 {
		t.Errorf("us-east-1 ec2 = %+v", us)
	}
	gd := scopeOf(t, c, acct, "eu-west-1", "guardduty")
	if gd.ErrorCodes["AccessDeniedException"] != 1 {
		t.Errorf("eu-west-1 guardduty = %+v", gd)
	}
	sum := 0
	for _, s := range c.ByScope {
		sum += s.Operations
	}
	if sum != c.Operations {
		t.Errorf("scopes count %d operations, total %d", sum, c.Operations)
	}
	var sawEC2 bool
	for _, e := range c.Errors {
		if e.Region == "eu-west-1" && e.Service == "ec2" {
			sawEC2 = true
			if e.Code != "UnauthorizedOperation" || e.Account != acct || !strings.HasPrefix(e.Operation, "eu-west-1/ec2/") {
				t.Errorf("error entry = %+v", e)
			}
		}
	}
	if !sawEC2 {
		t.Errorf("no eu-west-1 ec2 error in %+v", c.Errors)
	}

	// JSON: the new members beside the old ones.
	var buf bytes.Buffer
	if err := WriteJSON(&buf, r); err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Coverage struct {
			Operations int      `json:"operations"`
			Percent    *float64 `json:"percent"`
			ByScope    []struct {
				Region, Service string
				ErrorCodes      map[string]int `json:"error_codes"`
			} `json:"by_scope"`
			Errors []struct{ Operation, Region, Service, Code string } `json:"errors"`
		} `json:"coverage"`
	}
	if err := json.Unmarshal(buf.Bytes(), &doc); err != nil {
		t.Fatal(err)
	}
	if doc.Coverage.Percent == nil || *doc.Coverage.Percent != *c.Percent || len(doc.Coverage.ByScope) != len(c.ByScope) || len(doc.Coverage.Errors) != len(c.Errors) {
		t.Errorf("JSON coverage = %+v", doc.Coverage)
	}

	// Table: the percentage line and the incomplete scopes only.
	buf.Reset()
	if err := WriteTable(&buf, r, TableOptions{}); err != nil {
		t.Fatal(err)
	}
	out := buf.String()
	if !strings.Contains(out, "Coverage: "+r.Coverage.PercentText()+" of ") {
		t.Errorf("table has no percentage line:\n%s", out)
	}
	var euRow string
	for _, line := range strings.Split(out, "\n") {
		f := strings.Fields(line)
		if len(f) > 2 && f[0] == "eu-west-1" && f[1] == "ec2" {
			euRow = line
		}
		if len(f) > 2 && f[0] == "us-east-1" && f[1] == "ec2" {
			t.Errorf("complete scope listed: %q", line)
		}
	}
	if !strings.Contains(euRow, "UnauthorizedOperation (") || !strings.Contains(euRow, " 0.0%") {
		t.Errorf("eu-west-1 ec2 row = %q\n%s", euRow, out)
	}
}

// TestCoverageAccounts: two accounts are counted apart, and the table
// gains an account column.
func TestCoverageAccounts(t *testing.T) {
	other := "444455556666"
	r := Build(Input{Inventories: []*aws.Inventory{deniedRegion(t, acct), deniedRegion(t, other)}})
	a, b := scopeOf(t, r.Coverage, acct, "eu-west-1", "ec2"), scopeOf(t, r.Coverage, other, "eu-west-1", "ec2")
	if a.Operations == 0 || a.Operations != b.Operations || a.Error != b.Error {
		t.Errorf("scopes %+v and %+v", a, b)
	}
	var buf bytes.Buffer
	if err := WriteTable(&buf, r, TableOptions{}); err != nil {
		t.Fatal(err)
	}
	// Errors first: both accounts' denied EC2 rows lead the list.
	if !strings.Contains(buf.String(), "ACCOUNT") || !strings.Contains(buf.String(), acct+"  eu-west-1        ec2") ||
		!strings.Contains(buf.String(), other+"  eu-west-1        ec2") {
		t.Errorf("table:\n%s", buf.String())
	}
}

// TestCoverageNone: without operations (IaC, demo) there is no percentage
// and no coverage block.
func TestCoverageNone(t *testing.T) {
	r := Build(Input{Inventories: []*aws.Inventory{{AccountID: acct}}})
	if r.Coverage.Percent != nil || len(r.Coverage.ByScope) != 0 || r.Coverage.PercentText() != "" {
		t.Errorf("coverage = %+v", r.Coverage)
	}
	var buf bytes.Buffer
	if err := WriteTable(&buf, r, TableOptions{}); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(buf.String(), "Coverage:") {
		t.Errorf("coverage block without operations:\n%s", buf.String())
	}
}

func TestCoveragePercent(t *testing.T) {
	for _, c := range []struct {
		read, ops int
		want      float64
	}{{4, 6, 66.7}, {0, 3, 0}, {3, 3, 100}, {9999, 10000, 99.9}, {1, 3, 33.3}} {
		if got := coveragePercent(c.read, c.ops); got != c.want {
			t.Errorf("coveragePercent(%d, %d) = %v, want %v", c.read, c.ops, got, c.want)
		}
	}
}
