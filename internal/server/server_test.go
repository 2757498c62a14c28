package server

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgconn"

	"github.com/cloudward/cloudward/internal/alert"
	"github.com/cloudward/cloudward/internal/check"
	awschecks "github.com/cloudward/cloudward/internal/checks/aws"
	"github.com/cloudward/cloudward/internal/config"
	"github.com/cloudward/cloudward/internal/scanrun"
	"github.com/cloudward/cloudward/internal/store"
)

// demoSnapshot is the embedded demo account's snapshot folder: a realistic
// account with good and bad resources.
var demoSnapshot = filepath.Join("..", "demo", "snapshot")

func registry(t testing.TB) *check.Registry {
	t.Helper()
	reg, err := check.NewRegistry(awschecks.Checks()...)
	if err != nil {
		t.Fatal(err)
	}
	return reg
}

var idSeq atomic.Int64

func testConfig(t *testing.T, targets ...config.Target) Config {
	return Config{
		DSN:             filepath.Join(t.TempDir(), "cloudward.db"),
		Targets:         targets,
		Registry:        registry(t),
		Version:         "test",
		ShutdownTimeout: 5 * time.Second,
		Now:             time.Now,
		NewID:           func() string { return fmt.Sprintf("scan-%04d", idSeq.Add(1)) },
		RetryMin:        20 * time.Millisecond,
		RetryMax:        100 * time.Millisecond,
		Open: func(ctx context.Context, dsn string) (store.Store, error) {
			return store.Open(ctx, dsn, store.Options{BusyTimeout: 100 * time.Millisecond})
		},
	}
}

// newServer builds a server whose store is connected.
func newServer(t *testing.T, cfg Config) *Server {
	t.Helper()
	s, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	if !s.Connect(context.Background()) {
		t.Fatal("not connected")
	}
	t.Cleanup(s.Close)
	return s
}

func get(t *testing.T, h http.Handler, path, token string) (int, string) {
	t.Helper()
	req := httptest.NewRequest("GET", path, nil)
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	return rec.Code, rec.Body.String()
}

func decode[T any](t *testing.T, body string) T {
	t.Helper()
	var v T
	if err := json.Unmarshal([]byte(body), &v); err != nil {
		t.Fatalf("%v in %s", err, body)
	}
	return v
}

func TestEmptyTargetsServeWhatIsStored(t *testing.T) {
	s := newServer(t, testConfig(t))
	h := s.Handler()
	for path, want := range map[string]int{
		"/healthz": 200, "/readyz": 200, "/api/v1/scans": 200, "/api/v1/findings": 200, "/api/v1/score": 200, "/metrics": 200,
	} {
		if code, body := get(t, h, path, ""); code != want {
			t.Errorf("%s: %d %s", path, code, body)
		}
	}
	_, body := get(t, h, "/readyz", "")
	r := decode[readiness](t, body)
	if !r.Ready || r.SchemaVersion < 1 || len(r.Targets) != 0 {
		t.Errorf("readyz: %+v", r)
	}
	_, body = get(t, h, "/api/v1/scans", "")
	if !strings.Contains(body, `"scans": []`) || !strings.Contains(body, `"next_offset": null`) {
		t.Errorf("scans: %s", body)
	}
	s.Tick() // nothing to scan: no-op
	s.scans.Wait()
}

func TestScheduleParseErrors(t *testing.T) {
	for _, sch := range []string{"every day", "* * *", "61 * * * *", "@every nope"} {
		cfg := testConfig(t)
		cfg.Schedule = sch
		if _, err := New(cfg); err == nil || !strings.Contains(err.Error(), "not a cron expression") {
			t.Errorf("%q: %v", sch, err)
		}
	}
	cfg := testConfig(t)
	cfg.Schedule = "*/5 * * * *"
	if _, err := New(cfg); err != nil {
		t.Error(err)
	}
	cfg.Targets = []config.Target{{Name: "a", Snapshot: "x"}, {Name: "a", IaC: "y"}}
	if _, err := New(cfg); err == nil || !strings.Contains(err.Error(), `"a" is configured twice`) {
		t.Errorf("duplicate target: %v", err)
	}
}

