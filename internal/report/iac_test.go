package report

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/cloudward/cloudward/internal/check"
	"github.com/cloudward/cloudward/internal/model"
	"github.com/cloudward/cloudward/internal/model/aws"
)

// IaC resources carry their address, location and module calls in the
// JSON report and "file:lines address" in the table; deployed resources
// keep the fixed schema without those keys.
func TestIaCResourceFields(t *testing.T) {
	iacRef := model.Ref{ID: `module.data.aws_s3_bucket.logs["eu"]`, Type: aws.TypeBucket, Name: "acme-logs-eu", Provider: "aws",
		Address:     `module.data.aws_s3_bucket.logs["eu"]`,
		Location:    &model.Source{File: "modules/data/main.tf", StartLine: 3, EndLine: 9},
		ModuleCalls: []model.Source{{File: "main.tf", StartLine: 12, EndLine: 16}}}
	findings := []check.Finding{
		{Check: ebsVolume, Resource: &iacRef, Result: check.FailResult("the volume is not encrypted",
			check.Ev(model.Source{File: "modules/data/main.tf", StartLine: 5, EndLine: 5}, "encrypted = false"))},
		{Check: ebsVolume, Resource: volRef("vol-0a1b2c3d4e5f60001", "us-east-1"), Result: check.PassResult("the volume is encrypted")},
	}
	start := time.Date(2026, 11, 21, 8, 0, 0, 0, time.UTC)
	r := Build(Input{Tool: Tool{Name: "cloudward", Version: "test"}, Scan: Scan{ID: "x", StartedAt: start, FinishedAt: start, Source: "iac:."},
		Inventories: []*aws.Inventory{{IaC: true}}, Findings: findings})
	var buf bytes.Buffer
	if err := Write(&buf, "json", r, TableOptions{}); err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Findings []struct {
			Resource map[string]json.RawMessage `json:"resource"`
		} `json:"findings"`
	}
	if err := json.Unmarshal(buf.Bytes(), &doc); err != nil {
		t.Fatalf("invalid JSON: %v\n%s", err, buf.String())
	}
	var iac, live map[string]json.RawMessage
	for _, f := range doc.Findings {
		if _, ok := f.Resource["address"]; ok {
			iac = f.Resource
		} else {
			live = f.Resource
		}
	}
	if iac == nil || live == nil {
		t.Fatalf("want one IaC and one deployed finding:\n%s", buf.String())
	}
	for key, want := range map[string]string{
		"address":      `"module.data.aws_s3_bucket.logs[\"eu\"]"`,
		"location":     `{"file":"modules/data/main.tf","start_line":3,"end_line":9}`,
		"module_calls": `[{"file":"main.tf","start_line":12,"end_line":16}]`,
	} {
		if got := string(iac[key]); got != want {
			t.Errorf("resource.%s = %s, want %s", key, got, want)
		}
	}
	for _, key := range []string{"address", "location", "module_calls"} {
		if _, ok := live[key]; ok {
			t.Errorf("deployed resource has %q", key)
		}
	}
	buf.Reset()
	if err := Write(&buf, "table", r, TableOptions{}); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(buf.String(), `modules/data/main.tf:3-9 module.data.aws_s3_bucket.logs["eu"]`) {
		t.Errorf("table does not show the location and address:\n%s", buf.String())
	}
}
