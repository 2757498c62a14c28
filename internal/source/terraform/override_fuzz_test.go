package terraform

import (
	"os"
	"testing"
)

// FuzzOverride merges an arbitrary override file into an arbitrary primary
// file: warnings at worst, never a panic.
func FuzzOverride(f *testing.F) {
	main, err := os.ReadFile("testdata/eval/override/main.tf")
	if err != nil {
		f.Fatal(err)
	}
	over, err := os.ReadFile("testdata/eval/override/override.tf")
	if err != nil {
		f.Fatal(err)
	}
	f.Add(main, over)
	f.Add([]byte(`resource "a" "b" { lifecycle { x = 1 } }`), []byte(`resource "a" "b" { lifecycle { y = 2 } dynamic "z" {} }`))
	f.Add([]byte(`module "m" { source = "./m" }`), []byte(`module "m" { count = 2 }`))
	f.Fuzz(func(t *testing.T, primary, override []byte) {
		files := []parsed{parseSource("dir/main.tf", primary), parseSource("dir/override.tf", override)}
		m, _ := buildModule("dir", files)
		if m == nil {
			t.Fatal("nil module")
		}
	})
}
