package compliance

import (
	"testing"

	"github.com/cloudward/cloudward/internal/check"
	awschecks "github.com/cloudward/cloudward/internal/checks/aws"
	"github.com/cloudward/cloudward/internal/model"
)

func checksByID(t *testing.T) map[string]*check.Check {
	t.Helper()
	m := map[string]*check.Check{}
	for _, c := range awschecks.Checks() {
		m[c.ID] = c
	}
	return m
}

func finding(c *check.Check, st check.Status, id, region string) check.Finding {
	return check.Finding{Check: c, Resource: &model.Ref{ID: id, Type: c.ResourceType, Region: region, Account: "123456789012", Provider: "aws"},
		Result: check.Result{Status: st, Message: string(st)}}
}

// TestEvaluateStatuses covers every control status on findings shaped like
// the engine's: one per (check, resource), N/A ones already dropped.
func TestEvaluateStatuses(t *testing.T) {
	cs := checksByID(t)
	sgSSH, sgRDP := cs["aws-ec2-sg-ssh-open"], cs["aws-ec2-sg-rdp-open"]
	rootMFA, rdsPublic := cs["aws-iam-root-mfa-disabled"], cs["aws-rds-instance-public"]
	kms := cs["aws-kms-key-rotation-disabled"]
	fw := &Framework{ID: "t", Name: "T", Version: "1", Provider: "aws", Controls: []Control{
		{ID: "1", Title: "root MFA", Assessment: AssessAutomated, Checks: []string{rootMFA.ID}},
		{ID: "2", Title: "admin ports", Assessment: AssessAutomated, Checks: []string{sgSSH.ID, sgRDP.ID}},
		{ID: "3", Title: "contacts", Assessment: AssessManual, Audit: "look"},
		{ID: "4", Title: "rds", Assessment: AssessAutomated, Checks: []string{rdsPublic.ID}},
		{ID: "5", Title: "kms", Assessment: AssessAutomated, Checks: []string{kms.ID}},
		{ID: "6", Title: "config", Assessment: AssessAutomated},
		{ID: "7", Title: "filtered", Assessment: AssessAutomated, Checks: []string{"aws-guardduty-disabled"}},
		{ID: "8", Title: "filtered but failing", Assessment: AssessAutomated, Checks: []string{"aws-guardduty-disabled", sgSSH.ID}},
	}}
	findings := []check.Finding{
		finding(rootMFA, check.Pass, "arn:aws:iam::123456789012:root", "global"),
		finding(sgSSH, check.Pass, "sg-0a1", "us-east-1"),
		finding(sgSSH, check.Fail, "sg-0b2", "eu-west-1"),
		finding(sgRDP, check.Pass, "sg-0b2", "eu-west-1"),
		finding(kms, check.Pass, "arn:aws:kms:us-east-1:123456789012:key/1", "us-east-1"),
		finding(kms, check.Unknown, "arn:aws:kms:us-east-1:123456789012:key/2", "us-east-1"),
		// No RDS findings: the account has no DB instance.
	}
	ran := func(id string) bool { return id != "aws-guardduty-disabled" }
	res := Evaluate([]*Framework{fw}, findings, ran)
	if len(res) != 1 {
		t.Fatalf("%d results", len(res))
	}
	r := res[0]
	want := []Status{Pass, Fail, Manual, NotApplicable, Unknown, NotEvaluated, NotEvaluated, Fail}
	for i, cr := range r.Controls {
		if cr.Status != want[i] {
			t.Errorf("control %s (%s): %s, want %s", cr.Control.ID, cr.Control.Title, cr.Status, want[i])
		}
	}
	if f := r.Controls[1].Failing; len(f) != 1 || f[0].Resource.ID != "sg-0b2" || f[0].Check != sgSSH {
		t.Errorf("failing of control 2: %+v", f)
	}
	if r.Controls[1].Passed != 2 {
		t.Errorf("passed of control 2: %d", r.Controls[1].Passed)
	}
	if u := r.Controls[4].Unknown; len(u) != 1 || u[0].Resource.ID != "arn:aws:kms:us-east-1:123456789012:key/2" {
		t.Errorf("unknown of control 5: %+v", u)
	}
	wantCounts := Counts{Total: 8, Pass: 1, Fail: 2, Unknown: 1, NotApplicable: 1, Manual: 1, NotEvaluated: 2, Assessed: 3}
	if r.Counts != wantCounts {
		t.Errorf("counts %+v, want %+v", r.Counts, wantCounts)
	}
	// 1 passed of 3 assessed, rounded down: 33.3.
	if r.Score != 33.3 {
		t.Errorf("score %v, want 33.3", r.Score)
	}
	// Posture over the ran checks' findings, each once although the SSH
	// check is mapped twice: PASS root MFA (critical 10), SSH 1 pass + 1 fail
	// (high 5 each), RDP pass (high 5), KMS pass (medium 3) + unknown.
	// 100 × (10+5+5+3) / (10+5+5+5+3) = 82.1.
	p := r.Posture
	if p.Passed != 4 || p.Failed != 1 || p.Unknown != 1 || p.Value != 82.1 {
		t.Errorf("posture %+v, want 4 passed, 1 failed, 1 unknown, 82.1", p)
	}
}

func TestScore(t *testing.T) {
	for _, tt := range []struct {
		c    Counts
		want float64
	}{
		{Counts{}, 0},
		{Counts{Pass: 3, Assessed: 3}, 100},
		{Counts{Pass: 2, Fail: 1, Assessed: 3}, 66.6},
		{Counts{Pass: 999, Fail: 1, Assessed: 1000}, 99.9},
		{Counts{Fail: 4, Assessed: 4, Manual: 10}, 0},
	} {
		if got := score(tt.c); got != tt.want {
			t.Errorf("score(%+v) = %v, want %v", tt.c, got, tt.want)
		}
	}
}
