package snapshot

import (
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/cloudward/cloudward/internal/model"
	awsm "github.com/cloudward/cloudward/internal/model/aws"
)

const basicDir = "testdata/basic"

// obs is a Value flattened for table comparisons.
type obs struct {
	known  bool
	value  string
	reason string
	src    model.Source
}

func view[T any](v model.Value[T]) obs {
	x, ok := v.Get()
	o := obs{known: ok, reason: v.Reason(), src: v.Source()}
	if ok {
		o.value = fmt.Sprint(x)
	}
	return o
}

// valueCase asserts one imported value: known or not, its rendering (or a
// substring of the unknown reason) and its source.
type valueCase struct {
	name  string
	got   obs
	known bool
	want  string // value when known; substring of the reason when unknown
	file  string // expected Source.File ("" = do not check)
	path  string // expected Source.Path ("" = do not check)
}

func checkValues(t *testing.T, cases []valueCase) {
	t.Helper()
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if c.got.known != c.known {
				t.Fatalf("known = %v, want %v (value %q, reason %q)", c.got.known, c.known, c.got.value, c.got.reason)
			}
			if c.known && c.want != anyValue && c.got.value != c.want {
				t.Errorf("value = %q, want %q", c.got.value, c.want)
			}
			if !c.known && !strings.Contains(c.got.reason, c.want) {
				t.Errorf("reason = %q, want it to contain %q", c.got.reason, c.want)
			}
			if c.file != "" && c.got.src.File != c.file {
				t.Errorf("source file = %q, want %q", c.got.src.File, c.file)
			}
			if c.path != "" && c.got.src.Path != c.path {
				t.Errorf("source path = %q, want %q", c.got.src.Path, c.path)
			}
		})
	}
}

// variant copies the basic fixture to a temporary directory and applies
// edits: path => new content, or "" to delete the file.
func variant(t *testing.T, edits map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	err := filepath.WalkDir(basicDir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(basicDir, p)
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		return writeFile(filepath.Join(dir, rel), data)
	})
	if err != nil {
		t.Fatal(err)
	}
	for rel, content := range edits {
		p := filepath.Join(dir, filepath.FromSlash(rel))
		if content == "" {
			if err := os.Remove(p); err != nil {
				t.Fatal(err)
			}
			continue
		}
		if err := writeFile(p, []byte(content)); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

func writeFile(p string, data []byte) error {
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		return err
	}
	return os.WriteFile(p, data, 0o644)
}

// basicMapFS loads the basic fixture into memory (for fuzzing: no disk I/O
// per iteration).
func basicMapFS(tb testing.TB) fstest.MapFS {
	tb.Helper()
	m := fstest.MapFS{}
	err := filepath.WalkDir(basicDir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(basicDir, p)
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		m[filepath.ToSlash(rel)] = &fstest.MapFile{Data: data, Mode: 0o644}
		return nil
	})
	if err != nil {
		tb.Fatal(err)
	}
	return m
}

func mustLoad(t *testing.T, dir string) *Result {
	t.Helper()
	res, err := Load(dir)
	if err != nil {
		t.Fatalf("Load(%s): %v", dir, err)
	}
	return res
}

// warningFor returns the warnings about one file.
func warningsFor(res *Result, file string) []Warning {
	var out []Warning
	for _, w := range res.Warnings {
		if w.File == file {
			out = append(out, w)
		}
	}
	return out
}

func coverageOf(inv *awsm.Inventory, region, service, op string) (awsm.Coverage, bool) {
	for _, c := range inv.Coverage {
		if c.Region == region && c.Service == service && c.Operation == op {
			return c, true
		}
	}
	return awsm.Coverage{}, false
}

func find[T any](t *testing.T, list []T, match func(T) bool) T {
	t.Helper()
	for _, x := range list {
		if match(x) {
			return x
		}
	}
	var zero T
	t.Fatalf("not found in list of %d", len(list))
	return zero
}
