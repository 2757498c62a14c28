package snapshot

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"path"
	"strings"
	"sync/atomic"

	"github.com/cloudward/cloudward/internal/model"
	awsm "github.com/cloudward/cloudward/internal/model/aws"
)

// fileEntry is one regular file of the snapshot. claimed is set when the
// importer looked the file up, so that the rest can be reported as unknown.
type fileEntry struct {
	claimed atomic.Bool
}

// index lists every regular file once, so that lookups of the many files
// that are legitimately absent cost a map probe instead of a stat.
func (l *loader) index() error {
	l.files = map[string]*fileEntry{}
	err := fs.WalkDir(l.fsys, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			if p == "." {
				return err
			}
			l.warn(p, 0, "cannot read: %v", err)
			return nil
		}
		if d.IsDir() {
			return nil
		}
		l.files[p] = &fileEntry{}
		return nil
	})
	if err != nil {
		return fmt.Errorf("reading snapshot: %v", err)
	}
	return nil
}

// claim marks a file as consumed and reports whether it exists.
func (l *loader) claim(p string) bool {
	e, ok := l.files[p]
	if ok {
		e.claimed.Store(true)
	}
	return ok
}

// warnUnclaimed reports every file the importer did not use: a typo in a
// path, a region not listed in snapshot.json, or an operation we do not read.
func (l *loader) warnUnclaimed() {
	for p, e := range l.files {
		if !e.claimed.Load() {
			l.warn(p, 0, "unknown file, ignored (not part of the snapshot layout, or its region/resource is not listed)")
		}
	}
}

// errTooBig is returned for a file over the size limit.
type errTooBig struct {
	file        string
	size, limit int64
}

func (e *errTooBig) Error() string {
	return fmt.Sprintf("%s: file is %d bytes, over the %d-byte limit per snapshot file", e.file, e.size, e.limit)
}

// read returns a file's bytes after checking its size with a stat, so that a
// huge file is refused before any of it is read.
func (l *loader) read(p string) ([]byte, error) {
	f, err := l.fsys.Open(p)
	if err != nil {
		return nil, fmt.Errorf("%s: %v", p, unwrapPathError(err))
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return nil, fmt.Errorf("%s: %v", p, unwrapPathError(err))
	}
	if !st.Mode().IsRegular() {
		return nil, fmt.Errorf("%s: not a regular file", p)
	}
	limit := l.opts.MaxFileSize
	if st.Size() > limit {
		return nil, &errTooBig{file: p, size: st.Size(), limit: limit}
	}
	// The limit also guards files that grow while being read.
	var buf bytes.Buffer
	buf.Grow(int(st.Size()) + 1)
	n, err := io.Copy(&buf, io.LimitReader(f, limit+1))
	if err != nil {
		return nil, fmt.Errorf("%s: %v", p, unwrapPathError(err))
	}
	if n > limit {
		return nil, &errTooBig{file: p, size: n, limit: limit}
	}
	return buf.Bytes(), nil
}

func unwrapPathError(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}

// answerKind classifies what the snapshot holds for one call.
type answerKind int

const (
	ansData    answerKind = iota // <call>.json was read
	ansMissing                   // no file: not collected
	ansAWS                       // <call>.error.json: AWS answered with an error
	ansBad                       // a file is there but unusable (warned)
)

// answer is what the snapshot holds for one call (an operation, or an
// operation on one resource key).
type answer struct {
	kind    answerKind
	file    string // the data or error file; the expected data file when missing
	data    []byte // ansData only
	code    string // ansAWS: the AWS error code
	message string // ansAWS: the AWS error message
	problem string // ansBad: what is wrong
}

// reason explains why the call's values are unknown.
func (a *answer) reason() string {
	switch a.kind {
	case ansMissing:
		return "not collected: " + a.file + " missing"
	case ansAWS:
		if a.message == "" {
			return a.code
		}
		return a.code + ": " + a.message
	case ansBad:
		return "unreadable: " + a.problem
	}
	return ""
}

// src is the source of the whole answer.
func (a *answer) src() model.Source { return model.Source{File: a.file} }

// awsError is the shape of an <call>.error.json file. The nested "Error"
// form is what the raw APIs return; the flat form is what the collector
// script writes.
type awsError struct {
	Code    string `json:"Code"`
	Message string `json:"Message"`
	Error   *struct {
		Code    string `json:"Code"`
		Message string `json:"Message"`
	} `json:"Error"`
}

