// Package cwfilter parses CloudWatch Logs filter patterns and evaluates them
// over log events, so that a metric filter can be judged by what it matches
// rather than by how it is written.
//
// Three pattern forms exist:
//
//	{ $.eventName = "X" && ($.errorCode = "*Denied" || $.x NOT EXISTS) }   JSON
//	[ip, user, status = 4*, ...]                                          space-delimited
//	ERROR ?WARN -DEBUG "exact phrase"                                     terms
//
// JSON patterns are fully supported: selectors ($.a.b, $.a[0].b), the
// operators =, !=, <, >, <=, >=, string values quoted or bare with the *
// wildcard, %regex% values, numbers, IS NULL / IS TRUE / IS FALSE,
// NOT EXISTS, &&, || and parentheses (&& binds tighter than ||).
// Term patterns are evaluated on the event's text. Space-delimited patterns
// are parsed for their shape but match no JSON event: CloudTrail delivers
// JSON, which has no space-delimited fields.
package cwfilter

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
)

// Kind is the form of a pattern.
type Kind int

// Pattern forms.
const (
	KindAll       Kind = iota // empty pattern: matches every event
	KindJSON                  // { ... }
	KindTerms                 // ERROR ?WARN "phrase"
	KindDelimited             // [a, b, ...]
)

func (k Kind) String() string {
	return [...]string{"match-all", "JSON", "terms", "space-delimited"}[k]
}

// Pattern is a parsed filter pattern.
type Pattern struct {
	Kind  Kind
	Text  string
	root  node   // KindJSON
	terms []term // KindTerms
}

// SyntaxError is a parse error with its byte offset (0-based) in the pattern.
type SyntaxError struct {
	Offset int
	Msg    string
}

func (e *SyntaxError) Error() string {
	return fmt.Sprintf("filter pattern: column %d: %s", e.Offset+1, e.Msg)
}

// MaxLen is the longest pattern accepted; CloudWatch's own limit is 1024.
const MaxLen = 1024

// maxDepth bounds nesting of parentheses, so that a hostile pattern cannot
// exhaust the stack.
const maxDepth = 64

// Parse parses a filter pattern.
func Parse(text string) (*Pattern, error) {
	if len(text) > MaxLen {
		return nil, &SyntaxError{Offset: MaxLen, Msg: fmt.Sprintf("pattern is %d bytes, over the %d-byte limit", len(text), MaxLen)}
	}
	p := &Pattern{Text: text}
	trimmed := strings.TrimSpace(text)
	start := len(text) - len(strings.TrimLeft(text, " \t\r\n"))
	switch {
	case trimmed == "":
		p.Kind = KindAll
	case trimmed[0] == '{':
		p.Kind = KindJSON
		ps := &parser{src: text, pos: start}
		root, err := ps.parseJSON()
		if err != nil {
			return nil, err
		}
		p.root = root
	case trimmed[0] == '[':
		p.Kind = KindDelimited
		if !strings.HasSuffix(trimmed, "]") {
			return nil, &SyntaxError{Offset: len(text), Msg: `space-delimited pattern: missing closing "]"`}
		}
	default:
		p.Kind = KindTerms
		terms, err := parseTerms(text)
		if err != nil {
			return nil, err
		}
		p.terms = terms
	}
	return p, nil
}

// --- JSON patterns ---------------------------------------------------------

// node is a boolean expression over one JSON event.
type node interface {
	eval(ev map[string]any) bool
}

type andNode struct{ l, r node }
type orNode struct{ l, r node }

func (n andNode) eval(ev map[string]any) bool { return n.l.eval(ev) && n.r.eval(ev) }
func (n orNode) eval(ev map[string]any) bool  { return n.l.eval(ev) || n.r.eval(ev) }

// op is a comparison operator or a test keyword.
type op int

const (
	opEq op = iota
	opNe
	opLt
	opGt
	opLe
	opGe
	opNotExists
	opIsNull
	opIsTrue
	opIsFalse
)

// cmpNode compares the value at a selector.
type cmpNode struct {
	path  []pathStep
	op    op
	str   string         // string value (may hold * wildcards)
	num   float64        // numeric value
	isNum bool           // value was a number literal
	re    *regexp.Regexp // %regex% value
}

type pathStep struct {
	key   string
	index int // >= 0 for [n]; -1 for a key
}

type parser struct {
	src   string
	pos   int
	depth int
}

func (p *parser) errf(off int, format string, args ...any) error {
	return &SyntaxError{Offset: off, Msg: fmt.Sprintf(format, args...)}
}

func (p *parser) skipSpace() {
	for p.pos < len(p.src) {
		switch p.src[p.pos] {
		case ' ', '\t', '\r', '\n':
			p.pos++
		default:
			return
		}
	}
}

