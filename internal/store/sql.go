package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"slices"
	"strconv"
	"strings"
	"time"
)

// sqlStore is the implementation shared by both databases: one schema,
// queries written with "?" placeholders and rebound for PostgreSQL.
type sqlStore struct {
	db       *sql.DB
	location string
	postgres bool
	opts     Options
	// retryable reports errors worth another attempt (SQLite busy).
	retryable func(error) bool
	// explain turns a database error into a clear one.
	explain func(error) error
	// copyFrom, when set, bulk-loads findings on the transaction's
	// connection (PostgreSQL COPY) instead of batched INSERTs.
	copyFrom func(ctx context.Context, conn *sql.Conn, seq int64, findings []Finding) error
}

// timeFormat has a fixed width so that text order is time order.
const timeFormat = "2006-01-02T15:04:05.000000000Z"

func fmtTime(t time.Time) string { return t.UTC().Format(timeFormat) }

func parseTime(s string) time.Time {
	t, _ := time.Parse(timeFormat, s)
	return t
}

// rebind turns "?" placeholders into PostgreSQL's $1, $2...
func (s *sqlStore) rebind(q string) string {
	if !s.postgres {
		return q
	}
	var b strings.Builder
	n := 0
	for i := 0; i < len(q); i++ {
		if q[i] == '?' {
			n++
			b.WriteByte('$')
			b.WriteString(strconv.Itoa(n))
			continue
		}
		b.WriteByte(q[i])
	}
	return b.String()
}

func (s *sqlStore) Location() string { return s.location }

func (s *sqlStore) Close() error { return s.db.Close() }

// migrations are the embedded files of the dialect, in version order.
type migration struct {
	version int
	name    string
	sql     string
}

func loadMigrations(fsys fs.FS, dir string) ([]migration, error) {
	entries, err := fs.ReadDir(fsys, dir)
	if err != nil {
		return nil, err
	}
	var ms []migration
	for _, e := range entries {
		name := e.Name()
		num, _, ok := strings.Cut(name, "_")
		v, err := strconv.Atoi(num)
		if !ok || err != nil || !strings.HasSuffix(name, ".sql") {
			return nil, fmt.Errorf("migration %s: want NNNN_name.sql", name)
		}
		b, err := fs.ReadFile(fsys, dir+"/"+name)
		if err != nil {
			return nil, err
		}
		ms = append(ms, migration{version: v, name: name, sql: string(b)})
	}
	slices.SortFunc(ms, func(a, b migration) int { return a.version - b.version })
	for i, m := range ms {
		if m.version != i+1 {
			return nil, fmt.Errorf("migration %s: versions must be 1, 2, 3... without gaps", m.name)
		}
	}
	return ms, nil
}

