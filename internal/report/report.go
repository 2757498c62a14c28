// Package report turns a scan's findings into reports: one encoder per output
// format (table, JSON, CSV), plus the listing of checks (table, JSON,
// Markdown). The JSON and CSV formats are documented in docs/report-format.md.
//
// Encoders stream: they write one finding at a time through a bufio.Writer,
// so a report of hundreds of thousands of findings costs linear time and
// little memory beyond the findings themselves.
package report

import (
	"cmp"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/cloudward/cloudward/internal/check"
	"github.com/cloudward/cloudward/internal/compliance"
	"github.com/cloudward/cloudward/internal/model/aws"
)

// Tool names the program that wrote the report.
type Tool struct {
	Name    string `json:"name"`
	Version string `json:"version"`
}

// Scan describes one scan run.
type Scan struct {
	ID         string
	StartedAt  time.Time
	FinishedAt time.Time
	// Source says what was scanned, e.g. "snapshot:./snap" or "demo".
	Source string
	// CollectedAt is when the scanned data was collected (the earliest of
	// the inventories); zero when unknown.
	CollectedAt time.Time
	AccountIDs  []string
	// Warnings are problems of the input that did not stop the scan.
	Warnings []string
}

// Coverage sums up which snapshot operations were read, missing or failed.
type Coverage struct {
	Operations int `json:"operations"`
	Read       int `json:"read"`
	Missing    int `json:"missing"`
	Error      int `json:"error"`
	// MissingOperations are "<region>/<service>/<operation>" paths not
	// collected: their values are unknown.
	MissingOperations []string `json:"missing_operations"`
	// Errors are operations AWS answered with an error, or whose file could
	// not be read.
	Errors []OperationError `json:"errors"`
	// NothingToRead counts the operations in Read that had no resource to
	// call on (no bucket, so no get-bucket-policy).
	NothingToRead int `json:"nothing_to_read"`
	// Percent is (Read - NothingToRead) / (Operations - NothingToRead) × 100
	// (coverage.go, docs/report-format.md); nil when the source records no
	// operations (IaC, demo).
	Percent *float64 `json:"percent"`
	// ByScope breaks the counts down per account, region and service.
	ByScope []CoverageScope `json:"by_scope"`
}

// OperationError is an operation that failed and why.
type OperationError struct {
	Operation string `json:"operation"`
	Detail    string `json:"detail"`
	Account   string `json:"account"`
	Region    string `json:"region"`
	Service   string `json:"service"`
	// Code is the AWS error code ("" when the file was unreadable).
	Code string `json:"code"`
}

// Counts are result counts by status.
type Counts struct {
	Pass    int `json:"pass"`
	Fail    int `json:"fail"`
	Unknown int `json:"unknown"`
}

func (c *Counts) add(s check.Status) {
	switch s {
	case check.Pass:
		c.Pass++
	case check.Fail:
		c.Fail++
	case check.Unknown:
		c.Unknown++
	}
}

// Total is the number of results counted.
func (c Counts) Total() int { return c.Pass + c.Fail + c.Unknown }

// Summary counts the results in the report's scope: after the severity,
// check, region and service filters, but before the status filter, so that a
// report listing only failures still shows how much passed.
type Summary struct {
	Counts
	// Listed is the number of findings the report lists (after --status).
	Listed int
	// Muted counts the MUTED findings in scope: not failures, not scored,
	// and not in Counts (so Total is pass + fail + unknown).
	Muted int
	// Suppressed counts the SUPPRESSED findings (inline IaC directives),
	// counted like Muted.
	Suppressed int
	BySeverity map[check.Severity]Counts
	ByDomain   map[check.Domain]Counts
	Score      check.Scores
}

// Report is everything an encoder writes.
type Report struct {
	Tool     Tool
	Scan     Scan
	Coverage Coverage
	Summary  Summary
	// Findings are the listed findings, sorted by severity (highest first),
	// check ID, then resource ID.
	Findings []check.Finding
	// Compliance is the per-framework evaluation (nil: no "compliance" member).
	Compliance []compliance.Result
}

// Filter selects findings. An empty set selects everything.
type Filter struct {
	Severities map[check.Severity]bool
	Checks     map[string]bool
	Regions    map[string]bool
	Services   map[string]bool
	Statuses   map[check.Status]bool
}

// scoped reports whether any filter but the status filter is set.
func (fl *Filter) scoped() bool {
	return len(fl.Severities)+len(fl.Checks)+len(fl.Regions)+len(fl.Services) > 0
}

// inScope reports whether f passes every filter but the status filter.
func (fl *Filter) inScope(f *check.Finding) bool {
	return match(fl.Severities, f.Check.Severity) &&
		match(fl.Checks, f.Check.ID) &&
		match(fl.Regions, f.Resource.Region) &&
		match(fl.Services, f.Check.Service)
}

func match[K comparable](set map[K]bool, k K) bool { return len(set) == 0 || set[k] }

// Input is a finished scan to report on.
type Input struct {
	Tool        Tool
	Scan        Scan
	Inventories []*aws.Inventory
	Findings    []check.Finding
	Filter      Filter
}

