package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/cloudward/cloudward/internal/check"
	awschecks "github.com/cloudward/cloudward/internal/checks/aws"
	"github.com/cloudward/cloudward/internal/demo"
	awsm "github.com/cloudward/cloudward/internal/model/aws"
	"github.com/cloudward/cloudward/internal/report"
	"github.com/cloudward/cloudward/internal/source/snapshot"
)

var (
	demoOnce     sync.Once
	demoFindings []check.Finding
	demoReport   *report.Report
	demoErr      error
)

// demoScan evaluates the embedded demo account with every built-in check:
// real findings, real evidence, real fingerprints.
func demoScan(t testing.TB) (*report.Report, []check.Finding) {
	t.Helper()
	demoOnce.Do(func() {
		res, err := snapshot.LoadFS(demo.FS())
		if err != nil {
			demoErr = err
			return
		}
		invs := []*awsm.Inventory{res.Inventory}
		fs, err := check.Run(context.Background(), check.Input{AWS: invs}, awschecks.Checks())
		if err != nil {
			demoErr = err
			return
		}
		start := time.Date(2026, 11, 20, 8, 0, 0, 0, time.UTC)
		demoReport = report.Build(report.Input{
			Tool:        report.Tool{Name: "cloudward", Version: "test"},
			Scan:        report.Scan{ID: "demo", StartedAt: start, FinishedAt: start.Add(2 * time.Second), Source: "demo"},
			Inventories: invs, Findings: slices.Clone(fs),
		})
		demoFindings = fs
	})
	if demoErr != nil {
		t.Fatal(demoErr)
	}
	return demoReport, slices.Clone(demoFindings)
}

// backend opens a fresh store of each kind; PostgreSQL needs
// CLOUDWARD_TEST_POSTGRES (scripts/test.sh starts a server and sets it).
type backend struct {
	name string
	open func(t *testing.T, opts Options) Store
}

func backends(t *testing.T) []backend {
	bs := []backend{{"sqlite", func(t *testing.T, opts Options) Store {
		s, err := Open(context.Background(), filepath.Join(t.TempDir(), "cloudward.db"), opts)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { s.Close() })
		return s
	}}}
	bs = append(bs, backend{"postgres", func(t *testing.T, opts Options) Store {
		dsn := pgDSN(t)
		s, err := Open(context.Background(), dsn, opts)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { s.Close() })
		return s
	}})
	return bs
}

// pgDSN creates a fresh schema on the test server and returns a DSN whose
// search_path points at it; the schema is dropped at the end of the test.
func pgDSN(t testing.TB) string {
	t.Helper()
	base := os.Getenv("CLOUDWARD_TEST_POSTGRES")
	if base == "" {
		t.Skip("CLOUDWARD_TEST_POSTGRES is not set: PostgreSQL tests skipped (scripts/test.sh starts a server and sets it)")
	}
	admin, err := sql.Open("pgx", base)
	if err != nil {
		t.Fatal(err)
	}
	schema := fmt.Sprintf("t_%d", time.Now().UnixNano())
	if _, err := admin.Exec("CREATE SCHEMA " + schema); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		admin.Exec("DROP SCHEMA " + schema + " CASCADE")
		admin.Close()
	})
	sep := "?"
	if strings.Contains(base, "?") {
		sep = "&"
	}
	return base + sep + "search_path=" + schema
}

// variant is a scan of the demo account with some statuses changed, as the
// account would look on another day.
func variant(t testing.TB, id string, day int, change func(fs []check.Finding) []check.Finding) (*Scan, []Finding) {
	r, fs := demoScan(t)
	if change != nil {
		fs = change(fs)
	}
	sc, err := NewScan(r, fs, false)
	if err != nil {
		t.Fatal(err)
	}
	sc.ID = id
	sc.StartedAt = sc.StartedAt.AddDate(0, 0, day)
	sc.FinishedAt = sc.FinishedAt.AddDate(0, 0, day)
	return sc, Records(fs)
}

func byFingerprint(fs []check.Finding, status check.Status) []int {
	var idx []int
	for i := range fs {
		if fs[i].Status == status {
			idx = append(idx, i)
		}
	}
	return idx
}