// migrate applies the migrations above the database's version, each in its
// own transaction with its schema_migrations row, up to version max (0:
// all). lock, when set, runs first in each transaction (PostgreSQL: an
// advisory lock, so that concurrent processes migrate one at a time).
func (s *sqlStore) migrate(ctx context.Context, ms []migration, max int, lock string) error {
	if _, err := s.db.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS schema_migrations (
		version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)`); err != nil {
		return s.explain(err)
	}
	if max == 0 {
		max = len(ms)
	}
	for {
		tx, err := s.db.BeginTx(ctx, nil)
		if err != nil {
			return s.explain(err)
		}
		if lock != "" {
			if _, err := tx.ExecContext(ctx, lock); err != nil {
				tx.Rollback()
				return s.explain(err)
			}
		}
		var v int
		if err := tx.QueryRowContext(ctx, `SELECT COALESCE(MAX(version), 0) FROM schema_migrations`).Scan(&v); err != nil {
			tx.Rollback()
			return s.explain(err)
		}
		if v > len(ms) {
			tx.Rollback()
			return &ErrSchemaTooNew{Location: s.location, Version: v, Known: len(ms)}
		}
		if v >= max {
			return tx.Rollback()
		}
		m := ms[v]
		if _, err := tx.ExecContext(ctx, m.sql); err != nil {
			tx.Rollback()
			return fmt.Errorf("%s: migration %s: %w", s.location, m.name, s.explain(err))
		}
		if _, err := tx.ExecContext(ctx, s.rebind(`INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)`),
			m.version, m.name, fmtTime(time.Now())); err != nil {
			tx.Rollback()
			return s.explain(err)
		}
		if err := tx.Commit(); err != nil {
			return s.explain(err)
		}
	}
}

func (s *sqlStore) SchemaVersion(ctx context.Context) (int, error) {
	var v int
	err := s.db.QueryRowContext(ctx, `SELECT COALESCE(MAX(version), 0) FROM schema_migrations`).Scan(&v)
	return v, s.explain(err)
}

// findingColumns are the columns of one finding row, in insert order.
const findingColumns = "scan_seq, fingerprint, check_id, severity, status, resource_id, resource_type, region, account, message, evidence, muted, mute_reason"

const findingColumnCount = 13

// batchRows is the number of findings per INSERT statement: 13 × 500
// parameters stays below both databases' limits.
const batchRows = 500

func (s *sqlStore) SaveScan(ctx context.Context, scan *Scan, findings []Finding) error {
	// In page order, the page indexes grow at their end: far fewer B-tree
	// pages touched than in the engine's order.
	findings = dedupe(findings)
	if !slices.IsSortedFunc(findings, compareFindings) {
		findings = slices.Clone(findings)
		slices.SortFunc(findings, compareFindings)
	}
	scan.Total, scan.Pass, scan.Fail, scan.Unknown = len(findings), 0, 0, 0
	for i := range findings {
		switch findings[i].Status {
		case "PASS":
			scan.Pass++
		case "FAIL":
			scan.Fail++
		case "UNKNOWN":
			scan.Unknown++
		}
	}
	// Only lock contention is retried, with backoff: everything else (disk
	// full, constraint) fails at once and the transaction is rolled back.
	delay := 200 * time.Millisecond
	for attempt := 1; ; attempt++ {
		err := s.saveOnce(ctx, scan, findings)
		if err == nil || attempt == 4 || s.retryable == nil || !s.retryable(err) {
			if err != nil {
				return fmt.Errorf("%s: storing scan %s: %w", s.location, scan.ID, s.explain(err))
			}
			return nil
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("%s: storing scan %s: %w", s.location, scan.ID, ctx.Err())
		case <-time.After(delay):
		}
		delay *= 2
	}
}

// dedupe keeps the first finding of each fingerprint: the engine gives one
// per (check, resource), but two inventories of one account could repeat.
func dedupe(fs []Finding) []Finding {
	seen := make(map[string]struct{}, len(fs))
	out := fs[:0:0]
	for i := range fs {
		if _, ok := seen[fs[i].Fingerprint]; ok {
			continue
		}
		seen[fs[i].Fingerprint] = struct{}{}
		out = append(out, fs[i])
	}
	if len(out) == len(fs) {
		return fs
	}
	return out
}

func jsonOr(b json.RawMessage, empty string) string {
	if len(b) == 0 {
		return empty
	}
	return string(b)
}

func (s *sqlStore) saveOnce(ctx context.Context, scan *Scan, findings []Finding) (err error) {
	// One connection for the transaction, so that PostgreSQL's COPY runs
	// inside it on the same session.
	conn, err := s.db.Conn(ctx)
	if err != nil {
		return err
	}
	defer conn.Close()
	tx, err := conn.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer func() {
		if err != nil {
			tx.Rollback()
		}
	}()
	accounts, _ := json.Marshal(nonNil(scan.AccountIDs))
	warnings, _ := json.Marshal(nonNil(scan.Warnings))
	var seq int64
	err = tx.QueryRowContext(ctx, s.rebind(`INSERT INTO scans (id, target, source, started_at, finished_at, tool_version,
		account_ids, scoped, coverage, warnings, score, findings_total, pass_count, fail_count, unknown_count)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING seq`),
		scan.ID, scan.Target, scan.Source, fmtTime(scan.StartedAt), fmtTime(scan.FinishedAt), scan.ToolVersion,
		string(accounts), boolInt(scan.Scoped), jsonOr(scan.Coverage, "{}"), string(warnings), jsonOr(scan.Score, "{}"),
		scan.Total, scan.Pass, scan.Fail, scan.Unknown).Scan(&seq)
	if err != nil {
		return err
	}
	if err := s.insertFrameworks(ctx, tx, seq, scan.Frameworks); err != nil {
		return err
	}
	if err := s.insertFindings(ctx, conn, tx, seq, findings); err != nil {
		return err
	}
	if err := s.updateStates(ctx, tx, seq, scan); err != nil {
		return err
	}
	if err := tx.Commit(); err != nil {
		return err
	}
	scan.Seq = seq
	return nil
}

func (s *sqlStore) insertFrameworks(ctx context.Context, tx *sql.Tx, seq int64, fws []FrameworkScore) error {
	if len(fws) == 0 {
		return nil
	}
	q := `INSERT INTO scan_frameworks (scan_seq, framework, name, version, score, posture, controls_total,
		controls_pass, controls_fail, controls_unknown) VALUES ` +
		strings.TrimSuffix(strings.Repeat("(?, ?, ?, ?, ?, ?, ?, ?, ?, ?), ", len(fws)), ", ")
	args := make([]any, 0, 10*len(fws))
	for _, f := range fws {
		args = append(args, seq, f.ID, f.Name, f.Version, f.Score, f.Posture, f.Controls, f.Pass, f.Fail, f.Unknown)
	}
	_, err := tx.ExecContext(ctx, s.rebind(q), args...)
	return err
}

// loadFrameworks fills the framework scores of scans, a chunk of scans
// per query (bound parameters are limited).
func (s *sqlStore) loadFrameworks(ctx context.Context, scans []Scan) error {
	bySeq := make(map[int64]int, len(scans))
	for i := range scans {
		bySeq[scans[i].Seq] = i
	}
	for start := 0; start < len(scans); start += pruneChunk {
		chunk := scans[start:min(start+pruneChunk, len(scans))]
		seqs := make([]int64, len(chunk))
		for i := range chunk {
			seqs[i] = chunk[i].Seq
		}
		query := `SELECT scan_seq, framework, name, version, score, posture, controls_total, controls_pass, controls_fail,
			controls_unknown FROM scan_frameworks WHERE 1 = 1`
		var args []any
		in(&query, &args, "scan_seq", seqs)
		query += " ORDER BY scan_seq, framework"
		if err := s.readFrameworks(ctx, query, args, scans, bySeq); err != nil {
			return err
		}
	}
	return nil
}

func (s *sqlStore) readFrameworks(ctx context.Context, query string, args []any, scans []Scan, bySeq map[int64]int) error {
	rows, err := s.db.QueryContext(ctx, s.rebind(query), args...)
	if err != nil {
		return s.explain(err)
	}
	defer rows.Close()
	for rows.Next() {
		var seq int64
		var f FrameworkScore
		if err := rows.Scan(&seq, &f.ID, &f.Name, &f.Version, &f.Score, &f.Posture, &f.Controls, &f.Pass, &f.Fail,
			&f.Unknown); err != nil {
			return s.explain(err)
		}
		if i, ok := bySeq[seq]; ok {
			scans[i].Frameworks = append(scans[i].Frameworks, f)
		}
	}
	return s.explain(rows.Err())
}

func (s *sqlStore) insertFindings(ctx context.Context, conn *sql.Conn, tx *sql.Tx, seq int64, findings []Finding) error {
	if s.copyFrom != nil {
		return s.copyFrom(ctx, conn, seq, findings)
	}
	row := "(" + strings.Repeat("?, ", findingColumnCount-1) + "?)"
	stmtFor := func(n int) string {
		return s.rebind("INSERT INTO findings (" + findingColumns + ") VALUES " +
			strings.Repeat(row+", ", n-1) + row)
	}
	var full *sql.Stmt
	if len(findings) >= batchRows {
		st, err := tx.PrepareContext(ctx, stmtFor(batchRows))
		if err != nil {
			return err
		}
		defer st.Close()
		full = st
	}
	args := make([]any, 0, batchRows*findingColumnCount)
	for start := 0; start < len(findings); start += batchRows {
		end := min(start+batchRows, len(findings))
		args = args[:0]
		for i := start; i < end; i++ {
			f := &findings[i]
			args = append(args, seq, f.Fingerprint, f.CheckID, f.Severity, f.Status, f.ResourceID, f.ResourceType,
				f.Region, f.Account, f.Message, jsonOr(f.Evidence, "[]"), boolInt(f.Muted), f.MuteReason)
		}
		var err error
		if end-start == batchRows {
			_, err = full.ExecContext(ctx, args...)
		} else {
			_, err = tx.ExecContext(ctx, stmtFor(end-start), args...)
		}
		if err != nil {
			return err
		}
		if s.opts.Progress != nil {
			s.opts.Progress(end)
		}
	}
	return nil
}

// updateStates maintains finding_states for the scan's target, set-wise:
// a FAIL opens a finding (or reopens a resolved one, or mutes it when the
// finding is muted); a finding of the target that no longer fails (PASS,
// or absent from a scan that ran every check) is resolved. UNKNOWN leaves
// the state as it was: the scan could not tell.
func (s *sqlStore) updateStates(ctx context.Context, tx *sql.Tx, seq int64, scan *Scan) error {
	at := fmtTime(scan.FinishedAt)
	_, err := tx.ExecContext(ctx, s.rebind(`INSERT INTO finding_states (target, fingerprint, check_id, severity, resource_id,
			resource_type, region, account, message, state, last_status, first_seen, last_seen, first_scan_seq, last_scan_seq)
		SELECT CAST(? AS TEXT), f.fingerprint, f.check_id, f.severity, f.resource_id, f.resource_type, f.region, f.account, f.message,
			CASE WHEN f.muted = 1 THEN 'muted' ELSE 'open' END, f.status, CAST(? AS TEXT), CAST(? AS TEXT), f.scan_seq, f.scan_seq
		FROM findings f WHERE f.scan_seq = ? AND f.status = 'FAIL'
		ON CONFLICT (target, fingerprint) DO UPDATE SET
			state = CASE
				WHEN excluded.state = 'muted' THEN 'muted'
				WHEN finding_states.state = 'resolved' THEN 'reopened'
				WHEN finding_states.state = 'muted' THEN 'open'
				ELSE finding_states.state END,
			check_id = excluded.check_id, severity = excluded.severity, resource_type = excluded.resource_type,
			region = excluded.region, account = excluded.account, message = excluded.message,
			last_status = excluded.last_status, last_seen = excluded.last_seen, last_scan_seq = excluded.last_scan_seq`),
		scan.Target, at, at, seq)
	if err != nil {
		return err
	}
	// Findings of the target that passed or were UNKNOWN in this scan: one
	// update per row, joined on the findings primary key. PASS resolves an
	// active finding; UNKNOWN leaves the state as it was (the scan could
	// not tell) and only records the status.
	if _, err := tx.ExecContext(ctx, s.rebind(`UPDATE finding_states SET last_status = f.status,
			state = CASE WHEN f.status = 'PASS' AND finding_states.state IN ('open', 'reopened', 'muted')
				THEN 'resolved' ELSE finding_states.state END
		FROM findings f
		WHERE finding_states.target = ? AND f.scan_seq = ? AND f.fingerprint = finding_states.fingerprint
			AND f.status IN ('PASS', 'UNKNOWN')`), scan.Target, seq); err != nil {
		return err
	}
	if scan.Scoped {
		return nil
	}
	// An unscoped scan also resolves the active findings it no longer saw
	// (the resource is gone). Those that failed have last_scan_seq = seq;
	// the anti-join is a primary-key probe per active finding.
	_, err = tx.ExecContext(ctx, s.rebind(`UPDATE finding_states SET last_status = 'ABSENT', state = 'resolved'
		WHERE target = ? AND last_scan_seq < ? AND state IN ('open', 'reopened', 'muted')
			AND NOT EXISTS (SELECT 1 FROM findings f WHERE f.scan_seq = ? AND f.fingerprint = finding_states.fingerprint)`),
		scan.Target, seq, seq)
	return err
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

const scanColumns = `seq, id, target, source, started_at, finished_at, tool_version, account_ids, scoped, coverage,
	warnings, score, findings_total, pass_count, fail_count, unknown_count`

func scanScan(row interface{ Scan(...any) error }) (Scan, error) {
	var sc Scan
	var started, finished, accounts, coverage, warnings, score string
	var scoped int
	err := row.Scan(&sc.Seq, &sc.ID, &sc.Target, &sc.Source, &started, &finished, &sc.ToolVersion, &accounts, &scoped,
		&coverage, &warnings, &score, &sc.Total, &sc.Pass, &sc.Fail, &sc.Unknown)
	if err != nil {
		return sc, err
	}
	sc.StartedAt, sc.FinishedAt = parseTime(started), parseTime(finished)
	sc.Scoped = scoped != 0
	_ = json.Unmarshal([]byte(accounts), &sc.AccountIDs)
	_ = json.Unmarshal([]byte(warnings), &sc.Warnings)
	sc.Coverage, sc.Score = json.RawMessage(coverage), json.RawMessage(score)
	return sc, nil
}

func (s *sqlStore) Scans(ctx context.Context, q ScanQuery) ([]Scan, error) {
	query := `SELECT ` + scanColumns + ` FROM scans WHERE 1 = 1`
	var args []any
	if q.Target != "" {
		query += ` AND target = ?`
		args = append(args, q.Target)
	}
	if q.Account != "" {
		// account_ids is a JSON array of strings: match the quoted ID.
		query += ` AND account_ids LIKE ?`
		args = append(args, `%"`+q.Account+`"%`)
	}
	query += ` ORDER BY seq DESC`
	if q.Limit > 0 {
		query += ` LIMIT ` + strconv.Itoa(q.Limit)
	}
	rows, err := s.db.QueryContext(ctx, s.rebind(query), args...)
	if err != nil {
		return nil, s.explain(err)
	}
	defer rows.Close()
	var out []Scan
	for rows.Next() {
		sc, err := scanScan(rows)
		if err != nil {
			return nil, s.explain(err)
		}
		out = append(out, sc)
	}
	if err := rows.Err(); err != nil {
		return nil, s.explain(err)
	}
	rows.Close()
	return out, s.loadFrameworks(ctx, out)
}

func (s *sqlStore) Scan(ctx context.Context, id string) (*Scan, error) {
	if id == "" {
		return nil, fmt.Errorf("scan %q: %w", id, ErrNotFound)
	}
	rows, err := s.db.QueryContext(ctx, s.rebind(`SELECT `+scanColumns+` FROM scans WHERE id = ? OR id LIKE ? ORDER BY seq DESC LIMIT 3`),
		id, likePrefix(id))
	if err != nil {
		return nil, s.explain(err)
	}
	defer rows.Close()
	var found []Scan
	for rows.Next() {
		sc, err := scanScan(rows)
		if err != nil {
			return nil, s.explain(err)
		}
		if sc.ID == id {
			found = []Scan{sc}
			break
		}
		found = append(found, sc)
	}
	if err := rows.Err(); err != nil {
		return nil, s.explain(err)
	}
	rows.Close()
	if len(found) == 1 || len(found) > 0 && found[0].ID == id {
		if err := s.loadFrameworks(ctx, found[:1]); err != nil {
			return nil, err
		}
		return &found[0], nil
	}
	if len(found) == 0 {
		return nil, fmt.Errorf("scan %q: %w", id, ErrNotFound)
	}
	return nil, fmt.Errorf("scan ID prefix %q is ambiguous (%s, %s...): give more characters", id, found[0].ID, found[1].ID)
}

// likePrefix escapes LIKE wildcards: IDs are matched literally.
func likePrefix(p string) string {
	r := strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`)
	return r.Replace(p) + "%"
}

