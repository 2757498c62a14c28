// Package mutelist reads mutelist files and applies them to findings.
//
// A mutelist entry silences the FAIL or UNKNOWN findings it matches: they
// become MUTED, keep the entry's reason, owner and position, and stop
// counting as failures. Entries carry an owner, a reason and an optional
// expiry; an expired entry stops muting and is reported, so that an exception
// cannot quietly outlive its justification. The format is in docs/mutelist.md.
package mutelist

import (
	"errors"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"

	"gopkg.in/yaml.v3"
)

// List is a parsed mutelist: its entries in file order (the first entry that
// matches a finding mutes it).
type List struct {
	Entries []*Entry
}

// Entry is one mutelist entry. The selectors (check, account, region,
// resource, tags) must all match; an omitted selector matches everything,
// except check, which is required so that muting every check is explicit
// ("*").
type Entry struct {
	Check    string
	Account  string
	Region   string
	Resource string
	Tags     map[string]string
	Reason   string
	Owner    string
	// Expires is the last day (UTC) the entry mutes; zero means no expiry.
	Expires time.Time
	// File and Line locate the entry (the line of its first key).
	File string
	Line int
	// checkLine is the line of the check key, for unknown-ID errors.
	checkLine int

	check, account, region *pattern
	resource               *pattern
	tags                   map[string]*pattern
}

// Pos renders where the entry is written: "mutelist.yaml:12".
func (e *Entry) Pos() string { return fmt.Sprintf("%s:%d", e.File, e.Line) }

// ExpiresString renders the expiry as YYYY-MM-DD, or "" without one.
func (e *Entry) ExpiresString() string {
	if e.Expires.IsZero() {
		return ""
	}
	return e.Expires.Format(time.DateOnly)
}

// Expired reports whether the entry no longer mutes at now: it mutes through
// the whole of its expiry day, in UTC.
func (e *Entry) Expired(now time.Time) bool {
	return !e.Expires.IsZero() && !now.UTC().Before(e.Expires.AddDate(0, 0, 1))
}

// Error is a problem of a mutelist file at a position.
type Error struct {
	File string
	Line int
	Msg  string
}

func (e *Error) Error() string {
	if e.Line > 0 {
		return fmt.Sprintf("%s:%d: %s", e.File, e.Line, e.Msg)
	}
	return e.File + ": " + e.Msg
}

// Parse reads a mutelist file: a mapping whose "entries" key holds the list
// of entries. name is the file name used in errors and in muted findings.
// Every problem is reported, each with its line, joined in one error.
func Parse(name string, data []byte) (*List, error) {
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		line, msg := YAMLError(err)
		return nil, &Error{File: name, Line: line, Msg: msg}
	}
	if len(doc.Content) == 0 {
		return nil, &Error{File: name, Line: 1, Msg: `empty mutelist: want a mapping with an "entries" list`}
	}
	return ParseNode(name, doc.Content[0])
}

// ParseNode reads a mutelist from a YAML node: the mapping of a mutelist
// file, or the same mapping written inline in the config file.
func ParseNode(name string, n *yaml.Node) (*List, error) {
	p := &parser{file: name}
	l := &List{}
	if n.Kind != yaml.MappingNode {
		p.errf(n, `want a mapping with an "entries" list, got %s`, kindName(n))
		return nil, p.err()
	}
	var entries *yaml.Node
	p.mapping(n, func(key string, k, v *yaml.Node) {
		switch key {
		case "entries":
			entries = v
		default:
			p.errf(k, "unknown key %q (want entries)", key)
		}
	})
	if entries == nil {
		if len(p.errs) == 0 {
			p.errf(n, `missing "entries" list`)
		}
		return nil, p.err()
	}
	if entries.Kind != yaml.SequenceNode {
		if !(entries.Kind == yaml.ScalarNode && entries.Tag == "!!null") {
			p.errf(entries, "entries: want a list, got %s", kindName(entries))
		}
	} else {
		for i, en := range entries.Content {
			if e := p.entry(i+1, en); e != nil {
				l.Entries = append(l.Entries, e)
			}
		}
	}
	if err := p.err(); err != nil {
		return nil, err
	}
	return l, nil
}

// CheckIDs reports entries whose check is a literal ID that known does not
// accept (a typo would otherwise mute nothing, silently).
func (l *List) CheckIDs(known func(id string) bool) error {
	var errs []error
	for _, e := range l.Entries {
		if e.check.re == nil && !known(e.Check) {
			errs = append(errs, &Error{File: e.File, Line: e.checkLine, Msg: fmt.Sprintf("unknown check ID %q (see cloudward checks)", e.Check)})
		}
	}
	return errors.Join(errs...)
}

type parser struct {
	file string
	errs []error
}

func (p *parser) errf(n *yaml.Node, format string, args ...any) {
	p.errs = append(p.errs, &Error{File: p.file, Line: n.Line, Msg: fmt.Sprintf(format, args...)})
}

func (p *parser) err() error { return errors.Join(p.errs...) }

// mapping calls f for each key of a mapping, rejecting duplicate keys.
func (p *parser) mapping(n *yaml.Node, f func(key string, k, v *yaml.Node)) {
	seen := map[string]bool{}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		if k.Kind != yaml.ScalarNode {
			p.errf(k, "keys must be plain strings")
			continue
		}
		if seen[k.Value] {
			p.errf(k, "duplicate key %q", k.Value)
			continue
		}
		seen[k.Value] = true
		f(k.Value, k, v)
	}
}