// Build filters, sorts and summarises a scan. It may reorder in.Findings.
func Build(in Input) *Report {
	scope := in.Findings
	if in.Filter.scoped() {
		scope = make([]check.Finding, 0, len(in.Findings))
		for i := range in.Findings {
			if in.Filter.inScope(&in.Findings[i]) {
				scope = append(scope, in.Findings[i])
			}
		}
	}
	Sort(scope)
	r := &Report{Tool: in.Tool, Scan: in.Scan, Coverage: coverageOf(in.Inventories)}
	r.Summary = summarize(scope)
	listed := scope
	if len(in.Filter.Statuses) > 0 {
		listed = make([]check.Finding, 0, len(scope))
		for _, f := range scope {
			if in.Filter.Statuses[f.Status] {
				listed = append(listed, f)
			}
		}
	}
	r.Findings = listed
	r.Summary.Listed = len(listed)

	if r.Scan.AccountIDs == nil {
		for _, inv := range in.Inventories {
			// An unreached account is in the coverage only: listing it
			// would make its absent findings look resolved in history.
			if !inv.Unreached {
				r.Scan.AccountIDs = append(r.Scan.AccountIDs, inv.AccountID)
			}
		}
		sort.Strings(r.Scan.AccountIDs)
		r.Scan.AccountIDs = slices.Compact(r.Scan.AccountIDs)
	}
	if r.Scan.CollectedAt.IsZero() {
		for _, inv := range in.Inventories {
			if t := inv.CollectedAt; !t.IsZero() && (r.Scan.CollectedAt.IsZero() || t.Before(r.Scan.CollectedAt)) {
				r.Scan.CollectedAt = t
			}
		}
	}
	return r
}

// Sort orders findings by severity (highest first), check ID, resource ID;
// equal keys keep their input order (the engine's deterministic order). It
// sorts an index and moves each finding once, because findings are large
// values and a stable in-place sort would move them O(n log² n) times.
func Sort(fs []check.Finding) {
	idx := make([]int32, len(fs))
	for i := range idx {
		idx[i] = int32(i)
	}
	slices.SortFunc(idx, func(i, j int32) int {
		a, b := &fs[i], &fs[j]
		if c := cmp.Compare(b.Check.Severity, a.Check.Severity); c != 0 {
			return c
		}
		if a.Check != b.Check {
			if c := strings.Compare(a.Check.ID, b.Check.ID); c != 0 {
				return c
			}
		}
		if c := strings.Compare(a.Resource.ID, b.Resource.ID); c != 0 {
			return c
		}
		return cmp.Compare(i, j)
	})
	sorted := make([]check.Finding, len(fs))
	for to, from := range idx {
		sorted[to] = fs[from]
	}
	copy(fs, sorted)
}

func summarize(fs []check.Finding) Summary {
	s := Summary{BySeverity: map[check.Severity]Counts{}, ByDomain: map[check.Domain]Counts{}}
	for _, sev := range check.Severities() {
		s.BySeverity[sev] = Counts{}
	}
	for i := range fs {
		f := &fs[i]
		s.add(f.Status)
		if f.Status == check.Muted {
			s.Muted++
		}
		if f.Status == check.Suppressed {
			s.Suppressed++
		}
		c := s.BySeverity[f.Check.Severity]
		c.add(f.Status)
		s.BySeverity[f.Check.Severity] = c
		d := s.ByDomain[f.Check.Domain]
		d.add(f.Status)
		s.ByDomain[f.Check.Domain] = d
	}
	s.Score = check.ComputeScores(fs)
	return s
}

// Domains returns the summary's domains, sorted.
func (s *Summary) Domains() []check.Domain {
	ds := make([]check.Domain, 0, len(s.ByDomain))
	for d := range s.ByDomain {
		ds = append(ds, d)
	}
	slices.Sort(ds)
	return ds
}

func coverageOf(invs []*aws.Inventory) Coverage {
	c := Coverage{MissingOperations: []string{}, Errors: []OperationError{}}
	for _, inv := range invs {
		for _, op := range inv.Coverage {
			c.Operations++
			name := op.Region + "/" + op.Service + "/" + op.Operation
			if len(invs) > 1 {
				name = inv.AccountID + "/" + name
			}
			switch op.Status {
			case aws.CoverageRead:
				c.Read++
			case aws.CoverageMissing:
				c.Missing++
				c.MissingOperations = append(c.MissingOperations, name)
			case aws.CoverageError:
				c.Error++
				c.Errors = append(c.Errors, OperationError{Operation: name, Detail: op.Detail,
					Account: inv.AccountID, Region: op.Region, Service: op.Service, Code: op.Code})
			}
		}
	}
	c.breakDown(invs)
	return c
}

// Fingerprint identifies a (check, resource) pair across scans: the first 32
// hex digits of sha256(check_id + resource_id), the two strings concatenated.
func Fingerprint(f *check.Finding) string {
	return string(appendFingerprint(nil, nil, f))
}

// appendFingerprint appends f's fingerprint to b, using scratch to hash
// without allocating.
func appendFingerprint(b, scratch []byte, f *check.Finding) []byte {
	scratch = append(append(scratch[:0], f.Check.ID...), f.Resource.ID...)
	sum := sha256.Sum256(scratch)
	return hex.AppendEncode(b, sum[:16])
}

// FailsAtOrAbove reports whether a finding in scope (after the severity,
// check, region and service filters) FAILs with at least the given severity.
func (r *Report) FailsAtOrAbove(min check.Severity) bool {
	// The scope decides, not the listing: --status only chooses what is
	// shown, so `--status PASS` in CI must not hide a failure.
	for sev, c := range r.Summary.BySeverity {
		if sev >= min && c.Fail > 0 {
			return true
		}
	}
	return false
}

// OneLine is a one-line summary for the terminal when the report goes to a
// file.
func (r *Report) OneLine() string {
	s := r.Summary
	muted := ""
	if s.Muted > 0 {
		muted = fmt.Sprintf(", %d muted", s.Muted)
	}
	if s.Suppressed > 0 {
		muted += fmt.Sprintf(", %d suppressed", s.Suppressed)
	}
	return fmt.Sprintf("%d findings listed (%d fail, %d unknown, %d pass%s in scope); posture score %.1f/100",
		s.Listed, s.Fail, s.Unknown, s.Pass, muted, s.Score.Overall.Value)
}
