package cli

import (
	"bytes"
	"context"
	"database/sql"
	"fmt"
	"io"
	"io/fs"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	awschecks "github.com/cloudward/cloudward/internal/checks/aws"
	"github.com/cloudward/cloudward/internal/store"
)

// syncBuffer is a Buffer safe for the service's goroutines.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// service runs a long-running command (serve, worker) until cancel.
type service struct {
	stderr *syncBuffer
	cancel context.CancelFunc
	done   chan int
}

func startService(t *testing.T, env map[string]string, args ...string) *service {
	t.Helper()
	s := &service{stderr: &syncBuffer{}, done: make(chan int, 1)}
	e := Env{
		Stdout: io.Discard, Stderr: s.stderr,
		Getenv:     func(k string) string { return env[k] },
		IsTerminal: func(io.Writer) bool { return false },
		Now:        time.Now,
		NewScanID:  newUUID,
		Version:    "v0.0.0-test",
		Checks:     awschecks.Checks,
		DemoFS:     func() fs.FS { return nil },
	}
	ctx, cancel := context.WithCancel(context.Background())
	s.cancel = cancel
	root := NewRootCommand(&e)
	root.SetArgs(args)
	go func() {
		if err := root.ExecuteContext(ctx); err != nil {
			fmt.Fprintf(s.stderr, "cloudward: %v\n", err)
			s.done <- 2
			return
		}
		s.done <- 0
	}()
	t.Cleanup(func() { s.stop(t) })
	return s
}

// stop is SIGTERM: the service must exit 0 in time.
func (s *service) stop(t *testing.T) int {
	s.cancel()
	select {
	case code := <-s.done:
		s.done <- code
		return code
	case <-time.After(20 * time.Second):
		t.Fatalf("the service did not stop; stderr:\n%s", s.stderr)
		return -1
	}
}

func freeAddr(t *testing.T) string {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}

func httpGet(url, token string) (int, string) {
	req, _ := http.NewRequest("GET", url, nil)
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return 0, err.Error()
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

func eventually(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("%s: not within 30s", what)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

func demoSnapshotDir(t *testing.T) string {
	d, err := filepath.Abs(filepath.Join("..", "demo", "snapshot"))
	if err != nil {
		t.Fatal(err)
	}
	return d
}

func TestServeScansOnScheduleAndStopsCleanly(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "scans.db")
	cfg := filepath.Join(dir, "cloudward.yaml")
	writeTestFile(t, cfg, fmt.Sprintf("targets:\n  - name: demo\n    snapshot: %s\nschedule: \"@every 1s\"\ndatabase: ${DB}\n", demoSnapshotDir(t)))
	addr := freeAddr(t)
	svc := startService(t, map[string]string{"DB": db, "CLOUDWARD_API_TOKEN": "tok-123"},
		"serve", "--config", cfg, "--listen", addr)
	base := "http://" + addr
	eventually(t, "a scheduled scan", func() bool {
		code, body := httpGet(base+"/api/v1/scans", "tok-123")
		return code == 200 && strings.Contains(body, `"target": "123456789012"`)
	})
	if code, _ := httpGet(base+"/api/v1/scans", ""); code != 401 {
		t.Errorf("no token: %d", code)
	}
	if code, _ := httpGet(base+"/healthz", ""); code != 200 {
		t.Errorf("healthz: %d", code)
	}
	if code := svc.stop(t); code != 0 {
		t.Fatalf("exit %d; stderr:\n%s", code, svc.stderr)
	}
	if err := svc.stderr.String(); !strings.Contains(err, "shutting down") || strings.Contains(err, "tok-123") {
		t.Errorf("stderr:\n%s", err)
	}
	// Every stored scan is whole.
	st, err := store.Open(context.Background(), db, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	scans, _ := st.Scans(context.Background(), store.ScanQuery{})
	for _, sc := range scans {
		fs, _ := st.ScanFindings(context.Background(), sc.Seq)
		if len(fs) != sc.Total || sc.Total == 0 {
			t.Errorf("scan %s: %d findings stored, total %d", sc.ID, len(fs), sc.Total)
		}
	}
}

func TestServeWithOnlyDB(t *testing.T) {
	db := filepath.Join(t.TempDir(), "scans.db")
	addr := freeAddr(t)
	svc := startService(t, nil, "serve", "--db", db, "--listen", addr)
	eventually(t, "ready", func() bool {
		code, body := httpGet("http://"+addr+"/readyz", "")
		return code == 200 && strings.Contains(body, `"targets": []`)
	})
	if code, body := httpGet("http://"+addr+"/api/v1/findings?severity=critical", ""); code != 200 || !strings.Contains(body, `"findings": []`) {
		t.Errorf("findings: %d %s", code, body)
	}
	if code := svc.stop(t); code != 0 {
		t.Fatalf("exit %d", code)
	}
}

func TestServeUsageErrors(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "scans.db")
	badSchedule := filepath.Join(dir, "bad.yaml")
	writeTestFile(t, badSchedule, "targets: []\nschedule: \"every day\"\n")
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"serve", "--db", db, "--listen", "0.0.0.0:0"}, "not a loopback address: an API token is required"},
		{[]string{"serve", "--db", db, "--listen", "8080"}, "want HOST:PORT"},
		{[]string{"serve", "--db", db, "--queue", "postgres"}, "--queue postgres needs a postgres:// --db"},
		{[]string{"serve", "--db", db, "--queue", "redis"}, `unknown queue "redis"`},
		{[]string{"serve", "--config", badSchedule, "--db", db}, "bad.yaml:2: schedule"},
		{[]string{"worker", "--db", db}, "worker needs a postgres:// --db"},
		{[]string{"worker", "--db", "postgres://x@127.0.0.1:1/x", "--concurrency", "0"}, "--concurrency"},
	} {
		r := run(t, runOpts{}, c.args...)
		if r.code != ExitUsage || !strings.Contains(r.stderr, c.want) {
			t.Errorf("%v: exit %d, stderr %q (want %q)", c.args, r.code, r.stderr, c.want)
		}
	}
}

