package cloudformation

import (
	"encoding/json"
	"fmt"
	"strings"

	"gopkg.in/yaml.v3"
)

// kind is the type of an evaluated template value.
type kind uint8

const (
	kNull kind = iota
	kString
	kNumber
	kBool
	kList
	kMap
	kUnknown // not known before deployment; reason says why
	kNoValue // AWS::NoValue: removes the property or list item
)

// val is an evaluated template value with the position it was written at.
type val struct {
	kind kind
	// str is the scalar text (string, number, "true"/"false") or, for
	// unknown values, the reason.
	str  string
	list []*val
	keys []string // map keys in template order
	m    map[string]*val
	line int
	col  int
	// sym is, for an unknown value, a stable symbolic text that stands for it
	// inside ARNs and names ("${WebBucket}", "arn:aws:s3:::${WebBucket}/*"):
	// it lets a policy in the same template name a resource whose physical
	// name CloudFormation assigns at deploy time.
	sym string
	// secret marks values derived from a NoEcho parameter: usable in
	// conditions, never printed or put into the model.
	secret bool
	// node is the mapping or sequence a collection was read from, for its
	// line range (nil for scalars and computed values).
	node *yaml.Node
	// ref is the logical ID when the value came straight from Ref or
	// Fn::GetAtt of a template resource (joins: bucket policies, rules).
	ref string
}

func (v *val) known() bool { return v != nil && v.kind != kUnknown && v.kind != kNoValue }

func (v *val) scalar() bool {
	return v != nil && (v.kind == kString || v.kind == kNumber || v.kind == kBool)
}

func sval(s string, line, col int) *val { return &val{kind: kString, str: s, line: line, col: col} }

func unknown(reason string, line, col int) *val {
	return &val{kind: kUnknown, str: reason, line: line, col: col}
}

func unknownSym(reason, sym string, line, col int) *val {
	return &val{kind: kUnknown, str: reason, sym: sym, line: line, col: col}
}

// get returns a map entry or nil.
func (v *val) get(key string) *val {
	if v == nil || v.kind != kMap {
		return nil
	}
	return v.m[key]
}

// at copies v with another position (a property's key line).
func (v *val) at(line, col int) *val {
	c := *v
	c.line, c.col = line, col
	return &c
}

// endLine is the last line of a collection read from the template, else
// its own line.
func (v *val) endLine() int {
	if v.node != nil {
		return endLine(v.node)
	}
	return v.line
}

// text renders a scalar for string contexts (Sub, Join); ok false when it is
// not a scalar.
func (v *val) text() (string, bool) {
	if v.scalar() {
		return v.str, true
	}
	return "", false
}

// toJSON renders a known value as JSON for the policy parser. Unknown values
// with a symbolic text become that text when allowSym says so for the path;
// any other unknown or secret value makes the document unknown (the reason
// is returned).
func (v *val) toJSON(path string, allowSym func(path string) bool) ([]byte, string) {
	var b strings.Builder
	if why := v.writeJSON(&b, path, allowSym, 0); why != "" {
		return nil, why
	}
	return []byte(b.String()), ""
}

func (v *val) writeJSON(b *strings.Builder, path string, allowSym func(string) bool, depth int) string {
	if depth > 64 {
		return "policy document nested too deep"
	}
	if v.secret {
		return "a value of the document comes from a NoEcho parameter"
	}
	switch v.kind {
	case kNull:
		b.WriteString("null")
	case kString:
		q, _ := json.Marshal(v.str)
		b.Write(q)
	case kNumber:
		// IAM reads numbers in conditions as strings; keep the text.
		q, _ := json.Marshal(v.str)
		b.Write(q)
	case kBool:
		b.WriteString(v.str)
	case kList:
		b.WriteByte('[')
		first := true
		for _, e := range v.list {
			if e.kind == kNoValue {
				continue
			}
			if !first {
				b.WriteByte(',')
			}
			first = false
			if why := e.writeJSON(b, path, allowSym, depth+1); why != "" {
				return why
			}
		}
		b.WriteByte(']')
	case kMap:
		b.WriteByte('{')
		first := true
		for _, k := range v.keys {
			e := v.m[k]
			if e.kind == kNoValue {
				continue
			}
			if !first {
				b.WriteByte(',')
			}
			first = false
			q, _ := json.Marshal(k)
			b.Write(q)
			b.WriteByte(':')
			if why := e.writeJSON(b, path+"."+k, allowSym, depth+1); why != "" {
				return why
			}
		}
		b.WriteByte('}')
	case kUnknown:
		if v.sym != "" && allowSym(path) {
			q, _ := json.Marshal(v.sym)
			b.Write(q)
			return ""
		}
		return fmt.Sprintf("line %d: %s", v.line, v.str)
	case kNoValue:
		b.WriteString("null")
	}
	return ""
}
