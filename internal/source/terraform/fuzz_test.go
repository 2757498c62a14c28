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
		// A low instance cap keeps each run short; the cap itself is
		// tested in TestHostileConfigurations.
		res, err := Load(map[string][]string{dir: {name}}, Options{MaxInstances: 20})
		if err != nil {
			t.Fatalf("Load: %v", err)
		}
		if res.Inventory == nil {
			t.Fatal("nil inventory")
		}
	})
}

// FuzzPlan reads arbitrary bytes as a Terraform plan JSON file.
func FuzzPlan(f *testing.F) {
	data, err := os.ReadFile("testdata/plan/plan.json")
	if err != nil {
		f.Fatal(err)
	}
	f.Add(data)
	f.Add([]byte(`{"planned_values":{"root_module":{"resources":[{"mode":"managed","type":"aws_s3_bucket","address":"a","values":{"bucket":[[[{}]]]}}]}}}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		name := filepath.Join(t.TempDir(), "plan.json")
		if err := os.WriteFile(name, data, 0o600); err != nil {
			t.Fatal(err)
		}
		if _, err := LoadWithPlans(nil, []string{name}, Options{}); err != nil {
			t.Fatalf("LoadWithPlans: %v", err)
		}
	})
}
