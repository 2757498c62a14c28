package store

import (
	"bytes"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

func copyFile(t *testing.T, from, to string) {
	t.Helper()
	b, err := os.ReadFile(from)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(to, b, 0o600); err != nil {
		t.Fatal(err)
	}
}

// TestWriteV1Testdata regenerates testdata/schema-v1.db, a database as the
// first schema version left it: UPDATE_TESTDATA=1 go test -run V1Testdata.
func TestWriteV1Testdata(t *testing.T) {
	if os.Getenv("UPDATE_TESTDATA") == "" {
		t.Skip("set UPDATE_TESTDATA=1 to regenerate testdata/schema-v1.db")
	}
	path := filepath.Join(t.TempDir(), "v1.db")
	s, err := openSQLiteTo(context.Background(), path, Options{}, 1)
	if err != nil {
		t.Fatal(err)
	}
	sc, recs := variant(t, "0b9f7c1e-6a53-4d2a-9a0e-5d1c2b3a4f00", 0, nil)
	sc.Frameworks = nil // version 1 had no framework scores
	if err := s.SaveScan(context.Background(), sc, recs); err != nil {
		t.Fatal(err)
	}
	s.Close()
	copyFile(t, path, "testdata/schema-v1.db")
}

func TestUpgradeOldDatabase(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "old.db")
	copyFile(t, "testdata/schema-v1.db", path)
	s, err := Open(ctx, path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if v, err := s.SchemaVersion(ctx); err != nil || v != 4 {
		t.Fatalf("schema version after upgrade = %d (%v), want 4", v, err)
	}
	old, err := s.Scan(ctx, "0b9f7c1e")
	if err != nil {
		t.Fatal(err)
	}
	fs, err := s.ScanFindings(ctx, old.Seq)
	if err != nil || len(fs) != old.Total || old.Total == 0 {
		t.Fatalf("old scan: %d findings (%v), want %d", len(fs), err, old.Total)
	}
	// The old data takes part in state tracking: a new scan of the same
	// account keeps first_seen from the old one.
	sc, recs := variant(t, "after-upgrade", 1, nil)
	if err := s.SaveScan(ctx, sc, recs); err != nil {
		t.Fatal(err)
	}
	// (Checks added since the file was written fail for the first time now.)
	failedBefore := map[string]bool{}
	for _, f := range fs {
		if f.Status == "FAIL" {
			failedBefore[f.Fingerprint] = true
		}
	}
	open, err := s.Findings(ctx, FindingQuery{States: []string{StateOpen}})
	if err != nil {
		t.Fatal(err)
	}
	kept := 0
	for _, f := range open {
		if failedBefore[f.Fingerprint] {
			kept++
			if !f.FirstSeen.Equal(old.FinishedAt) {
				t.Fatalf("open finding after upgrade: %+v, first seen want %v", f, old.FinishedAt)
			}
		}
	}
	if kept == 0 {
		t.Fatalf("no finding of the old scan is open after the upgrade (%d open)", len(open))
	}
}

func TestNewerSchemaRefused(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "new.db")
	s, err := Open(ctx, path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	s.Close()
	db, err := sql.Open("sqlite", path)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.Exec(`INSERT INTO schema_migrations VALUES (99, '0099_future.sql', '2030-01-01T00:00:00.000000000Z')`); err != nil {
		t.Fatal(err)
	}
	db.Close()
	_, err = Open(ctx, path, Options{})
	var tooNew *ErrSchemaTooNew
	if !errors.As(err, &tooNew) || tooNew.Version != 99 || !strings.Contains(err.Error(), "newer than this cloudward") ||
		!strings.Contains(err.Error(), path) {
		t.Fatalf("err = %v, want a schema-too-new error naming %s", err, path)
	}
}

func TestCorruptedFileNeverOverwritten(t *testing.T) {
	dir := t.TempDir()
	for name, content := range map[string][]byte{
		"garbage.db": bytes.Repeat([]byte("this is not a database\n"), 500),
		"short.db":   []byte("SQLite"),
		// A real header followed by garbage pages.
		"torn.db": append([]byte(sqliteHeader), bytes.Repeat([]byte{0xde, 0xad, 0xbe, 0xef}, 2048)...),
	} {
		t.Run(name, func(t *testing.T) {
			path := filepath.Join(dir, name)
			if err := os.WriteFile(path, content, 0o600); err != nil {
				t.Fatal(err)
			}
			s, err := Open(context.Background(), path, Options{})
			if err == nil {
				s.Close()
				t.Fatal("opened a corrupted file")
			}
			if !strings.Contains(err.Error(), path) || !strings.Contains(err.Error(), "untouched") {
				t.Errorf("err = %v, want it to name the file and say it was left untouched", err)
			}
			after, _ := os.ReadFile(path)
			if !bytes.Equal(after, content) {
				t.Error("the corrupted file was modified")
			}
		})
	}
}

func TestLockedDatabase(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "locked.db")
	s, err := Open(ctx, path, Options{BusyTimeout: 50 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	// Another process holds the write lock: a second connection pool with
	// an open write transaction.
	other, err := sql.Open("sqlite", "file:"+path+"?_txlock=immediate")
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()
	tx, err := other.Begin()
	if err != nil {
		t.Fatal(err)
	}
	sc, recs := variant(t, "while-locked", 0, nil)
	start := time.Now()
	err = s.SaveScan(ctx, sc, recs)
	if err == nil || !strings.Contains(err.Error(), "locked by another process") || !strings.Contains(err.Error(), path) {
		t.Fatalf("err = %v, want a clear locked error naming the file", err)
	}
	// Four attempts with 200, 400, 800 ms of backoff between them.
	if d := time.Since(start); d < 1400*time.Millisecond {
		t.Errorf("gave up after %v: no backoff", d)
	}
	tx.Rollback()
	if scans, _ := s.Scans(ctx, ScanQuery{}); len(scans) != 0 {
		t.Fatalf("%d scans stored", len(scans))
	}
	// A lock released while we back off: the retry succeeds.
	tx, err = other.Begin()
	if err != nil {
		t.Fatal(err)
	}
	go func() { time.Sleep(300 * time.Millisecond); tx.Rollback() }()
	if err := s.SaveScan(ctx, sc, recs); err != nil {
		t.Fatalf("retry after the lock was released: %v", err)
	}
}

// TestDiskFull fills a tiny tmpfs (needs root to mount it): the scan fails
// loudly and the earlier scan is intact.
func TestDiskFull(t *testing.T) {
	if os.Geteuid() != 0 {
		t.Skip("mounting a tmpfs needs root; the same error path is exercised by TestSizeLimitActsLikeDiskFull")
	}
	dir := t.TempDir()
	if out, err := exec.Command("mount", "-t", "tmpfs", "-o", "size=640k", "tmpfs", dir).CombinedOutput(); err != nil {
		t.Skipf("cannot mount a tmpfs (%v: %s); TestSizeLimitActsLikeDiskFull covers the error path", err, out)
	}
	t.Cleanup(func() { exec.Command("umount", dir).Run() })
	diskFull(t, filepath.Join(dir, "full.db"), 0)
}

// TestSizeLimitActsLikeDiskFull hits SQLite's SQLITE_FULL through
// max_page_count: the error SQLite reports on a full disk.
func TestSizeLimitActsLikeDiskFull(t *testing.T) {
	diskFull(t, filepath.Join(t.TempDir(), "full.db"), 120)
}

func diskFull(t *testing.T, path string, maxPages int) {
	ctx := context.Background()
	s, err := Open(ctx, path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	first, recs := variant(t, "fits", 0, nil)
	if err := s.SaveScan(ctx, first, recs); err != nil {
		t.Fatal(err)
	}
	if maxPages > 0 {
		db := s.(*sqlStore).db
		db.SetMaxOpenConns(1) // the pragma is per connection
		if _, err := db.Exec(fmt.Sprintf("PRAGMA max_page_count = %d", maxPages)); err != nil {
			t.Fatal(err)
		}
	}
	big, bigRecs := bigScan(t, "too-big", 1, 20000)
	err = s.SaveScan(ctx, big, bigRecs)
	if err == nil || !strings.Contains(err.Error(), "disk full") || !strings.Contains(err.Error(), "too-big") {
		t.Fatalf("err = %v, want a disk-full error naming the scan", err)
	}
	scans, err := s.Scans(ctx, ScanQuery{})
	if err != nil || len(scans) != 1 || scans[0].ID != "fits" {
		t.Fatalf("after disk full: %d scans (%v), want only the first", len(scans), err)
	}
	fs, err := s.ScanFindings(ctx, scans[0].Seq)
	if err != nil || len(fs) != len(recs) {
		t.Fatalf("first scan: %d findings (%v), want %d", len(fs), err, len(recs))
	}
}

// bigScan is the demo scan scaled to n findings: the demo's results
// repeated over numbered copies of its resources.
func bigScan(t testing.TB, id string, day, n int) (*Scan, []Finding) {
	sc, base := variant(t, id, day, nil)
	out := make([]Finding, 0, n)
	for copyN := 0; len(out) < n; copyN++ {
		for _, f := range base {
			if len(out) == n {
				break
			}
			if copyN > 0 {
				f.ResourceID += "-" + strconv.Itoa(copyN)
				f.Fingerprint = fmt.Sprintf("%s%08x", f.Fingerprint[:24], copyN)
			}
			out = append(out, f)
		}
	}
	return sc, out
}

// TestKilledMidWrite kills (SIGKILL) a process in the middle of writing a
// large scan, then checks that the earlier scan is intact and the partial
// one absent.
func TestKilledMidWrite(t *testing.T) {
	if testing.Short() {
		t.Skip("spawns a child process")
	}
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "crash.db")
	s, err := Open(ctx, path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	first, recs := variant(t, "before-crash", 0, nil)
	if err := s.SaveScan(ctx, first, recs); err != nil {
		t.Fatal(err)
	}
	s.Close()

	cmd := exec.Command(os.Args[0], "-test.run=^TestHelperProcess$")
	cmd.Env = append(os.Environ(), "CLOUDWARD_STORE_HELPER=write-huge", "CLOUDWARD_STORE_HELPER_DB="+path)
	cmd.Stderr = os.Stderr
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	// The child says when it is inside the transaction, findings written.
	buf := make([]byte, 64)
	n, err := io.ReadAtLeast(out, buf, len("writing"))
	if err != nil || !strings.HasPrefix(string(buf[:n]), "writing") {
		cmd.Process.Kill()
		cmd.Wait()
		t.Fatalf("child: %q, %v", buf[:n], err)
	}
	if err := cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	werr := cmd.Wait()
	if ws, ok := cmd.ProcessState.Sys().(syscall.WaitStatus); !ok || !ws.Signaled() || ws.Signal() != syscall.SIGKILL {
		t.Fatalf("child was not killed by SIGKILL: %v", werr)
	}
	if _, err := os.Stat(path + "-wal"); err != nil {
		t.Logf("no WAL file left by the child: %v", err)
	}

	s, err = Open(ctx, path, Options{})
	if err != nil {
		t.Fatalf("reopening after the crash: %v", err)
	}
	defer s.Close()
	scans, err := s.Scans(ctx, ScanQuery{})
	if err != nil || len(scans) != 1 || scans[0].ID != "before-crash" {
		t.Fatalf("after the crash: %+v (%v), want only the earlier scan", scans, err)
	}
	fs, err := s.ScanFindings(ctx, scans[0].Seq)
	if err != nil || len(fs) != len(recs) {
		t.Fatalf("earlier scan: %d findings (%v), want %d", len(fs), err, len(recs))
	}
	var n2 int
	if err := s.(*sqlStore).db.QueryRow(`SELECT COUNT(*) FROM findings`).Scan(&n2); err != nil || n2 != len(recs) {
		t.Fatalf("%d finding rows in the database (%v), want %d", n2, err, len(recs))
	}
	// And the database still takes scans.
	next, nrecs := variant(t, "after-crash", 1, nil)
	if err := s.SaveScan(ctx, next, nrecs); err != nil {
		t.Fatal(err)
	}
}

// TestHelperProcess is the child of TestKilledMidWrite: it writes a
// 200,000-finding scan and, inside the transaction once 50,000 findings are
// written, tells the parent and waits to be killed.
func TestHelperProcess(t *testing.T) {
	if os.Getenv("CLOUDWARD_STORE_HELPER") != "write-huge" {
		t.Skip("helper process for TestKilledMidWrite")
	}
	signalled := false
	s, err := Open(context.Background(), os.Getenv("CLOUDWARD_STORE_HELPER_DB"), Options{Progress: func(n int) {
		if n >= 50000 && !signalled {
			signalled = true
			fmt.Fprintln(os.Stdout, "writing", n)
			time.Sleep(time.Minute) // killed here
		}
	}})
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(3)
	}
	sc, recs := bigScan(t, "huge-partial", 1, 200000)
	_ = s.SaveScan(context.Background(), sc, recs)
	fmt.Fprintln(os.Stderr, "helper: the scan was committed; it should have been killed")
	os.Exit(4)
}

func TestPostgresUnreachable(t *testing.T) {
	// A loopback port nothing listens on.
	_, err := Open(context.Background(), "postgres://cloudward:s3cret@127.0.0.1:1/cloudward?sslmode=disable",
		Options{ConnectTimeout: 2 * time.Second})
	if err == nil || !strings.Contains(err.Error(), "cannot reach PostgreSQL at postgres://cloudward:xxxxx@127.0.0.1:1/cloudward") {
		t.Fatalf("err = %v, want a clear unreachable error", err)
	}
	if strings.Contains(err.Error(), "s3cret") {
		t.Fatalf("the password leaked into the error: %v", err)
	}
}

func TestPostgresNewerSchemaRefused(t *testing.T) {
	dsn := pgDSN(t)
	ctx := context.Background()
	s, err := Open(ctx, dsn, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.(*sqlStore).db.Exec(`INSERT INTO schema_migrations VALUES (7, '0007_future.sql', 'x')`); err != nil {
		t.Fatal(err)
	}
	s.Close()
	_, err = Open(ctx, dsn, Options{})
	var tooNew *ErrSchemaTooNew
	if !errors.As(err, &tooNew) || tooNew.Version != 7 {
		t.Fatalf("err = %v, want schema too new", err)
	}
	// An old (version 1) PostgreSQL database upgrades.
	dsn2 := pgDSN(t)
	old, err := openPostgresTo(ctx, dsn2, Options{}, 1)
	if err != nil {
		t.Fatal(err)
	}
	sc, recs := variant(t, "v1-scan", 0, nil)
	sc.Frameworks = nil // version 1 had no framework scores
	if err := old.SaveScan(ctx, sc, recs); err != nil {
		t.Fatal(err)
	}
	old.Close()
	s, err = Open(ctx, dsn2, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if v, _ := s.SchemaVersion(ctx); v != 4 {
		t.Fatalf("version %d after upgrade", v)
	}
	if got, err := s.Scan(ctx, "v1-scan"); err != nil || got.Total != len(recs) {
		t.Fatalf("v1 scan after upgrade: %+v %v", got, err)
	}
}