// hook is a webhook alert receiver that counts events.
func hook(t *testing.T) (alert.Destination, *atomic.Int64) {
	var n atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var body struct {
			Events []json.RawMessage `json:"events"`
		}
		data, _ := io.ReadAll(r.Body)
		if err := json.Unmarshal(data, &body); err != nil {
			t.Errorf("webhook body: %v", err)
		}
		n.Add(int64(len(body.Events)))
	}))
	t.Cleanup(srv.Close)
	return alert.Destination{Name: "hook", Type: alert.Webhook, URL: srv.URL, Key: "hmac-secret"}, &n
}

func TestScheduledScanStoresMetricsAndAlerts(t *testing.T) {
	dst, received := hook(t)
	d, err := alert.NewDispatcher([]alert.Destination{dst}, []alert.Rule{{Name: "crit", MinSeverity: check.Critical, NewOnly: true, Destinations: []string{"hook"}}})
	if err != nil {
		t.Fatal(err)
	}
	// (Organization targets: org_test.go.)
	cfg := testConfig(t, config.Target{Name: "demo", Snapshot: demoSnapshot})
	cfg.Alerts = d
	s := newServer(t, cfg)
	s.Tick()
	s.scans.Wait()
	s.Tick() // the second scan: nothing new, no new page
	s.scans.Wait()

	scans, err := s.store().Scans(context.Background(), store.ScanQuery{})
	if err != nil || len(scans) != 2 || scans[0].Target != "123456789012" {
		t.Fatalf("scans: %v %+v", err, scans)
	}
	crit := 0
	fs, _ := s.store().ScanFindings(context.Background(), scans[0].Seq)
	for _, f := range fs {
		if f.Status == "FAIL" && f.Severity == int(check.Critical) && !f.Muted {
			crit++
		}
	}
	if crit == 0 || received.Load() != int64(crit) {
		t.Errorf("webhook got %d events, want the %d critical failures once", received.Load(), crit)
	}

	_, body := get(t, s.Handler(), "/metrics", "")
	for _, want := range []string{
		`cloudward_scan_duration_seconds_count{target="demo"} 2`,
		fmt.Sprintf(`cloudward_findings{severity="critical",state="open"} %d`, crit),
		`cloudward_findings{severity="high",state="resolved"} 0`,
		`cloudward_posture_score{target="demo"} `,
		`cloudward_scans_total{result="ok",target="demo"} 2`,
		fmt.Sprintf(`cloudward_alerts_total{destination="hook",result="sent"} %d`, crit),
		`cloudward_alerts_total{destination="hook",result="failed"} 0`,
	} {
		if !strings.Contains(body, want) {
			t.Errorf("metrics lack %q", want)
		}
	}
}

func TestCollectionErrorCounted(t *testing.T) {
	s := newServer(t, testConfig(t, config.Target{Name: "gone", Snapshot: filepath.Join(t.TempDir(), "missing")}))
	s.Tick()
	s.scans.Wait()
	_, body := get(t, s.Handler(), "/metrics", "")
	for _, want := range []string{`cloudward_collection_errors_total{target="gone"} 1`, `cloudward_scans_total{result="failed",target="gone"} 1`} {
		if !strings.Contains(body, want) {
			t.Errorf("metrics lack %q", want)
		}
	}
}

