package awslive_test

import (
	"testing"
	"time"

	"github.com/cloudward/cloudward/internal/fakeaws"
	"github.com/cloudward/cloudward/internal/source/awslive"
)

// BenchmarkCollectLatency collects the example account (2 regions, every
// service) from the fake with 50 ms added to every call, and reports the
// API calls and the ratio of wall time to the longest chain of dependent
// calls: sts get-caller-identity -> ec2 describe-regions -> s3 list-buckets
// -> get-bucket-location -> the per-bucket reads, 5 calls deep.
//
//	go test ./internal/source/awslive -run '^$' -bench CollectLatency -benchtime 5x
func BenchmarkCollectLatency(b *testing.B) {
	const latency = 50 * time.Millisecond
	const chain = 5
	srv, err := fakeaws.Start(fakeaws.Scenario{Snapshot: osDirFS(basicDir), Latency: latency})
	if err != nil {
		b.Fatal(err)
	}
	defer srv.Close()
	setCredsEnv(b)
	b.ResetTimer()
	start := time.Now()
	for i := 0; i < b.N; i++ {
		w := &awslive.MemWriter{}
		if _, err := awslive.Collect(b.Context(), awslive.Options{EndpointURL: srv.URL}, w); err != nil {
			b.Fatal(err)
		}
	}
	wall := time.Since(start) / time.Duration(b.N)
	b.ReportMetric(float64(srv.TotalCalls())/float64(b.N), "calls/op")
	b.ReportMetric(float64(wall)/float64(chain*latency), "wall/chain")
}