// fetch reads the answer for a call whose data file is base+".json" and
// whose error file is base+".error.json". It never fails: problems become
// an ansBad answer and a warning.
func (l *loader) fetch(base string) answer {
	dataFile, errFile := base+".json", base+".error.json"
	hasData, hasErr := l.claim(dataFile), l.claim(errFile)
	switch {
	case hasData:
		if hasErr {
			l.warn(errFile, 0, "both %s and this error file exist; using the data file", path.Base(dataFile))
		}
		data, err := l.read(dataFile)
		if err != nil {
			return l.bad(dataFile, 0, err.Error())
		}
		return answer{kind: ansData, file: dataFile, data: data}
	case hasErr:
		data, err := l.read(errFile)
		if err != nil {
			return l.bad(errFile, 0, err.Error())
		}
		var e awsError
		if err := decodeJSON(errFile, data, &e); err != nil {
			return l.badDecode(errFile, err)
		}
		if e.Code == "" && e.Error != nil {
			e.Code, e.Message = e.Error.Code, e.Error.Message
		}
		if e.Code == "" {
			return l.bad(errFile, 0, errFile+": error file has no \"Code\"")
		}
		return answer{kind: ansAWS, file: errFile, code: e.Code, message: e.Message}
	}
	return answer{kind: ansMissing, file: dataFile}
}

// bad records an unusable file as a warning and returns its answer.
func (l *loader) bad(file string, line int, problem string) answer {
	msg := strings.TrimPrefix(problem, file+": ")
	l.warn(file, line, "%s; its values are unknown", msg)
	return answer{kind: ansBad, file: file, problem: problem}
}

func (l *loader) badDecode(file string, err error) answer {
	line := 0
	var de *decodeError
	if errors.As(err, &de) {
		line = de.line
	}
	return l.bad(file, line, err.Error())
}

// decode unmarshals a data answer into v. On failure it warns, turns the
// answer into ansBad and returns false.
func (l *loader) decode(a *answer, v any) bool {
	if a.kind != ansData {
		return false
	}
	data := a.data
	a.data = nil // do not hold raw bytes longer than needed
	if len(bytes.TrimSpace(data)) == 0 {
		*a = l.bad(a.file, 0, a.file+": empty file (truncated?)")
		return false
	}
	if err := decodeJSON(a.file, data, v); err != nil {
		*a = l.badDecode(a.file, err)
		return false
	}
	return true
}

// decodeEmptyOK is decode for operations whose CLI output is empty when
// there is nothing to say (get-bucket-versioning on a never-versioned
// bucket, get-bucket-logging with logging off): an empty file is "{}".
func (l *loader) decodeEmptyOK(a *answer, v any) bool {
	if a.kind == ansData && len(bytes.TrimSpace(a.data)) == 0 {
		a.data = nil
		return true
	}
	return l.decode(a, v)
}

// decodeError is a JSON error with its position in the file.
type decodeError struct {
	file      string
	line, col int
	jsonPath  string
	msg       string
}

func (e *decodeError) Error() string {
	s := fmt.Sprintf("%s:%d:%d: ", e.file, e.line, e.col)
	if e.jsonPath != "" {
		s += "at " + e.jsonPath + ": "
	}
	return s + e.msg
}

// decodeJSON unmarshals data into v, turning errors into positioned
// messages: file, line:column and, for a wrong type, the JSON path.
func decodeJSON(file string, data []byte, v any) error {
	err := json.Unmarshal(data, v)
	if err == nil {
		return nil
	}
	var se *json.SyntaxError
	var te *json.UnmarshalTypeError
	switch {
	case errors.As(err, &se):
		// Offset counts the offending byte; point at it, not past it.
		line, col := awsm.LineCol(data, max(se.Offset-1, 0))
		msg := se.Error()
		if se.Offset >= int64(len(bytes.TrimRight(data, " \t\r\n"))) {
			msg += " (truncated file?)"
		}
		return &decodeError{file: file, line: line, col: col, msg: "malformed JSON: " + msg}
	case errors.As(err, &te):
		line, col := awsm.LineCol(data, te.Offset)
		p := jsonPathAt(data, te.Offset)
		if p == "" {
			p = te.Field
		}
		return &decodeError{file: file, line: line, col: col, jsonPath: p,
			msg: fmt.Sprintf("wrong type: want %s, got %s", te.Type, te.Value)}
	}
	return fmt.Errorf("%s: %v", file, err)
}

