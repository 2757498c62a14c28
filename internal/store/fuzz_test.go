package store

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"testing"
)

// FuzzOpenFile opens arbitrary bytes as the database file: never a panic,
// and a file that is refused is left exactly as it was.
func FuzzOpenFile(f *testing.F) {
	if v1, err := os.ReadFile("testdata/schema-v1.db"); err == nil {
		f.Add(v1[:4096])
		torn := bytes.Clone(v1)
		copy(torn[100:], bytes.Repeat([]byte{0xff}, 200))
		f.Add(torn)
	}
	f.Add([]byte(sqliteHeader))
	f.Add([]byte("not a database"))
	f.Add([]byte{})
	f.Fuzz(func(t *testing.T, data []byte) {
		path := filepath.Join(t.TempDir(), "fuzz.db")
		if err := os.WriteFile(path, data, 0o600); err != nil {
			t.Fatal(err)
		}
		s, err := Open(context.Background(), path, Options{})
		if err == nil {
			s.Close()
			return
		}
		after, rerr := os.ReadFile(path)
		if rerr != nil || !bytes.Equal(after, data) {
			t.Fatalf("a refused file was modified (open error: %v)", err)
		}
	})
}
