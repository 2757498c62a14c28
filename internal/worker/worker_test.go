package worker_test

import (
	"bufio"
	"context"
	"database/sql"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	_ "github.com/jackc/pgx/v5/stdlib"
	"github.com/riverqueue/river"
	"github.com/riverqueue/river/riverdriver/riverpgxv5"

	"github.com/cloudward/cloudward/internal/check"
	awschecks "github.com/cloudward/cloudward/internal/checks/aws"
	"github.com/cloudward/cloudward/internal/config"
	"github.com/cloudward/cloudward/internal/scanrun"
	"github.com/cloudward/cloudward/internal/server"
	"github.com/cloudward/cloudward/internal/store"
	"github.com/cloudward/cloudward/internal/worker"
)

// pgDSN creates a fresh schema on the test server (CLOUDWARD_TEST_POSTGRES)
// and returns a DSN whose search_path points at it.
func pgDSN(t *testing.T) string {
	t.Helper()
	base := os.Getenv("CLOUDWARD_TEST_POSTGRES")
	if base == "" {
		t.Skip("CLOUDWARD_TEST_POSTGRES is not set: PostgreSQL worker tests skipped (scripts/pg-test-server.sh starts a server)")
	}
	admin, err := sql.Open("pgx", base)
	if err != nil {
		t.Fatal(err)
	}
	schema := fmt.Sprintf("w_%d", time.Now().UnixNano())
	if _, err := admin.Exec("CREATE SCHEMA " + schema); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		admin.Exec("DROP SCHEMA " + schema + " CASCADE")
		admin.Close()
	})
	sep := "?"
	if strings.Contains(base, "?") {
		sep = "&"
	}
	return base + sep + "search_path=" + schema
}

// targets are four real inputs: the demo account's snapshot and three IaC
// trees (CloudFormation, and Terraform with CloudFormation) and a small
// snapshot.
func targets() []config.Target {
	return []config.Target{
		{Name: "demo", Snapshot: filepath.Join("..", "demo", "snapshot")},
		{Name: "mixed", IaC: filepath.Join("..", "cli", "testdata", "iac", "mixed")},
		{Name: "cfn", IaC: filepath.Join("..", "source", "cloudformation", "testdata")},
		{Name: "snap", Snapshot: filepath.Join("..", "cli", "testdata", "snap")},
	}
}

var ids atomic.Int64

func newServer(t *testing.T, dsn string) *server.Server {
	t.Helper()
	reg, err := check.NewRegistry(awschecks.Checks()...)
	if err != nil {
		t.Fatal(err)
	}
	s, err := server.New(server.Config{
		DSN: dsn, Targets: targets(), Registry: reg, Version: "test", Now: time.Now, Logger: slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn})),
		NewID: func() string { return fmt.Sprintf("w-scan-%d", ids.Add(1)) },
	})
	if err != nil {
		t.Fatal(err)
	}
	if !s.Connect(context.Background()) {
		t.Fatal("store not connected")
	}
	t.Cleanup(s.Close)
	return s
}

func pool(t *testing.T, dsn string) *pgxpool.Pool {
	t.Helper()
	p, err := worker.Connect(context.Background(), dsn)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(p.Close)
	return p
}

func start(t *testing.T, cfg worker.Config) *worker.Worker {
	t.Helper()
	w, err := worker.Start(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		w.StopAndCancel(ctx)
	})
	return w
}

func waitFor(t *testing.T, what string, limit time.Duration, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(limit)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("%s: not done in %v", what, limit)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

func storedTargets(t *testing.T, s store.Store) map[string]int {
	t.Helper()
	scans, err := s.Scans(context.Background(), store.ScanQuery{})
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]int{}
	for _, sc := range scans {
		out[sc.Source]++
	}
	return out
}

