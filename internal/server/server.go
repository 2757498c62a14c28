// Package server is `cloudward serve`: it scans the configured targets on a
// cron schedule (or enqueues them for `cloudward worker`), stores the
// results, dispatches alerts, and serves health, readiness, Prometheus
// metrics and a small JSON API over the scan database.
package server

import (
	"context"
	"crypto/subtle"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/jackc/pgx/v5/pgconn"
	"github.com/robfig/cron/v3"

	"github.com/cloudward/cloudward/internal/alert"
	"github.com/cloudward/cloudward/internal/check"
	"github.com/cloudward/cloudward/internal/config"
	"github.com/cloudward/cloudward/internal/mutelist"
	"github.com/cloudward/cloudward/internal/scanrun"
	"github.com/cloudward/cloudward/internal/store"
)

// Enqueuer hands scan units to workers instead of scanning in-process.
type Enqueuer interface {
	// Enqueue inserts a job for u; inserted is false when a job for u is
	// still waiting or running (the run is skipped).
	Enqueue(ctx context.Context, u scanrun.Unit) (inserted bool, err error)
}

// Config configures a Server.
type Config struct {
	// DSN is the scan database (SQLite path or postgres:// URL).
	DSN      string
	Targets  []config.Target
	Schedule string // cron expression; "" scans nothing on its own
	Registry *check.Registry
	Mutelist *mutelist.List
	// Alerts dispatches alert events; nil sends none.
	Alerts  *alert.Dispatcher
	Version string
	// Token, when set, is required as "Authorization: Bearer TOKEN" on
	// /metrics and /api/; /healthz and /readyz stay open.
	Token string
	// ShutdownTimeout is how long a scan in flight may finish after the
	// service is told to stop; then it is abandoned (rolled back).
	ShutdownTimeout time.Duration
	// Queue, when set, receives the scheduled units (worker mode).
	Queue  Enqueuer
	Logger *slog.Logger
	Getenv func(string) string
	Now    func() time.Time
	NewID  func() string
	// Open opens the store; store.Open when nil.
	Open func(ctx context.Context, dsn string) (store.Store, error)
	// RetryMin and RetryMax bound the backoff of database retries
	// (default 1 s and 30 s).
	RetryMin, RetryMax time.Duration
	// Retention, when KeepDays or KeepScans is set, prunes the old scans
	// of a target after each of its scans is stored.
	Retention store.PruneQuery
}

// Server is a running service.
type Server struct {
	cfg      Config
	metrics  *Metrics
	schedule cron.Schedule
	log      *slog.Logger

	mu      sync.Mutex
	st      store.Store
	dbErr   error // last failure to open the database
	closing bool
	running map[string]bool // units with a scan in flight

	// scanCtx is cancelled to abandon the scans in flight.
	scanCtx context.Context
	abandon context.CancelFunc
	scans   sync.WaitGroup

	unavailable map[string]string // target name -> why it cannot be scanned
}

// New validates the configuration.
func New(cfg Config) (*Server, error) {
	s := &Server{cfg: cfg, metrics: NewMetrics(), running: map[string]bool{}, unavailable: map[string]string{}}
	if cfg.Schedule != "" {
		sch, err := cron.ParseStandard(cfg.Schedule)
		if err != nil {
			return nil, fmt.Errorf("schedule %q is not a cron expression: %v", cfg.Schedule, err)
		}
		s.schedule = sch
	}
	if cfg.Registry == nil {
		return nil, errors.New("no check registry")
	}
	seen := map[string]bool{}
	for _, t := range cfg.Targets {
		if seen[t.Name] {
			return nil, fmt.Errorf("target %q is configured twice", t.Name)
		}
		seen[t.Name] = true
		if _, err := scanrun.Units(t); err != nil && !errors.Is(err, scanrun.ErrDiscovery) {
			s.unavailable[t.Name] = err.Error()
		}
	}
	if s.cfg.Logger == nil {
		s.cfg.Logger = slog.New(slog.DiscardHandler)
	}
	s.log = s.cfg.Logger
	if s.cfg.Open == nil {
		s.cfg.Open = func(ctx context.Context, dsn string) (store.Store, error) {
			return store.Open(ctx, dsn, store.Options{})
		}
	}
	if s.cfg.Now == nil {
		s.cfg.Now = time.Now
	}
	if s.cfg.Getenv == nil {
		s.cfg.Getenv = func(string) string { return "" }
	}
	s.cfg.RetryMin = cmpOr(s.cfg.RetryMin, time.Second)
	s.cfg.RetryMax = cmpOr(s.cfg.RetryMax, 30*time.Second)
	s.scanCtx, s.abandon = context.WithCancel(context.Background())
	return s, nil
}

