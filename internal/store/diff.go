package store

import (
	"cmp"
	"slices"
)

// Diff is what changed between two scans of a target.
type Diff struct {
	// New fail in B and were absent or UNKNOWN in A.
	New []Finding
	// Resolved failed in A and pass in B or are gone.
	Resolved []Finding
	// StillFailing fail in both.
	StillFailing []Finding
	// Regressed passed in A and fail in B.
	Regressed []Finding
	// Unknown failed in A and are UNKNOWN in B: the scan could not tell.
	Unknown []Finding
}

// Compare diffs the findings of scan A (older) and scan B (newer). Findings
// of B are reported, except for Resolved ones that are gone from B, which
// come from A. When B is scoped (only some checks ran), a finding absent
// from B was not checked, so it is not resolved.
func Compare(a, b []Finding, bScoped bool) *Diff {
	before := make(map[string]*Finding, len(a))
	for i := range a {
		before[a[i].Fingerprint] = &a[i]
	}
	d := &Diff{}
	seen := make(map[string]bool, len(b))
	for i := range b {
		f := &b[i]
		seen[f.Fingerprint] = true
		old := before[f.Fingerprint]
		oldStatus := ""
		if old != nil {
			oldStatus = old.Status
		}
		switch {
		case f.Status == "FAIL" && oldStatus == "FAIL":
			d.StillFailing = append(d.StillFailing, *f)
		case f.Status == "FAIL" && oldStatus == "PASS":
			d.Regressed = append(d.Regressed, *f)
		case f.Status == "FAIL":
			d.New = append(d.New, *f)
		case oldStatus == "FAIL" && f.Status == "PASS":
			d.Resolved = append(d.Resolved, *f)
		case oldStatus == "FAIL" && f.Status == "UNKNOWN":
			d.Unknown = append(d.Unknown, *f)
		}
	}
	for i := range a {
		if !bScoped && a[i].Status == "FAIL" && !seen[a[i].Fingerprint] {
			d.Resolved = append(d.Resolved, a[i])
		}
	}
	for _, l := range []*[]Finding{&d.New, &d.Resolved, &d.StillFailing, &d.Regressed, &d.Unknown} {
		SortFindings(*l)
	}
	return d
}

// SortFindings orders findings by severity (highest first), check ID and
// resource ID, like reports.
func SortFindings(fs []Finding) { slices.SortFunc(fs, compareFindings) }

func compareFindings(a, b Finding) int {
	if c := cmp.Compare(b.Severity, a.Severity); c != 0 {
		return c
	}
	if c := cmp.Compare(a.CheckID, b.CheckID); c != 0 {
		return c
	}
	return cmp.Compare(a.ResourceID, b.ResourceID)
}