const findingSelect = `f.fingerprint, f.check_id, f.severity, f.status, f.resource_id, f.resource_type, f.region, f.account,
	f.message, f.evidence, f.muted, f.mute_reason`

func scanFinding(dst *Finding, extra ...any) []any {
	return append([]any{&dst.Fingerprint, &dst.CheckID, &dst.Severity, &dst.Status, &dst.ResourceID, &dst.ResourceType,
		&dst.Region, &dst.Account, &dst.Message, (*rawJSON)(&dst.Evidence), (*intBool)(&dst.Muted), &dst.MuteReason}, extra...)
}

type rawJSON json.RawMessage

func (r *rawJSON) Scan(v any) error {
	switch v := v.(type) {
	case string:
		*r = rawJSON(v)
	case []byte:
		*r = append(rawJSON(nil), v...)
	case nil:
		*r = nil
	default:
		return fmt.Errorf("evidence: unexpected %T", v)
	}
	return nil
}

type intBool bool

func (b *intBool) Scan(v any) error {
	switch v := v.(type) {
	case int64:
		*b = v != 0
	case nil:
		*b = false
	default:
		return fmt.Errorf("flag: unexpected %T", v)
	}
	return nil
}

func (s *sqlStore) ScanFindings(ctx context.Context, seq int64) ([]Finding, error) {
	rows, err := s.db.QueryContext(ctx, s.rebind(`SELECT `+findingSelect+` FROM findings f WHERE f.scan_seq = ?`), seq)
	if err != nil {
		return nil, s.explain(err)
	}
	defer rows.Close()
	var out []Finding
	for rows.Next() {
		var f Finding
		if err := rows.Scan(scanFinding(&f)...); err != nil {
			return nil, s.explain(err)
		}
		out = append(out, f)
	}
	return out, s.explain(rows.Err())
}

