package awslive

import (
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing/fstest"
	"time"
)

// DirWriter writes a snapshot under Dir. Files are private to the user
// (0600 in 0700 directories): a snapshot describes an account's security.
type DirWriter struct {
	Dir string
}

// WriteFile writes name (slash-separated, relative) under the directory.
func (d DirWriter) WriteFile(name string, data []byte) error {
	if !fs.ValidPath(name) {
		return fmt.Errorf("writing snapshot: invalid file name %q", name)
	}
	p := filepath.Join(d.Dir, filepath.FromSlash(name))
	if err := os.MkdirAll(filepath.Dir(p), 0o700); err != nil {
		return fmt.Errorf("writing snapshot: %w", err)
	}
	if err := os.WriteFile(p, data, 0o600); err != nil {
		return fmt.Errorf("writing snapshot: %w", err)
	}
	return nil
}

// MemWriter keeps a snapshot in memory, for a live scan.
type MemWriter struct {
	mu    sync.Mutex
	files fstest.MapFS
}

// WriteFile stores name.
func (m *MemWriter) WriteFile(name string, data []byte) error {
	if !fs.ValidPath(name) || strings.Contains(name, "\\") {
		return fmt.Errorf("snapshot: invalid file name %q", name)
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.files == nil {
		m.files = fstest.MapFS{}
	}
	m.files[name] = &fstest.MapFile{Data: append([]byte(nil), data...), Mode: 0o600, ModTime: time.Time{}}
	return nil
}

// FS is the snapshot written so far, for snapshot.LoadFS.
func (m *MemWriter) FS() fs.FS {
	m.mu.Lock()
	defer m.mu.Unlock()
	out := make(fstest.MapFS, len(m.files))
	for k, v := range m.files {
		out[k] = v
	}
	return out
}
