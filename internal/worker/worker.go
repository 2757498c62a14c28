// Package worker distributes scans over machines through a PostgreSQL job
// queue (riverqueue/river): `cloudward serve` enqueues one job per target
// or account on its schedule, and `cloudward worker` processes run them
// with the same pipeline and store the results in the same database. A job
// whose worker dies is rescued by river after RescueAfter and retried.
package worker

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/riverqueue/river"
	"github.com/riverqueue/river/riverdriver/riverpgxv5"
	"github.com/riverqueue/river/rivermigrate"
	"github.com/riverqueue/river/rivertype"

	"github.com/cloudward/cloudward/internal/scanrun"
)

// QueueName is the river queue of scan jobs.
const QueueName = "cloudward_scans"

// Defaults.
const (
	DefaultConcurrency = 2
	// DefaultJobTimeout bounds one scan (live collection of a big account
	// included).
	DefaultJobTimeout = time.Hour
	// DefaultRescueAfter is when a job still running is presumed to have
	// lost its worker and is retried.
	DefaultRescueAfter = DefaultJobTimeout + 15*time.Minute
	MaxAttempts        = 5
)

// ScanArgs is a scan job: one unit of a configured target. Workers read
// the target's definition from their own config file, so that no secret
// travels through the queue.
type ScanArgs struct {
	Target  string `json:"target"`
	Account string `json:"account,omitempty"`
}

// Kind implements river.JobArgs.
func (ScanArgs) Kind() string { return "cloudward_scan" }

// InsertOpts keeps one job per unit waiting or running: a schedule that
// fires while the previous job is not done skips the run.
func (ScanArgs) InsertOpts() river.InsertOpts {
	return river.InsertOpts{
		Queue:       QueueName,
		MaxAttempts: MaxAttempts,
		UniqueOpts: river.UniqueOpts{ByArgs: true, ByState: []rivertype.JobState{
			rivertype.JobStateAvailable, rivertype.JobStatePending, rivertype.JobStateRetryable,
			rivertype.JobStateRunning, rivertype.JobStateScheduled,
		}},
	}
}

// Unit is the scan unit of the job.
func (a ScanArgs) Unit() scanrun.Unit { return scanrun.Unit{Target: a.Target, Account: a.Account} }

// ErrPermanent wraps failures that retrying cannot fix (a target unknown
// to this worker's config): the job is cancelled, not retried.
var ErrPermanent = errors.New("permanent failure")

// Connect opens a pgx pool on dsn (search_path and other URL parameters
// apply) and runs river's migrations.
func Connect(ctx context.Context, dsn string) (*pgxpool.Pool, error) {
	cfg, err := pgxpool.ParseConfig(dsn)
	if err != nil {
		return nil, errors.New("queue: invalid PostgreSQL URL")
	}
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return nil, fmt.Errorf("queue: %w", err)
	}
	pctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	if err := pool.Ping(pctx); err != nil {
		pool.Close()
		return nil, fmt.Errorf("queue: cannot reach PostgreSQL: %w", err)
	}
	if err := Migrate(ctx, pool); err != nil {
		pool.Close()
		return nil, err
	}
	return pool, nil
}

// migrateLock is the advisory lock that serializes river's migrations
// between processes starting together (the store's is 7411).
const migrateLock = 7412

// Migrate creates or upgrades river's tables, one process at a time.
func Migrate(ctx context.Context, pool *pgxpool.Pool) error {
	m, err := rivermigrate.New(riverpgxv5.New(pool), nil)
	if err != nil {
		return fmt.Errorf("queue migrations: %w", err)
	}
	// River's migrations cannot share one transaction (enum values), so
	// the lock is a session lock on a connection of its own.
	conn, err := pool.Acquire(ctx)
	if err != nil {
		return fmt.Errorf("queue migrations: %w", err)
	}
	defer conn.Release()
	if _, err := conn.Exec(ctx, "SELECT pg_advisory_lock($1)", migrateLock); err != nil {
		return fmt.Errorf("queue migrations: %w", err)
	}
	defer conn.Exec(context.WithoutCancel(ctx), "SELECT pg_advisory_unlock($1)", migrateLock)
	if _, err := m.Migrate(ctx, rivermigrate.DirectionUp, nil); err != nil {
		return fmt.Errorf("queue migrations: %w", err)
	}
	return nil
}

