package compliance_test

import (
	"context"
	"slices"
	"testing"

	"github.com/cloudward/cloudward/internal/check"
	awschecks "github.com/cloudward/cloudward/internal/checks/aws"
	"github.com/cloudward/cloudward/internal/compliance"
	"github.com/cloudward/cloudward/internal/demo"
	awsm "github.com/cloudward/cloudward/internal/model/aws"
	"github.com/cloudward/cloudward/internal/source/snapshot"
)

// TestDemoCompliance evaluates the embedded demo account against CIS
// v4.0.1 and the baseline. The demo account is built to fail most automated
// controls; if the demo snapshot changes on purpose, update the figures.
func TestDemoCompliance(t *testing.T) {
	res, err := snapshot.LoadFS(demo.FS())
	if err != nil {
		t.Fatal(err)
	}
	findings, err := check.Run(context.Background(), check.Input{AWS: []*awsm.Inventory{res.Inventory}}, awschecks.Checks())
	if err != nil {
		t.Fatal(err)
	}
	fws, err := compliance.Builtin()
	if err != nil {
		t.Fatal(err)
	}
	sel, err := compliance.Select(fws, "aws", []string{"cis-aws-4.0", "cspm-baseline"})
	if err != nil {
		t.Fatal(err)
	}
	results := compliance.Evaluate(sel, findings, func(string) bool { return true })
	cis, base := results[0], results[1]
	wantCIS := compliance.Counts{Total: 64, Pass: 7, Fail: 55, Manual: 2, Assessed: 62}
	if cis.Counts != wantCIS || cis.Score != 11.2 {
		t.Errorf("cis-aws-4.0: score %.1f counts %+v, want 11.2 %+v", cis.Score, cis.Counts, wantCIS)
	}
	wantBase := compliance.Counts{Total: 18, Fail: 18, Assessed: 18}
	if base.Counts != wantBase || base.Score != 0 {
		t.Errorf("cspm-baseline: score %.1f counts %+v, want 0 %+v", base.Score, base.Counts, wantBase)
	}
	want := map[string]struct {
		status  compliance.Status
		failing int
	}{
		"1.4": {compliance.Fail, 1}, "1.5": {compliance.Pass, 0}, "1.10": {compliance.Fail, 1},
		"1.12": {compliance.Fail, 3}, "1.17": {compliance.Fail, 1}, "1.22": {compliance.Fail, 1}, "2.1.2": {compliance.Fail, 4},
		"2.2.4": {compliance.Fail, 1}, "3.4": {compliance.Fail, 1}, "3.8": {compliance.Fail, 1}, "5.1.2": {compliance.Fail, 1}, "2.1.1": {compliance.Fail, 3},
		"1.21": {compliance.Fail, 1}, "2.1.3": {compliance.Fail, 1}, "1.1": {compliance.Manual, 0}, "1.3": {compliance.Manual, 0},
		"3.1": {compliance.Pass, 0}, "4.3": {compliance.Pass, 0}, "4.1": {compliance.Pass, 0}, "4.16": {compliance.Fail, 1}, "5.3": {compliance.Fail, 4},
	}
	for _, c := range cis.Controls {
		w, ok := want[c.Control.ID]
		if ok && (c.Status != w.status || len(c.Failing) != w.failing) {
			t.Errorf("cis-aws-4.0 %s: %s with %d failing, want %s with %d", c.Control.ID, c.Status, len(c.Failing), w.status, w.failing)
		}
		// Every failing finding is a FAIL of one of the control's checks.
		for _, f := range c.Failing {
			if f.Status != check.Fail || !slices.Contains(c.Control.Checks, f.Check.ID) {
				t.Errorf("%s: failing finding %s on %s is %s", c.Control.ID, f.Check.ID, f.Resource.ID, f.Status)
			}
		}
	}
}