func cmpOr(d, def time.Duration) time.Duration {
	if d > 0 {
		return d
	}
	return def
}

// Metrics returns the server's metrics.
func (s *Server) Metrics() *Metrics { return s.metrics }

// store returns the open store, nil until the database is reachable.
func (s *Server) store() store.Store {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.st
}

// connect opens the database, retrying with backoff until it succeeds or
// ctx ends: the service runs (not ready) meanwhile.
func (s *Server) connect(ctx context.Context) bool {
	wait := s.cfg.RetryMin
	for {
		st, err := s.cfg.Open(ctx, s.cfg.DSN)
		if err == nil {
			s.mu.Lock()
			s.st, s.dbErr = st, nil
			s.mu.Unlock()
			s.log.Info("database ready", "db", st.Location())
			return true
		}
		s.mu.Lock()
		s.dbErr = err
		s.mu.Unlock()
		s.log.Error("database not available; retrying", "err", err, "retry_in", wait.String())
		select {
		case <-ctx.Done():
			return false
		case <-time.After(wait):
		}
		wait = min(2*wait, s.cfg.RetryMax)
	}
}

// Run serves on ln and runs the schedule until ctx is cancelled, then
// shuts down gracefully: no new requests or scans, the scans in flight get
// ShutdownTimeout to finish and are abandoned after it.
func (s *Server) Run(ctx context.Context, ln net.Listener) error {
	connCtx, stopConnect := context.WithCancel(context.Background())
	connected := make(chan struct{})
	go func() {
		defer close(connected)
		s.connect(connCtx)
	}()
	var c *cron.Cron
	if s.schedule != nil {
		c = cron.New(cron.WithLocation(time.UTC))
		c.Schedule(s.schedule, cron.FuncJob(func() { s.Tick() }))
		c.Start()
		s.log.Info("schedule", "cron", s.cfg.Schedule, "next", s.schedule.Next(s.cfg.Now().UTC()).Format(time.RFC3339))
	}
	for name, why := range s.unavailable {
		s.log.Warn("target not scanned", "target", name, "reason", why)
	}
	hs := &http.Server{Handler: s.Handler(), ReadHeaderTimeout: 10 * time.Second}
	served := make(chan error, 1)
	go func() { served <- hs.Serve(ln) }()
	s.log.Info("listening", "addr", ln.Addr().String(), "targets", len(s.cfg.Targets))

	var err error
	select {
	case <-ctx.Done():
	case err = <-served:
	}
	s.log.Info("shutting down")
	if c != nil {
		c.Stop()
	}
	s.mu.Lock()
	s.closing = true
	s.mu.Unlock()
	shCtx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	_ = hs.Shutdown(shCtx)
	cancel()
	s.finishScans()
	stopConnect()
	<-connected
	if st := s.store(); st != nil {
		st.Close()
	}
	if errors.Is(err, http.ErrServerClosed) {
		err = nil
	}
	return err
}

// finishScans waits up to ShutdownTimeout for the scans in flight, then
// abandons them: their contexts end and their transactions roll back.
func (s *Server) finishScans() {
	done := make(chan struct{})
	go func() { s.scans.Wait(); close(done) }()
	select {
	case <-done:
		return
	case <-time.After(s.cfg.ShutdownTimeout):
		s.log.Warn("abandoning the scans in flight", "grace", s.cfg.ShutdownTimeout.String())
		s.abandon()
		<-done
	}
}

// Tick runs one scheduled round: every unit of every available target is
// scanned (in the background) or enqueued. A unit whose previous scan is
// still running is skipped and counted.
func (s *Server) Tick() {
	for _, t := range s.cfg.Targets {
		if why, ok := s.unavailable[t.Name]; ok {
			s.metrics.Scans.WithLabelValues(t.Name, "unavailable").Inc()
			s.log.Warn("target not scanned", "target", t.Name, "reason", why)
			continue
		}
		units, err := scanrun.Units(t)
		if errors.Is(err, scanrun.ErrDiscovery) {
			s.discover(t)
			continue
		}
		s.dispatch(t, units)
	}
}

// dispatch enqueues the units, or scans them here.
func (s *Server) dispatch(t config.Target, units []scanrun.Unit) {
	for _, u := range units {
		if s.cfg.Queue != nil {
			s.enqueue(u)
			continue
		}
		s.startScan(t, u)
	}
}

