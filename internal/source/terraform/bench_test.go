package terraform

import (
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/cloudward/cloudward/internal/source/terraform/synth"
)

// treeFiles lists a synthetic tree's Terraform folders like the IaC walk.
func treeFiles(tb testing.TB, dir string) map[string][]string {
	files := map[string][]string{}
	err := filepath.WalkDir(dir, func(p string, e os.DirEntry, err error) error {
		if err == nil && !e.IsDir() && isTerraformFile(e.Name()) {
			files[filepath.Dir(p)] = append(files[filepath.Dir(p)], p)
		}
		return err
	})
	if err != nil {
		tb.Fatal(err)
	}
	return files
}

// BenchmarkLoad evaluates 20,000+ resource instances in 2,000 files, flat
// and spread over 100 modules (docs/performance.md).
func BenchmarkLoad(b *testing.B) {
	for _, c := range []struct {
		name    string
		modules int
	}{{"flat", 0}, {"modules", 100}} {
		b.Run(c.name, func(b *testing.B) {
			dir := b.TempDir()
			n, err := synth.Write(dir, synth.Spec{Files: 2000, ResourcesPerFile: 10, Modules: c.modules})
			if err != nil {
				b.Fatal(err)
			}
			files := treeFiles(b, dir)
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				res, err := Load(files, Options{})
				if err != nil {
					b.Fatal(err)
				}
				if res.Resources != n {
					b.Fatalf("%d instances, want %d", res.Resources, n)
				}
			}
			b.ReportMetric(float64(n), "instances")
		})
	}
}

// A small synthetic tree evaluates completely; an empty folder costs
// nothing.
func TestSynthTree(t *testing.T) {
	dir := t.TempDir()
	n, err := synth.Write(dir, synth.Spec{Files: 20, ResourcesPerFile: 10, Modules: 3})
	if err != nil {
		t.Fatal(err)
	}
	res, err := Load(treeFiles(t, dir), Options{})
	if err != nil {
		t.Fatal(err)
	}
	if res.Resources != n || len(res.Warnings) > 0 {
		t.Fatalf("%d instances (want %d), warnings:\n%s", res.Resources, n, warningsText(res))
	}
	start := time.Now()
	res, err = Load(map[string][]string{}, Options{})
	if err != nil || res.Resources != 0 || time.Since(start) > 100*time.Millisecond {
		t.Fatalf("empty: %v, %d resources, %v", err, res.Resources, time.Since(start))
	}
}
