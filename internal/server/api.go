package server

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/cloudward/cloudward/internal/check"
	"github.com/cloudward/cloudward/internal/scanrun"
	"github.com/cloudward/cloudward/internal/store"
)

// API page sizes.
const (
	defaultLimit = 100
	maxLimit     = 1000
)

// Handler routes the service's endpoints.
func (s *Server) Handler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, _ *http.Request) {
		writeJSON(w, http.StatusOK, map[string]string{"status": "ok"})
	})
	mux.HandleFunc("GET /readyz", s.readyz)
	metrics := promhttp.HandlerFor(s.metrics.Registry, promhttp.HandlerOpts{})
	mux.Handle("GET /metrics", s.guard(metrics.ServeHTTP))
	mux.Handle("GET /api/v1/scans", s.guard(s.withStore(s.apiScans)))
	mux.Handle("GET /api/v1/findings", s.guard(s.withStore(s.apiFindings)))
	mux.Handle("GET /api/v1/score", s.guard(s.withStore(s.apiScore)))
	return mux
}

// guard requires the API token, when there is one.
func (s *Server) guard(h http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if !s.authorized(r) {
			w.Header().Set("WWW-Authenticate", `Bearer realm="cloudward"`)
			writeError(w, http.StatusUnauthorized, "missing or wrong API token (Authorization: Bearer TOKEN)")
			return
		}
		h(w, r)
	}
}

type storeHandler func(w http.ResponseWriter, r *http.Request, st store.Store)

// withStore answers 503 while the database is not available.
func (s *Server) withStore(h storeHandler) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		st := s.store()
		if st == nil {
			writeError(w, http.StatusServiceUnavailable, "database not available yet")
			return
		}
		h(w, r, st)
	}
}

type targetStatus struct {
	Name   string `json:"name"`
	Kind   string `json:"kind"`
	Status string `json:"status"`
}

type readiness struct {
	Ready         bool           `json:"ready"`
	Database      string         `json:"database,omitempty"`
	SchemaVersion int            `json:"schema_version,omitempty"`
	Error         string         `json:"error,omitempty"`
	Queue         bool           `json:"queue"`
	Targets       []targetStatus `json:"targets"`
}

func (s *Server) readyz(w http.ResponseWriter, r *http.Request) {
	out := readiness{Queue: s.cfg.Queue != nil, Targets: []targetStatus{}}
	for _, t := range s.cfg.Targets {
		ts := targetStatus{Name: t.Name, Kind: scanrun.Describe(t), Status: "ok"}
		if why, ok := s.unavailable[t.Name]; ok {
			ts.Status = why
		}
		out.Targets = append(out.Targets, ts)
	}
	s.mu.Lock()
	st, dbErr := s.st, s.dbErr
	s.mu.Unlock()
	switch {
	case st == nil:
		out.Database = "connecting"
		if dbErr != nil {
			out.Error = dbErr.Error()
		}
	default:
		out.Database = st.Location()
		ctx, cancel := context.WithTimeout(r.Context(), 2*time.Second)
		v, err := st.SchemaVersion(ctx)
		cancel()
		if err != nil {
			out.Error = err.Error()
		} else {
			out.Ready, out.SchemaVersion = true, v
		}
	}
	code := http.StatusOK
	if !out.Ready {
		code = http.StatusServiceUnavailable
	}
	if !s.authorized(r) {
		// Open to probes, but the details (database host, account IDs,
		// paths) are for token holders.
		writeJSON(w, code, map[string]any{"ready": out.Ready, "schema_version": out.SchemaVersion, "queue": out.Queue})
		return
	}
	writeJSON(w, code, out)
}

// Scan is a scan in the API.
type Scan struct {
	ID         string          `json:"id"`
	Target     string          `json:"target"`
	Source     string          `json:"source"`
	StartedAt  time.Time       `json:"started_at"`
	FinishedAt time.Time       `json:"finished_at"`
	Accounts   []string        `json:"accounts"`
	Scoped     bool            `json:"scoped"`
	Total      int             `json:"total"`
	Pass       int             `json:"pass"`
	Fail       int             `json:"fail"`
	Unknown    int             `json:"unknown"`
	Score      json.RawMessage `json:"score,omitempty"`
	Warnings   int             `json:"warnings"`
}

func apiScan(sc *store.Scan) Scan {
	acc := sc.AccountIDs
	if acc == nil {
		acc = []string{}
	}
	return Scan{ID: sc.ID, Target: sc.Target, Source: sc.Source, StartedAt: sc.StartedAt.UTC(), FinishedAt: sc.FinishedAt.UTC(),
		Accounts: acc, Scoped: sc.Scoped, Total: sc.Total, Pass: sc.Pass, Fail: sc.Fail, Unknown: sc.Unknown,
		Score: sc.Score, Warnings: len(sc.Warnings)}
}

// page is the paging part of a list answer.
type page struct {
	Limit      int  `json:"limit"`
	Offset     int  `json:"offset"`
	NextOffset *int `json:"next_offset"`
}