// discover lists an organization's accounts in the background (API calls
// must not hold up the other targets), then scans or enqueues one unit per
// account. It counts as a scan in flight for shutdown.
func (s *Server) discover(t config.Target) {
	s.mu.Lock()
	if s.closing {
		s.mu.Unlock()
		return
	}
	s.scans.Add(1)
	s.mu.Unlock()
	go func() {
		defer s.scans.Done()
		ctx, cancel := context.WithTimeout(s.scanCtx, 2*time.Minute)
		units, err := scanrun.Discover(ctx, t)
		cancel()
		if err != nil {
			s.metrics.CollectionErrors.WithLabelValues(t.Name).Inc()
			s.metrics.Scans.WithLabelValues(t.Name, "failed").Inc()
			s.log.Error("account discovery failed", "target", t.Name, "err", err)
			return
		}
		s.log.Info("organization accounts discovered", "target", t.Name, "accounts", len(units))
		s.dispatch(t, units)
	}()
}

func (s *Server) enqueue(u scanrun.Unit) {
	ok, err := s.cfg.Queue.Enqueue(s.scanCtx, u)
	switch {
	case err != nil:
		s.metrics.Scans.WithLabelValues(u.Target, "failed").Inc()
		s.log.Error("enqueue failed", "unit", u.String(), "err", err)
	case ok:
		s.metrics.Scans.WithLabelValues(u.Target, "enqueued").Inc()
		s.log.Info("scan enqueued", "unit", u.String())
	default:
		s.metrics.Scans.WithLabelValues(u.Target, "skipped").Inc()
		s.log.Warn("scan skipped: the previous job of this unit is still pending or running", "unit", u.String())
	}
}

// startScan runs a unit's scan in the background unless one is running.
func (s *Server) startScan(t config.Target, u scanrun.Unit) bool {
	key := u.String()
	s.mu.Lock()
	if s.closing {
		s.mu.Unlock()
		return false
	}
	if s.running[key] {
		s.mu.Unlock()
		s.metrics.Scans.WithLabelValues(u.Target, "skipped").Inc()
		s.log.Warn("scan skipped: the previous scan of this target is still running", "unit", key)
		return false
	}
	s.running[key] = true
	s.scans.Add(1)
	s.mu.Unlock()
	go func() {
		defer func() {
			s.mu.Lock()
			delete(s.running, key)
			s.mu.Unlock()
			s.scans.Done()
		}()
		if err := s.scanUnit(s.scanCtx, t, u); err != nil {
			s.metrics.Scans.WithLabelValues(u.Target, "failed").Inc()
			s.log.Error("scan failed", "unit", key, "err", err)
		} else {
			s.metrics.Scans.WithLabelValues(u.Target, "ok").Inc()
		}
	}()
	return true
}

// scanUnit scans, stores (retrying a database failure with backoff) and
// alerts.
func (s *Server) scanUnit(ctx context.Context, t config.Target, u scanrun.Unit) error {
	started := time.Now()
	source, load, err := scanrun.LoaderFor(t, u.Account, s.cfg.Getenv)
	if err != nil {
		return err
	}
	res, err := scanrun.Evaluate(ctx, source, load, scanrun.Options{
		Registry: s.cfg.Registry, Mutelist: s.cfg.Mutelist, Version: s.cfg.Version, Now: s.cfg.Now, NewID: s.cfg.NewID,
	})
	var le *scanrun.LoadError
	if errors.As(err, &le) {
		s.metrics.CollectionErrors.WithLabelValues(u.Target).Inc()
	}
	if err != nil {
		return err
	}
	stored, err := s.save(ctx, res)
	if err != nil {
		return err
	}
	s.metrics.ScanDuration.WithLabelValues(u.Target).Observe(time.Since(started).Seconds())
	var score float64
	if sc, err := stored.Scan.Scores(); err == nil {
		score = sc.Overall.Value
	}
	s.metrics.observeScan(u.Target, stored.Records, stored.Diff, score)
	s.log.Info("scan stored", "unit", u.String(), "scan", stored.Scan.ID, "findings", len(stored.Records),
		"score", score, "seconds", time.Since(started).Seconds())
	s.prune(ctx, stored.Scan.Target)
	// Alerts of a stored scan are sent during the shutdown grace period
	// too; abandoning the scans in flight stops them.
	actx, cancel := context.WithTimeout(ctx, 2*time.Minute)
	defer cancel()
	for _, r := range scanrun.Alerts(actx, s.cfg.Alerts, s.cfg.Registry, stored) {
		s.metrics.Alerts.WithLabelValues(r.Destination, "sent").Add(float64(r.Sent))
		s.metrics.Alerts.WithLabelValues(r.Destination, "failed").Add(float64(r.Failed))
		if len(r.Errors) > 0 {
			s.log.Error("alert delivery failed", "destination", r.Destination, "errors", strings.Join(r.Errors, "; "))
		}
	}
	return nil
}

