package report

import (
	"bufio"
	"encoding/json"
	"io"
	"sort"
	"strconv"
	"time"
	"unicode/utf8"

	"github.com/cloudward/cloudward/internal/check"
	"github.com/cloudward/cloudward/internal/model"
)

// jsonScan is the "scan" object; times are RFC 3339 in UTC, with fractional
// seconds when there are any.
type jsonScan struct {
	ID          string   `json:"id"`
	StartedAt   string   `json:"started_at"`
	FinishedAt  string   `json:"finished_at"`
	Source      string   `json:"source"`
	CollectedAt *string  `json:"collected_at"`
	AccountIDs  []string `json:"account_ids"`
	Warnings    []string `json:"warnings"`
}

type jsonScore struct {
	check.Score
	ByAccount map[string]check.Score `json:"by_account"`
}

type jsonSummary struct {
	Total      int               `json:"total"`
	Pass       int               `json:"pass"`
	Fail       int               `json:"fail"`
	Unknown    int               `json:"unknown"`
	Muted      int               `json:"muted,omitempty"`
	Suppressed int               `json:"suppressed,omitempty"`
	Listed     int               `json:"listed"`
	BySeverity map[string]Counts `json:"by_severity"`
	ByDomain   map[string]Counts `json:"by_domain"`
	Score      jsonScore         `json:"score"`
}

func rfc3339(t time.Time) string { return t.UTC().Format(time.RFC3339Nano) }

