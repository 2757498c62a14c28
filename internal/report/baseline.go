package report

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"

	"github.com/cloudward/cloudward/internal/check"
)

// Baseline is an earlier cloudward JSON report (--format json) that a scan
// is compared with: --baseline reports only the failures that are new.
type Baseline struct {
	File string
	// failing holds the CIFingerprint of every finding that FAILed in the
	// baseline (muted failures included: they were failures).
	failing map[string]bool
	// Findings is the number of findings the baseline lists.
	Findings int
}

// Failing is the number of distinct failing findings in the baseline.
func (b *Baseline) Failing() int { return len(b.failing) }

// LoadBaseline reads and parses a --baseline file.
func LoadBaseline(name string) (*Baseline, error) {
	data, err := os.ReadFile(name)
	if err != nil {
		return nil, fmt.Errorf("--baseline: %w", err)
	}
	return ParseBaseline(name, data)
}

// baselineFinding is what the baseline needs of a JSON report finding.
type baselineFinding struct {
	CheckID  *string `json:"check_id"`
	Status   *string `json:"status"`
	Resource *struct {
		ID       string `json:"id"`
		Address  string `json:"address"`
		Location *struct {
			File string `json:"file"`
		} `json:"location"`
	} `json:"resource"`
	Mute *struct {
		Status string `json:"status"`
	} `json:"mute"`
	// Reports before suppressions got their own member put them in "mute".
	Suppression *struct {
		Status string `json:"status"`
	} `json:"suppression"`
}

// ParseBaseline parses a cloudward JSON report. Anything else (a SARIF
// file, a CSV report, a truncated file) is an error naming the file, line
// and column.
func ParseBaseline(name string, data []byte) (*Baseline, error) {
	b := &Baseline{File: name, failing: map[string]bool{}}
	at := func(off int64, format string, args ...any) error {
		line, col := position(data, off)
		return fmt.Errorf("--baseline %s:%d:%d: %s", name, line, col, fmt.Sprintf(format, args...))
	}
	notReport := func(off int64, why string) error {
		return at(off, "not a cloudward JSON report (the output of --format json): %s", why)
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	// syntax places a decoding error: syntax errors carry the offset after
	// the bad byte in the file, type errors one relative to the value
	// decoded, which starts at base.
	syntax := func(err error, base int64) error {
		var se *json.SyntaxError
		if errors.As(err, &se) {
			return at(max(se.Offset-1, 0), "malformed JSON: %v", err)
		}
		if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
			return at(int64(len(data)), "malformed JSON: unexpected end of input (truncated file?)")
		}
		var te *json.UnmarshalTypeError
		if errors.As(err, &te) {
			return at(base+max(te.Offset-1, 0), "unexpected %s for %q", te.Value, te.Field)
		}
		return at(dec.InputOffset(), "%v", err)
	}
	start := skipSpace(data, 0)
	tok, err := dec.Token()
	if err != nil {
		return nil, syntax(err, 0)
	}
	if d, ok := tok.(json.Delim); !ok || d != '{' {
		return nil, notReport(start, "want a JSON object")
	}
	var sawTool, sawFindings bool
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return nil, syntax(err, 0)
		}
		key, _ := tok.(string)
		valOff := skipValueStart(data, dec.InputOffset())
		switch key {
		case "tool":
			var tool struct {
				Name string `json:"name"`
			}
			if err := dec.Decode(&tool); err != nil {
				return nil, syntax(err, valOff)
			}
			if tool.Name != "cloudward" {
				return nil, notReport(valOff, fmt.Sprintf(`"tool"."name" is %q, want "cloudward"`, tool.Name))
			}
			sawTool = true
		case "findings":
			if err := b.readFindings(dec, data, valOff, at, syntax); err != nil {
				return nil, err
			}
			sawFindings = true
		default:
			var skip json.RawMessage
			if err := dec.Decode(&skip); err != nil {
				return nil, syntax(err, 0)
			}
		}
	}
	if _, err := dec.Token(); err != nil { // the closing brace
		return nil, syntax(err, 0)
	}
	if !sawTool {
		return nil, notReport(start, `no "tool" member`)
	}
	if !sawFindings {
		return nil, notReport(start, `no "findings" member`)
	}
	if off := skipSpace(data, dec.InputOffset()); off < int64(len(data)) {
		return nil, at(off, "unexpected data after the report")
	}
	return b, nil
}

func (b *Baseline) readFindings(dec *json.Decoder, data []byte, off int64,
	at func(int64, string, ...any) error, syntax func(error, int64) error) error {
	tok, err := dec.Token()
	if err != nil {
		return syntax(err, 0)
	}
	if d, ok := tok.(json.Delim); !ok || d != '[' {
		return at(off, `"findings" is not an array`)
	}
	for dec.More() {
		off := skipValueStart(data, dec.InputOffset())
		var f baselineFinding
		if err := dec.Decode(&f); err != nil {
			return syntax(err, off)
		}
		if f.CheckID == nil || f.Status == nil || f.Resource == nil {
			return at(off, `finding %d: want "check_id", "status" and "resource" (is this a cloudward JSON report?)`, b.Findings+1)
		}
		b.Findings++
		failing := *f.Status == string(check.Fail) ||
			((*f.Status == string(check.Muted) || *f.Status == string(check.Suppressed)) && f.Mute != nil && f.Mute.Status == string(check.Fail)) ||
			(*f.Status == string(check.Suppressed) && f.Suppression != nil && f.Suppression.Status == string(check.Fail))
		if !failing {
			continue
		}
		file := ""
		if f.Resource.Location != nil {
			file = f.Resource.Location.File
		}
		b.failing[ciFingerprint(*f.CheckID, f.Resource.ID, f.Resource.Address, file)] = true
	}
	if _, err := dec.Token(); err != nil { // the closing bracket
		return syntax(err, 0)
	}
	return nil
}

// New returns the findings that are not already failures of the baseline:
// every finding except a FAIL (or muted FAIL) whose CIFingerprint FAILed in
// the baseline. dropped is the number left out. findings is not modified.
func (b *Baseline) New(findings []check.Finding) (kept []check.Finding, dropped int) {
	kept = make([]check.Finding, 0, len(findings))
	for i := range findings {
		f := &findings[i]
		failing := f.Status == check.Fail || ((f.Status == check.Muted || f.Status == check.Suppressed) && f.Mute != nil && f.Mute.Status == check.Fail)
		if failing && b.failing[CIFingerprint(f)] {
			dropped++
			continue
		}
		kept = append(kept, *f)
	}
	return kept, dropped
}

// position turns a byte offset into a 1-based line and column.
func position(data []byte, off int64) (line, col int) {
	if off > int64(len(data)) {
		off = int64(len(data))
	}
	if off < 0 {
		off = 0
	}
	before := data[:off]
	line = bytes.Count(before, []byte("\n")) + 1
	col = int(off) - (bytes.LastIndexByte(before, '\n') + 1) + 1
	return line, col
}

func skipSpace(data []byte, off int64) int64 {
	for off < int64(len(data)) {
		switch data[off] {
		case ' ', '\t', '\n', '\r':
			off++
		default:
			return off
		}
	}
	return off
}

// skipValueStart moves past the blanks, colon or comma before a value.
func skipValueStart(data []byte, off int64) int64 {
	for off < int64(len(data)) {
		switch data[off] {
		case ' ', '\t', '\n', '\r', ':', ',':
			off++
		default:
			return off
		}
	}
	return off
}