func (p *parser) peek(s string) bool { return strings.HasPrefix(p.src[p.pos:], s) }

func (p *parser) parseJSON() (node, error) {
	p.skipSpace()
	if !p.peek("{") {
		return nil, p.errf(p.pos, `JSON pattern must start with "{"`)
	}
	p.pos++
	n, err := p.parseOr()
	if err != nil {
		return nil, err
	}
	p.skipSpace()
	if !p.peek("}") {
		if p.pos >= len(p.src) {
			return nil, p.errf(p.pos, `missing closing "}"`)
		}
		return nil, p.errf(p.pos, `unexpected %q, want "&&", "||" or "}"`, p.rest())
	}
	p.pos++
	p.skipSpace()
	if p.pos < len(p.src) {
		return nil, p.errf(p.pos, `unexpected %q after the closing "}"`, p.rest())
	}
	return n, nil
}

// rest is the remaining input for error messages, shortened.
func (p *parser) rest() string {
	r := p.src[p.pos:]
	if len(r) > 20 {
		r = r[:20] + "..."
	}
	return r
}

func (p *parser) parseOr() (node, error) {
	l, err := p.parseAnd()
	if err != nil {
		return nil, err
	}
	for {
		p.skipSpace()
		if !p.peek("||") {
			return l, nil
		}
		p.pos += 2
		r, err := p.parseAnd()
		if err != nil {
			return nil, err
		}
		l = orNode{l, r}
	}
}

func (p *parser) parseAnd() (node, error) {
	l, err := p.parseUnary()
	if err != nil {
		return nil, err
	}
	for {
		p.skipSpace()
		if !p.peek("&&") {
			return l, nil
		}
		p.pos += 2
		r, err := p.parseUnary()
		if err != nil {
			return nil, err
		}
		l = andNode{l, r}
	}
}

func (p *parser) parseUnary() (node, error) {
	p.skipSpace()
	if p.peek("(") {
		p.depth++
		if p.depth > maxDepth {
			return nil, p.errf(p.pos, "parentheses nested deeper than %d", maxDepth)
		}
		open := p.pos
		p.pos++
		n, err := p.parseOr()
		if err != nil {
			return nil, err
		}
		p.skipSpace()
		if !p.peek(")") {
			if p.pos >= len(p.src) || p.peek("}") {
				return nil, p.errf(open, `"(" is never closed`)
			}
			return nil, p.errf(p.pos, `unexpected %q, want ")"`, p.rest())
		}
		p.pos++
		p.depth--
		return n, nil
	}
	return p.parseComparison()
}

func (p *parser) parseComparison() (node, error) {
	if !p.peek("$") {
		if p.pos >= len(p.src) {
			return nil, p.errf(p.pos, "pattern ends where a condition was expected")
		}
		return nil, p.errf(p.pos, `unexpected %q, want a selector starting with "$."`, p.rest())
	}
	path, err := p.parseSelector()
	if err != nil {
		return nil, err
	}
	n := &cmpNode{path: path}
	p.skipSpace()
	opAt := p.pos
	switch {
	case p.peek("!="):
		n.op, p.pos = opNe, p.pos+2
	case p.peek("<="):
		n.op, p.pos = opLe, p.pos+2
	case p.peek(">="):
		n.op, p.pos = opGe, p.pos+2
	case p.peek("="):
		n.op, p.pos = opEq, p.pos+1
	case p.peek("<"):
		n.op, p.pos = opLt, p.pos+1
	case p.peek(">"):
		n.op, p.pos = opGt, p.pos+1
	default:
		kw := p.keywords()
		switch kw {
		case "NOT EXISTS":
			n.op = opNotExists
		case "IS NULL":
			n.op = opIsNull
		case "IS TRUE":
			n.op = opIsTrue
		case "IS FALSE":
			n.op = opIsFalse
		default:
			if p.pos >= len(p.src) {
				return nil, p.errf(opAt, "pattern ends after a selector; want an operator")
			}
			return nil, p.errf(opAt, `unexpected %q after a selector, want =, !=, <, >, <=, >=, IS NULL, IS TRUE, IS FALSE or NOT EXISTS`, p.rest())
		}
		return n, nil
	}
	if err := p.parseValue(n, opAt); err != nil {
		return nil, err
	}
	return n, nil
}

// keywords reads "NOT EXISTS" or "IS NULL|TRUE|FALSE" (any case, any spacing)
// and returns it normalised; the position moves only on success.
func (p *parser) keywords() string {
	save := p.pos
	w1 := strings.ToUpper(p.word())
	p.skipSpace()
	w2 := strings.ToUpper(p.word())
	kw := w1 + " " + w2
	switch kw {
	case "NOT EXISTS", "IS NULL", "IS TRUE", "IS FALSE":
		return kw
	}
	p.pos = save
	return ""
}

