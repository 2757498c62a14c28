package report

import (
	"bufio"
	"embed"
	"fmt"
	"html/template"
	"io"
	"sort"
	"strings"
	"time"

	"github.com/cloudward/cloudward/internal/check"
	"github.com/cloudward/cloudward/internal/compliance"
)

// The HTML report is one self-contained file: the template and the style
// sheet are embedded and inlined, nothing is fetched when it is opened.
//
//go:embed html/report.html.tmpl html/report.css
var htmlFS embed.FS

// HTMLMaxPerCheck caps the resources listed per check and status in the HTML
// report; the rest are counted. 300,000 findings would make a page no
// browser opens, and the JSON and CSV reports list every finding.
const HTMLMaxPerCheck = 200

var htmlTemplates = template.Must(template.New("report.html.tmpl").Funcs(template.FuncMap{
	"lower":      func(s any) string { return strings.ToLower(fmt.Sprint(s)) },
	"pct":        func(v float64) string { return fmt.Sprintf("%.1f", v) },
	"join":       strings.Join,
	"frameworks": frameworkRefs,
}).ParseFS(htmlFS, "html/report.html.tmpl"))

// htmlHead is the data of everything before the per-check listings.
type htmlHead struct {
	Title       string
	CSS         template.CSS
	Tool        Tool
	Scan        Scan
	Started     string
	Finished    string
	Duration    string
	Collected   string
	Summary     *Summary
	Severities  []htmlCounts
	Domains     []htmlCounts
	ByAccount   []htmlAccount
	Frameworks  []htmlFramework
	Failing     int // checks with a FAIL listing
	UnknownN    int // checks with an UNKNOWN listing
	MutedN      int
	SuppressedN int // checks with a SUPPRESSED listing
	Coverage    Coverage
	MaxPerCheck int
}

type htmlCounts struct {
	Name string
	Counts
}

type htmlAccount struct {
	ID    string
	Score check.Score
}

type htmlFramework struct {
	ID, Name, Version, Source string
	Level                     int
	Profiles                  bool
	Score                     float64
	Posture                   check.Score
	Counts                    compliance.Counts
	Controls                  []htmlControl
}

type htmlControl struct {
	ID, Title, Section string
	Level              int
	Assessment         string
	Status             string
	Audit              string
	Checks             []htmlCheckLink
	Failing            int
	Unknown            int
	Muted              int
	Passed             int
	// NewSection is set on a section's first control: the table gets a
	// section row.
	NewSection bool
}

// htmlCheckLink is a mapped check; Anchor is set when the report lists its
// findings.
type htmlCheckLink struct {
	ID     string
	Anchor string
}

// htmlGroup is one check's listing of one status.
type htmlGroup struct {
	Check  *check.Check
	Status check.Status
	Anchor string
	Total  int
	Rows   []htmlRow
	More   int
	Max    int // HTMLMaxPerCheck
	// MultiAccount shows each resource's account.
	MultiAccount bool
}

// htmlSection is the listing of one status.
type htmlSection struct {
	Status  check.Status
	InScope int // results of the status in scope
	Groups  int // checks listed
	Max     int // HTMLMaxPerCheck
}

// count is the number of results of a status in scope.
func (s *Summary) count(st check.Status) int {
	switch st {
	case check.Fail:
		return s.Fail
	case check.Unknown:
		return s.Unknown
	case check.Muted:
		return s.Muted
	case check.Suppressed:
		return s.Suppressed
	}
	return s.Pass
}

type htmlRow struct {
	Resource string
	ID       string
	Region   string
	Account  string
	Message  string
	Evidence []htmlEvidence
	Mute     *check.Mute
	// Suppression is set instead of Mute on SUPPRESSED findings.
	Suppression *htmlSuppression
}

// htmlSuppression is the inline IaC directive behind a SUPPRESSED finding.
type htmlSuppression struct {
	Status                         check.Status
	Reason, Source, Expires, Entry string
}