// prune applies the retention to a target; a failure is logged, not
// fatal: the scan is stored, and the next scan prunes again.
func (s *Server) prune(ctx context.Context, target string) {
	q := s.cfg.Retention
	if q.KeepDays == 0 && q.KeepScans == 0 {
		return
	}
	st := s.store()
	if st == nil {
		return
	}
	q.Target, q.Now = target, s.cfg.Now()
	res, err := st.Prune(ctx, q)
	if err != nil {
		s.log.Error("pruning old scans failed", "target", target, "err", err)
		return
	}
	if len(res.Scans) > 0 {
		s.metrics.Pruned.WithLabelValues(target).Add(float64(len(res.Scans)))
		s.log.Info("old scans pruned", "target", target, "scans", len(res.Scans), "findings", res.Findings,
			"kept_for_open_findings", res.Pinned)
	}
}

// save stores a result, retrying database failures with backoff; a
// cancelled ctx stops at once (the transaction is rolled back).
func (s *Server) save(ctx context.Context, res *scanrun.Result) (*scanrun.Stored, error) {
	wait := s.cfg.RetryMin
	for attempt := 1; ; attempt++ {
		st := s.store()
		var err error
		if st == nil {
			err = errors.New("database not available")
		} else {
			var stored *scanrun.Stored
			if stored, err = scanrun.Save(ctx, st, res); err == nil {
				return stored, nil
			}
		}
		if ctx.Err() != nil || attempt == 4 || permanentDBError(err) {
			return nil, fmt.Errorf("the scan was not stored: %w", err)
		}
		s.log.Error("storing the scan failed; retrying", "scan", res.Report.Scan.ID, "err", err, "retry_in", wait.String())
		select {
		case <-ctx.Done():
			return nil, fmt.Errorf("the scan was not stored: %w", ctx.Err())
		case <-time.After(wait):
		}
		wait = min(2*wait, s.cfg.RetryMax)
	}
}

// authorized checks the bearer token in constant time.
func (s *Server) authorized(r *http.Request) bool {
	if s.cfg.Token == "" {
		return true
	}
	got, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
	return ok && subtle.ConstantTimeCompare([]byte(got), []byte(s.cfg.Token)) == 1
}

// IsLoopback reports whether a listen address binds only to loopback.
func IsLoopback(addr string) (bool, error) {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return false, fmt.Errorf("--listen %q: want HOST:PORT: %v", addr, err)
	}
	if host == "localhost" {
		return true, nil
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback(), nil
}

// Connect opens the database, retrying with backoff; false when ctx ended
// first. Run connects by itself; workers call Connect before RunUnit.
func (s *Server) Connect(ctx context.Context) bool { return s.connect(ctx) }

// Close closes the database.
func (s *Server) Close() {
	if st := s.store(); st != nil {
		st.Close()
	}
}

// RunUnit scans one unit now, in the caller's goroutine (the worker's job):
// an unknown or unavailable target wraps permanent.
func (s *Server) RunUnit(ctx context.Context, u scanrun.Unit, permanent error) error {
	t, ok := scanrun.FindTarget(s.cfg.Targets, u.Target)
	if !ok {
		return fmt.Errorf("target %q is not in this worker's config: %w", u.Target, permanent)
	}
	if why, ok := s.unavailable[t.Name]; ok {
		return fmt.Errorf("%s: %w", why, permanent)
	}
	err := s.scanUnit(ctx, t, u)
	result := "ok"
	if err != nil {
		result = "failed"
	}
	s.metrics.Scans.WithLabelValues(u.Target, result).Inc()
	return err
}

// permanentDBError reports PostgreSQL errors that another attempt cannot
// fix: bad data (class 22) and constraint violations (class 23).
func permanentDBError(err error) bool {
	var pe *pgconn.PgError
	return errors.As(err, &pe) && (strings.HasPrefix(pe.Code, "22") || strings.HasPrefix(pe.Code, "23"))
}