func openStore(t *testing.T, dsn string) store.Store {
	st, err := store.Open(context.Background(), dsn, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return st
}

func TestTwoWorkersProcessJobs(t *testing.T) {
	dsn := pgDSN(t)
	srvA, srvB := newServer(t, dsn), newServer(t, dsn) // two machines
	q, err := worker.NewQueue(pool(t, dsn))
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	for _, tg := range targets() {
		if ok, err := q.Enqueue(ctx, scanrun.Unit{Target: tg.Name}); err != nil || !ok {
			t.Fatalf("enqueue %s: %v %v", tg.Name, ok, err)
		}
	}
	// A job waiting for a worker is not enqueued twice.
	if ok, err := q.Enqueue(ctx, scanrun.Unit{Target: "demo"}); err != nil || ok {
		t.Fatalf("duplicate enqueue: %v %v", ok, err)
	}

	var mu sync.Mutex
	ran := map[string][]string{}
	runner := func(name string, s *server.Server) worker.RunFunc {
		return func(ctx context.Context, u scanrun.Unit) error {
			mu.Lock()
			ran[name] = append(ran[name], u.Target)
			mu.Unlock()
			// Long enough that one worker cannot take every job alone.
			time.Sleep(700 * time.Millisecond)
			return s.RunUnit(ctx, u, worker.ErrPermanent)
		}
	}
	start(t, worker.Config{Pool: pool(t, dsn), Run: runner("a", srvA), Concurrency: 1})
	start(t, worker.Config{Pool: pool(t, dsn), Run: runner("b", srvB), Concurrency: 1})

	st := openStore(t, dsn)
	waitFor(t, "4 scans stored", 60*time.Second, func() bool { return len(storedTargets(t, st)) == 4 })
	got := storedTargets(t, st)
	for _, tg := range targets() {
		src := "snapshot:" + tg.Snapshot
		if tg.IaC != "" {
			src = "iac:" + tg.IaC
		}
		if got[src] != 1 {
			t.Errorf("%s stored %d times: %v", src, got[src], got)
		}
	}
	mu.Lock()
	if len(ran["a"]) == 0 || len(ran["b"]) == 0 || len(ran["a"])+len(ran["b"]) != 4 {
		t.Errorf("jobs per worker: %v", ran)
	}
	mu.Unlock()
	// Done jobs do not block the next round.
	if ok, err := q.Enqueue(ctx, scanrun.Unit{Target: "demo"}); err != nil || !ok {
		t.Errorf("enqueue after completion: %v %v", ok, err)
	}
}

func TestUnknownTargetCancelledNotRetried(t *testing.T) {
	dsn := pgDSN(t)
	s := newServer(t, dsn)
	p := pool(t, dsn)
	q, _ := worker.NewQueue(p)
	if _, err := q.Enqueue(context.Background(), scanrun.Unit{Target: "not-in-config"}); err != nil {
		t.Fatal(err)
	}
	var calls atomic.Int64
	start(t, worker.Config{Pool: p, Concurrency: 1, Run: func(ctx context.Context, u scanrun.Unit) error {
		calls.Add(1)
		return s.RunUnit(ctx, u, worker.ErrPermanent)
	}})
	waitFor(t, "job cancelled", 30*time.Second, func() bool { return jobState(t, p) == "cancelled" })
	if calls.Load() != 1 {
		t.Errorf("%d attempts, want 1", calls.Load())
	}
}

func jobState(t *testing.T, p *pgxpool.Pool) string {
	var state string
	if err := p.QueryRow(context.Background(), "SELECT state FROM river_job ORDER BY id DESC LIMIT 1").Scan(&state); err != nil {
		return ""
	}
	return state
}

// A worker that dies mid-job (its context cancelled, as on a crash of the
// scan or a stop without grace) leaves the job to river, which retries it
// on the other worker; the scan lands once.
func TestKilledWorkerJobRetried(t *testing.T) {
	dsn := pgDSN(t)
	s := newServer(t, dsn)
	q, _ := worker.NewQueue(pool(t, dsn))
	started := make(chan struct{})
	var once sync.Once
	dying, err := worker.Start(context.Background(), worker.Config{Pool: pool(t, dsn), Concurrency: 1,
		Run: func(ctx context.Context, u scanrun.Unit) error {
			once.Do(func() { close(started) })
			<-ctx.Done() // killed mid-scan
			return ctx.Err()
		}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := q.Enqueue(context.Background(), scanrun.Unit{Target: "demo"}); err != nil {
		t.Fatal(err)
	}
	select {
	case <-started:
	case <-time.After(30 * time.Second):
		t.Fatal("the job never started")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	dying.StopAndCancel(ctx)
	cancel()

	p := pool(t, dsn)
	start(t, worker.Config{Pool: p, Concurrency: 1, Run: func(ctx context.Context, u scanrun.Unit) error {
		return s.RunUnit(ctx, u, worker.ErrPermanent)
	}})
	st := openStore(t, dsn)
	waitFor(t, "retried job stored", 60*time.Second, func() bool { return len(storedTargets(t, st)) == 1 })
	waitFor(t, "job completed", 10*time.Second, func() bool { return jobState(t, p) == "completed" })
	// River does not count an attempt cut short by its own client's
	// stop; both workers took the job.
	var by []string
	if err := p.QueryRow(context.Background(), "SELECT attempted_by FROM river_job").Scan(&by); err != nil || len(by) != 2 || by[0] == by[1] {
		t.Errorf("attempted by %v (%v), want the two workers", by, err)
	}
}

// childEnv names the DSN of the child worker process of
// TestCrashedWorkerJobRescued.
const childEnv = "CLOUDWARD_TEST_CHILD_WORKER_DSN"

// TestChildWorker is the worker process that crashes: it takes a job, says
// so on stdout, and hangs until it is killed.
func TestChildWorker(t *testing.T) {
	dsn := os.Getenv(childEnv)
	if dsn == "" {
		t.Skip("only run as the child process of TestCrashedWorkerJobRescued")
	}
	p, err := worker.Connect(context.Background(), dsn)
	if err != nil {
		t.Fatal(err)
	}
	_, err = worker.Start(context.Background(), worker.Config{Pool: p, Concurrency: 1,
		Run: func(ctx context.Context, u scanrun.Unit) error {
			fmt.Println("started", u.Target)
			select {} // hangs mid-scan
		}})
	if err != nil {
		t.Fatal(err)
	}
	select {}
}

// A worker process killed with SIGKILL mid-job never reports: river's
// rescuer (on the leader) finds the job running past RescueAfter and
// retries it on a live worker.
func TestCrashedWorkerJobRescued(t *testing.T) {
	dsn := pgDSN(t)
	s := newServer(t, dsn)
	p := pool(t, dsn)
	// The leader (it runs river's maintenance) is a client that works
	// another queue, so that the crashing child is not the leader.
	leaderWorkers := river.NewWorkers()
	river.AddWorker(leaderWorkers, river.WorkFunc(func(context.Context, *river.Job[worker.ScanArgs]) error { return nil }))
	leader, err := river.NewClient(riverpgxv5.New(p), &river.Config{
		Queues: map[string]river.QueueConfig{"idle": {MaxWorkers: 1}}, Workers: leaderWorkers,
	})
	if err != nil {
		t.Fatal(err)
	}
	if err := leader.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	defer leader.StopAndCancel(context.Background())
	waitFor(t, "leader elected", 20*time.Second, func() bool {
		var n int
		p.QueryRow(context.Background(), "SELECT count(*) FROM river_leader").Scan(&n)
		return n == 1
	})

	child := exec.Command(os.Args[0], "-test.run=^TestChildWorker$", "-test.v")
	child.Env = append(os.Environ(), childEnv+"="+dsn)
	out, err := child.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := child.Start(); err != nil {
		t.Fatal(err)
	}
	defer child.Process.Kill()
	q, _ := worker.NewQueue(p)
	if _, err := q.Enqueue(context.Background(), scanrun.Unit{Target: "demo"}); err != nil {
		t.Fatal(err)
	}
	started := make(chan struct{})
	go func() {
		sc := bufio.NewScanner(out)
		for sc.Scan() {
			if strings.HasPrefix(sc.Text(), "started demo") {
				close(started)
				break
			}
		}
		io.Copy(io.Discard, out)
	}()
	select {
	case <-started:
	case <-time.After(30 * time.Second):
		t.Fatal("the child never took the job")
	}
	if err := child.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	child.Wait()

	const rescueAfter = 3 * time.Second
	start(t, worker.Config{Pool: p, Concurrency: 1, JobTimeout: rescueAfter, RescueAfter: rescueAfter,
		Run: func(ctx context.Context, u scanrun.Unit) error { return s.RunUnit(ctx, u, worker.ErrPermanent) }})
	if state := jobState(t, p); state != "running" {
		t.Fatalf("the crashed job is %q, want running", state)
	}
	time.Sleep(rescueAfter)
	// The leader hands over to the live worker, whose rescuer runs at once.
	leader.Stop(context.Background())
	st := openStore(t, dsn)
	waitFor(t, "rescued job stored", 60*time.Second, func() bool { return len(storedTargets(t, st)) == 1 })
	waitFor(t, "job completed", 10*time.Second, func() bool { return jobState(t, p) == "completed" })
	var attempt int
	var errs []string
	if err := p.QueryRow(context.Background(), "SELECT attempt, errors::text[] FROM river_job").Scan(&attempt, &errs); err != nil ||
		attempt != 2 || len(errs) != 1 || !strings.Contains(errs[0], "Stuck job rescued") {
		t.Errorf("attempt %d, errors %v (%v): want 2 attempts and the rescue recorded", attempt, errs, err)
	}
}

// Processes starting together migrate the queue one at a time.
func TestConcurrentMigrations(t *testing.T) {
	dsn := pgDSN(t)
	errs := make(chan error, 4)
	for range 4 {
		go func() {
			p, err := worker.Connect(context.Background(), dsn)
			if err == nil {
				p.Close()
			}
			errs <- err
		}()
	}
	for range 4 {
		if err := <-errs; err != nil {
			t.Error(err)
		}
	}
}
