package store

import (
	"context"
	"testing"

	"github.com/cloudward/cloudward/internal/check"
	"github.com/cloudward/cloudward/internal/compliance"
)

// Framework scores are computed from the demo's real findings, stored with
// the scan, and read back by Scan and Scans; a scoped scan has none.
func TestFrameworkScoresStored(t *testing.T) {
	_, fs := demoScan(t)
	want, err := FrameworkScores(fs)
	if err != nil {
		t.Fatal(err)
	}
	fws, _ := compliance.Builtin()
	if len(want) != len(fws) || len(want) < 5 {
		t.Fatalf("%d framework scores for %d frameworks", len(want), len(fws))
	}
	// The demo fails CIS controls: the score is strictly between 0 and 100
	// and agrees with compliance.Evaluate.
	res := compliance.Evaluate(fws, fs, func(string) bool { return true })
	for i, w := range want {
		if w.ID != res[i].Framework.ID || w.Score != res[i].Score || w.Fail != res[i].Counts.Fail || w.Controls != len(fws[i].Controls) {
			t.Errorf("%s: %+v, want score %v fail %d", w.ID, w, res[i].Score, res[i].Counts.Fail)
		}
	}
	var cis *FrameworkScore
	for i := range want {
		if want[i].ID == "cis-aws-5.0" {
			cis = &want[i]
		}
	}
	if cis == nil || cis.Score <= 0 || cis.Score >= 100 || cis.Fail == 0 || cis.Pass == 0 {
		t.Fatalf("cis-aws-5.0 = %+v, want failing and passing controls", cis)
	}
	for _, b := range backends(t) {
		t.Run(b.name, func(t *testing.T) {
			ctx := context.Background()
			s := b.open(t, Options{})
			sc, recs := variant(t, "fw-full", 0, nil)
			if err := s.SaveScan(ctx, sc, recs); err != nil {
				t.Fatal(err)
			}
			// Fix every failure of one check: its frameworks' scores move.
			sc2, recs2 := variant(t, "fw-fixed", 1, func(fs []check.Finding) []check.Finding {
				for i := range fs {
					if fs[i].Status == check.Fail {
						fs[i].Status = check.Pass
					}
				}
				return fs
			})
			if err := s.SaveScan(ctx, sc2, recs2); err != nil {
				t.Fatal(err)
			}
			r, fs := demoScan(t)
			scoped, err := NewScan(r, fs, true)
			if err != nil {
				t.Fatal(err)
			}
			scoped.ID = "fw-scoped"
			if err := s.SaveScan(ctx, scoped, Records(fs)); err != nil {
				t.Fatal(err)
			}
			got, err := s.Scan(ctx, "fw-full")
			if err != nil {
				t.Fatal(err)
			}
			if len(got.Frameworks) != len(want) {
				t.Fatalf("%d frameworks read back, want %d", len(got.Frameworks), len(want))
			}
			for i := range want {
				g, w := got.Frameworks[i], want[i]
				if g != w {
					t.Errorf("framework %d read back = %+v, want %+v", i, g, w)
				}
			}
			scans, err := s.Scans(ctx, ScanQuery{})
			if err != nil || len(scans) != 3 {
				t.Fatalf("scans = %d (%v)", len(scans), err)
			}
			if scans[0].ID != "fw-scoped" || len(scans[0].Frameworks) != 0 {
				t.Errorf("scoped scan has frameworks: %+v", scans[0].Frameworks)
			}
			for _, f := range scans[1].Frameworks {
				if f.ID == "cis-aws-5.0" && (f.Score <= cis.Score || f.Fail != 0) {
					t.Errorf("after fixing every failure cis-aws-5.0 = %+v, was %+v", f, *cis)
				}
			}
			if scans[2].ID != "fw-full" || len(scans[2].Frameworks) != len(want) {
				t.Errorf("oldest scan %s has %d frameworks", scans[2].ID, len(scans[2].Frameworks))
			}
		})
	}
}