func TestTokenAuth(t *testing.T) {
	cfg := testConfig(t)
	cfg.Token = "s3cret-token"
	h := newServer(t, cfg).Handler()
	for _, c := range []struct {
		path, token string
		want        int
	}{
		{"/healthz", "", 200}, {"/readyz", "", 200},
		{"/metrics", "", 401}, {"/metrics", "wrong", 401}, {"/metrics", "s3cret-token", 200},
		{"/api/v1/scans", "", 401}, {"/api/v1/scans", "s3cret-token-longer", 401}, {"/api/v1/scans", "s3cret-token", 200},
		{"/api/v1/findings", "s3cret-toke", 401}, {"/api/v1/score", "s3cret-token", 200},
	} {
		code, body := get(t, h, c.path, c.token)
		if code != c.want {
			t.Errorf("%s token %q: %d, want %d", c.path, c.token, code, c.want)
		}
		if strings.Contains(body, "s3cret") {
			t.Errorf("%s: the token is echoed: %s", c.path, body)
		}
	}
	// /readyz is open, its details are not.
	cfg.Targets = []config.Target{{Name: "prod", AWS: &config.AWSTarget{Accounts: []string{"111122223333"}, Role: "Audit"}}}
	s2 := newServer(t, cfg)
	if code, body := get(t, s2.Handler(), "/readyz", ""); code != 200 || strings.Contains(body, "111122223333") || strings.Contains(body, "cloudward.db") {
		t.Errorf("readyz without token: %d %s", code, body)
	}
	if _, body := get(t, s2.Handler(), "/readyz", "s3cret-token"); !strings.Contains(body, "111122223333") {
		t.Errorf("readyz with token lacks the targets: %s", body)
	}
	// Not Bearer: refused.
	req := httptest.NewRequest("GET", "/metrics", nil)
	req.Header.Set("Authorization", "Basic s3cret-token")
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	if rec.Code != 401 || rec.Header().Get("WWW-Authenticate") == "" {
		t.Errorf("basic auth: %d %v", rec.Code, rec.Header())
	}
}

func TestIsLoopback(t *testing.T) {
	for addr, want := range map[string]bool{
		"127.0.0.1:8080": true, "localhost:80": true, "[::1]:8080": true, "127.1.2.3:1": true,
		"0.0.0.0:8080": false, ":8080": false, "10.0.0.5:80": false, "[::]:80": false, "example.com:80": false,
	} {
		got, err := IsLoopback(addr)
		if err != nil || got != want {
			t.Errorf("%s: %v %v", addr, got, err)
		}
	}
	if _, err := IsLoopback("8080"); err == nil {
		t.Error("no port: no error")
	}
}

// storeDemo stores n scans of the demo snapshot; in the second, the
// critical failures pass (so they are resolved).
func storeDemo(t *testing.T, s *Server, n int) []*scanrun.Stored {
	t.Helper()
	var out []*scanrun.Stored
	for i := range n {
		res, err := scanrun.Evaluate(context.Background(), "snapshot:demo", scanrun.SnapshotLoader(demoSnapshot), scanrun.Options{
			Registry: s.cfg.Registry, Version: "test", Now: time.Now, NewID: s.cfg.NewID,
		})
		if err != nil {
			t.Fatal(err)
		}
		if i == 1 {
			for j := range res.Findings {
				if f := &res.Findings[j]; f.Check.Severity == check.Critical && f.Status == check.Fail {
					f.Status = check.Pass
				}
			}
		}
		st, err := scanrun.Save(context.Background(), s.store(), res)
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, st)
	}
	return out
}

type findingsPageJSON struct {
	Findings   []Finding `json:"findings"`
	Limit      int       `json:"limit"`
	Offset     int       `json:"offset"`
	NextOffset *int      `json:"next_offset"`
}

