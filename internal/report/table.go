package report

import (
	"bufio"
	"fmt"
	"io"
	"strings"
	"unicode/utf8"

	"github.com/cloudward/cloudward/internal/check"
)

// TableOptions tune the table.
type TableOptions struct {
	// Color adds ANSI colours (severity and status). The CLI turns it on
	// only for a terminal without NO_COLOR.
	Color bool
}

const (
	ansiReset = "\x1b[0m"
	ansiBold  = "\x1b[1m"
)

var severityColor = map[check.Severity]string{
	check.Critical: "\x1b[1;31m", // bold red
	check.High:     "\x1b[31m",   // red
	check.Medium:   "\x1b[33m",   // yellow
	check.Low:      "\x1b[36m",   // cyan
	check.Info:     "\x1b[2m",    // dim
}

var statusColor = map[check.Status]string{
	check.Pass:       "\x1b[32m",
	check.Fail:       "\x1b[31m",
	check.Unknown:    "\x1b[35m",
	check.Muted:      "\x1b[2m",
	check.Suppressed: "\x1b[2m",
}

// maxResourceWidth caps the resource column; the JSON report has full IDs.
const maxResourceWidth = 60

// maxIaCResourceWidth caps IaC labels (location and address).
const maxIaCResourceWidth = 120

// WriteTable writes the listed findings grouped by severity (a blank line
// between groups), then a summary by severity and domain and the posture
// score. Columns: severity, status, check ID, resource, region, message.
func WriteTable(w io.Writer, r *Report, opts TableOptions) error {
	bw := bufio.NewWriterSize(w, 64<<10)
	paint := func(code, s string) string {
		if !opts.Color || code == "" {
			return s
		}
		return code + s + ansiReset
	}

	// Column widths in one pass; padding is done by hand because escape
	// codes would confuse text/tabwriter.
	head := []string{"SEVERITY", "STATUS", "CHECK", "RESOURCE", "REGION"}
	width := make([]int, len(head))
	for i, h := range head {
		width[i] = len(h)
	}
	resources := make([]string, len(r.Findings))
	for i := range r.Findings {
		f := &r.Findings[i]
		if f.Resource.Address != "" {
			// IaC: "file:lines address" must stay whole to be usable.
			resources[i] = truncate(resourceLabel(f), maxIaCResourceWidth)
		} else {
			resources[i] = truncate(resourceLabel(f), maxResourceWidth)
		}
		width[0] = max(width[0], len(f.Check.Severity.String()))
		width[1] = max(width[1], len(f.Status))
		width[2] = max(width[2], len(f.Check.ID))
		width[3] = max(width[3], utf8.RuneCountInString(resources[i]))
		width[4] = max(width[4], len(f.Resource.Region))
	}
	pad := func(s string, n int) string {
		return s + strings.Repeat(" ", max(0, n-utf8.RuneCountInString(s)))
	}

	if len(r.Findings) == 0 {
		fmt.Fprintf(bw, "No findings to list (%d results in scope).\n", r.Summary.Total())
	} else {
		for i, h := range head {
			bw.WriteString(paint(ansiBold, pad(h, width[i])) + "  ")
		}
		bw.WriteString(paint(ansiBold, "MESSAGE") + "\n")
		for i := range r.Findings {
			f := &r.Findings[i]
			if i > 0 && r.Findings[i-1].Check.Severity != f.Check.Severity {
				bw.WriteString("\n")
			}
			sev := f.Check.Severity
			bw.WriteString(paint(severityColor[sev], pad(sev.String(), width[0])) + "  ")
			bw.WriteString(paint(statusColor[f.Status], pad(string(f.Status), width[1])) + "  ")
			bw.WriteString(pad(f.Check.ID, width[2]) + "  ")
			bw.WriteString(pad(resources[i], width[3]) + "  ")
			bw.WriteString(pad(f.Resource.Region, width[4]) + "  ")
			msg := f.Message
			if m := f.Mute; m != nil && f.Status == check.Suppressed {
				msg = fmt.Sprintf("[suppressed by %s (%s): %s] %s", m.Entry, suppressionSource(m), m.Reason, msg)
			} else if m != nil {
				msg = fmt.Sprintf("[muted by %s, %s: %s] %s", m.Entry, m.Owner, m.Reason, msg)
			}
			bw.WriteString(oneLine(msg) + "\n")
		}
	}

	s := &r.Summary
	fmt.Fprintf(bw, "\n%s %d results in scope: %d pass, %d fail, %d unknown; %d listed\n",
		paint(ansiBold, "Summary:"), s.Total(), s.Pass, s.Fail, s.Unknown, s.Listed)
	if s.Muted > 0 {
		fmt.Fprintf(bw, "plus %d muted by the mutelist (not failures, not scored)\n", s.Muted)
	}
	if s.Suppressed > 0 {
		fmt.Fprintf(bw, "plus %d suppressed by inline directives (not failures, not scored)\n", s.Suppressed)
	}
	bw.WriteString("\n")
	fmt.Fprintf(bw, "  %-12s %6s %6s %8s\n", "SEVERITY", "PASS", "FAIL", "UNKNOWN")
	for _, sev := range check.Severities() {
		c := s.BySeverity[sev]
		fmt.Fprintf(bw, "  %s %6d %6d %8d\n", paint(severityColor[sev], fmt.Sprintf("%-12s", sev)), c.Pass, c.Fail, c.Unknown)
	}
	bw.WriteString("\n")
	fmt.Fprintf(bw, "  %-12s %6s %6s %8s\n", "DOMAIN", "PASS", "FAIL", "UNKNOWN")
	for _, d := range s.Domains() {
		c := s.ByDomain[d]
		fmt.Fprintf(bw, "  %-12s %6d %6d %8d\n", d, c.Pass, c.Fail, c.Unknown)
	}

	writeCoverageTable(bw, r.Coverage)

	o := s.Score.Overall
	fmt.Fprintf(bw, "\n%s %.1f/100 (severity-weighted share of passing results; %d unknown not scored; see docs/scoring.md)\n",
		paint(ansiBold, "Posture score:"), o.Value, o.Unknown)
	if accounts := s.Score.Accounts(); len(accounts) > 1 {
		for _, a := range accounts {
			fmt.Fprintf(bw, "  account %s: %.1f/100\n", a, s.Score.ByAccount[a].Value)
		}
	}
	writeComplianceTable(bw, r, func(s string) string { return paint(ansiBold, s) })
	return bw.Flush()
}

// resourceLabel is a short, readable resource name: the name, the last part
// of the ARN when the name differs from it, or the whole ID.
func resourceLabel(f *check.Finding) string {
	// IaC resources: where they are declared, then their address.
	if f.Resource.Address != "" && f.Resource.Location != nil {
		loc := *f.Resource.Location
		loc.Path = ""
		return loc.String() + " " + f.Resource.Address
	}
	id := f.Resource.ID
	short := id
	if i := strings.LastIndexAny(id, "/:"); i >= 0 && i+1 < len(id) {
		short = id[i+1:]
	}
	switch name := f.Resource.Name; {
	case name == "":
		return short
	case name == short:
		return name
	default:
		return name + " (" + short + ")"
	}
}

func truncate(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	r := []rune(s)
	return string(r[:n-1]) + "…"
}

// oneLine keeps a message on its table row.
func oneLine(s string) string {
	if strings.ContainsAny(s, "\r\n") {
		return strings.NewReplacer("\r\n", " ", "\n", " ", "\r", " ").Replace(s)
	}
	return s
}