// scalar returns a scalar's text, or reports that it is not one.
func (p *parser) scalar(key string, v *yaml.Node) (string, bool) {
	if v.Kind != yaml.ScalarNode {
		p.errf(v, "%s: want a string, got %s", key, kindName(v))
		return "", false
	}
	if v.Tag == "!!null" {
		p.errf(v, "%s: empty value", key)
		return "", false
	}
	s := strings.TrimSpace(v.Value)
	if s == "" {
		p.errf(v, "%s: empty value", key)
		return "", false
	}
	return s, true
}

const entryKeys = "check, account, region, resource, tags, reason, owner, expires"

func (p *parser) entry(idx int, n *yaml.Node) *Entry {
	if n.Kind != yaml.MappingNode {
		p.errf(n, "entry %d: want a mapping (%s), got %s", idx, entryKeys, kindName(n))
		return nil
	}
	before := len(p.errs)
	e := &Entry{File: p.file, Line: n.Line}
	var pat = func(key string, k, v *yaml.Node, dst *string, out **pattern, allowRegex bool) {
		s, ok := p.scalar(key, v)
		if !ok {
			return
		}
		pt, err := compile(s, allowRegex)
		if err != nil {
			p.errf(v, "%s: %v", key, err)
			return
		}
		*dst, *out = s, pt
	}
	p.mapping(n, func(key string, k, v *yaml.Node) {
		switch key {
		case "check":
			e.checkLine = v.Line
			pat(key, k, v, &e.Check, &e.check, false)
		case "account":
			pat(key, k, v, &e.Account, &e.account, false)
		case "region":
			pat(key, k, v, &e.Region, &e.region, false)
		case "resource":
			pat(key, k, v, &e.Resource, &e.resource, true)
		case "tags":
			if v.Kind != yaml.MappingNode || len(v.Content) == 0 {
				p.errf(v, "tags: want a non-empty mapping of tag key to value pattern, got %s", kindName(v))
				return
			}
			e.Tags, e.tags = map[string]string{}, map[string]*pattern{}
			p.mapping(v, func(tk string, _, tv *yaml.Node) {
				var s string
				var pt *pattern
				pat("tags."+tk, nil, tv, &s, &pt, false)
				if pt != nil {
					e.Tags[tk], e.tags[tk] = s, pt
				}
			})
		case "reason":
			e.Reason, _ = p.scalar(key, v)
		case "owner":
			e.Owner, _ = p.scalar(key, v)
		case "expires":
			s, ok := p.scalar(key, v)
			if !ok {
				return
			}
			t, err := time.Parse(time.DateOnly, s)
			if err != nil {
				p.errf(v, "expires: %q is not a date (want YYYY-MM-DD)", s)
				return
			}
			e.Expires = t
		default:
			p.errf(k, "entry %d: unknown key %q (want %s)", idx, key, entryKeys)
		}
	})
	for _, req := range []struct {
		key string
		set bool
	}{{"check", e.Check != ""}, {"reason", e.Reason != ""}, {"owner", e.Owner != ""}} {
		if !req.set && !p.reported(before, n) {
			p.errf(n, "entry %d: missing %s (every entry needs check, reason and owner)", idx, req.key)
		}
	}
	if len(p.errs) > before {
		return nil
	}
	return e
}

// reported reports whether an error since before already concerns a key of
// n with the same problem; it keeps "empty value" from also saying "missing".
func (p *parser) reported(before int, n *yaml.Node) bool {
	for _, err := range p.errs[before:] {
		if e, ok := err.(*Error); ok && e.Line >= n.Line && strings.Contains(e.Msg, "empty value") {
			return true
		}
	}
	return false
}

func kindName(n *yaml.Node) string {
	switch n.Kind {
	case yaml.MappingNode:
		return "a mapping"
	case yaml.SequenceNode:
		return "a list"
	case yaml.AliasNode:
		return "an alias"
	case yaml.ScalarNode:
		if n.Tag == "!!null" {
			return "nothing"
		}
		return fmt.Sprintf("%q", n.Value)
	}
	return "nothing"
}

// YAMLError splits yaml.v3's "yaml: line 3: msg" into 3 and "msg", so that
// errors read file:line: msg.
func YAMLError(err error) (line int, msg string) {
	msg = strings.TrimPrefix(err.Error(), "yaml: ")
	if rest, ok := strings.CutPrefix(msg, "line "); ok {
		if i := strings.Index(rest, ": "); i > 0 {
			if n, err := strconv.Atoi(rest[:i]); err == nil {
				return n, rest[i+2:]
			}
		}
	}
	return 0, msg
}

// pattern matches a string: literally, by glob (* any run of characters,
// ? one character) or, written "regex:...", by a Go regular expression.
type pattern struct {
	literal string
	re      *regexp.Regexp
}

func compile(s string, allowRegex bool) (*pattern, error) {
	if rx, ok := strings.CutPrefix(s, "regex:"); ok {
		if !allowRegex {
			return nil, fmt.Errorf("regular expressions are only allowed in resource")
		}
		re, err := regexp.Compile(rx)
		if err != nil {
			return nil, fmt.Errorf("bad regular expression %q: %v", rx, err)
		}
		return &pattern{re: re}, nil
	}
	if !strings.ContainsAny(s, "*?") {
		return &pattern{literal: s}, nil
	}
	var b strings.Builder
	b.WriteString("^")
	for _, r := range s {
		switch r {
		case '*':
			b.WriteString(".*")
		case '?':
			b.WriteString(".")
		default:
			b.WriteString(regexp.QuoteMeta(string(r)))
		}
	}
	b.WriteString("$")
	return &pattern{re: regexp.MustCompile(b.String())}, nil
}

func (p *pattern) match(s string) bool {
	if p == nil {
		return true
	}
	if p.re == nil {
		return s == p.literal
	}
	return p.re.MatchString(s)
}
