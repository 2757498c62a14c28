package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/stdlib"
)

// redactDSN names a PostgreSQL database without its password.
func redactDSN(dsn string) string {
	u, err := url.Parse(dsn)
	if err != nil {
		return "postgres://(unparsable URL)"
	}
	return u.Redacted()
}

func openPostgres(ctx context.Context, dsn string, opts Options) (Store, error) {
	return openPostgresTo(ctx, dsn, opts, 0)
}

func openPostgresTo(ctx context.Context, dsn string, opts Options, max int) (Store, error) {
	loc := redactDSN(dsn)
	if opts.ConnectTimeout <= 0 {
		opts.ConnectTimeout = 10 * time.Second
	}
	cfg, err := pgx.ParseConfig(dsn)
	if err != nil {
		// pgx errors can quote the DSN: keep the password out.
		return nil, fmt.Errorf("%s: invalid PostgreSQL URL", loc)
	}
	cfg.ConnectTimeout = opts.ConnectTimeout
	db := stdlib.OpenDB(*cfg)
	db.SetMaxOpenConns(8)
	s := &sqlStore{db: db, location: loc, postgres: true, opts: opts}
	s.explain = func(err error) error { return explainPostgres(err) }
	s.copyFrom = s.pgCopyFindings
	pctx, cancel := context.WithTimeout(ctx, opts.ConnectTimeout)
	defer cancel()
	if err := db.PingContext(pctx); err != nil {
		db.Close()
		return nil, fmt.Errorf("cannot reach PostgreSQL at %s: %w", loc, explainPostgres(err))
	}
	ms, err := loadMigrations(migrationFS, "migrations/postgres")
	if err != nil {
		db.Close()
		return nil, err
	}
	// One process migrates at a time (the advisory lock is released at the
	// end of each migration transaction).
	if err := s.migrate(ctx, ms, max, "SELECT pg_advisory_xact_lock(7411)"); err != nil {
		db.Close()
		return nil, fmt.Errorf("%s: %w", loc, err)
	}
	return s, nil
}

func explainPostgres(err error) error {
	var pe *pgconn.PgError
	if err == nil || !errors.As(err, &pe) {
		return err
	}
	switch pe.Code {
	case "53100":
		return fmt.Errorf("PostgreSQL disk full; the scan was not stored, earlier scans are intact: %w", err)
	case "55P03", "40P01":
		return fmt.Errorf("database locked (lock timeout or deadlock): %w", err)
	}
	return err
}

// copyChunk is the number of findings per COPY, to report progress.
const copyChunk = 20000

var findingCopyColumns = []string{"scan_seq", "fingerprint", "check_id", "severity", "status", "resource_id",
	"resource_type", "region", "account", "message", "evidence", "muted", "mute_reason"}

// pgCopyFindings loads findings with COPY on the connection of the open
// transaction: the rows belong to the transaction and vanish with it.
func (s *sqlStore) pgCopyFindings(ctx context.Context, conn *sql.Conn, seq int64, findings []Finding) error {
	return conn.Raw(func(dc any) error {
		pc := dc.(*stdlib.Conn).Conn()
		for start := 0; start < len(findings); start += copyChunk {
			chunk := findings[start:min(start+copyChunk, len(findings))]
			src := pgx.CopyFromSlice(len(chunk), func(i int) ([]any, error) {
				f := &chunk[i]
				return []any{seq, f.Fingerprint, f.CheckID, int64(f.Severity), f.Status, f.ResourceID, f.ResourceType,
					f.Region, f.Account, f.Message, jsonOr(f.Evidence, "[]"), int64(boolInt(f.Muted)), f.MuteReason}, nil
			})
			if _, err := pc.CopyFrom(ctx, pgx.Identifier{"findings"}, findingCopyColumns, src); err != nil {
				return err
			}
			if s.opts.Progress != nil {
				s.opts.Progress(start + len(chunk))
			}
		}
		return nil
	})
}
