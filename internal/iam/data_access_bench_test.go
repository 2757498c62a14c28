package iam

import (
	"fmt"
	"testing"
	"time"
)

// BenchmarkDataAccess: who can read or write one sensitive bucket, on the
// 5,000-role / 10,000-policy account of BenchmarkAccountAnalysis (the
// principal graph, shared with the escalation analysis, is built first and
// not timed).
func BenchmarkDataAccess(b *testing.B) {
	n := 5000
	if testing.Short() {
		n = 1000
	}
	inv := synthInventory(b, 2*n, n, 200)
	acct := NewAccount(inv)
	acct.graph()
	i := 0
	for b.Loop() {
		start, cpu0 := time.Now(), processCPU()
		got, err := acct.DataAccess(s3Probes(fmt.Sprintf("data-%d", i)))
		if err != nil {
			b.Fatal(err)
		}
		b.ReportMetric(time.Since(start).Seconds(), "wall-s/store")
		b.ReportMetric((processCPU() - cpu0).Seconds(), "cpu-s/store")
		b.ReportMetric(float64(len(got)), "accessors")
		i++
	}
}
