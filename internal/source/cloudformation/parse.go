// Package cloudformation reads AWS CloudFormation (and SAM) templates, YAML
// or JSON, evaluates their intrinsic functions, parameters, conditions and
// mappings, and maps the resources into the typed AWS model so that the same
// checks judge a template and a deployed account.
//
// The parser is our own, on yaml.v3 nodes, so every value keeps its line and
// column; JSON templates go through the same parser (JSON is YAML 1.2).
package cloudformation

import (
	"bytes"
	"encoding/json"
	"fmt"
	"regexp"
	"strconv"

	"gopkg.in/yaml.v3"

	awsm "github.com/cloudward/cloudward/internal/model/aws"
)

// maxTemplateBytes is CloudFormation's own limit (1 MB for templates in S3)
// with room to spare; larger files are refused rather than parsed.
const maxTemplateBytes = 8 << 20

// Detect reports whether data is a CloudFormation template: a YAML or JSON
// document with an AWSTemplateFormatVersion, or a Resources map whose
// entries have a Type starting with "AWS::" (SAM and plain templates alike).
// It looks at content only, never at the file name.
func Detect(data []byte) bool {
	if len(data) == 0 || len(data) > maxTemplateBytes || bytes.IndexByte(data, 0) >= 0 {
		return false
	}
	data = bytes.TrimPrefix(data, utf8BOM)
	// Cheap pre-filter: every template names one of these keys.
	if !bytes.Contains(data, []byte("AWSTemplateFormatVersion")) && !bytes.Contains(data, []byte("Resources")) {
		return false
	}
	root, err := parseNode(data)
	if err != nil || root == nil || root.Kind != yaml.MappingNode {
		return false
	}
	for i := 0; i+1 < len(root.Content); i += 2 {
		k, v := root.Content[i], root.Content[i+1]
		switch k.Value {
		case "AWSTemplateFormatVersion":
			return true
		case "Resources":
			v = deref(v)
			if v.Kind != yaml.MappingNode {
				continue
			}
			for j := 1; j < len(v.Content); j += 2 {
				res := deref(v.Content[j])
				if res.Kind != yaml.MappingNode {
					continue
				}
				if t := mapGet(res, "Type"); t != nil && t.Kind == yaml.ScalarNode && len(t.Value) > 5 && t.Value[:5] == "AWS::" {
					return true
				}
			}
		}
	}
	return false
}

// ParseError is a template that is not valid YAML or JSON, with the position
// of the problem.
type ParseError struct {
	File      string
	Line, Col int
	Msg       string
}

func (e *ParseError) Error() string {
	return fmt.Sprintf("%s:%d:%d: %s", e.File, e.Line, e.Col, e.Msg)
}

var utf8BOM = []byte("\ufeff")

var yamlLineRE = regexp.MustCompile(`^yaml: (?:line (\d+): )?(.*)$`)

// parse reads a template into its root node. Errors carry file:line:column.
func parse(file string, data []byte) (*yaml.Node, error) {
	if len(data) > maxTemplateBytes {
		return nil, &ParseError{File: file, Line: 1, Col: 1, Msg: fmt.Sprintf("template is %d bytes, more than the %d bytes read", len(data), maxTemplateBytes)}
	}
	data = bytes.TrimPrefix(data, utf8BOM)
	if looksJSON(data) && !json.Valid(data) {
		// encoding/json gives the exact offset; yaml.v3 only a line.
		err := json.Unmarshal(data, new(json.RawMessage))
		line, col := 1, 1
		var se *json.SyntaxError
		if ok := asSyntax(err, &se); ok {
			line, col = awsm.LineCol(data, max(se.Offset-1, 0))
		}
		return nil, &ParseError{File: file, Line: line, Col: col, Msg: "invalid JSON: " + err.Error()}
	}
	root, err := parseNode(data)
	if err != nil {
		line, msg := 1, err.Error()
		if m := yamlLineRE.FindStringSubmatch(msg); m != nil {
			if m[1] != "" {
				line, _ = strconv.Atoi(m[1])
			}
			msg = m[2]
		}
		// yaml.v3 reports the line where the enclosing construct began, often
		// the first line: find the first line whose prefix fails to parse.
		if l := firstBadLine(data); l > line {
			line = l
		}
		// Lines only: point at the line's first character.
		return nil, &ParseError{File: file, Line: line, Col: firstCol(data, line), Msg: "invalid YAML: " + msg}
	}
	if root == nil {
		return nil, &ParseError{File: file, Line: 1, Col: 1, Msg: "empty template"}
	}
	if root.Kind != yaml.MappingNode {
		return nil, &ParseError{File: file, Line: root.Line, Col: root.Column, Msg: "template is not a mapping (want Resources, Parameters, ...)"}
	}
	return root, nil
}

