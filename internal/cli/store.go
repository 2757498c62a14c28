package cli

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/cloudward/cloudward/internal/check"
	"github.com/cloudward/cloudward/internal/report"
	"github.com/cloudward/cloudward/internal/store"
)

// dbFlag is the --db flag of every command that reads or writes the store.
func dbFlag(cmd *cobra.Command, db *string) {
	cmd.Flags().StringVar(db, "db", "", "scan database: a SQLite `PATH` or a postgres:// URL "+
		"(default $XDG_DATA_HOME/cloudward/cloudward.db, or ~/.local/share/cloudward/cloudward.db)")
}

// openStore opens the --db database, or the default one. A store error is
// an input error (exit 2): the database is the input of these commands.
func openStore(ctx context.Context, env *Env, db string) (store.Store, error) {
	if db == "" {
		path, err := store.DefaultPath(env.Getenv)
		if err != nil {
			return nil, inputErr(fmt.Errorf("no default database (%v): give --db PATH", err))
		}
		db = path
	}
	st, err := store.Open(ctx, db, store.Options{})
	if err != nil {
		return nil, inputErr(err)
	}
	return st, nil
}

// scanStore is where `scan` and `demo` persist: nil when not storing.
type scanStore struct {
	st store.Store
	// explicit is true for --db: then every failure is an error. The
	// default location only warns when it cannot be opened, so that a
	// plain scan works on a read-only home.
	explicit bool
}

// openScanStore opens the store for a scan before it starts, so that a bad
// --db fails before the work.
func openScanStore(ctx context.Context, env *Env, db string, noStore bool) (*scanStore, error) {
	if noStore {
		if db != "" {
			return nil, usageErr("--db and --no-store: choose one")
		}
		return nil, nil
	}
	if db != "" {
		st, err := store.Open(ctx, db, store.Options{})
		if err != nil {
			return nil, inputErr(fmt.Errorf("--db: %w", err))
		}
		return &scanStore{st: st, explicit: true}, nil
	}
	path, err := store.DefaultPath(env.Getenv)
	if err != nil {
		// No home at all (a bare service environment): nothing to warn
		// about that the user could act on but --db, documented.
		return nil, nil
	}
	st, err := store.Open(ctx, path, store.Options{})
	if err != nil {
		fmt.Fprintf(env.Stderr, "cloudward: warning: the scan will not be stored: %v (use --db PATH, or --no-store)\n", err)
		return nil, nil
	}
	return &scanStore{st: st}, nil
}

func (s *scanStore) close() {
	if s != nil {
		s.st.Close()
	}
}

// save persists a scan: every evaluated finding (muted ones with their
// status before muting), in one transaction. A write failure is always an
// error: the disk may be full, and the user must know the scan is missing.
func (s *scanStore) save(ctx context.Context, r *report.Report, findings []check.Finding, scoped bool) error {
	if s == nil {
		return nil
	}
	sc, err := store.NewScan(r, findings, scoped)
	if err != nil {
		return err
	}
	if err := s.st.SaveScan(ctx, sc, store.Records(findings)); err != nil {
		return &exitError{code: ExitUsage, err: fmt.Errorf("the scan was not stored: %w", err)}
	}
	return nil
}

// resolveScan finds a scan by ID or prefix: unknown IDs are usage errors.
func resolveScan(ctx context.Context, st store.Store, id string) (*store.Scan, error) {
	sc, err := st.Scan(ctx, id)
	if errors.Is(err, store.ErrNotFound) {
		return nil, usageErr("unknown scan ID %q (see cloudward history)", id)
	}
	if err != nil {
		return nil, inputErr(err)
	}
	return sc, nil
}

// checkFormat validates --format for the store commands.
func checkFormat(f string) error {
	switch f {
	case "table", "json", "csv":
		return nil
	}
	return usageErr("--format: unknown format %q (want table, json or csv)", f)
}

func utc(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(time.RFC3339)
}

func severityName(s int) string { return check.Severity(s).String() }

// parseSeverities parses --severity values into store severities.
func parseSeverities(vals []string) ([]int, error) {
	var out []int
	for _, s := range items(vals) {
		sev, err := check.ParseSeverity(s)
		if err != nil {
			return nil, usageErr("--severity: %v", err)
		}
		out = append(out, int(sev))
	}
	return out, nil
}

func upper(vals []string) []string {
	out := items(vals)
	for i := range out {
		out[i] = strings.ToUpper(out[i])
	}
	return out
}