// in appends "AND col IN (?, ...)" for a non-empty list.
func in[T any](query *string, args *[]any, col string, vals []T) {
	if len(vals) == 0 {
		return
	}
	*query += " AND " + col + " IN (" + strings.TrimSuffix(strings.Repeat("?, ", len(vals)), ", ") + ")"
	for _, v := range vals {
		*args = append(*args, v)
	}
}

func (s *sqlStore) Findings(ctx context.Context, q FindingQuery) ([]TrackedFinding, error) {
	var query string
	var args []any
	if q.ScanSeq > 0 {
		// One scan's findings, with the state of the scan's target.
		query = `SELECT ` + findingSelect + `, sc.target, sc.id, COALESCE(st.state, ''), COALESCE(st.first_seen, ''),
			COALESCE(st.last_seen, ''), COALESCE(st.last_status, '')
			FROM findings f JOIN scans sc ON sc.seq = f.scan_seq
			LEFT JOIN finding_states st ON st.target = sc.target AND st.fingerprint = f.fingerprint
			WHERE f.scan_seq = ?`
		args = append(args, q.ScanSeq)
		in(&query, &args, "COALESCE(st.state, '')", q.States)
		in(&query, &args, "f.status", q.Statuses)
	} else {
		// Tracked findings: the state row, and the finding as last seen
		// failing (its evidence comes from that scan).
		query = `SELECT ` + findingSelect + `, st.target, sc.id, st.state, st.first_seen, st.last_seen, st.last_status
			FROM finding_states st
			JOIN findings f ON f.scan_seq = st.last_scan_seq AND f.fingerprint = st.fingerprint
			JOIN scans sc ON sc.seq = st.last_scan_seq
			WHERE 1 = 1`
		in(&query, &args, "st.state", q.States)
		in(&query, &args, "st.last_status", q.Statuses)
	}
	p := "f."
	if q.ScanSeq == 0 {
		p = "st."
	}
	in(&query, &args, p+"severity", q.Severities)
	in(&query, &args, p+"check_id", q.CheckIDs)
	in(&query, &args, p+"account", q.Accounts)
	in(&query, &args, p+"region", q.Regions)
	query += " ORDER BY " + p + "severity DESC, " + p + "check_id, " + p + "resource_id"
	if q.ScanSeq == 0 {
		query += ", st.target"
	}
	if q.Limit > 0 {
		query += " LIMIT " + strconv.Itoa(q.Limit)
		if q.Offset > 0 {
			query += " OFFSET " + strconv.Itoa(q.Offset)
		}
	} else if q.Offset > 0 {
		return nil, errors.New("an offset needs a limit")
	}
	rows, err := s.db.QueryContext(ctx, s.rebind(query), args...)
	if err != nil {
		return nil, s.explain(err)
	}
	defer rows.Close()
	var out []TrackedFinding
	for rows.Next() {
		var t TrackedFinding
		var first, last string
		if err := rows.Scan(scanFinding(&t.Finding, &t.Target, &t.ScanID, &t.State, &first, &last, &t.LastStatus)...); err != nil {
			return nil, s.explain(err)
		}
		t.FirstSeen, t.LastSeen = parseTime(first), parseTime(last)
		out = append(out, t)
	}
	return out, s.explain(rows.Err())
}