func asSyntax(err error, target **json.SyntaxError) bool {
	se, ok := err.(*json.SyntaxError)
	if ok {
		*target = se
	}
	return ok
}

// parseNode decodes the first document. Valid JSON goes through our JSON
// reader (libyaml refuses tabs, \/ and surrogate pairs that JSON allows).
func parseNode(data []byte) (root *yaml.Node, err error) {
	defer func() {
		// yaml.v3 has panicked on hostile input before; never let it out.
		if r := recover(); r != nil {
			root, err = nil, fmt.Errorf("yaml: %v", r)
		}
	}()
	if looksJSON(data) && json.Valid(data) {
		return jsonNode(data)
	}
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		return nil, err
	}
	if doc.Kind != yaml.DocumentNode || len(doc.Content) == 0 {
		return nil, nil
	}
	return deref(doc.Content[0]), nil
}

// looksJSON: the document starts with '{' and a quoted key (or is "{}").
// A YAML flow mapping with plain keys ({Resources: ...}) goes to YAML.
func looksJSON(data []byte) bool {
	t := bytes.TrimLeft(data, " \t\r\n\ufeff")
	if len(t) == 0 || t[0] != '{' {
		return false
	}
	t = bytes.TrimLeft(t[1:], " \t\r\n")
	return len(t) > 0 && (t[0] == '"' || t[0] == '}')
}

func firstCol(data []byte, line int) int {
	lines := bytes.Split(data, []byte{'\n'})
	if line < 1 || line > len(lines) {
		return 1
	}
	l := lines[line-1]
	return len(l) - len(bytes.TrimLeft(l, " \t")) + 1
}

// deref follows YAML aliases (bounded: an alias of an alias chain is short).
func deref(n *yaml.Node) *yaml.Node {
	for i := 0; n != nil && n.Kind == yaml.AliasNode && n.Alias != nil && i < 32; i++ {
		n = n.Alias
	}
	return n
}

// mapGet returns the value of key in a mapping node, or nil.
func mapGet(n *yaml.Node, key string) *yaml.Node {
	n = deref(n)
	if n == nil || n.Kind != yaml.MappingNode {
		return nil
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		if n.Content[i].Value == key {
			return deref(n.Content[i+1])
		}
	}
	return nil
}

// endLine is the last line a node's subtree spans.
func endLine(n *yaml.Node) int {
	last := n.Line
	var walk func(n *yaml.Node, depth int)
	walk = func(n *yaml.Node, depth int) {
		if n == nil || depth > 200 {
			return
		}
		if n.Line > last {
			last = n.Line
		}
		if n.Kind == yaml.ScalarNode && (n.Style&(yaml.LiteralStyle|yaml.FoldedStyle)) != 0 {
			if l := n.Line + bytes.Count([]byte(n.Value), []byte{'\n'}); l > last {
				last = l
			}
		}
		if n.Kind == yaml.AliasNode {
			return
		}
		for _, c := range n.Content {
			walk(c, depth+1)
		}
	}
	walk(n, 0)
	return last
}

// flowEnd returns the line of the bracket that closes the flow collection
// ({...} or [...]) starting at line:col, so that a JSON resource's range
// includes its closing brace. 0 when it cannot tell.
func flowEnd(data []byte, lineStarts []int, line, col int) int {
	if line < 1 || line > len(lineStarts) {
		return 0
	}
	off := lineStarts[line-1] + col - 1
	if off < 0 || off >= len(data) || (data[off] != '{' && data[off] != '[') {
		return 0
	}
	depth, inStr, esc := 0, false, false
	l := line
	for i := off; i < len(data); i++ {
		c := data[i]
		switch {
		case c == '\n':
			l++
		case esc:
			esc = false
		case inStr && c == '\\':
			esc = true
		case c == '"':
			inStr = !inStr
		case inStr:
		case c == '{' || c == '[':
			depth++
		case c == '}' || c == ']':
			depth--
			if depth == 0 {
				return l
			}
		}
	}
	return 0
}

func lineStarts(data []byte) []int {
	out := []int{0}
	for i, c := range data {
		if c == '\n' {
			out = append(out, i+1)
		}
	}
	return out
}

// firstBadLine is the smallest n such that the first n lines do not parse
// (binary search, a few parses on the error path only); 0 when unknown.
func firstBadLine(data []byte) int {
	starts := lineStarts(data)
	prefixFails := func(n int) bool {
		end := len(data)
		if n < len(starts) {
			end = starts[n]
		}
		_, err := parseNode(data[:end])
		return err != nil
	}
	if !prefixFails(len(starts)) {
		return 0
	}
	lo, hi := 1, len(starts)
	for lo < hi {
		mid := (lo + hi) / 2
		if prefixFails(mid) {
			hi = mid
		} else {
			lo = mid + 1
		}
	}
	return lo
}
