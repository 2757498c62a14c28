package store

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/cloudward/cloudward/internal/check"
	"github.com/cloudward/cloudward/internal/report"
)

// pruneHistory stores five daily scans of the demo account: finding X is
// fixed on day 1; finding Y fails on days 0-1, then is UNKNOWN (still
// open, last seen failing in day 1's scan). It returns the fingerprints of
// X and Y.
func pruneHistory(t *testing.T, s Store) (x, y string) {
	t.Helper()
	_, fs := demoScan(t)
	fails := byFingerprint(fs, check.Fail)
	xi, yi := fails[0], fails[1]
	x, y = report.Fingerprint(&fs[xi]), report.Fingerprint(&fs[yi])
	for day := range 5 {
		sc, recs := variant(t, "prune-day-"+string(rune('0'+day)), day, func(fs []check.Finding) []check.Finding {
			if day >= 1 {
				fs[xi].Status = check.Pass
			}
			if day >= 2 {
				fs[yi].Status = check.Unknown
			}
			return fs
		})
		if err := s.SaveScan(context.Background(), sc, recs); err != nil {
			t.Fatal(err)
		}
	}
	return x, y
}

func stateOf(t *testing.T, s Store, fp string) *TrackedFinding {
	t.Helper()
	all, err := s.Findings(context.Background(), FindingQuery{})
	if err != nil {
		t.Fatal(err)
	}
	for i := range all {
		if all[i].Fingerprint == fp {
			return &all[i]
		}
	}
	return nil
}

func scanIDs(t *testing.T, s Store) []string {
	t.Helper()
	scans, err := s.Scans(context.Background(), ScanQuery{})
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, sc := range scans {
		ids = append(ids, sc.ID)
	}
	return ids
}

func TestPrune(t *testing.T) {
	for _, b := range backends(t) {
		t.Run(b.name, func(t *testing.T) {
			ctx := context.Background()
			for _, rule := range []struct {
				name string
				q    PruneQuery
			}{
				{"keep-2-scans", PruneQuery{KeepScans: 2}},
				// Day 4 finished 2026-11-24 08:00:02; two days back keeps
				// days 3 and 4 only.
				{"keep-2-days", PruneQuery{KeepDays: 2, Now: time.Date(2026, 11, 24, 9, 0, 0, 0, time.UTC)}},
			} {
				t.Run(rule.name, func(t *testing.T) {
					s := b.open(t, Options{})
					x, y := pruneHistory(t, s)
					yBefore := stateOf(t, s, y)
					if yBefore == nil || yBefore.State != StateOpen || stateOf(t, s, x).State != StateResolved {
						t.Fatalf("before: y %+v, x %+v", yBefore, stateOf(t, s, x))
					}
					// A dry run reports and deletes nothing.
					dry := rule.q
					dry.DryRun = true
					dr, err := s.Prune(ctx, dry)
					if err != nil {
						t.Fatal(err)
					}
					if len(scanIDs(t, s)) != 5 || len(dr.Scans) != 2 || dr.Findings == 0 || dr.States != 1 {
						t.Fatalf("dry run: %+v, scans now %v", dr, scanIDs(t, s))
					}
					res, err := s.Prune(ctx, rule.q)
					if err != nil {
						t.Fatal(err)
					}
					// Day 0 and day 2 go; day 1 is pinned by Y (open, last
					// failing there); days 3 and 4 are kept by the rule.
					if len(res.Scans) != 2 || res.Scans[0].ID != "prune-day-0" || res.Scans[1].ID != "prune-day-2" ||
						res.Pinned != 1 || res.States != 1 || res.Findings != dr.Findings {
						t.Fatalf("prune = %+v", res)
					}
					if got := scanIDs(t, s); len(got) != 3 || got[0] != "prune-day-4" || got[2] != "prune-day-1" {
						t.Fatalf("scans after prune: %v", got)
					}
					// Y keeps its first seen (day 0, now pruned) and its
					// evidence from day 1's scan.
					yAfter := stateOf(t, s, y)
					if yAfter == nil || yAfter.State != StateOpen || !yAfter.FirstSeen.Equal(yBefore.FirstSeen) ||
						yAfter.ScanID != "prune-day-1" || yAfter.LastStatus != "UNKNOWN" || len(yAfter.Evidence) == 0 {
						t.Fatalf("y after prune = %+v, before %+v", yAfter, yBefore)
					}
					// X, resolved with its only failing scan gone, is forgotten.
					if st := stateOf(t, s, x); st != nil {
						t.Fatalf("x after prune = %+v", st)
					}
					// Every tracked finding still joins its scan.
					all, err := s.Findings(ctx, FindingQuery{})
					if err != nil || len(all) == 0 {
						t.Fatal(len(all), err)
					}
					for _, f := range all {
						if f.ScanID == "prune-day-0" || f.ScanID == "prune-day-2" {
							t.Fatalf("finding points to a pruned scan: %+v", f)
						}
					}
					if _, err := s.Scan(ctx, "prune-day-0"); !errors.Is(err, ErrNotFound) {
						t.Fatalf("pruned scan still readable: %v", err)
					}
					if fs, err := s.ScanFindings(ctx, res.Scans[0].Seq); err != nil || len(fs) != 0 {
						t.Fatalf("pruned findings left: %d %v", len(fs), err)
					}
					// A second prune finds nothing more; X failing again
					// opens anew.
					if again, err := s.Prune(ctx, rule.q); err != nil || len(again.Scans) != 0 {
						t.Fatalf("second prune: %+v %v", again, err)
					}
					sc, recs := variant(t, "prune-day-5", 5, nil)
					if err := s.SaveScan(ctx, sc, recs); err != nil {
						t.Fatal(err)
					}
					if st := stateOf(t, s, x); st == nil || st.State != StateOpen || !st.FirstSeen.Equal(sc.FinishedAt) {
						t.Fatalf("x failing again = %+v", st)
					}
				})
			}
			s := b.open(t, Options{})
			if _, err := s.Prune(ctx, PruneQuery{}); !errors.Is(err, ErrNoRetention) {
				t.Errorf("no rule: %v", err)
			}
			// The newest scan of a target is never pruned.
			sc, recs := variant(t, "only", 0, nil)
			if err := s.SaveScan(ctx, sc, recs); err != nil {
				t.Fatal(err)
			}
			if res, err := s.Prune(ctx, PruneQuery{KeepDays: 1}); err != nil || len(res.Scans) != 0 {
				t.Errorf("only scan pruned: %+v %v", res, err)
			}
		})
	}
}
