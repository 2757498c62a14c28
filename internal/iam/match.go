package iam

import (
	"strings"
	"unicode/utf8"
)

// litEscape marks the next byte of a pattern as a literal. Policy variables
// ${*}, ${?} and ${$} and substituted variable values are literal text, not
// wildcards, so substitution escapes them with this byte.
const litEscape = '\x00'

// glob matches s against pattern, where '*' matches any run of bytes
// (including none) and '?' exactly one. fold makes ASCII letters match
// case-insensitively (action names). It never allocates.
func glob(pattern, s string, fold bool) bool {
	p, i := 0, 0
	starP, starI := -1, 0
	for i < len(s) {
		if p < len(pattern) {
			c := pattern[p]
			switch {
			case c == '*':
				starP, starI = p, i
				p++
				continue
			case c == '?':
				// One character, which may be several bytes of UTF-8.
				_, n := utf8.DecodeRuneInString(s[i:])
				p++
				i += n
				continue
			case c == litEscape && p+1 < len(pattern):
				if eqByte(pattern[p+1], s[i], fold) {
					p += 2
					i++
					continue
				}
			default:
				if eqByte(c, s[i], fold) {
					p++
					i++
					continue
				}
			}
		}
		if starP >= 0 {
			// Backtrack: let the last '*' swallow one more byte.
			starI++
			p, i = starP+1, starI
			continue
		}
		return false
	}
	for p < len(pattern) && pattern[p] == '*' {
		p++
	}
	return p == len(pattern)
}

func eqByte(a, b byte, fold bool) bool {
	if a == b {
		return true
	}
	if !fold {
		return false
	}
	if 'A' <= a && a <= 'Z' {
		a += 'a' - 'A'
	}
	if 'A' <= b && b <= 'Z' {
		b += 'a' - 'A'
	}
	return a == b
}

// hasWildcard reports whether a pattern has an unescaped '*' or '?'.
func hasWildcard(pattern string) bool {
	for i := 0; i < len(pattern); i++ {
		switch pattern[i] {
		case litEscape:
			i++
		case '*', '?':
			return true
		}
	}
	return false
}

// unescape drops literal markers (for patterns compared without wildcards).
func unescape(s string) string {
	if strings.IndexByte(s, litEscape) < 0 {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] == litEscape && i+1 < len(s) {
			i++
		}
		b.WriteByte(s[i])
	}
	return b.String()
}

// pat is a precompiled wildcard pattern with fast paths for the common
// shapes: "*", a literal, and a literal prefix followed by one '*'.
type pat struct {
	s    string // the literal (exact), the prefix (prefix) or the pattern (glob)
	kind uint8
}

const (
	patAny uint8 = iota
	patExact
	patPrefix
	patGlob
)

func compilePat(s string) pat {
	switch {
	case s == "*":
		return pat{kind: patAny}
	case strings.IndexByte(s, litEscape) >= 0:
		return pat{s: s, kind: patGlob}
	case !hasWildcard(s):
		return pat{s: s, kind: patExact}
	case strings.IndexAny(s[:len(s)-1], "*?") < 0 && s[len(s)-1] == '*':
		return pat{s: s[:len(s)-1], kind: patPrefix}
	}
	return pat{s: s, kind: patGlob}
}

func (p *pat) match(v string, fold bool) bool {
	switch p.kind {
	case patAny:
		return true
	case patExact:
		if fold {
			return strings.EqualFold(p.s, v)
		}
		return p.s == v
	case patPrefix:
		if len(v) < len(p.s) {
			return false
		}
		if fold {
			return strings.EqualFold(p.s, v[:len(p.s)])
		}
		return p.s == v[:len(p.s)]
	}
	return glob(p.s, v, fold)
}

// arnPattern is a Resource (or Arn* condition) pattern split into the six
// ARN fields: "arn", partition, service, region, account, resource.
type arnPattern struct {
	raw    string
	any    bool // "*": matches every resource, ARN or not
	isARN  bool
	fields [6]pat
	// spill[k] is set when field k (1-4) ends with '*': AWS lets such a
	// wildcard expand beyond the colon, so the rest of the ARN from field k
	// on is matched as one plain pattern, rest[k].
	spill [6]bool
	rest  [6]string
}

func compileARNPattern(p string) arnPattern {
	ap := compileARNCondition(p)
	for k := 1; k <= 4 && ap.isARN; k++ {
		f := ap.fields[k]
		if f.kind == patAny || (f.kind == patPrefix) || (f.kind == patGlob && strings.HasSuffix(f.s, "*") && !strings.HasSuffix(f.s, string(litEscape)+"*")) {
			ap.spill[k] = true
			ap.rest[k] = restFields(p, k)
		}
	}
	return ap
}

// restFields returns p from its k-th colon-separated field on.
func restFields(p string, k int) string {
	for ; k > 0; k-- {
		p = p[strings.IndexByte(p, ':')+1:]
	}
	return p
}

// compileARNCondition compiles an ArnLike/ArnEquals value: there, each of
// the six fields is matched on its own, wildcards never leave their field.
func compileARNCondition(p string) arnPattern {
	ap := arnPattern{raw: p, any: p == "*"}
	if f, ok := splitARN(p); ok {
		ap.isARN = true
		for k := range f {
			ap.fields[k] = compilePat(f[k])
		}
	}
	return ap
}

// splitARN splits an ARN into its six fields; the resource field keeps its
// colons and slashes. It does not allocate.
func splitARN(s string) (f [6]string, ok bool) {
	if !strings.HasPrefix(s, "arn:") {
		return f, false
	}
	start := 0
	for k := 0; k < 5; k++ {
		j := strings.IndexByte(s[start:], ':')
		if j < 0 {
			return f, false
		}
		f[k] = s[start : start+j]
		start += j + 1
	}
	f[5] = s[start:]
	return f, true
}

// match matches a resource ARN field by field: wildcards in the partition,
// service, region and account fields stay within their field unless they
// end it; in the resource field they span '/' and ':'. A non-ARN pattern
// (other than "*", e.g. an ARN with fewer than six fields) is matched as a
// plain pattern over the whole string; an ARN pattern never matches a
// non-ARN resource.
func (ap *arnPattern) match(res string) bool {
	if ap.any {
		return true
	}
	if !ap.isARN {
		return glob(ap.raw, res, false)
	}
	rf, ok := splitARN(res)
	if !ok {
		return false
	}
	return ap.matchFields(res, &rf)
}

// matchFields matches an already split ARN res.
func (ap *arnPattern) matchFields(res string, rf *[6]string) bool {
	off := len(rf[0]) + 1
	for k := 1; k < 6; k++ {
		if ap.spill[k] {
			return glob(ap.rest[k], res[off:], false)
		}
		if !ap.fields[k].match(rf[k], false) {
			return false
		}
		off += len(rf[k]) + 1
	}
	return true
}