func (p *parser) word() string {
	start := p.pos
	for p.pos < len(p.src) && isLetter(p.src[p.pos]) {
		p.pos++
	}
	return p.src[start:p.pos]
}

func isLetter(c byte) bool { return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' }

func isKeyChar(c byte) bool {
	return isLetter(c) || c >= '0' && c <= '9' || c == '_' || c == '-' || c == '@' || c == ':'
}

// parseSelector reads $.a.b[2].c.
func (p *parser) parseSelector() ([]pathStep, error) {
	start := p.pos
	p.pos++ // $
	var path []pathStep
	for p.pos < len(p.src) {
		switch p.src[p.pos] {
		case '.':
			p.pos++
			k := p.pos
			for p.pos < len(p.src) && isKeyChar(p.src[p.pos]) {
				p.pos++
			}
			if k == p.pos {
				return nil, p.errf(p.pos, `selector %q: want a key name after "."`, p.src[start:p.pos])
			}
			path = append(path, pathStep{key: p.src[k:p.pos], index: -1})
		case '[':
			p.pos++
			k := p.pos
			for p.pos < len(p.src) && p.src[p.pos] >= '0' && p.src[p.pos] <= '9' {
				p.pos++
			}
			if k == p.pos || p.pos >= len(p.src) || p.src[p.pos] != ']' || p.pos-k > 6 {
				return nil, p.errf(k, `selector %q: want an array index like [0]`, p.src[start:p.pos])
			}
			i, _ := strconv.Atoi(p.src[k:p.pos])
			p.pos++
			path = append(path, pathStep{index: i})
		default:
			goto done
		}
	}
done:
	if len(path) == 0 {
		return nil, p.errf(start, `selector "$" names no field; want "$.field"`)
	}
	return path, nil
}

// parseValue reads the right-hand side of a comparison.
func (p *parser) parseValue(n *cmpNode, opAt int) error {
	p.skipSpace()
	at := p.pos
	if p.pos >= len(p.src) {
		return p.errf(p.pos, "pattern ends where a value was expected")
	}
	var raw string
	quoted := false
	switch c := p.src[p.pos]; {
	case c == '"':
		s, err := p.quoted()
		if err != nil {
			return err
		}
		raw, quoted = s, true
	case c == '%':
		end := strings.IndexByte(p.src[p.pos+1:], '%')
		if end < 0 {
			return p.errf(at, `regular expression value: missing closing "%%"`)
		}
		expr := p.src[p.pos+1 : p.pos+1+end]
		p.pos += end + 2
		if n.op != opEq && n.op != opNe {
			return p.errf(at, "a %%regex%% value needs = or !=")
		}
		re, err := regexp.Compile(expr)
		if err != nil {
			return p.errf(at, "bad regular expression %q: %v", expr, err)
		}
		n.re = re
		return nil
	default:
		for p.pos < len(p.src) {
			c := p.src[p.pos]
			if c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == ')' || c == '}' || c == '(' ||
				c == '&' || c == '|' || c == '"' {
				break
			}
			p.pos++
		}
		raw = p.src[at:p.pos]
		if raw == "" {
			return p.errf(at, "unexpected %q where a value was expected", p.rest())
		}
	}
	if !quoted {
		if f, err := strconv.ParseFloat(raw, 64); err == nil {
			n.num, n.isNum = f, true
		}
	}
	switch n.op {
	case opLt, opGt, opLe, opGe:
		if !n.isNum {
			return p.errf(at, "%q: the operators <, >, <= and >= need a number", raw)
		}
	}
	n.str = raw
	_ = opAt
	return nil
}

// quoted reads a double-quoted string with \" and \\ escapes.
func (p *parser) quoted() (string, error) {
	start := p.pos
	p.pos++
	var b strings.Builder
	for p.pos < len(p.src) {
		c := p.src[p.pos]
		switch c {
		case '\\':
			if p.pos+1 >= len(p.src) {
				return "", p.errf(start, "unterminated string")
			}
			b.WriteByte(p.src[p.pos+1])
			p.pos += 2
		case '"':
			p.pos++
			return b.String(), nil
		default:
			b.WriteByte(c)
			p.pos++
		}
	}
	return "", p.errf(start, "unterminated string")
}

// lookup follows the selector through decoded JSON.
func lookup(ev map[string]any, path []pathStep) (any, bool) {
	var cur any = ev
	for _, s := range path {
		if s.index >= 0 {
			arr, ok := cur.([]any)
			if !ok || s.index >= len(arr) {
				return nil, false
			}
			cur = arr[s.index]
			continue
		}
		m, ok := cur.(map[string]any)
		if !ok {
			return nil, false
		}
		if cur, ok = m[s.key]; !ok {
			return nil, false
		}
	}
	return cur, true
}

// eval follows CloudWatch: a comparison on a field the event lacks is
// false, whatever the operator (so != does not match a missing field).
func (n *cmpNode) eval(ev map[string]any) bool {
	v, present := lookup(ev, n.path)
	switch n.op {
	case opNotExists:
		return !present
	case opIsNull:
		return present && v == nil
	case opIsTrue:
		b, ok := v.(bool)
		return present && ok && b
	case opIsFalse:
		b, ok := v.(bool)
		return present && ok && !b
	}
	if !present || v == nil {
		return false
	}
	switch n.op {
	case opLt, opGt, opLe, opGe:
		f, ok := number(v)
		if !ok {
			return false
		}
		switch n.op {
		case opLt:
			return f < n.num
		case opGt:
			return f > n.num
		case opLe:
			return f <= n.num
		}
		return f >= n.num
	}
	var eq bool
	switch {
	case n.re != nil:
		s, ok := scalarText(v)
		eq = ok && n.re.MatchString(s)
	case n.isNum:
		if f, ok := number(v); ok {
			eq = f == n.num
		} else if s, ok := v.(string); ok {
			eq = s == n.str
		}
	default:
		s, ok := scalarText(v)
		eq = ok && Glob(n.str, s)
	}
	if n.op == opNe {
		return !eq
	}
	return eq
}

func number(v any) (float64, bool) {
	switch x := v.(type) {
	case float64:
		return x, true
	case int:
		return float64(x), true
	case int64:
		return float64(x), true
	}
	return 0, false
}

// scalarText renders a scalar JSON value as CloudWatch compares it.
func scalarText(v any) (string, bool) {
	switch x := v.(type) {
	case string:
		return x, true
	case bool:
		return strconv.FormatBool(x), true
	case float64:
		return strconv.FormatFloat(x, 'f', -1, 64), true
	case int:
		return strconv.Itoa(x), true
	case int64:
		return strconv.FormatInt(x, 10), true
	}
	return "", false
}

// Glob matches s against pattern, where * matches any run of characters
// (case-sensitive, like CloudWatch).
func Glob(pattern, s string) bool {
	if !strings.Contains(pattern, "*") {
		return pattern == s
	}
	parts := strings.Split(pattern, "*")
	if !strings.HasPrefix(s, parts[0]) {
		return false
	}
	s = s[len(parts[0]):]
	last := parts[len(parts)-1]
	for _, mid := range parts[1 : len(parts)-1] {
		i := strings.Index(s, mid)
		if i < 0 {
			return false
		}
		s = s[i+len(mid):]
	}
	return strings.HasSuffix(s, last)
}

// --- term patterns ---------------------------------------------------------

type term struct {
	text    string
	exclude bool // -term
	either  bool // ?term
}

func parseTerms(text string) ([]term, error) {
	var out []term
	i := 0
	for i < len(text) {
		c := text[i]
		if c == ' ' || c == '\t' || c == '\r' || c == '\n' {
			i++
			continue
		}
		t := term{}
		switch c {
		case '?':
			t.either = true
			i++
		case '-':
			t.exclude = true
			i++
		}
		if i < len(text) && text[i] == '"' {
			p := &parser{src: text, pos: i}
			s, err := p.quoted()
			if err != nil {
				return nil, err
			}
			t.text, i = s, p.pos
		} else {
			start := i
			for i < len(text) && text[i] != ' ' && text[i] != '\t' && text[i] != '\r' && text[i] != '\n' {
				i++
			}
			t.text = text[start:i]
		}
		if t.text == "" {
			return nil, &SyntaxError{Offset: i, Msg: "empty term"}
		}
		out = append(out, t)
	}
	for _, t := range out[1:] {
		if t.either != out[0].either {
			return nil, &SyntaxError{Offset: 0, Msg: `mixing "?" (any of) terms with plain terms is not a valid pattern`}
		}
	}
	return out, nil
}

func (p *Pattern) matchTerms(text string) bool {
	either := p.terms[0].either
	any := false
	for _, t := range p.terms {
		has := strings.Contains(text, t.text)
		switch {
		case t.exclude && has:
			return false
		case either && has:
			any = true
		case !either && !t.exclude && !has:
			return false
		}
	}
	return !either || any
}

// --- evaluation ------------------------------------------------------------

// Match reports whether the pattern matches a log event: the decoded JSON
// object and the raw message text (term patterns read the text).
func (p *Pattern) Match(ev map[string]any, raw string) bool {
	switch p.Kind {
	case KindAll:
		return true
	case KindJSON:
		return p.root.eval(ev)
	case KindTerms:
		return p.matchTerms(raw)
	}
	return false
}