type htmlEvidence struct {
	Detail, Source string
}

// listedStatuses are the statuses the HTML report lists resource by
// resource, in order; PASS results are only counted.
var listedStatuses = []check.Status{check.Fail, check.Unknown, check.Muted, check.Suppressed}

// WriteHTML writes the report as one self-contained HTML document: scan
// header, posture summary, per-framework compliance, the FAIL, UNKNOWN,
// MUTED and SUPPRESSED findings grouped by check (at most HTMLMaxPerCheck resources each),
// and the data coverage. html/template escapes every text.
//
// It streams: the findings are written check by check, never built into one
// document in memory.
func WriteHTML(w io.Writer, r *Report) error {
	bw := bufio.NewWriterSize(w, 64<<10)
	css, err := htmlFS.ReadFile("html/report.css")
	if err != nil {
		return err
	}

	// Count per (check, status) first: group headings give totals, and the
	// control tables link only to checks that have a listing.
	type key struct {
		c  *check.Check
		st check.Status
	}
	totals := map[key]int{}
	for i := range r.Findings {
		f := &r.Findings[i]
		if f.Status != check.Pass {
			totals[key{f.Check, f.Status}]++
		}
	}
	anchors := map[string]string{}
	head := htmlHead{
		Title: fmt.Sprintf("%s report %s", r.Tool.Name, r.Scan.ID), CSS: template.CSS(css),
		Tool: r.Tool, Scan: r.Scan, Summary: &r.Summary, Coverage: r.Coverage, MaxPerCheck: HTMLMaxPerCheck,
		Started: htmlTime(r.Scan.StartedAt), Finished: htmlTime(r.Scan.FinishedAt), Collected: htmlTime(r.Scan.CollectedAt),
	}
	if !r.Scan.StartedAt.IsZero() && !r.Scan.FinishedAt.IsZero() {
		head.Duration = r.Scan.FinishedAt.Sub(r.Scan.StartedAt).Round(time.Millisecond).String()
	}
	for k := range totals {
		switch k.st {
		case check.Fail:
			head.Failing++
			anchors[k.c.ID] = checkAnchor(k.c.ID, k.st)
		case check.Unknown:
			head.UnknownN++
		case check.Muted:
			head.MutedN++
		case check.Suppressed:
			head.SuppressedN++
		}
	}
	for k := range totals {
		// A control links to a check's failures, else to its unknowns.
		if _, ok := anchors[k.c.ID]; !ok && k.st == check.Unknown {
			anchors[k.c.ID] = checkAnchor(k.c.ID, k.st)
		}
	}
	for _, sev := range check.Severities() {
		head.Severities = append(head.Severities, htmlCounts{sev.String(), r.Summary.BySeverity[sev]})
	}
	for _, d := range r.Summary.Domains() {
		head.Domains = append(head.Domains, htmlCounts{string(d), r.Summary.ByDomain[d]})
	}
	if accounts := r.Summary.Score.Accounts(); len(accounts) > 1 {
		for _, a := range accounts {
			head.ByAccount = append(head.ByAccount, htmlAccount{a, r.Summary.Score.ByAccount[a]})
		}
	}
	for _, res := range r.Compliance {
		head.Frameworks = append(head.Frameworks, htmlFrameworkOf(res, anchors))
	}
	if err := htmlTemplates.ExecuteTemplate(bw, "head", head); err != nil {
		return err
	}

	// One pass per listed status; findings are sorted by severity, check
	// and resource, so each check's findings of a status are contiguous
	// within the pass.
	rows := make([]htmlRow, 0, HTMLMaxPerCheck)
	for _, st := range listedStatuses {
		sec := htmlSection{Status: st, InScope: r.Summary.count(st), Max: HTMLMaxPerCheck}
		if st == check.Suppressed && sec.InScope == 0 {
			continue // only IaC scans have them: no empty section elsewhere
		}
		if err := htmlTemplates.ExecuteTemplate(bw, "section-start", sec); err != nil {
			return err
		}
		g, groups := htmlGroup{Status: st, Max: HTMLMaxPerCheck, MultiAccount: len(r.Scan.AccountIDs) > 1}, 0
		flush := func() error {
			if g.Check == nil {
				return nil
			}
			groups++
			g.Rows = rows
			g.More = g.Total - len(rows)
			err := htmlTemplates.ExecuteTemplate(bw, "group", g)
			g.Check, rows = nil, rows[:0]
			return err
		}
		for i := range r.Findings {
			f := &r.Findings[i]
			if f.Status != st {
				continue
			}
			if f.Check != g.Check {
				if err := flush(); err != nil {
					return err
				}
				g.Check, g.Total, g.Anchor = f.Check, totals[key{f.Check, st}], checkAnchor(f.Check.ID, st)
			}
			if len(rows) < HTMLMaxPerCheck {
				rows = append(rows, htmlRowOf(f))
			}
		}
		if err := flush(); err != nil {
			return err
		}
		sec.Groups = groups
		if err := htmlTemplates.ExecuteTemplate(bw, "section-end", sec); err != nil {
			return err
		}
	}
	if err := htmlTemplates.ExecuteTemplate(bw, "tail", head); err != nil {
		return err
	}
	return bw.Flush()
}

