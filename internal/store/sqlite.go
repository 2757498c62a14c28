package store

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"time"

	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"
)

//go:embed migrations
var migrationFS embed.FS

func openSQLite(ctx context.Context, path string, opts Options) (Store, error) {
	return openSQLiteTo(ctx, path, opts, 0)
}

// sqliteHeader starts every SQLite database file.
const sqliteHeader = "SQLite format 3\x00"

// openSQLiteTo opens path and migrates it up to version max (0: latest).
func openSQLiteTo(ctx context.Context, path string, opts Options, max int) (Store, error) {
	if opts.BusyTimeout <= 0 {
		opts.BusyTimeout = 5 * time.Second
	}
	// Refuse, before SQLite touches it, a file that is not a database:
	// opening it in WAL mode must never rewrite someone's file.
	if f, err := os.Open(path); err == nil {
		head := make([]byte, len(sqliteHeader))
		n, _ := f.Read(head)
		f.Close()
		if n > 0 && string(head[:n]) != sqliteHeader[:n] || n > 0 && n < len(sqliteHeader) {
			return nil, fmt.Errorf("%s: not a cloudward database (not an SQLite file, or corrupted); it was left untouched: move it away or use another --db", path)
		}
	} else if !errors.Is(err, os.ErrNotExist) {
		return nil, fmt.Errorf("database %s: %w", path, err)
	} else if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return nil, fmt.Errorf("database %s: %w", path, err)
	}
	q := url.Values{}
	q.Add("_pragma", fmt.Sprintf("busy_timeout(%d)", opts.BusyTimeout.Milliseconds()))
	q.Add("_pragma", "journal_mode(WAL)")
	q.Add("_pragma", "synchronous(NORMAL)")
	q.Add("_pragma", "foreign_keys(1)")
	// Large scans rewrite indexes all over: a 64 MB page cache keeps
	// them in memory for the length of the transaction.
	q.Add("_pragma", "cache_size(-65536)")
	// Writers take the lock at BEGIN, so that busy_timeout applies to the
	// whole transaction rather than failing at the first write.
	q.Set("_txlock", "immediate")
	db, err := sql.Open("sqlite", "file:"+path+"?"+q.Encode())
	if err != nil {
		return nil, fmt.Errorf("database %s: %w", path, err)
	}
	s := &sqlStore{db: db, location: path, opts: opts}
	s.retryable = func(err error) bool {
		var se *sqlite.Error
		return errors.As(err, &se) && (se.Code()&0xff == sqlite3.SQLITE_BUSY || se.Code()&0xff == sqlite3.SQLITE_LOCKED)
	}
	s.explain = func(err error) error { return explainSQLite(path, opts.BusyTimeout, err) }
	ms, err := loadMigrations(migrationFS, "migrations/sqlite")
	if err != nil {
		db.Close()
		return nil, err
	}
	if err := s.migrate(ctx, ms, max, ""); err != nil {
		db.Close()
		var tooNew *ErrSchemaTooNew
		if errors.As(err, &tooNew) || strings.HasPrefix(err.Error(), path) {
			return nil, err
		}
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return s, nil
}

// explainSQLite turns SQLite's error codes into messages that say what to do.
func explainSQLite(path string, busy time.Duration, err error) error {
	var se *sqlite.Error
	if err == nil || !errors.As(err, &se) {
		return err
	}
	switch se.Code() & 0xff {
	case sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED:
		return fmt.Errorf("database is locked by another process (waited %s, retried): %w", busy, err)
	case sqlite3.SQLITE_FULL:
		return fmt.Errorf("disk full (or the database reached its size limit); the scan was not stored, earlier scans are intact: %w", err)
	case sqlite3.SQLITE_NOTADB, sqlite3.SQLITE_CORRUPT:
		return fmt.Errorf("not a cloudward database (corrupted?); it was left untouched: %w", err)
	case sqlite3.SQLITE_READONLY, sqlite3.SQLITE_CANTOPEN, sqlite3.SQLITE_PERM:
		return fmt.Errorf("cannot write the database (permissions?): %w", err)
	case sqlite3.SQLITE_IOERR:
		return fmt.Errorf("I/O error (disk full or failing?); the scan was not stored: %w", err)
	}
	return err
}
