package fakeaws

import (
	"io/fs"
	"net"
	"net/http"
	"sync"
	"testing/fstest"
)

// The fake answers a 17-region collection's thousand calls in the same
// process and on the same cores as the collector it serves, so its CPU
// time shows up in the collector's benchmarks: it reads each snapshot once
// and decodes each answer once.

// memFS is a snapshot read into memory once. fstest.MapFS synthesizes
// directories by scanning every file on each lookup that misses (every
// absent <op>.error.json), and a directory on disk costs system calls;
// a map lookup costs neither.
type memFS struct {
	fs.FS                   // the original, for Open and ReadDir
	files map[string][]byte // every regular file, by slash-separated path
}

// indexFS reads every file of fsys into memory. A snapshot that cannot be
// walked is served as it is (its errors then surface call by call).
func indexFS(fsys fs.FS) fs.FS {
	if fsys == nil {
		return nil
	}
	if _, ok := fsys.(*memFS); ok {
		return fsys
	}
	m := &memFS{FS: fsys, files: map[string][]byte{}}
	if mfs, ok := fsys.(fstest.MapFS); ok {
		for p, f := range mfs {
			if f != nil && !f.Mode.IsDir() && fs.ValidPath(p) {
				m.files[p] = f.Data
			}
		}
		return m
	}
	err := fs.WalkDir(fsys, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if !d.Type().IsRegular() {
			return nil
		}
		b, err := fs.ReadFile(fsys, p)
		if err != nil {
			return err
		}
		m.files[p] = b
		return nil
	})
	if err != nil {
		return fsys
	}
	return m
}

// ReadFile answers from memory; what is not a file there does not exist as
// a file (a directory read as a file fails too, as os.ReadFile does).
func (m *memFS) ReadFile(name string) ([]byte, error) {
	b, ok := m.files[name]
	if !ok {
		return nil, &fs.PathError{Op: "read", Path: name, Err: fs.ErrNotExist}
	}
	return append([]byte(nil), b...), nil
}

// answerKey names one decoded answer: the operation and the snapshot
// file's bytes. The same bytes decode to the same output whatever the
// region or account (a 17-region fixture repeats each region's files).
type answerKey struct {
	api, raw string
}

// answers caches decoded SDK outputs (read-only once stored: the
// serializers only read them). Only unpaginated answers are cached, since
// pagination cuts the lists per request.
type answers struct{ m sync.Map }

func (a *answers) get(k answerKey) (any, bool) { return a.m.Load(k) }
func (a *answers) put(k answerKey, out any)    { a.m.Store(k, out) }

func (s *Server) countConn(_ net.Conn, st http.ConnState) {
	if st == http.StateNew {
		s.conns.Add(1)
	}
}

// Connections is the number of connections the fake accepted: a client
// that reuses its connections opens about as many as it has calls in
// flight at its peak, not one per call.
func (s *Server) Connections() int { return int(s.conns.Load()) }
