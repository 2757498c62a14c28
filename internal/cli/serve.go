package cli

import (
	"context"
	"fmt"
	"log/slog"
	"net"
	"os/signal"
	"syscall"
	"time"

	"github.com/spf13/cobra"

	"github.com/cloudward/cloudward/internal/server"
	"github.com/cloudward/cloudward/internal/store"
	"github.com/cloudward/cloudward/internal/worker"
)

// serviceFlags are the flags shared by serve and worker.
type serviceFlags struct {
	config          string
	db              string
	shutdownTimeout time.Duration
	// keepDays and keepScans are the retention (0: keep everything).
	keepDays, keepScans int
}

func (f *serviceFlags) register(cmd *cobra.Command) {
	fl := cmd.Flags()
	fl.StringVar(&f.config, "config", "", "read targets, schedule, database, mutelist and alerts from `FILE` (default ./cloudward.yaml, else $XDG_CONFIG_HOME/cloudward/cloudward.yaml; see docs/config.md)")
	dbFlag(cmd, &f.db)
	fl.DurationVar(&f.shutdownTimeout, "shutdown-timeout", 30*time.Second, "on SIGTERM/SIGINT, let a scan in flight finish for this `DURATION`, then abandon it (rolled back)")
	retentionFlags(cmd, &f.keepDays, &f.keepScans, "after each stored scan, delete its target's scans")
}

// retentionFlags are --keep-days and --keep-scans (serve, worker, prune).
func retentionFlags(cmd *cobra.Command, days, scans *int, what string) {
	cmd.Flags().IntVar(days, "keep-days", 0, what+" finished more than `N` days ago (0: no age limit; config: retention.days)")
	cmd.Flags().IntVar(scans, "keep-scans", 0, what+" beyond the newest `N` of the target (0: no count limit; config: retention.scans)")
}

// serviceConfig loads the config file, fills the command's flags from its
// section (serve: or worker:), and builds the server settings.
func (f *serviceFlags) serviceConfig(cmd *cobra.Command, env *Env, section string) (server.Config, error) {
	cfg, err := loadCommandConfig(cmd, env, f.config, section)
	if err != nil {
		return server.Config{}, err
	}
	path := cfg.File
	if f.keepDays < 0 || f.keepScans < 0 {
		return server.Config{}, usageErr("--keep-days and --keep-scans must be 0 (keep all) or more")
	}
	reg, err := registry(env)
	if err != nil {
		return server.Config{}, err
	}
	if cfg.Mutelist != nil {
		if err := cfg.Mutelist.CheckIDs(func(id string) bool { return reg.Get(id) != nil }); err != nil {
			return server.Config{}, inputErr(err)
		}
	}
	disp, err := cfg.Alerts.Dispatcher()
	if err != nil {
		return server.Config{}, inputErr(fmt.Errorf("%s: alerts: %w", path, err))
	}
	dsn := f.db
	if dsn == "" {
		dsn = cfg.Database.Reveal()
	}
	if dsn == "" {
		if dsn, err = store.DefaultPath(env.Getenv); err != nil {
			return server.Config{}, usageErr("no default database (%v): give --db PATH", err)
		}
	}
	return server.Config{
		DSN: dsn, Targets: cfg.Targets, Schedule: cfg.Schedule, Registry: reg, Mutelist: cfg.Mutelist,
		Alerts: disp, Version: env.Version, ShutdownTimeout: f.shutdownTimeout,
		Logger: slog.New(slog.NewTextHandler(env.Stderr, nil)),
		Getenv: env.Getenv, Now: env.Now, NewID: env.NewScanID,
		Retention: store.PruneQuery{KeepDays: f.keepDays, KeepScans: f.keepScans},
	}, nil
}

// serveOptions are the validated flags of serve.
type serveOptions struct {
	server.Config
	listen string
	queue  bool
}

func newServeCommand(env *Env) *cobra.Command {
	var f serviceFlags
	var listen, token, queue string
	cmd := &cobra.Command{
		Use:   "serve",
		Short: "Run the service: scheduled scans, alerts, /metrics and a JSON API (see docs/serve.md)",
		Example: "  cloudward serve --config cloudward.yaml\n" +
			"  cloudward serve --db ~/.local/share/cloudward/cloudward.db   # serve what is stored\n" +
			"  CLOUDWARD_API_TOKEN=... cloudward serve --listen 0.0.0.0:8080 --config cloudward.yaml\n" +
			"  cloudward serve --db postgres://... --queue postgres          # cloudward worker processes scan",
		Args: noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			cfg, err := f.serviceConfig(cmd, env, "serve")
			if err != nil {
				return err
			}
			if token == "" {
				token = env.Getenv("CLOUDWARD_API_TOKEN")
			}
			cfg.Token = token
			loop, err := server.IsLoopback(listen)
			if err != nil {
				return usageErr("%v", err)
			}
			if !loop && token == "" {
				return usageErr("--listen %s is not a loopback address: an API token is required (set CLOUDWARD_API_TOKEN, or --api-token)", listen)
			}
			switch queue {
			case "":
			case "postgres":
				if !store.IsPostgres(cfg.DSN) {
					return usageErr("--queue postgres needs a postgres:// --db (the queue lives in the scan database)")
				}
			default:
				return usageErr("--queue: unknown queue %q (want postgres)", queue)
			}
			ctx, stop := signal.NotifyContext(cmd.Context(), syscall.SIGINT, syscall.SIGTERM)
			defer stop()
			return runServe(ctx, serveOptions{Config: cfg, listen: listen, queue: queue != ""})
		},
	}
	f.register(cmd)
	fl := cmd.Flags()
	fl.StringVar(&listen, "listen", "127.0.0.1:8080", "listen on `ADDR` (HOST:PORT); a non-loopback address requires an API token")
	fl.StringVar(&token, "api-token", "", "require `TOKEN` as \"Authorization: Bearer TOKEN\" on /metrics and /api/ (prefer CLOUDWARD_API_TOKEN: flags show in ps)")
	fl.StringVar(&queue, "queue", "", "enqueue scheduled scans for `cloudward worker` instead of scanning here: postgres (config: queue)")
	return cmd
}

// runServe runs the service until ctx ends; a clean shutdown is nil.
func runServe(ctx context.Context, o serveOptions) error {
	if o.queue {
		pool, err := connectQueue(ctx, o.DSN, o.Logger, o.RetryMin)
		if err != nil {
			return err
		}
		if pool == nil {
			return nil // stopped while connecting
		}
		defer pool.Close()
		q, err := worker.NewQueue(pool)
		if err != nil {
			return err
		}
		o.Queue = q
	}
	srv, err := server.New(o.Config)
	if err != nil {
		return usageErr("%v", err)
	}
	ln, err := net.Listen("tcp", o.listen)
	if err != nil {
		return usageErr("--listen: %v", err)
	}
	return srv.Run(ctx, ln)
}
