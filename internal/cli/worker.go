package cli

import (
	"context"
	"errors"
	"log/slog"
	"os/signal"
	"syscall"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/spf13/cobra"

	"github.com/cloudward/cloudward/internal/scanrun"
	"github.com/cloudward/cloudward/internal/server"
	"github.com/cloudward/cloudward/internal/store"
	"github.com/cloudward/cloudward/internal/worker"
)

func newWorkerCommand(env *Env) *cobra.Command {
	var f serviceFlags
	var concurrency int
	cmd := &cobra.Command{
		Use:   "worker",
		Short: "Process scan jobs enqueued by `cloudward serve --queue postgres` (see docs/serve.md)",
		Example: "  cloudward worker --config cloudward.yaml --db postgres://cloudward@db/cloudward\n" +
			"  cloudward worker --config cloudward.yaml --concurrency 4",
		Args: noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			cfg, err := f.serviceConfig(cmd, env, "worker")
			if err != nil {
				return err
			}
			if !store.IsPostgres(cfg.DSN) {
				return usageErr("worker needs a postgres:// --db (or database in the config): the job queue lives in PostgreSQL")
			}
			if concurrency < 1 {
				return usageErr("--concurrency: want at least 1, got %d", concurrency)
			}
			ctx, stop := signal.NotifyContext(cmd.Context(), syscall.SIGINT, syscall.SIGTERM)
			defer stop()
			return runWorker(ctx, cfg, worker.Config{Concurrency: concurrency})
		},
	}
	f.register(cmd)
	cmd.Flags().IntVar(&concurrency, "concurrency", worker.DefaultConcurrency, "scan `N` jobs at once (config: queue.concurrency)")
	return cmd
}

// runWorker works jobs until ctx ends, then lets the jobs in flight finish
// for ShutdownTimeout and cancels the rest (river retries them).
func runWorker(ctx context.Context, cfg server.Config, wc worker.Config) error {
	srv, err := server.New(cfg)
	if err != nil {
		return usageErr("%v", err)
	}
	if !srv.Connect(ctx) {
		return nil // stopped before the database was reachable
	}
	defer srv.Close()
	pool, err := connectQueue(ctx, cfg.DSN, cfg.Logger, cfg.RetryMin)
	if err != nil || pool == nil {
		return err
	}
	defer pool.Close()
	wc.Pool = pool
	wc.Logger = cfg.Logger
	wc.Run = func(ctx context.Context, u scanrun.Unit) error { return srv.RunUnit(ctx, u, worker.ErrPermanent) }
	w, err := worker.Start(context.Background(), wc)
	if err != nil {
		return err
	}
	cfg.Logger.Info("worker started", "queue", worker.QueueName, "concurrency", max(wc.Concurrency, 1), "targets", len(cfg.Targets))
	<-ctx.Done()
	cfg.Logger.Info("worker stopping")
	sctx, cancel := context.WithTimeout(context.Background(), cfg.ShutdownTimeout)
	defer cancel()
	if err := w.Stop(sctx); err != nil {
		cfg.Logger.Warn("cancelling the jobs in flight; they will be retried", "grace", cfg.ShutdownTimeout.String())
		cctx, ccancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer ccancel()
		_ = w.StopAndCancel(cctx)
	}
	return nil
}

// connectQueue connects the job queue, retrying with backoff while
// PostgreSQL is unreachable; nil, nil when ctx ended first.
func connectQueue(ctx context.Context, dsn string, log *slog.Logger, wait time.Duration) (*pgxpool.Pool, error) {
	wait = max(wait, time.Second)
	for {
		pool, err := worker.Connect(ctx, dsn)
		if err == nil {
			return pool, nil
		}
		if ctx.Err() != nil {
			return nil, nil
		}
		log.Error("job queue not available; retrying", "err", err, "retry_in", wait.String())
		select {
		case <-ctx.Done():
			return nil, nil
		case <-time.After(wait):
		}
		wait = min(2*wait, 30*time.Second)
		if errors.Is(err, context.Canceled) {
			return nil, nil
		}
	}
}
