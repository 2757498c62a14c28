package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"time"
)

// PruneQuery says which scans to keep. A scan is deleted when it is older
// than KeepDays or beyond the KeepScans newest of its target (either rule
// suffices), except that these are always kept:
//   - the newest scan of each target (diff and states start from it);
//   - a scan that is the last failing scan of a finding still open,
//     reopened or muted (the finding's evidence comes from it).
type PruneQuery struct {
	// KeepDays keeps the scans finished in the last KeepDays days (0: no
	// age limit).
	KeepDays int
	// KeepScans keeps the newest KeepScans scans of each target (0: no
	// count limit).
	KeepScans int
	// Target limits pruning to one target ("" for all).
	Target string
	// Now is the reference time for KeepDays (zero: time.Now()).
	Now time.Time
	// DryRun reports what would be deleted and deletes nothing.
	DryRun bool
}

// PruneResult is what Prune deleted (or would delete, in a dry run).
type PruneResult struct {
	// Scans are the deleted scans, oldest first (without findings or
	// framework scores).
	Scans []Scan
	// Findings is the number of finding rows deleted with them.
	Findings int64
	// States is the number of finding states forgotten: findings resolved
	// whose every failing scan was deleted.
	States int64
	// Pinned counts the scans kept only because an active finding was last
	// seen failing in them.
	Pinned int
}

// ErrNoRetention is returned by Prune without a rule.
var ErrNoRetention = errors.New("no retention rule: give a number of days or of scans to keep")

// pruneChunk bounds the IN lists of the delete statements.
const pruneChunk = 500

// Prune deletes old scans with their findings and framework scores, in one
// transaction. Finding states stay consistent: first seen is kept, active
// findings keep their last failing scan, and resolved findings whose
// failing scans are all gone are forgotten (a new failure opens them anew).
func (s *sqlStore) Prune(ctx context.Context, q PruneQuery) (*PruneResult, error) {
	if q.KeepDays < 0 || q.KeepScans < 0 {
		return nil, errors.New("retention: days and scans must not be negative")
	}
	if q.KeepDays == 0 && q.KeepScans == 0 {
		return nil, ErrNoRetention
	}
	now := q.Now
	if now.IsZero() {
		now = time.Now()
	}
	cutoff := fmtTime(now.Add(-time.Duration(q.KeepDays) * 24 * time.Hour))
	res := &PruneResult{}
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		query := `SELECT ` + scanColumns + ` FROM scans`
		var args []any
		if q.Target != "" {
			query += ` WHERE target = ?`
			args = append(args, q.Target)
		}
		rows, err := tx.QueryContext(ctx, s.rebind(query+` ORDER BY seq DESC`), args...)
		if err != nil {
			return err
		}
		var all []Scan
		for rows.Next() {
			sc, err := scanScan(rows)
			if err != nil {
				rows.Close()
				return err
			}
			all = append(all, sc)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		pinned := map[int64]bool{}
		prow, err := tx.QueryContext(ctx, `SELECT DISTINCT last_scan_seq FROM finding_states
			WHERE state IN ('open', 'reopened', 'muted')`)
		if err != nil {
			return err
		}
		for prow.Next() {
			var seq int64
			if err := prow.Scan(&seq); err != nil {
				prow.Close()
				return err
			}
			pinned[seq] = true
		}
		prow.Close()
		if err := prow.Err(); err != nil {
			return err
		}
		// Newest first: the first scan met of a target is its newest.
		perTarget := map[string]int{}
		var del []int64
		for _, sc := range all {
			perTarget[sc.Target]++
			n := perTarget[sc.Target]
			old := q.KeepDays > 0 && fmtTime(sc.FinishedAt) < cutoff
			many := q.KeepScans > 0 && n > q.KeepScans
			if n == 1 || !old && !many {
				continue
			}
			if pinned[sc.Seq] {
				res.Pinned++
				continue
			}
			del = append(del, sc.Seq)
			res.Scans = append(res.Scans, sc)
		}
		slices.Reverse(res.Scans)
		for start := 0; start < len(del); start += pruneChunk {
			chunk := del[start:min(start+pruneChunk, len(del))]
			if q.DryRun {
				n, err := s.countIn(ctx, tx, `SELECT COUNT(*) FROM findings WHERE 1 = 1`, "scan_seq", chunk)
				if err != nil {
					return err
				}
				res.Findings += n
				if n, err = s.countIn(ctx, tx, `SELECT COUNT(*) FROM finding_states WHERE state = 'resolved'`, "last_scan_seq", chunk); err != nil {
					return err
				}
				res.States += n
				continue
			}
			for _, st := range []struct {
				q, col string
				n      *int64
			}{
				{`DELETE FROM findings WHERE 1 = 1`, "scan_seq", &res.Findings},
				{`DELETE FROM scan_frameworks WHERE 1 = 1`, "scan_seq", nil},
				{`DELETE FROM finding_states WHERE state = 'resolved'`, "last_scan_seq", &res.States},
				{`DELETE FROM scans WHERE 1 = 1`, "seq", nil},
			} {
				query, args := st.q, []any{}
				in(&query, &args, st.col, chunk)
				r, err := tx.ExecContext(ctx, s.rebind(query), args...)
				if err != nil {
					return err
				}
				if st.n != nil {
					n, _ := r.RowsAffected()
					*st.n += n
				}
			}
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("%s: pruning scans: %w", s.location, s.explain(err))
	}
	return res, nil
}

func (s *sqlStore) countIn(ctx context.Context, tx *sql.Tx, query, col string, vals []int64) (int64, error) {
	var args []any
	in(&query, &args, col, vals)
	var n int64
	err := tx.QueryRowContext(ctx, s.rebind(query), args...).Scan(&n)
	return n, err
}

// inTx runs fn in a transaction, retrying lock contention with backoff
// like SaveScan.
func (s *sqlStore) inTx(ctx context.Context, fn func(tx *sql.Tx) error) error {
	delay := 200 * time.Millisecond
	for attempt := 1; ; attempt++ {
		err := func() error {
			tx, err := s.db.BeginTx(ctx, nil)
			if err != nil {
				return err
			}
			if err := fn(tx); err != nil {
				tx.Rollback()
				return err
			}
			return tx.Commit()
		}()
		if err == nil || attempt == 4 || s.retryable == nil || !s.retryable(err) {
			return err
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(delay):
		}
		delay *= 2
	}
}
