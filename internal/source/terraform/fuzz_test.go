package terraform

import (
	"os"
	"path/filepath"
	"testing"
)

// FuzzEvaluate parses and evaluates one file as a root module: whatever the
// bytes, evaluation ends with warnings, never a panic or a hang.
func FuzzEvaluate(f *testing.F) {
	for _, seed := range []string{
		"testdata/checks/fail/network.tf", "testdata/eval/dynamic/main.tf", "testdata/checks/fail/iam.tf",
		"testdata/eval/expand/main.tf", "testdata/eval/badhcl/broken.tf",
	} {
		data, err := os.ReadFile(seed)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data, false)
	}
	f.Add([]byte(`{"resource":{"aws_s3_bucket":{"b":{"bucket":"x","acl":"public-read"}}}}`), true)
	f.Add([]byte(`locals { a = [for i in range(100000) : i] }`), false)
	f.Fuzz(func(t *testing.T, data []byte, asJSON bool) {
		dir := t.TempDir()
		name := filepath.Join(dir, "main.tf")
		if asJSON {
			name += ".json"
		}
		if err := os.WriteFile(name, data, 0o600); err != nil {
			t.Fatal(err)
		}
		res, err := Load(map[string][]string{dir: {name}}, Options{})
		if err != nil {
			t.Fatalf("Load: %v", err)
		}
		if res.Inventory == nil {
			t.Fatal("nil inventory")
		}
	})
}