func TestSaveAndReadBack(t *testing.T) {
	for _, b := range backends(t) {
		t.Run(b.name, func(t *testing.T) {
			ctx := context.Background()
			s := b.open(t, Options{})
			sc, recs := variant(t, "11111111-aaaa-4bbb-8ccc-000000000001", 0, nil)
			if err := s.SaveScan(ctx, sc, recs); err != nil {
				t.Fatal(err)
			}
			if sc.Seq <= 0 {
				t.Fatalf("seq not set: %d", sc.Seq)
			}
			got, err := s.Scan(ctx, "11111111-aaaa")
			if err != nil {
				t.Fatal(err)
			}
			r, fs := demoScan(t)
			if got.ID != sc.ID || got.Target != r.Scan.AccountIDs[0] || got.Source != "demo" || got.ToolVersion != "test" ||
				!got.FinishedAt.Equal(sc.FinishedAt) || got.Total != len(fs) ||
				got.Fail != r.Summary.Fail || got.Pass != r.Summary.Pass || got.Unknown != r.Summary.Unknown {
				t.Errorf("scan read back = %+v\nwant counts total %d fail %d pass %d", got, len(fs), r.Summary.Fail, r.Summary.Pass)
			}
			scores, err := got.Scores()
			if err != nil || scores.Overall.Value != r.Summary.Score.Overall.Value {
				t.Errorf("score = %v (%v), want %v", scores.Overall.Value, err, r.Summary.Score.Overall.Value)
			}
			var cov report.Coverage
			if err := json.Unmarshal(got.Coverage, &cov); err != nil || cov.Operations != r.Coverage.Operations || cov.Operations == 0 {
				t.Errorf("coverage = %+v (%v), want %d operations", cov, err, r.Coverage.Operations)
			}
			back, err := s.ScanFindings(ctx, got.Seq)
			if err != nil {
				t.Fatal(err)
			}
			if len(back) != len(recs) {
				t.Fatalf("%d findings read back, want %d", len(back), len(recs))
			}
			want := map[string]Finding{}
			for _, f := range recs {
				want[f.Fingerprint] = f
			}
			for _, f := range back {
				w := want[f.Fingerprint]
				var a, b any
				json.Unmarshal(f.Evidence, &a)
				json.Unmarshal(w.Evidence, &b)
				f.Evidence, w.Evidence = nil, nil
				if fmt.Sprint(f) != fmt.Sprint(w) || fmt.Sprint(a) != fmt.Sprint(b) {
					t.Fatalf("finding read back:\n%+v %v\nwant\n%+v %v", f, a, w, b)
				}
			}
			if _, err := s.Scan(ctx, "no-such-scan"); !errors.Is(err, ErrNotFound) {
				t.Errorf("unknown scan: err = %v, want ErrNotFound", err)
			}
		})
	}
}

func TestStatesOverTime(t *testing.T) {
	for _, b := range backends(t) {
		t.Run(b.name, func(t *testing.T) {
			ctx := context.Background()
			s := b.open(t, Options{})
			_, base := demoScan(t)
			fails, passes := byFingerprint(base, check.Fail), byFingerprint(base, check.Pass)
			if len(fails) < 3 || len(passes) < 2 {
				t.Fatalf("demo has %d fails and %d passes", len(fails), len(passes))
			}
			x, y, gone := fails[0], fails[1], fails[2]
			p := passes[0]
			fp := func(i int) string { return report.Fingerprint(&base[i]) }
			save := func(id string, day int, change func([]check.Finding) []check.Finding) *Scan {
				sc, recs := variant(t, id, day, change)
				if err := s.SaveScan(ctx, sc, recs); err != nil {
					t.Fatal(err)
				}
				return sc
			}
			state := func(i int) TrackedFinding {
				t.Helper()
				all, err := s.Findings(ctx, FindingQuery{CheckIDs: []string{base[i].Check.ID}})
				if err != nil {
					t.Fatal(err)
				}
				for _, f := range all {
					if f.Fingerprint == fp(i) {
						return f
					}
				}
				return TrackedFinding{}
			}
			// Day 0: the demo as is.
			save("scan-0", 0, nil)
			if st := state(x); st.State != StateOpen || st.LastStatus != "FAIL" {
				t.Fatalf("day 0: %+v", st)
			}
			// Day 1: x fixed, p broken, gone deleted.
			save("scan-1", 1, func(fs []check.Finding) []check.Finding {
				fs[x].Status, fs[p].Status = check.Pass, check.Fail
				return slices.Delete(fs, gone, gone+1)
			})
			if st := state(x); st.State != StateResolved || st.LastStatus != "PASS" {
				t.Errorf("day 1, fixed: %+v", st)
			}
			if st := state(gone); st.State != StateResolved || st.LastStatus != "ABSENT" {
				t.Errorf("day 1, deleted: %+v", st)
			}
			if st := state(p); st.State != StateOpen || st.FirstSeen.Day() != 21 {
				t.Errorf("day 1, newly failing: %+v", st)
			}
			if st := state(y); st.State != StateOpen || st.FirstSeen.Day() != 20 || st.LastSeen.Day() != 21 {
				t.Errorf("day 1, still failing: %+v", st)
			}
			// Day 2: x fails again; y is UNKNOWN (state kept); a scoped
			// scan would not resolve what it did not check.
			save("scan-2", 2, func(fs []check.Finding) []check.Finding {
				fs[y].Status = check.Unknown
				return fs
			})
			if st := state(x); st.State != StateReopened || st.FirstSeen.Day() != 20 || st.LastSeen.Day() != 22 {
				t.Errorf("day 2, reopened: %+v", st)
			}
			if st := state(y); st.State != StateOpen || st.LastStatus != "UNKNOWN" {
				t.Errorf("day 2, unknown: %+v", st)
			}
			sc, recs := variant(t, "scan-3", 3, func(fs []check.Finding) []check.Finding {
				var keep []check.Finding
				for _, f := range fs {
					if f.Check.ID != base[x].Check.ID {
						keep = append(keep, f)
					}
				}
				return keep
			})
			sc.Scoped = true
			if err := s.SaveScan(ctx, sc, recs); err != nil {
				t.Fatal(err)
			}
			if st := state(x); st.State != StateReopened {
				t.Errorf("day 3, scoped scan without the check: %+v", st)
			}
			// Filters: open findings of one severity are all open and of it.
			sev := int(base[y].Check.Severity)
			open, err := s.Findings(ctx, FindingQuery{States: []string{StateOpen, StateReopened}, Severities: []int{sev}})
			if err != nil {
				t.Fatal(err)
			}
			if len(open) == 0 {
				t.Fatal("no open findings")
			}
			for _, f := range open {
				if f.Severity != sev || (f.State != StateOpen && f.State != StateReopened) {
					t.Errorf("filter leak: %+v", f)
				}
			}
			page, err := s.Findings(ctx, FindingQuery{Limit: 2, Offset: 1})
			all, _ := s.Findings(ctx, FindingQuery{})
			if err != nil || len(page) != 2 || page[0].Fingerprint != all[1].Fingerprint {
				t.Errorf("page = %d findings (%v)", len(page), err)
			}
			// History: newest first, filterable by account.
			scans, err := s.Scans(ctx, ScanQuery{Account: base[0].Resource.Account})
			if err != nil || len(scans) != 4 || scans[0].ID != "scan-3" || scans[3].ID != "scan-0" {
				t.Errorf("history = %d scans (%v)", len(scans), err)
			}
			if none, _ := s.Scans(ctx, ScanQuery{Account: "999999999999"}); len(none) != 0 {
				t.Errorf("other account: %d scans", len(none))
			}
			// One scan's findings with their current state.
			sc1, _ := s.Scan(ctx, "scan-1")
			of1, err := s.Findings(ctx, FindingQuery{ScanSeq: sc1.Seq, Statuses: []string{"FAIL"}})
			if err != nil || len(of1) == 0 {
				t.Fatalf("scan-1 FAIL findings: %d (%v)", len(of1), err)
			}
			for _, f := range of1 {
				if f.Status != "FAIL" || f.ScanID != "scan-1" || f.State == "" {
					t.Errorf("scan-1 finding: %+v", f)
				}
			}
		})
	}
}

