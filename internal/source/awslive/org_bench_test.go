package awslive_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/cloudward/cloudward/internal/fakeaws"
	"github.com/cloudward/cloudward/internal/source/awslive"
)

// discard is a Writer that keeps nothing: 50 accounts' snapshots need not
// stay in memory to be timed.
type discard struct{}

func (discard) WriteFile(string, []byte) error { return nil }

// BenchmarkCollectOrg collects an organization of 50 accounts, each the
// 17-region account of every service (fullFixture), with 50 ms added to
// every call, and reports the wall time (target: under 3 minutes) and the
// time per account: accounts run 4 at a time (DefaultAccountParallel)
// sharing the default --parallel.
//
//	go test ./internal/source/awslive -run '^$' -bench CollectOrg -benchtime 1x
func BenchmarkCollectOrg(b *testing.B) {
	const accounts = 50
	full := fullFixture(b, regions17)
	org := &fakeaws.Organization{Accounts: []fakeaws.OrgAccount{{ID: mgmtID, Name: "management"}}}
	for i := 1; i < accounts; i++ {
		id := fmt.Sprintf("5000000000%02d", i)
		snap, err := fakeaws.Retarget(full, mgmtID, id)
		if err != nil {
			b.Fatal(err)
		}
		org.Accounts = append(org.Accounts, fakeaws.OrgAccount{ID: id, Name: "member-" + id, Snapshot: snap})
	}
	setCredsEnv(b)
	b.ResetTimer()
	var total time.Duration
	calls := 0
	cpu0 := cpuSeconds()
	for i := 0; i < b.N; i++ {
		// Signatures are not recomputed (the tests do): the fake's CPU is
		// not the scanner's.
		srv, err := fakeaws.Start(fakeaws.Scenario{Snapshot: full, Latency: 50 * time.Millisecond, Org: org, AccessKeyID: testKeyID})
		if err != nil {
			b.Fatal(err)
		}
		start := time.Now()
		res, err := awslive.CollectOrg(context.Background(), awslive.Options{EndpointURL: srv.URL}, awslive.OrgOptions{Role: "cloudward-audit"},
			func(string) (awslive.Writer, error) { return discard{}, nil })
		total += time.Since(start)
		calls = srv.TotalCalls()
		bad := srv.BadRequests()
		srv.Close()
		if err != nil {
			b.Fatal(err)
		}
		if len(res) != accounts {
			b.Fatalf("%d accounts collected, want %d", len(res), accounts)
		}
		for _, r := range res {
			if r.Err != nil {
				b.Fatal(r.Err)
			}
		}
		if len(bad) > 0 {
			b.Fatalf("refused requests: %q", bad[:min(3, len(bad))])
		}
	}
	// CPU of the collector and the fake together: on a small shared
	// machine the wall time follows it, not the 50 ms latency.
	b.ReportMetric((cpuSeconds()-cpu0)/float64(b.N), "cpu-s/op")
	wall := total / time.Duration(b.N)
	b.ReportMetric(float64(calls), "calls/op")
	b.ReportMetric(wall.Seconds(), "wall-s")
	b.ReportMetric(wall.Seconds()/accounts, "s/account")
}
