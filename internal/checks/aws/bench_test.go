package aws_test

import (
	"context"
	"fmt"
	"runtime"
	"testing"

	"github.com/cloudward/cloudward/internal/check"
	awschecks "github.com/cloudward/cloudward/internal/checks/aws"
	awsm "github.com/cloudward/cloudward/internal/model/aws"
	"github.com/cloudward/cloudward/internal/source/snapshot"
	"github.com/cloudward/cloudward/internal/synth"
)

// BenchmarkEvaluate measures check.Run of every built-in check over a
// generated, imported inventory (generation and import happen once, before
// the timed loop). evals/s counts (check, resource) evaluations, N/A
// included; the target is at least 2 million per second on 2 cores. Run with:
//
//	go test -run='^$' -bench=BenchmarkEvaluate -benchmem ./internal/checks/aws/
func BenchmarkEvaluate(b *testing.B) {
	for _, n := range []int{10000, 100000} {
		b.Run(fmt.Sprintf("resources=%d", n), func(b *testing.B) {
			dir := b.TempDir()
			if _, err := synth.Write(dir, synth.Options{Resources: n, Seed: 1}); err != nil {
				b.Fatal(err)
			}
			res, err := snapshot.Load(dir)
			if err != nil {
				b.Fatal(err)
			}
			reg, err := check.NewRegistry(awschecks.Checks()...)
			if err != nil {
				b.Fatal(err)
			}
			in := check.Input{AWS: []*awsm.Inventory{res.Inventory}}
			evals := check.Evaluations(in, reg.All())
			// One run first builds what a scan builds once per inventory
			// before judging resources: the index, cached refs and derived
			// account analyses (the IAM account model and escalation paths,
			// measured on their own by internal/iam's BenchmarkAccountAnalysis
			// and included in scripts/bench.sh's end-to-end figure). The loop
			// then measures check evaluation.
			if _, err := check.Run(context.Background(), in, reg.All()); err != nil {
				b.Fatal(err)
			}
			// Collect the generator's and importer's garbage now, so that the
			// loop measures evaluation rather than the import's clean-up.
			runtime.GC()
			b.ReportAllocs()
			for b.Loop() {
				if _, err := check.Run(context.Background(), in, reg.All()); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(evals)*float64(b.N)/b.Elapsed().Seconds(), "evals/s")
			b.ReportMetric(float64(evals), "evals/op")
		})
	}
}