func TestCompare(t *testing.T) {
	_, base := demoScan(t)
	fails, passes := byFingerprint(base, check.Fail), byFingerprint(base, check.Pass)
	a := Records(base)
	changed := slices.Clone(base)
	changed[fails[0]].Status = check.Pass    // resolved
	changed[passes[0]].Status = check.Fail   // regressed
	changed[fails[1]].Status = check.Unknown // no longer known
	newOne := changed[passes[1]]
	ref := *newOne.Resource // shared with the other findings of the resource
	ref.ID += "-new"
	newOne.Resource = &ref
	newOne.Status = check.Fail
	changed = append(changed, newOne)
	changed = slices.Delete(changed, fails[2], fails[2]+1) // resolved: gone
	if d := Compare(a, Records(changed), true); len(d.Resolved) != 1 {
		t.Errorf("scoped B: %d resolved, want only the one that passes", len(d.Resolved))
	}
	d := Compare(a, Records(changed), false)
	fp := func(f check.Finding) string { return report.Fingerprint(&f) }
	has := func(l []Finding, f check.Finding) bool {
		return slices.ContainsFunc(l, func(x Finding) bool { return x.Fingerprint == fp(f) })
	}
	if len(d.Resolved) != 2 || !has(d.Resolved, base[fails[0]]) || !has(d.Resolved, base[fails[2]]) {
		t.Errorf("resolved = %d", len(d.Resolved))
	}
	if len(d.Regressed) != 1 || !has(d.Regressed, base[passes[0]]) {
		t.Errorf("regressed = %d", len(d.Regressed))
	}
	if len(d.New) != 1 || !has(d.New, newOne) {
		t.Errorf("new = %d", len(d.New))
	}
	if len(d.Unknown) != 1 || len(d.StillFailing) != len(fails)-3 {
		t.Errorf("unknown = %d, still failing = %d of %d", len(d.Unknown), len(d.StillFailing), len(fails))
	}
	for i := 1; i < len(d.StillFailing); i++ {
		if d.StillFailing[i-1].Severity < d.StillFailing[i].Severity {
			t.Fatal("still failing not sorted by severity")
		}
	}
}
