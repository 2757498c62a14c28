package report

import (
	"bufio"
	"encoding/json"
	"fmt"
	"strconv"

	"github.com/cloudward/cloudward/internal/check"
	"github.com/cloudward/cloudward/internal/compliance"
)

// InScope returns a copy of the findings that pass every filter but the
// status filter: the findings compliance is evaluated on. It always copies,
// so Build reordering its input does not move them.
func InScope(findings []check.Finding, fl Filter) []check.Finding {
	out := make([]check.Finding, 0, len(findings))
	for i := range findings {
		if fl.inScope(&findings[i]) {
			out = append(out, findings[i])
		}
	}
	return out
}

// complianceHeader is a framework entry's fields before its controls.
type complianceHeader struct {
	Framework string              `json:"framework"`
	Name      string              `json:"name"`
	Version   string              `json:"version"`
	Level     int                 `json:"level,omitempty"`
	Score     float64             `json:"score"`
	Counts    compliance.Counts   `json:"counts"`
	Posture   check.Score         `json:"posture"`
	Coverage  compliance.Coverage `json:"coverage"`
}

// writeComplianceJSON writes the report's "compliance" member (with its
// leading comma), or nothing when the scan evaluated no framework. Controls
// are one line each and refer to findings by fingerprint, computed once per
// finding: a large scan has hundreds of thousands of failing findings, each
// under several controls of several frameworks.
func writeComplianceJSON(bw *bufio.Writer, r *Report) {
	if r.Compliance == nil {
		return
	}
	fps := map[*check.Finding][]byte{}
	var scratch []byte
	fingerprints := func(b []byte, fs []*check.Finding) []byte {
		b = append(b, '[')
		for i, f := range fs {
			fp, ok := fps[f]
			if !ok {
				fp = appendFingerprint(nil, scratch, f)
				fps[f] = fp
			}
			if i > 0 {
				b = append(b, ',')
			}
			b = append(b, '"')
			b = append(b, fp...)
			b = append(b, '"')
		}
		return append(b, ']')
	}
	bw.WriteString(",\n  \"compliance\": [")
	buf := make([]byte, 0, 4096)
	for i, res := range r.Compliance {
		fw := res.Framework
		head, _ := json.Marshal(complianceHeader{Framework: fw.ID, Name: fw.Name, Version: fw.Version, Level: res.Level,
			Score: res.Score, Counts: res.Counts, Posture: res.Posture, Coverage: fw.Coverage()}) // strings and numbers: cannot fail
		if i > 0 {
			bw.WriteString(",")
		}
		bw.WriteString("\n    ")
		bw.Write(head[:len(head)-1])
		bw.WriteString(`,"controls":[`)
		for j, cr := range res.Controls {
			c := cr.Control
			buf = buf[:0]
			if j > 0 {
				buf = append(buf, ',')
			}
			buf = append(buf, "\n      {\"id\":"...)
			buf = appendString(buf, c.ID)
			buf = append(buf, `,"title":`...)
			buf = appendString(buf, c.Title)
			buf = append(buf, `,"section":`...)
			buf = appendString(buf, c.Section)
			if c.Level > 0 {
				buf = append(buf, `,"level":`...)
				buf = strconv.AppendInt(buf, int64(c.Level), 10)
			}
			buf = append(buf, `,"assessment":`...)
			buf = appendString(buf, string(c.Assessment))
			buf = append(buf, `,"status":`...)
			buf = appendString(buf, string(cr.Status))
			buf = append(buf, `,"checks":[`...)
			for k, id := range c.Checks {
				if k > 0 {
					buf = append(buf, ',')
				}
				buf = appendString(buf, id)
			}
			buf = append(buf, `],"passed":`...)
			buf = strconv.AppendInt(buf, int64(cr.Passed), 10)
			buf = append(buf, `,"failing":`...)
			buf = fingerprints(buf, cr.Failing)
			buf = append(buf, `,"unknown":`...)
			buf = fingerprints(buf, cr.Unknown)
			buf = append(buf, `,"muted":`...)
			buf = fingerprints(buf, cr.Muted)
			buf = append(buf, `,"audit":`...)
			buf = appendString(buf, c.Audit)
			buf = append(buf, '}')
			bw.Write(buf)
		}
		if len(res.Controls) > 0 {
			bw.WriteString("\n    ")
		}
		bw.WriteString("]}")
	}
	if len(r.Compliance) > 0 {
		bw.WriteString("\n  ")
	}
	bw.WriteString("]")
}

// writeComplianceTable writes one summary line per evaluated framework.
func writeComplianceTable(bw *bufio.Writer, r *Report, bold func(string) string) {
	if len(r.Compliance) == 0 {
		return
	}
	fmt.Fprintf(bw, "\n%s SCORE is controls passed / controls assessed (PASS + FAIL), POSTURE the severity-weighted\n"+
		"posture score of the framework's checks; see docs/compliance.md\n", bold("Compliance:"))
	fmt.Fprintf(bw, "  %-16s %6s %8s %5s %5s %8s %5s %7s %9s %6s\n", "FRAMEWORK", "SCORE", "POSTURE", "PASS", "FAIL", "UNKNOWN", "N/A", "MANUAL", "NOT EVAL", "TOTAL")
	for _, res := range r.Compliance {
		c := res.Counts
		id := res.Framework.ID
		if res.Level > 0 {
			id += fmt.Sprintf(" (L%d)", res.Level)
		}
		fmt.Fprintf(bw, "  %-16s %5.1f%% %8.1f %5d %5d %8d %5d %7d %9d %6d\n", id, res.Score, res.Posture.Value, c.Pass, c.Fail, c.Unknown,
			c.NotApplicable, c.Manual, c.NotEvaluated, c.Total)
	}
}
