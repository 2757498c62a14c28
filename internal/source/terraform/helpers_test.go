package terraform

import (
	"context"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/cloudward/cloudward/internal/check"
	awschecks "github.com/cloudward/cloudward/internal/checks/aws"
	awsm "github.com/cloudward/cloudward/internal/model/aws"
)

// loadTree evaluates every folder holding Terraform files under dir, like
// `cloudward scan iac dir` (without skip rules).
func loadTree(t *testing.T, dir string, opts Options) *Result {
	t.Helper()
	files := map[string][]string{}
	err := filepath.WalkDir(dir, func(p string, e os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if !e.IsDir() && isTerraformFile(e.Name()) {
			files[filepath.Dir(p)] = append(files[filepath.Dir(p)], p)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range files {
		sort.Strings(f)
	}
	res, err := Load(files, opts)
	if err != nil {
		t.Fatalf("Load(%s): %v", dir, err)
	}
	return res
}

// run evaluates every built-in check on the inventory and indexes the
// findings by "check-id address".
func run(t *testing.T, inv *awsm.Inventory) map[string]check.Finding {
	t.Helper()
	fs, err := check.Run(context.Background(), check.Input{AWS: []*awsm.Inventory{inv}}, awschecks.Checks())
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]check.Finding{}
	for _, f := range fs {
		key := f.Check.ID + " " + f.Resource.Address
		if _, dup := out[key]; dup {
			t.Fatalf("two findings for %s", key)
		}
		out[key] = f
	}
	return out
}

// want asserts one finding's status.
func want(t *testing.T, fs map[string]check.Finding, id, addr string, status check.Status) check.Finding {
	t.Helper()
	f, ok := fs[id+" "+addr]
	if !ok {
		var keys []string
		for k := range fs {
			if strings.HasPrefix(k, id+" ") {
				keys = append(keys, k)
			}
		}
		sort.Strings(keys)
		t.Fatalf("no finding %s on %s; findings of that check: %v", id, addr, keys)
	}
	if f.Status != status {
		t.Errorf("%s on %s: status %s (%s), want %s", id, addr, f.Status, f.Message, status)
	}
	return f
}

func warningsText(res *Result) string {
	var b strings.Builder
	for _, w := range res.Warnings {
		b.WriteString(w.String() + "\n")
	}
	return b.String()
}
