// Package store persists scans and their findings, and keeps the state of
// every finding over time (first seen, last seen, open, resolved, reopened,
// muted). Two implementations share one schema: SQLite (the embedded
// default, modernc.org/sqlite) and PostgreSQL (pgx). Schemas are created and
// upgraded by versioned, embedded migrations.
//
// A scan is written in one transaction: a crash mid-write leaves the earlier
// scans intact and the partial scan absent.
package store

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"path/filepath"
	"strings"
	"time"
)

// Store is a scan database.
type Store interface {
	// SaveScan writes a scan and its findings in one transaction and
	// updates the finding states of the scan's target. It sets scan.Seq.
	SaveScan(ctx context.Context, scan *Scan, findings []Finding) error
	// Scans lists scans, newest first.
	Scans(ctx context.Context, q ScanQuery) ([]Scan, error)
	// Scan returns one scan by ID or unique ID prefix; ErrNotFound if none.
	Scan(ctx context.Context, id string) (*Scan, error)
	// ScanFindings returns every finding of a scan.
	ScanFindings(ctx context.Context, seq int64) ([]Finding, error)
	// Findings lists tracked findings (or the findings of one scan) with
	// their state, filtered and paged.
	Findings(ctx context.Context, q FindingQuery) ([]TrackedFinding, error)
	// Prune deletes old scans by a retention rule (see PruneQuery).
	Prune(ctx context.Context, q PruneQuery) (*PruneResult, error)
	// SchemaVersion is the migration version of the database.
	SchemaVersion(ctx context.Context) (int, error)
	// Location names the database for messages, without secrets.
	Location() string
	Close() error
}

// ErrNotFound is returned for an unknown scan.
var ErrNotFound = errors.New("not found")

// Scan is one stored scan run.
type Scan struct {
	// Seq orders scans in the database; set by SaveScan.
	Seq int64
	ID  string
	// Target groups the scans whose findings are tracked together: the
	// sorted account IDs for AWS (see TargetOf).
	Target      string
	Source      string
	StartedAt   time.Time
	FinishedAt  time.Time
	ToolVersion string
	AccountIDs  []string
	// Scoped means only some checks ran (--check, --severity, --service):
	// findings absent from the scan are not resolved by it.
	Scoped bool
	// Coverage is the report's coverage object, as JSON.
	Coverage json.RawMessage
	Warnings []string
	// Score is the posture score, as the JSON of check.Scores.
	Score json.RawMessage
	// Counts by status, over all stored findings.
	Total, Pass, Fail, Unknown int
	// Frameworks are the compliance scores of the scan, by framework ID;
	// empty for scoped scans (a score over some checks would mislead).
	Frameworks []FrameworkScore
}

// FrameworkScore is one compliance framework's result in a scan.
type FrameworkScore struct {
	ID, Name, Version string
	// Score is 100 × passed / assessed controls (compliance.Result.Score).
	Score float64
	// Posture is the posture score over the framework's mapped checks.
	Posture float64
	// Controls counts every control; Pass, Fail and Unknown by status.
	Controls, Pass, Fail, Unknown int
}

// Finding is one check result on one resource in one scan.
type Finding struct {
	// Fingerprint identifies the (check, resource) pair across scans:
	// report.Fingerprint.
	Fingerprint  string
	CheckID      string
	Severity     int // check.Severity: 0 info .. 4 critical
	Status       string
	ResourceID   string
	ResourceType string
	Region       string
	Account      string
	Message      string
	// Evidence is the JSON array of the finding's evidence.
	Evidence   json.RawMessage
	Muted      bool
	MuteReason string
}

// Finding states.
const (
	StateOpen     = "open"
	StateResolved = "resolved"
	StateReopened = "reopened"
	StateMuted    = "muted"
)

// States lists the finding states.
var States = []string{StateOpen, StateResolved, StateReopened, StateMuted}

// TrackedFinding is a finding with its state over time.
type TrackedFinding struct {
	Finding
	Target string
	// ScanID is the scan the finding comes from: the queried scan, or the
	// last scan of the target in which it failed.
	ScanID string
	// State is "" for a finding of a scan that never failed.
	State     string
	FirstSeen time.Time
	LastSeen  time.Time
	// LastStatus is the status in the target's latest scan (ABSENT when
	// the resource was gone).
	LastStatus string
}

// ScanQuery selects scans.
type ScanQuery struct {
	Target  string // "" for all
	Account string // scans that include this account
	Limit   int    // 0 for all
}

// FindingQuery selects findings. Empty fields do not filter.
type FindingQuery struct {
	// ScanSeq > 0 lists that scan's findings; otherwise the tracked
	// findings of every target (the failing ones and those resolved).
	ScanSeq    int64
	States     []string
	Severities []int
	CheckIDs   []string
	Accounts   []string
	Regions    []string
	Statuses   []string
	Limit      int // 0: no limit
	Offset     int
}

// Options tune Open.
type Options struct {
	// BusyTimeout is how long SQLite waits for a lock held by another
	// process before an attempt fails (default 5 s); SaveScan retries
	// busy attempts with backoff.
	BusyTimeout time.Duration
	// ConnectTimeout bounds connecting to PostgreSQL (default 10 s).
	ConnectTimeout time.Duration
	// Progress, when set, is called inside the transaction after each
	// batch of findings written, with the count so far.
	Progress func(written int)
}

// IsPostgres reports whether a --db value names a PostgreSQL database.
func IsPostgres(dsn string) bool {
	return strings.HasPrefix(dsn, "postgres://") || strings.HasPrefix(dsn, "postgresql://")
}

// Open opens (creating and migrating as needed) the database named by dsn:
// a postgres:// URL or a SQLite file path.
func Open(ctx context.Context, dsn string, opts Options) (Store, error) {
	if dsn == "" {
		return nil, errors.New("empty database location")
	}
	if IsPostgres(dsn) {
		return openPostgres(ctx, dsn, opts)
	}
	return openSQLite(ctx, dsn, opts)
}

// DefaultPath is the default SQLite database under the XDG data directory:
// $XDG_DATA_HOME/cloudward/cloudward.db, or ~/.local/share/... without it.
func DefaultPath(getenv func(string) string) (string, error) {
	if d := getenv("XDG_DATA_HOME"); d != "" && filepath.IsAbs(d) {
		return filepath.Join(d, "cloudward", "cloudward.db"), nil
	}
	home := getenv("HOME")
	if home == "" {
		return "", errors.New("neither XDG_DATA_HOME nor HOME is set")
	}
	return filepath.Join(home, ".local", "share", "cloudward", "cloudward.db"), nil
}

// TargetOf is the target of a scan: its account IDs (sorted, comma
// separated), or the source when it has none.
func TargetOf(accountIDs []string, source string) string {
	if len(accountIDs) > 0 {
		return strings.Join(accountIDs, ",")
	}
	return source
}

// ErrSchemaTooNew is returned for a database written by a newer cloudward.
type ErrSchemaTooNew struct {
	Location       string
	Version, Known int
}

func (e *ErrSchemaTooNew) Error() string {
	return fmt.Sprintf("%s: database schema version %d is newer than this cloudward supports (%d): upgrade cloudward, or use another --db",
		e.Location, e.Version, e.Known)
}