// TestServeQueueAndWorkers: serve enqueues on schedule, two worker
// processes (in-process here) scan and store into the same PostgreSQL.
func TestServeQueueAndWorkers(t *testing.T) {
	base := os.Getenv("CLOUDWARD_TEST_POSTGRES")
	if base == "" {
		t.Skip("CLOUDWARD_TEST_POSTGRES is not set: PostgreSQL tests skipped (scripts/pg-test-server.sh starts a server)")
	}
	admin, err := sql.Open("pgx", base)
	if err != nil {
		t.Fatal(err)
	}
	schema := fmt.Sprintf("serve_%d", time.Now().UnixNano())
	if _, err := admin.Exec("CREATE SCHEMA " + schema); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { admin.Exec("DROP SCHEMA " + schema + " CASCADE"); admin.Close() })
	sep := "?"
	if strings.Contains(base, "?") {
		sep = "&"
	}
	dsn := base + sep + "search_path=" + schema

	dir := t.TempDir()
	cfg := filepath.Join(dir, "cloudward.yaml")
	snapAbs, _ := filepath.Abs(snap)
	writeTestFile(t, cfg, fmt.Sprintf("targets:\n  - name: demo\n    snapshot: %s\n  - name: small\n    snapshot: %s\nschedule: \"@every 1s\"\n",
		demoSnapshotDir(t), snapAbs))
	addr := freeAddr(t)
	env := map[string]string{"PGDSN": dsn}
	srv := startService(t, env, "serve", "--config", cfg, "--db", dsn, "--queue", "postgres", "--listen", addr)
	w1 := startService(t, env, "worker", "--config", cfg, "--db", dsn, "--concurrency", "1")
	w2 := startService(t, env, "worker", "--config", cfg, "--db", dsn, "--concurrency", "1")
	eventually(t, "both targets scanned by workers", func() bool {
		code, body := httpGet("http://"+addr+"/api/v1/score", "")
		return code == 200 && strings.Contains(body, `"target": "123456789012"`) && strings.Contains(body, `"target": "111122223333"`)
	})
	_, body := httpGet("http://"+addr+"/readyz", "")
	if !strings.Contains(body, `"queue": true`) {
		t.Errorf("readyz: %s", body)
	}
	for name, s := range map[string]*service{"serve": srv, "worker 1": w1, "worker 2": w2} {
		if code := s.stop(t); code != 0 {
			t.Errorf("%s: exit %d\n%s", name, code, s.stderr)
		}
	}
	if !strings.Contains(srv.stderr.String(), "scan enqueued") {
		t.Errorf("serve did not enqueue:\n%s", srv.stderr)
	}
	if !strings.Contains(w1.stderr.String()+w2.stderr.String(), "scan job done") {
		t.Errorf("no worker finished a job")
	}
}