// jsonPathAt returns the JSON path (Volumes[1].Encrypted) of the value that
// ends at byte offset off, by replaying the token stream. It runs only on
// the error path.
func jsonPathAt(data []byte, off int64) string {
	type frame struct {
		arr     bool
		idx     int
		key     string
		haveKey bool
	}
	var stack []frame
	render := func() string {
		var b strings.Builder
		for _, f := range stack {
			switch {
			case f.arr:
				fmt.Fprintf(&b, "[%d]", f.idx)
			case f.haveKey:
				if b.Len() > 0 {
					b.WriteByte('.')
				}
				b.WriteString(f.key)
			}
		}
		return b.String()
	}
	advance := func() {
		if n := len(stack); n > 0 {
			if stack[n-1].arr {
				stack[n-1].idx++
			} else {
				stack[n-1].haveKey = false
			}
		}
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	for {
		tok, err := dec.Token()
		if err != nil {
			return render()
		}
		top := len(stack) - 1
		switch t := tok.(type) {
		case json.Delim:
			switch t {
			case '{', '[':
				if dec.InputOffset() >= off {
					return render()
				}
				stack = append(stack, frame{arr: t == '['})
			default:
				stack = stack[:top]
				advance()
			}
		case string:
			if top >= 0 && !stack[top].arr && !stack[top].haveKey {
				stack[top].key, stack[top].haveKey = t, true
				continue
			}
			if dec.InputOffset() >= off {
				return render()
			}
			advance()
		default:
			if dec.InputOffset() >= off {
				return render()
			}
			advance()
		}
	}
}

// covKey identifies one operation in one region.
type covKey struct{ region, service, op string }

// covAgg aggregates the answers of one operation, over all its resource
// keys for per-resource calls, so coverage stays one entry per operation.
type covAgg struct {
	read, missing, awsErr, bad int
	firstProblem               string
	firstCode                  string // first AWS error code
}

// noteProblem keeps the example problem and AWS error code that sort
// first, not the first to arrive: loaders read files in parallel, and the
// report must not depend on which goroutine won.
func (c *covAgg) noteProblem(problem, code string) {
	if c.firstProblem == "" || problem < c.firstProblem {
		c.firstProblem = problem
	}
	if code != "" && (c.firstCode == "" || code < c.firstCode) {
		c.firstCode = code
	}
}

// cover records the outcome of one call. meaningful says whether an AWS
// error answer carries meaning for this call (NoSuchBucketPolicy) and so
// counts as read.
func (l *loader) cover(region, service, op string, a *answer, meaningful bool) {
	l.mu.Lock()
	defer l.mu.Unlock()
	k := covKey{region, service, op}
	c := l.cov[k]
	if c == nil {
		c = &covAgg{}
		l.cov[k] = c
	}
	switch {
	case a.kind == ansData || (a.kind == ansAWS && meaningful):
		c.read++
	case a.kind == ansMissing:
		c.missing++
		c.noteProblem(a.reason(), "")
	case a.kind == ansAWS:
		c.awsErr++
		c.noteProblem(a.reason(), a.code)
	default:
		c.bad++
		c.noteProblem(a.reason(), "")
	}
}

// coverNone records an operation that had nothing to read (no buckets, so
// no get-bucket-policy calls): it is neither missing nor an error.
func (l *loader) coverNone(region, service, op string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	k := covKey{region, service, op}
	if l.cov[k] == nil {
		l.cov[k] = &covAgg{}
	}
}

func (c *covAgg) coverage(k covKey) awsm.Coverage {
	out := awsm.Coverage{Region: k.region, Service: k.service, Operation: k.op}
	total := c.read + c.missing + c.awsErr + c.bad
	switch {
	case c.bad > 0 || c.awsErr > 0:
		out.Status = awsm.CoverageError
		out.Code = c.firstCode
	case c.missing > 0:
		out.Status = awsm.CoverageMissing
	default:
		out.Status = awsm.CoverageRead
	}
	switch {
	case total == 0:
		out.Detail = awsm.CoverageNothingToRead
	case total == 1:
		out.Detail = c.firstProblem
	default:
		// Per-resource calls: counts, then the first problem as an example.
		out.Detail = fmt.Sprintf("%d read, %d missing, %d error answers, %d unreadable", c.read, c.missing, c.awsErr, c.bad)
		if c.firstProblem != "" {
			out.Detail += "; e.g. " + c.firstProblem
		}
	}
	return out
}
