package server

import (
	"bytes"
	"context"
	"io"
	"net"
	"net/http"
	"os"
	"strings"
	"testing"

	"github.com/cloudward/cloudward/internal/config"
)

// A corrupted database file: the service stays up, /readyz says why, the
// open is retried, and the file is never written (not even by a scheduled
// scan's save attempts).
func TestCorruptedDatabaseNeverOverwrittenByServe(t *testing.T) {
	cfg := testConfig(t, config.Target{Name: "demo", Snapshot: demoSnapshot})
	garbage := bytes.Repeat([]byte("not a database, a user's notes\n"), 200)
	if err := os.WriteFile(cfg.DSN, garbage, 0o600); err != nil {
		t.Fatal(err)
	}
	s, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- s.Run(ctx, ln) }()
	base := "http://" + ln.Addr().String()
	var body string
	waitFor(t, func() bool {
		resp, err := http.Get(base + "/readyz")
		if err != nil {
			return false
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		body = string(b)
		return resp.StatusCode == 503 && strings.Contains(body, "not a cloudward database")
	})
	// A scan meanwhile fails to store (retried, then counted failed).
	s.Tick()
	s.scans.Wait()
	_, metrics := get(t, s.Handler(), "/metrics", "")
	if !strings.Contains(metrics, `cloudward_scans_total{result="failed",target="demo"} 1`) {
		t.Errorf("the scan without a database is not counted failed")
	}
	cancel()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	if got, _ := os.ReadFile(cfg.DSN); !bytes.Equal(got, garbage) {
		t.Fatal("the corrupted file was modified")
	}
}