func htmlTime(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format("2006-01-02 15:04:05 UTC")
}

// checkAnchor is the fragment of a check's listing of one status.
func checkAnchor(id string, st check.Status) string {
	return strings.ToLower(string(st)) + "-" + id
}

func htmlFrameworkOf(res compliance.Result, anchors map[string]string) htmlFramework {
	fw := res.Framework
	hf := htmlFramework{ID: fw.ID, Name: fw.Name, Version: fw.Version, Source: fw.Source, Level: res.Level,
		Profiles: fw.Profiles, Score: res.Score, Posture: res.Posture, Counts: res.Counts,
		Controls: make([]htmlControl, len(res.Controls))}
	for i, cr := range res.Controls {
		c := cr.Control
		hc := htmlControl{ID: c.ID, Title: c.Title, Section: c.Section, Level: c.Level, Assessment: string(c.Assessment),
			Status: string(cr.Status), Failing: len(cr.Failing), Unknown: len(cr.Unknown), Muted: len(cr.Muted), Passed: cr.Passed}
		hc.NewSection = i == 0 || c.Section != res.Controls[i-1].Control.Section
		if cr.Status == compliance.Manual || cr.Status == compliance.NotEvaluated {
			hc.Audit = c.Audit
		}
		for _, id := range c.Checks {
			hc.Checks = append(hc.Checks, htmlCheckLink{ID: id, Anchor: anchors[id]})
		}
		hf.Controls[i] = hc
	}
	return hf
}

func htmlRowOf(f *check.Finding) htmlRow {
	row := htmlRow{Resource: resourceLabel(f), ID: f.Resource.ID, Region: f.Resource.Region,
		Account: f.Resource.Account, Message: f.Message, Mute: f.Mute}
	if m := f.Mute; m != nil && f.Status == check.Suppressed {
		row.Mute = nil
		row.Suppression = &htmlSuppression{Status: m.Status, Reason: m.Reason, Source: suppressionSource(m), Expires: m.Expires, Entry: m.Entry}
	}
	for _, ev := range f.Evidence {
		row.Evidence = append(row.Evidence, htmlEvidence{Detail: ev.Detail, Source: ev.Source.String()})
	}
	return row
}

// frameworkRefs lists a check's controls per framework, sorted by
// framework: "cis-aws-4.0 5.3, 5.4".
func frameworkRefs(m map[string][]string) []string {
	ids := make([]string, 0, len(m))
	for id := range m {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	out := make([]string, len(ids))
	for i, id := range ids {
		out[i] = id + " " + strings.Join(m[id], ", ")
	}
	return out
}