// Queue enqueues scan jobs (server side; it works no jobs).
type Queue struct {
	client *river.Client[pgx.Tx]
}

// NewQueue is an insert-only river client on pool.
func NewQueue(pool *pgxpool.Pool) (*Queue, error) {
	c, err := river.NewClient(riverpgxv5.New(pool), &river.Config{})
	if err != nil {
		return nil, err
	}
	return &Queue{client: c}, nil
}

// Enqueue inserts the job of u; false when one is already waiting or
// running.
func (q *Queue) Enqueue(ctx context.Context, u scanrun.Unit) (bool, error) {
	res, err := q.client.Insert(ctx, ScanArgs{Target: u.Target, Account: u.Account}, nil)
	if err != nil {
		return false, err
	}
	return !res.UniqueSkippedAsDuplicate, nil
}

// RunFunc scans one unit and stores the result.
type RunFunc func(ctx context.Context, u scanrun.Unit) error

// Config configures a Worker.
type Config struct {
	Pool *pgxpool.Pool
	Run  RunFunc
	// Concurrency is how many scans run at once (DefaultConcurrency).
	Concurrency int
	// JobTimeout and RescueAfter: see the defaults.
	JobTimeout, RescueAfter time.Duration
	Logger                  *slog.Logger
}

// Worker works scan jobs.
type Worker struct {
	client *river.Client[pgx.Tx]
}

type scanWorker struct {
	river.WorkerDefaults[ScanArgs]
	run RunFunc
	log *slog.Logger
}

func (w *scanWorker) Work(ctx context.Context, job *river.Job[ScanArgs]) error {
	u := job.Args.Unit()
	w.log.Info("scan job started", "job", job.ID, "unit", u.String(), "attempt", job.Attempt)
	err := w.run(ctx, u)
	switch {
	case errors.Is(err, ErrPermanent):
		w.log.Error("scan job cancelled", "job", job.ID, "unit", u.String(), "err", err)
		return river.JobCancel(err)
	case err != nil:
		w.log.Error("scan job failed; river retries it", "job", job.ID, "unit", u.String(), "attempt", job.Attempt, "err", err)
		return err
	}
	w.log.Info("scan job done", "job", job.ID, "unit", u.String())
	return nil
}

// Start starts working jobs until Stop.
func Start(ctx context.Context, cfg Config) (*Worker, error) {
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	workers := river.NewWorkers()
	if err := river.AddWorkerSafely(workers, &scanWorker{run: cfg.Run, log: cfg.Logger}); err != nil {
		return nil, err
	}
	jt := cfg.JobTimeout
	if jt <= 0 {
		jt = DefaultJobTimeout
	}
	ra := cfg.RescueAfter
	if ra <= 0 {
		ra = max(DefaultRescueAfter, jt)
	}
	c, err := river.NewClient(riverpgxv5.New(cfg.Pool), &river.Config{
		Queues:               map[string]river.QueueConfig{QueueName: {MaxWorkers: max(cfg.Concurrency, 1)}},
		Workers:              workers,
		JobTimeout:           jt,
		RescueStuckJobsAfter: ra,
		Logger:               cfg.Logger,
	})
	if err != nil {
		return nil, err
	}
	if err := c.Start(ctx); err != nil {
		return nil, err
	}
	return &Worker{client: c}, nil
}

// Stop waits for the jobs in flight to finish (until ctx ends).
func (w *Worker) Stop(ctx context.Context) error { return w.client.Stop(ctx) }

// StopAndCancel cancels the jobs in flight (they are retried later) and
// stops.
func (w *Worker) StopAndCancel(ctx context.Context) error { return w.client.StopAndCancel(ctx) }
