package check

import (
	"testing"

	"github.com/cloudward/cloudward/internal/model"
)

func scoreCheck(sev Severity) *Check {
	m := testMeta("test-score-" + sev.String())
	m.Severity = sev
	return &Check{Meta: m}
}

func TestComputeScores(t *testing.T) {
	crit, high, med, low, info := scoreCheck(Critical), scoreCheck(High), scoreCheck(Medium), scoreCheck(Low), scoreCheck(Info)
	f := func(c *Check, st Status, account string) Finding {
		return Finding{Check: c, Resource: &model.Ref{ID: "r", Account: account}, Result: Result{Status: st}}
	}
	const a, b = "111122223333", "444455556666"
	tests := []struct {
		name     string
		findings []Finding
		want     float64
		// wantPW and wantSW are the passed and scored weights.
		wantPW, wantSW, wantUnknown int
	}{
		{name: "nothing applies", want: 100},
		{name: "only unknown", findings: []Finding{f(crit, Unknown, a)}, want: 100, wantUnknown: 1},
		{name: "only info failing", findings: []Finding{f(info, Fail, a), f(info, Pass, a)}, want: 100},
		{name: "all pass", findings: []Finding{f(crit, Pass, a), f(low, Pass, a)}, want: 100, wantPW: 11, wantSW: 11},
		{name: "all fail", findings: []Finding{f(crit, Fail, a), f(low, Fail, a)}, want: 0, wantSW: 11},
		{
			name: "weighted mix",
			// pass: high 5 + medium 3 = 8; fail: critical 10 + low 1 = 11; 8/19 = 42.10...
			findings: []Finding{f(high, Pass, a), f(med, Pass, a), f(crit, Fail, a), f(low, Fail, a), f(high, Unknown, a)},
			want:     42.1, wantPW: 8, wantSW: 19, wantUnknown: 1,
		},
		{
			name:     "one low failure among many passes stays below 100",
			findings: append(repeat(f(crit, Pass, a), 1000), f(low, Fail, a)),
			want:     99.9, wantPW: 10000, wantSW: 10001,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := ComputeScores(tt.findings).Overall
			if got.Value != tt.want || got.PassedWeight != tt.wantPW || got.ScoredWeight != tt.wantSW || got.Unknown != tt.wantUnknown {
				t.Fatalf("score = %+v, want value %v passed weight %d scored weight %d unknown %d",
					got, tt.want, tt.wantPW, tt.wantSW, tt.wantUnknown)
			}
		})
	}
}

func repeat(f Finding, n int) []Finding {
	out := make([]Finding, n)
	for i := range out {
		out[i] = f
	}
	return out
}

func TestComputeScoresPerAccount(t *testing.T) {
	high := scoreCheck(High)
	f := func(st Status, account string) Finding {
		return Finding{Check: high, Resource: &model.Ref{Account: account}, Result: Result{Status: st}}
	}
	got := ComputeScores([]Finding{
		f(Pass, "111122223333"), f(Pass, "111122223333"),
		f(Fail, "444455556666"), f(Pass, "444455556666"),
		f(Fail, ""), // no account: counts only overall
	})
	if v := got.ByAccount["111122223333"].Value; v != 100 {
		t.Errorf("account 1111: %v, want 100", v)
	}
	if v := got.ByAccount["444455556666"].Value; v != 50 {
		t.Errorf("account 4444: %v, want 50", v)
	}
	if got.Overall.Value != 60 || got.Overall.Failed != 2 {
		t.Errorf("overall = %+v, want 60 with 2 failed", got.Overall)
	}
	if ids := got.Accounts(); len(ids) != 2 || ids[0] != "111122223333" {
		t.Errorf("accounts = %v", ids)
	}
}
