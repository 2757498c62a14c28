package snapshot_test

import (
	"fmt"
	"testing"

	"github.com/cloudward/cloudward/internal/source/snapshot"
	"github.com/cloudward/cloudward/internal/synth"
)

// BenchmarkImport measures snapshot.Load on generated snapshots. Each size
// is generated once into a temporary directory before the timed loop, so
// the OS page cache is warm: this measures parsing and model building, not
// the disk. Run with:
//
//	go test -run='^$' -bench=BenchmarkImport -benchmem ./internal/source/snapshot/
func BenchmarkImport(b *testing.B) {
	for _, n := range []int{10000, 100000} {
		b.Run(fmt.Sprintf("resources=%d", n), func(b *testing.B) {
			dir := b.TempDir()
			if _, err := synth.Write(dir, synth.Options{Resources: n, Seed: 1}); err != nil {
				b.Fatal(err)
			}
			b.ReportAllocs()
			for b.Loop() {
				res, err := snapshot.Load(dir)
				if err != nil {
					b.Fatal(err)
				}
				if len(res.Warnings) > 0 {
					b.Fatalf("%d warnings, first: %s", len(res.Warnings), res.Warnings[0])
				}
			}
			b.ReportMetric(float64(n)*float64(b.N)/b.Elapsed().Seconds(), "resources/s")
		})
	}
}