// WriteJSON writes the report as one JSON document (docs/report-format.md).
// The header objects are indented; each finding is one line, so the file
// greps and streams well. Findings are encoded by hand from per-check parts
// computed once, which keeps 300,000 findings to well under a second.
func WriteJSON(w io.Writer, r *Report) error {
	bw := bufio.NewWriterSize(w, 256<<10)

	scan := jsonScan{
		ID: r.Scan.ID, StartedAt: rfc3339(r.Scan.StartedAt), FinishedAt: rfc3339(r.Scan.FinishedAt),
		Source: r.Scan.Source, AccountIDs: nonNil(r.Scan.AccountIDs), Warnings: nonNil(r.Scan.Warnings),
	}
	if !r.Scan.CollectedAt.IsZero() {
		s := rfc3339(r.Scan.CollectedAt)
		scan.CollectedAt = &s
	}
	sum := jsonSummary{
		Total: r.Summary.Total(), Pass: r.Summary.Pass, Fail: r.Summary.Fail, Unknown: r.Summary.Unknown,
		Muted: r.Summary.Muted, Suppressed: r.Summary.Suppressed, Listed: r.Summary.Listed, BySeverity: map[string]Counts{}, ByDomain: map[string]Counts{},
		Score: jsonScore{Score: r.Summary.Score.Overall, ByAccount: r.Summary.Score.ByAccount},
	}
	if sum.Score.ByAccount == nil {
		sum.Score.ByAccount = map[string]check.Score{}
	}
	for s, c := range r.Summary.BySeverity {
		sum.BySeverity[s.String()] = c
	}
	for d, c := range r.Summary.ByDomain {
		sum.ByDomain[string(d)] = c
	}

	bw.WriteString("{\n")
	for _, part := range []struct {
		key string
		v   any
	}{{"tool", r.Tool}, {"scan", scan}, {"coverage", r.Coverage}, {"summary", sum}} {
		b, err := json.MarshalIndent(part.v, "  ", "  ")
		if err != nil {
			return err
		}
		bw.WriteString(`  "` + part.key + `": `)
		bw.Write(b)
		bw.WriteString(",\n")
	}
	bw.WriteString(`  "findings": [`)
	enc := findingEncoder{parts: map[*check.Check]*checkParts{}, scratch: make([]byte, 0, 512)}
	buf := make([]byte, 0, 4096)
	for i := range r.Findings {
		buf = buf[:0]
		if i > 0 {
			buf = append(buf, ',')
		}
		buf = append(buf, "\n    "...)
		buf = enc.append(buf, &r.Findings[i])
		if _, err := bw.Write(buf); err != nil {
			return err
		}
	}
	if len(r.Findings) > 0 {
		bw.WriteString("\n  ")
	}
	bw.WriteString("]")
	writeComplianceJSON(bw, r)
	bw.WriteString("\n}\n")
	return bw.Flush()
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

// checkParts are the JSON fragments of a finding that depend only on its
// check: computed once per check, not once per finding.
type checkParts struct {
	head []byte // "check_id":...,"title":...,"severity":...
	mid  []byte // "domain":...,"service":...
	tail []byte // "remediation":{...},"frameworks":{...}
}

type findingEncoder struct {
	parts   map[*check.Check]*checkParts
	scratch []byte // fingerprint input
}

func (e *findingEncoder) partsOf(c *check.Check) *checkParts {
	if p := e.parts[c]; p != nil {
		return p
	}
	p := &checkParts{}
	p.head = append(p.head, `"check_id":`...)
	p.head = appendString(p.head, c.ID)
	p.head = append(p.head, `,"title":`...)
	p.head = appendString(p.head, c.Title)
	p.head = append(p.head, `,"severity":`...)
	p.head = appendString(p.head, c.Severity.String())

	p.mid = append(p.mid, `"domain":`...)
	p.mid = appendString(p.mid, string(c.Domain))
	p.mid = append(p.mid, `,"service":`...)
	p.mid = appendString(p.mid, c.Service)

	p.tail = append(p.tail, `"remediation":{"console":`...)
	p.tail = appendString(p.tail, c.Remediation.Console)
	p.tail = append(p.tail, `,"cli":`...)
	p.tail = appendString(p.tail, c.Remediation.CLI)
	p.tail = append(p.tail, `,"terraform":`...)
	p.tail = appendString(p.tail, c.Remediation.Terraform)
	p.tail = append(p.tail, `},"frameworks":{`...)
	keys := make([]string, 0, len(c.Frameworks))
	for k := range c.Frameworks {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for i, k := range keys {
		if i > 0 {
			p.tail = append(p.tail, ',')
		}
		p.tail = appendString(p.tail, k)
		p.tail = append(p.tail, ":["...)
		for j, id := range c.Frameworks[k] {
			if j > 0 {
				p.tail = append(p.tail, ',')
			}
			p.tail = appendString(p.tail, id)
		}
		p.tail = append(p.tail, ']')
	}
	p.tail = append(p.tail, '}')
	e.parts[c] = p
	return p
}

// append encodes one finding; the field order is the documented one.
func (e *findingEncoder) append(b []byte, f *check.Finding) []byte {
	p := e.partsOf(f.Check)
	b = append(b, '{')
	b = append(b, p.head...)
	b = append(b, `,"status":`...)
	b = appendString(b, string(f.Status))
	b = append(b, ',')
	b = append(b, p.mid...)
	b = append(b, `,"resource":`...)
	b = appendRef(b, f.Resource)
	b = append(b, `,"message":`...)
	b = appendString(b, f.Message)
	b = append(b, `,"evidence":[`...)
	for i, ev := range f.Evidence {
		if i > 0 {
			b = append(b, ',')
		}
		b = append(b, `{"detail":`...)
		b = appendString(b, ev.Detail)
		b = append(b, `,"source":`...)
		b = appendSource(b, ev.Source)
		b = append(b, '}')
	}
	b = append(b, "],"...)
	b = append(b, p.tail...)
	b = append(b, `,"fingerprint":"`...)
	b = appendFingerprint(b, e.scratch, f)
	b = append(b, '"')
	if m := f.Mute; m != nil && f.Status == check.Suppressed {
		// An inline IaC directive is not a mutelist entry: its own member,
		// named by the kind of directive instead of an owner.
		b = append(b, `,"suppression":{"status":`...)
		b = appendString(b, string(m.Status))
		b = append(b, `,"reason":`...)
		b = appendString(b, m.Reason)
		b = append(b, `,"source":`...)
		b = appendString(b, suppressionSource(m))
		b = append(b, `,"expires":`...)
		b = appendString(b, m.Expires)
		b = append(b, `,"entry":`...)
		b = appendString(b, m.Entry)
		b = append(b, '}')
	} else if m != nil {
		// Only muted findings carry "mute": the schema of others is unchanged.
		b = append(b, `,"mute":{"status":`...)
		b = appendString(b, string(m.Status))
		b = append(b, `,"reason":`...)
		b = appendString(b, m.Reason)
		b = append(b, `,"owner":`...)
		b = appendString(b, m.Owner)
		b = append(b, `,"expires":`...)
		b = appendString(b, m.Expires)
		b = append(b, `,"entry":`...)
		b = appendString(b, m.Entry)
		b = append(b, '}')
	}
	b = append(b, '}')
	return b
}

func appendRef(b []byte, r *model.Ref) []byte {
	b = append(b, `{"id":`...)
	b = appendString(b, r.ID)
	b = append(b, `,"type":`...)
	b = appendString(b, r.Type)
	b = append(b, `,"name":`...)
	b = appendString(b, r.Name)
	b = append(b, `,"region":`...)
	b = appendString(b, r.Region)
	b = append(b, `,"account":`...)
	b = appendString(b, r.Account)
	b = append(b, `,"provider":`...)
	b = appendString(b, r.Provider)
	// IaC resources also carry their address, location and module calls.
	if r.Address != "" {
		b = append(b, `,"address":`...)
		b = appendString(b, r.Address)
	}
	if r.Location != nil {
		b = append(b, `,"location":`...)
		b = appendLocation(b, *r.Location)
	}
	if len(r.ModuleCalls) > 0 {
		b = append(b, `,"module_calls":[`...)
		for i, c := range r.ModuleCalls {
			if i > 0 {
				b = append(b, ',')
			}
			b = appendLocation(b, c)
		}
		b = append(b, ']')
	}
	return append(b, '}')
}

// appendLocation writes an IaC location: {"file","start_line","end_line"}.
func appendLocation(b []byte, s model.Source) []byte {
	b = append(b, `{"file":`...)
	b = appendString(b, s.File)
	b = append(b, `,"start_line":`...)
	b = strconv.AppendInt(b, int64(s.StartLine), 10)
	b = append(b, `,"end_line":`...)
	b = strconv.AppendInt(b, int64(s.EndLine), 10)
	return append(b, '}')
}

// appendSource writes every field, zero or not, so the schema is fixed.
func appendSource(b []byte, s model.Source) []byte {
	b = append(b, `{"file":`...)
	b = appendString(b, s.File)
	b = append(b, `,"path":`...)
	b = appendString(b, s.Path)
	b = append(b, `,"start_line":`...)
	b = strconv.AppendInt(b, int64(s.StartLine), 10)
	b = append(b, `,"end_line":`...)
	b = strconv.AppendInt(b, int64(s.EndLine), 10)
	return append(b, '}')
}

const hexDigits = "0123456789abcdef"

// appendString appends s as a JSON string. Like encoding/json it escapes
// control characters and replaces invalid UTF-8 with U+FFFD; unlike it, it
// leaves <, > and & alone (the report is not embedded in HTML).
func appendString(b []byte, s string) []byte {
	b = append(b, '"')
	start := 0
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			if c >= 0x20 && c != '"' && c != '\\' {
				i++
				continue
			}
			b = append(b, s[start:i]...)
			switch c {
			case '"', '\\':
				b = append(b, '\\', c)
			case '\n':
				b = append(b, '\\', 'n')
			case '\r':
				b = append(b, '\\', 'r')
			case '\t':
				b = append(b, '\\', 't')
			default:
				b = append(b, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&0xf])
			}
			i++
			start = i
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			b = append(b, s[start:i]...)
			b = append(b, `\ufffd`...)
			i += size
			start = i
			continue
		}
		// U+2028 and U+2029 break JavaScript parsers of JSON lines.
		if r == '\u2028' || r == '\u2029' {
			b = append(b, s[start:i]...)
			b = append(b, '\\', 'u', '2', '0', '2', hexDigits[r&0xf])
			i += size
			start = i
			continue
		}
		i += size
	}
	b = append(b, s[start:]...)
	return append(b, '"')
}