func paging(r *http.Request) (limit, offset int, err error) {
	q := r.URL.Query()
	limit, offset = defaultLimit, 0
	if v := q.Get("limit"); v != "" {
		if limit, err = strconv.Atoi(v); err != nil || limit < 1 || limit > maxLimit {
			return 0, 0, fmt.Errorf("limit: want a number from 1 to %d, got %q", maxLimit, v)
		}
	}
	if v := q.Get("offset"); v != "" {
		if offset, err = strconv.Atoi(v); err != nil || offset < 0 {
			return 0, 0, fmt.Errorf("offset: want a number from 0, got %q", v)
		}
	}
	return limit, offset, nil
}

func (s *Server) apiScans(w http.ResponseWriter, r *http.Request, st store.Store) {
	limit, offset, err := paging(r)
	if err != nil {
		writeError(w, http.StatusBadRequest, err.Error())
		return
	}
	q := r.URL.Query()
	// The store pages by count only: read one more than the page to know
	// whether another follows.
	scans, err := st.Scans(r.Context(), store.ScanQuery{Target: q.Get("target"), Account: q.Get("account"), Limit: offset + limit + 1})
	if err != nil {
		s.storeError(w, err)
		return
	}
	out := struct {
		Scans []Scan `json:"scans"`
		page
	}{Scans: []Scan{}, page: page{Limit: limit, Offset: offset}}
	for i := offset; i < len(scans) && i < offset+limit; i++ {
		out.Scans = append(out.Scans, apiScan(&scans[i]))
	}
	if len(scans) > offset+limit {
		n := offset + limit
		out.NextOffset = &n
	}
	writeJSON(w, http.StatusOK, out)
}

// Finding is a finding in the API.
type Finding struct {
	Fingerprint  string          `json:"fingerprint"`
	CheckID      string          `json:"check_id"`
	Severity     string          `json:"severity"`
	Status       string          `json:"status"`
	State        string          `json:"state,omitempty"`
	ResourceID   string          `json:"resource_id"`
	ResourceType string          `json:"resource_type"`
	Region       string          `json:"region"`
	Account      string          `json:"account"`
	Message      string          `json:"message"`
	Evidence     json.RawMessage `json:"evidence,omitempty"`
	Muted        bool            `json:"muted,omitempty"`
	MuteReason   string          `json:"mute_reason,omitempty"`
	Target       string          `json:"target"`
	ScanID       string          `json:"scan_id"`
	FirstSeen    *time.Time      `json:"first_seen,omitempty"`
	LastSeen     *time.Time      `json:"last_seen,omitempty"`
	LastStatus   string          `json:"last_status,omitempty"`
}

func timePtr(t time.Time) *time.Time {
	if t.IsZero() {
		return nil
	}
	u := t.UTC()
	return &u
}

// list splits comma-separated and repeated query values.
func list(r *http.Request, key string) []string {
	var out []string
	for _, v := range r.URL.Query()[key] {
		for _, s := range strings.Split(v, ",") {
			if s = strings.TrimSpace(s); s != "" {
				out = append(out, s)
			}
		}
	}
	return out
}

// findingQuery parses the findings filters.
func findingQuery(r *http.Request) (store.FindingQuery, string, error) {
	var q store.FindingQuery
	var err error
	if q.Limit, q.Offset, err = paging(r); err != nil {
		return q, "", err
	}
	for _, v := range list(r, "state") {
		v = strings.ToLower(v)
		if !slices.Contains(store.States, v) {
			return q, "", fmt.Errorf("state: unknown state %q (want %s)", v, strings.Join(store.States, ", "))
		}
		q.States = append(q.States, v)
	}
	for _, v := range list(r, "severity") {
		sev, err := check.ParseSeverity(v)
		if err != nil {
			return q, "", fmt.Errorf("severity: %v", err)
		}
		q.Severities = append(q.Severities, int(sev))
	}
	for _, v := range list(r, "status") {
		v = strings.ToUpper(v)
		if v != "PASS" && v != "FAIL" && v != "UNKNOWN" {
			return q, "", fmt.Errorf("status: unknown status %q (want PASS, FAIL or UNKNOWN)", v)
		}
		q.Statuses = append(q.Statuses, v)
	}
	q.CheckIDs = list(r, "check")
	q.Accounts = list(r, "account")
	q.Regions = list(r, "region")
	return q, r.URL.Query().Get("scan"), nil
}