func TestFindingsAPIFiltersAndPaging(t *testing.T) {
	s := newServer(t, testConfig(t))
	stored := storeDemo(t, s, 2)
	h := s.Handler()

	// Resolved: the critical findings that passed in the second scan.
	code, body := get(t, h, "/api/v1/findings?state=resolved", "")
	p := decode[findingsPageJSON](t, body)
	if code != 200 || len(p.Findings) != len(stored[1].Diff.Resolved) || len(p.Findings) == 0 {
		t.Fatalf("resolved: %d, %d findings, want %d: %s", code, len(p.Findings), len(stored[1].Diff.Resolved), body)
	}
	for _, f := range p.Findings {
		if f.State != "resolved" || f.Severity != "critical" {
			t.Errorf("resolved filter returned %+v", f)
		}
	}

	// Severity, state, account and region together.
	_, body = get(t, h, "/api/v1/findings?severity=high,medium&state=open&account=123456789012&region=us-east-1&limit=1000", "")
	p = decode[findingsPageJSON](t, body)
	if len(p.Findings) == 0 || p.NextOffset != nil {
		t.Fatalf("filtered: %s", body)
	}
	for _, f := range p.Findings {
		if (f.Severity != "high" && f.Severity != "medium") || f.State != "open" || f.Region != "us-east-1" || f.Account != "123456789012" {
			t.Errorf("filter returned %+v", f)
		}
	}
	all := len(p.Findings)

	// Pages of 5 walk the same set without overlap.
	seen := map[string]bool{}
	next := 0
	for pages := 0; ; pages++ {
		_, body = get(t, h, fmt.Sprintf("/api/v1/findings?severity=high,medium&state=open&account=123456789012&region=us-east-1&limit=5&offset=%d", next), "")
		p = decode[findingsPageJSON](t, body)
		for _, f := range p.Findings {
			if seen[f.Fingerprint] {
				t.Fatalf("page at %d repeats %s", next, f.Fingerprint)
			}
			seen[f.Fingerprint] = true
		}
		if p.NextOffset == nil {
			break
		}
		if len(p.Findings) != 5 || *p.NextOffset != next+5 {
			t.Fatalf("page at %d: %d findings, next %v", next, len(p.Findings), *p.NextOffset)
		}
		next = *p.NextOffset
	}
	if len(seen) != all {
		t.Errorf("paging saw %d findings, want %d", len(seen), all)
	}

	// One scan's findings, by ID prefix; check filter.
	first := stored[0].Scan
	_, body = get(t, h, "/api/v1/findings?scan="+first.ID+"&check=aws-iam-root-access-keys&status=FAIL", "")
	p = decode[findingsPageJSON](t, body)
	if len(p.Findings) != 1 || p.Findings[0].ScanID != first.ID || p.Findings[0].CheckID != "aws-iam-root-access-keys" {
		t.Errorf("scan+check filter: %s", body)
	}

	for path, want := range map[string]int{
		"/api/v1/findings?state=nope":      400,
		"/api/v1/findings?severity=urgent": 400,
		"/api/v1/findings?limit=0":         400,
		"/api/v1/findings?limit=1001":      400,
		"/api/v1/findings?offset=-1":       400,
		"/api/v1/findings?status=MAYBE":    400,
		"/api/v1/findings?scan=nosuchscan": 404,
	} {
		if code, body := get(t, h, path, ""); code != want || !strings.Contains(body, `"error"`) {
			t.Errorf("%s: %d %s", path, code, body)
		}
	}
}

func TestScansAndScoreAPI(t *testing.T) {
	s := newServer(t, testConfig(t))
	stored := storeDemo(t, s, 3)
	h := s.Handler()
	type scansPage struct {
		Scans      []Scan `json:"scans"`
		NextOffset *int   `json:"next_offset"`
	}
	_, body := get(t, h, "/api/v1/scans?limit=2", "")
	p := decode[scansPage](t, body)
	if len(p.Scans) != 2 || p.Scans[0].ID != stored[2].Scan.ID || p.NextOffset == nil || *p.NextOffset != 2 {
		t.Fatalf("page 1: %s", body)
	}
	_, body = get(t, h, "/api/v1/scans?limit=2&offset=2", "")
	p = decode[scansPage](t, body)
	if len(p.Scans) != 1 || p.Scans[0].ID != stored[0].Scan.ID || p.NextOffset != nil {
		t.Fatalf("page 2: %s", body)
	}
	if sc := p.Scans[0]; sc.Total != sc.Pass+sc.Fail+sc.Unknown || sc.Fail == 0 || len(sc.Accounts) != 1 {
		t.Errorf("scan counts: %+v", sc)
	}
	_, body = get(t, h, "/api/v1/scans?target=nobody", "")
	if p = decode[scansPage](t, body); len(p.Scans) != 0 {
		t.Errorf("target filter: %s", body)
	}

	_, body = get(t, h, "/api/v1/score", "")
	sc := decode[struct {
		Targets []TargetScore `json:"targets"`
	}](t, body)
	want, _ := stored[2].Scan.Scores()
	if len(sc.Targets) != 1 || sc.Targets[0].ScanID != stored[2].Scan.ID || sc.Targets[0].Score != want.Overall.Value ||
		sc.Targets[0].ByAccount["123456789012"] != want.ByAccount["123456789012"].Value {
		t.Errorf("score: %s (want %v)", body, want.Overall.Value)
	}
	// Framework scores of the latest scan, as stored.
	fws := stored[2].Scan.Frameworks
	if len(fws) == 0 || len(sc.Targets[0].ByFramework) != len(fws) {
		t.Fatalf("by_framework: %v, stored %d frameworks", sc.Targets[0].ByFramework, len(fws))
	}
	for _, f := range fws {
		if got, ok := sc.Targets[0].ByFramework[f.ID]; !ok || got != f.Score {
			t.Errorf("by_framework[%s] = %v, want %v", f.ID, got, f.Score)
		}
	}
}

