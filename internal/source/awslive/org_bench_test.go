package awslive_test

import (
	"context"
	"fmt"
	"os"
	"testing"
	"time"

	"github.com/cloudward/cloudward/internal/fakeaws"
	"github.com/cloudward/cloudward/internal/source/awslive"
)

// BenchmarkCollectOrg collects an organization of 20 accounts (each the
// example account: 2 regions, every service) with 50 ms added to every
// call, and reports the wall time per account: accounts run 4 at a time
// (DefaultAccountParallel) sharing --parallel 32.
//
//	go test ./internal/source/awslive -run '^$' -bench CollectOrg -benchtime 1x
func BenchmarkCollectOrg(b *testing.B) {
	const accounts = 20
	org := &fakeaws.Organization{Accounts: []fakeaws.OrgAccount{{ID: mgmtID, Name: "management"}}}
	for i := 1; i < accounts; i++ {
		id := fmt.Sprintf("5000000000%02d", i)
		snap, err := fakeaws.Retarget(os.DirFS(basicDir), mgmtID, id)
		if err != nil {
			b.Fatal(err)
		}
		org.Accounts = append(org.Accounts, fakeaws.OrgAccount{ID: id, Snapshot: snap})
	}
	srv, err := fakeaws.Start(fakeaws.Scenario{Snapshot: osDirFS(basicDir), Latency: 50 * time.Millisecond, Org: org})
	if err != nil {
		b.Fatal(err)
	}
	defer srv.Close()
	setCredsEnv(b)
	b.ResetTimer()
	start := time.Now()
	for i := 0; i < b.N; i++ {
		ws := &memWriters{}
		res, err := awslive.CollectOrg(context.Background(), awslive.Options{EndpointURL: srv.URL}, awslive.OrgOptions{Role: "cloudward-audit"}, ws.writer)
		if err != nil {
			b.Fatal(err)
		}
		for _, r := range res {
			if r.Err != nil {
				b.Fatal(r.Err)
			}
		}
	}
	wall := time.Since(start) / time.Duration(b.N)
	b.ReportMetric(float64(srv.TotalCalls())/float64(b.N), "calls/op")
	b.ReportMetric(wall.Seconds()/accounts, "s/account")
}