func (s *Server) apiFindings(w http.ResponseWriter, r *http.Request, st store.Store) {
	q, scanID, err := findingQuery(r)
	if err != nil {
		writeError(w, http.StatusBadRequest, err.Error())
		return
	}
	if scanID != "" {
		sc, err := st.Scan(r.Context(), scanID)
		if errors.Is(err, store.ErrNotFound) {
			writeError(w, http.StatusNotFound, fmt.Sprintf("scan %q not found", scanID))
			return
		}
		if err != nil {
			s.storeError(w, err)
			return
		}
		q.ScanSeq = sc.Seq
	}
	limit := q.Limit
	q.Limit++ // one more, to know whether another page follows
	fs, err := findingsPage(r.Context(), st, q)
	if err != nil {
		s.storeError(w, err)
		return
	}
	out := struct {
		Findings []Finding `json:"findings"`
		page
	}{Findings: make([]Finding, 0, min(len(fs), limit)), page: page{Limit: limit, Offset: q.Offset}}
	for i := 0; i < len(fs) && i < limit; i++ {
		f := &fs[i]
		out.Findings = append(out.Findings, Finding{
			Fingerprint: f.Fingerprint, CheckID: f.CheckID, Severity: check.Severity(f.Severity).String(), Status: f.Status,
			State: f.State, ResourceID: f.ResourceID, ResourceType: f.ResourceType, Region: f.Region, Account: f.Account,
			Message: f.Message, Evidence: f.Evidence, Muted: f.Muted, MuteReason: f.MuteReason, Target: f.Target,
			ScanID: f.ScanID, FirstSeen: timePtr(f.FirstSeen), LastSeen: timePtr(f.LastSeen), LastStatus: f.LastStatus,
		})
	}
	if len(fs) > limit {
		n := q.Offset + limit
		out.NextOffset = &n
	}
	writeJSON(w, http.StatusOK, out)
}

// findingsPage is st.Findings, one severity at a time when several are
// asked for: the order is by severity first, so the page is the
// concatenation of the per-severity pages. A single severity walks the
// store's index in order; several in one IN list made the database sort
// every matching row (0.7 s for critical,high with 1,000,000 findings, and
// as much without a severity filter).
func findingsPage(ctx context.Context, st store.Store, q store.FindingQuery) ([]store.TrackedFinding, error) {
	sevs := slices.Clone(q.Severities)
	if len(sevs) == 0 {
		// No filter sorts every row too (0.7 s): walk each severity.
		for sev := check.Info; sev <= check.Critical; sev++ {
			sevs = append(sevs, int(sev))
		}
	}
	slices.Sort(sevs)
	sevs = slices.Compact(sevs)
	if len(sevs) < 2 || q.Limit <= 0 {
		return st.Findings(ctx, q)
	}
	slices.Reverse(sevs) // the highest first, like the store's order
	skip, need := q.Offset, q.Limit
	var out []store.TrackedFinding
	for _, sev := range sevs {
		sub := q
		sub.Severities, sub.Offset, sub.Limit = []int{sev}, 0, skip+need
		fs, err := st.Findings(ctx, sub)
		if err != nil {
			return nil, err
		}
		if len(fs) <= skip {
			skip -= len(fs)
			continue
		}
		fs = fs[skip:]
		skip = 0
		fs = fs[:min(len(fs), need)]
		out = append(out, fs...)
		if need -= len(fs); need == 0 {
			break
		}
	}
	return out, nil
}

// TargetScore is the latest score of a target.
type TargetScore struct {
	Target     string             `json:"target"`
	ScanID     string             `json:"scan_id"`
	FinishedAt time.Time          `json:"finished_at"`
	Score      float64            `json:"score"`
	Passed     int                `json:"passed"`
	Failed     int                `json:"failed"`
	Unknown    int                `json:"unknown"`
	ByAccount  map[string]float64 `json:"by_account"`
	// ByFramework is the compliance score (share of assessed controls
	// passing) per framework ID; empty when the latest scan was partial.
	ByFramework map[string]float64 `json:"by_framework"`
}

func (s *Server) apiScore(w http.ResponseWriter, r *http.Request, st store.Store) {
	scans, err := st.Scans(r.Context(), store.ScanQuery{})
	if err != nil {
		s.storeError(w, err)
		return
	}
	out := struct {
		Targets []TargetScore `json:"targets"`
	}{Targets: []TargetScore{}}
	seen := map[string]bool{}
	for i := range scans { // newest first: the first of a target is its latest
		sc := &scans[i]
		if seen[sc.Target] {
			continue
		}
		seen[sc.Target] = true
		scores, err := sc.Scores()
		if err != nil {
			continue
		}
		ts := TargetScore{Target: sc.Target, ScanID: sc.ID, FinishedAt: sc.FinishedAt.UTC(), Score: scores.Overall.Value,
			Passed: scores.Overall.Passed, Failed: scores.Overall.Failed, Unknown: scores.Overall.Unknown,
			ByAccount: map[string]float64{}, ByFramework: map[string]float64{}}
		for a, v := range scores.ByAccount {
			ts.ByAccount[a] = v.Value
		}
		for _, f := range sc.Frameworks {
			ts.ByFramework[f.ID] = f.Score
		}
		out.Targets = append(out.Targets, ts)
	}
	slices.SortFunc(out.Targets, func(a, b TargetScore) int { return strings.Compare(a.Target, b.Target) })
	writeJSON(w, http.StatusOK, out)
}

// storeError answers a database failure without details beyond the
// store's own (redacted) message.
func (s *Server) storeError(w http.ResponseWriter, err error) {
	s.log.Error("database query failed", "err", err)
	writeError(w, http.StatusServiceUnavailable, "database query failed: "+err.Error())
}

func writeJSON(w http.ResponseWriter, code int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(code)
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	_ = enc.Encode(v)
}

func writeError(w http.ResponseWriter, code int, msg string) {
	writeJSON(w, code, map[string]string{"error": msg})
}