// lockDB holds the SQLite write lock from another connection, as another
// process would; release ends it.
func lockDB(t *testing.T, path string) (release func()) {
	t.Helper()
	db, err := sql.Open("sqlite", path)
	if err != nil {
		t.Fatal(err)
	}
	conn, err := db.Conn(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if _, err := conn.ExecContext(context.Background(), "BEGIN IMMEDIATE"); err != nil {
		t.Fatal(err)
	}
	var once sync.Once
	release = func() {
		once.Do(func() {
			conn.ExecContext(context.Background(), "ROLLBACK")
			conn.Close()
			db.Close()
		})
	}
	t.Cleanup(release)
	return release
}

func TestLockedDatabaseRetriedAndOverlapSkipped(t *testing.T) {
	cfg := testConfig(t, config.Target{Name: "demo", Snapshot: demoSnapshot})
	cfg.RetryMin, cfg.RetryMax = 200*time.Millisecond, 200*time.Millisecond
	s := newServer(t, cfg)
	release := lockDB(t, cfg.DSN)
	s.Tick()
	time.Sleep(50 * time.Millisecond)
	s.Tick() // the first is still waiting for the lock: skipped
	time.Sleep(300 * time.Millisecond)
	release()
	s.scans.Wait()
	_, body := get(t, s.Handler(), "/metrics", "")
	for _, want := range []string{`cloudward_scans_total{result="skipped",target="demo"} 1`, `cloudward_scans_total{result="ok",target="demo"} 1`} {
		if !strings.Contains(body, want) {
			t.Errorf("metrics lack %q", want)
		}
	}
	if scans, _ := s.store().Scans(context.Background(), store.ScanQuery{}); len(scans) != 1 {
		t.Errorf("%d scans stored, want 1", len(scans))
	}
}

func TestReadyzWhileDatabaseUnreachable(t *testing.T) {
	cfg := testConfig(t)
	var reachable atomic.Bool
	open := cfg.Open
	cfg.Open = func(ctx context.Context, dsn string) (store.Store, error) {
		if !reachable.Load() {
			// A real connection failure: nothing listens on port 1.
			return store.Open(ctx, "postgres://cloudward@127.0.0.1:1/x?connect_timeout=1", store.Options{ConnectTimeout: time.Second})
		}
		return open(ctx, dsn)
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
	waitFor(t, func() bool {
		resp, err := http.Get(base + "/readyz")
		if err != nil {
			return false
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		return resp.StatusCode == 503 && strings.Contains(string(body), "cannot reach PostgreSQL")
	})
	if resp, err := http.Get(base + "/healthz"); err != nil || resp.StatusCode != 200 {
		t.Fatalf("healthz while the database is down: %v %v", resp, err)
	}
	if resp, _ := http.Get(base + "/api/v1/scans"); resp.StatusCode != 503 {
		t.Errorf("api while the database is down: %d", resp.StatusCode)
	}
	reachable.Store(true)
	waitFor(t, func() bool {
		resp, err := http.Get(base + "/readyz")
		if err != nil {
			return false
		}
		resp.Body.Close()
		return resp.StatusCode == 200
	})
	cancel()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
}

func waitFor(t *testing.T, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatal("condition not met in 10s")
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// runWithScanInFlight starts the server, starts a scan held by the
// database lock, and cancels the service.
func runWithScanInFlight(t *testing.T, grace, releaseAfter, retry time.Duration) (time.Duration, Config) {
	cfg := testConfig(t, config.Target{Name: "demo", Snapshot: demoSnapshot})
	cfg.ShutdownTimeout = grace
	cfg.RetryMin, cfg.RetryMax = retry, retry
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
	waitFor(t, func() bool { return s.store() != nil })
	release := lockDB(t, cfg.DSN)
	s.Tick()
	time.Sleep(100 * time.Millisecond) // the scan is waiting for the lock
	cancel()                           // SIGTERM
	stopped := time.Now()
	time.AfterFunc(releaseAfter, release)
	select {
	case err := <-done:
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(20 * time.Second):
		t.Fatal("Run did not return")
	}
	took := time.Since(stopped)
	if s.startScan(cfg.Targets[0], scanrun.Unit{Target: "demo"}) {
		t.Error("a scan started after shutdown")
	}
	return took, cfg
}

func storedScans(t *testing.T, cfg Config) []store.Scan {
	st, err := store.Open(context.Background(), cfg.DSN, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	scans, err := st.Scans(context.Background(), store.ScanQuery{})
	if err != nil {
		t.Fatal(err)
	}
	return scans
}

func TestShutdownFinishesScanInFlight(t *testing.T) {
	// The lock goes away within the grace period: the scan completes.
	_, cfg := runWithScanInFlight(t, 10*time.Second, 200*time.Millisecond, 100*time.Millisecond)
	if scans := storedScans(t, cfg); len(scans) != 1 {
		t.Errorf("%d scans stored, want the one in flight", len(scans))
	}
}

func TestShutdownAbandonsScanInFlight(t *testing.T) {
	// The lock outlives the grace period: the scan is abandoned and leaves
	// nothing behind.
	// Retries 2 s apart would outlast the lock: only abandoning ends the
	// scan this early.
	took, cfg := runWithScanInFlight(t, 200*time.Millisecond, 3*time.Second, 2*time.Second)
	if took > 1500*time.Millisecond {
		t.Errorf("shutdown took %v with a 200ms grace period", took)
	}
	time.Sleep(3100*time.Millisecond - 200*time.Millisecond)
	if scans := storedScans(t, cfg); len(scans) != 0 {
		t.Errorf("abandoned scan stored: %+v", scans)
	}
}

// The per-severity pages of findingsPage equal the store's own pages.
func TestFindingsPageBySeverityMatchesStore(t *testing.T) {
	s := newServer(t, testConfig(t))
	storeDemo(t, s, 2)
	ctx := context.Background()
	for _, base := range []store.FindingQuery{
		{Severities: []int{4, 3, 1}},
		{Severities: []int{2, 3, 3}, States: []string{store.StateOpen}},
		{Severities: []int{0, 1, 2, 3, 4}, Accounts: []string{"123456789012"}},
		{}, // no severity filter: every severity, in turn
		{Statuses: []string{"FAIL", "PASS"}, ScanSeq: 1},
	} {
		all, err := s.store().Findings(ctx, base)
		if err != nil || len(all) < 20 {
			t.Fatalf("%+v: %d findings, %v", base, len(all), err)
		}
		for _, lim := range []int{1, 7, 50} {
			for off := 0; off <= len(all)+1; off += 3 {
				q := base
				q.Limit, q.Offset = lim, off
				got, err := findingsPage(ctx, s.store(), q)
				if err != nil {
					t.Fatal(err)
				}
				want := all[min(off, len(all)):min(off+lim, len(all))]
				if len(got) != len(want) {
					t.Fatalf("%+v: %d findings, want %d", q, len(got), len(want))
				}
				for i := range got {
					if got[i].Fingerprint != want[i].Fingerprint || got[i].Target != want[i].Target {
						t.Fatalf("%+v: finding %d is %s, want %s", q, i, got[i].Fingerprint, want[i].Fingerprint)
					}
				}
			}
		}
	}
}

func TestPermanentDBError(t *testing.T) {
	for code, want := range map[string]bool{"22021": true, "23505": true, "40P01": false, "53100": false, "08006": false} {
		err := fmt.Errorf("storing scan x: %w", &pgconn.PgError{Code: code})
		if got := permanentDBError(err); got != want {
			t.Errorf("%s: %v", code, got)
		}
	}
	if permanentDBError(fmt.Errorf("database is locked")) {
		t.Error("a SQLite lock is not permanent")
	}
}
