package aws

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/url"
	"sort"
	"strings"

	"github.com/cloudward/cloudward/internal/model"
)

// PolicyDocument is a parsed IAM policy document: identity, trust or resource
// policy. Single values and lists are both normalised to lists.
type PolicyDocument struct {
	Version    string      `json:"Version,omitempty"`
	ID         string      `json:"Id,omitempty"`
	Statements []Statement `json:"Statement"`
	// Source locates the document (file and JSON path).
	Source model.Source `json:"-"`
}

// Statement is one statement of a policy document. Nil slices mean the
// element is absent; Action and NotAction are mutually exclusive, as are
// Resource/NotResource and Principal/NotPrincipal.
type Statement struct {
	Sid          string      `json:"Sid,omitempty"`
	Effect       string      `json:"Effect"`
	Principal    *Principal  `json:"Principal,omitempty"`
	NotPrincipal *Principal  `json:"NotPrincipal,omitempty"`
	Action       []string    `json:"Action,omitempty"`
	NotAction    []string    `json:"NotAction,omitempty"`
	Resource     []string    `json:"Resource,omitempty"`
	NotResource  []string    `json:"NotResource,omitempty"`
	Condition    []Condition `json:"Condition,omitempty"`
	// Index is the statement's position in the document (0-based).
	Index int `json:"-"`
}

// Principal is a policy principal. All is set for the literal "*" form;
// otherwise Values maps principal types (AWS, Service, Federated,
// CanonicalUser) to their values, where {"AWS": "*"} is also everyone.
type Principal struct {
	All    bool
	Values map[string][]string
}

// Condition is one (operator, key, values) triple of a Condition block.
// Operators keep their qualifiers, e.g. "ForAnyValue:StringLike" or
// "StringEqualsIfExists".
type Condition struct {
	Operator string   `json:"Operator"`
	Key      string   `json:"Key"`
	Values   []string `json:"Values"`
}

// IsAllow reports whether the statement's effect is Allow.
func (s Statement) IsAllow() bool { return s.Effect == "Allow" }

// IsEveryone reports whether the principal matches anyone: "*" or {"AWS":"*"}.
func (p *Principal) IsEveryone() bool {
	if p == nil {
		return false
	}
	if p.All {
		return true
	}
	for _, v := range p.Values["AWS"] {
		if v == "*" {
			return true
		}
	}
	return false
}

// MarshalJSON renders the principal in policy syntax.
func (p *Principal) MarshalJSON() ([]byte, error) {
	if p.All {
		return []byte(`"*"`), nil
	}
	return json.Marshal(p.Values)
}

// ParsePolicy parses a policy document in any of the forms AWS uses: a JSON
// object (as the CLI prints it), a JSON string holding the document, or a
// URL-encoded JSON document (as the raw IAM API returns it), bare or inside a
// JSON string. src locates the document for evidence and errors.
func ParsePolicy(data []byte, src model.Source) (*PolicyDocument, error) {
	data = bytes.TrimSpace(data)
	if len(data) == 0 {
		return nil, fmt.Errorf("%s: empty policy document", src)
	}
	// A JSON string: unwrap it, it holds the document (maybe URL-encoded).
	if data[0] == '"' {
		var s string
		if err := json.Unmarshal(data, &s); err != nil {
			return nil, fmt.Errorf("%s: policy document string: %v", src, err)
		}
		data = bytes.TrimSpace([]byte(s))
	}
	if len(data) > 0 && data[0] == '%' {
		// PathUnescape, not QueryUnescape: IAM percent-encodes per RFC 3986,
		// so a '+' is a literal plus (e.g. in a condition value), not a space.
		dec, err := url.PathUnescape(string(data))
		if err != nil {
			return nil, fmt.Errorf("%s: URL-encoded policy document: %v", src, err)
		}
		data = bytes.TrimSpace([]byte(dec))
	}
	if len(data) == 0 || data[0] != '{' {
		return nil, fmt.Errorf("%s: policy document is not a JSON object", src)
	}
	var raw struct {
		Version   json.RawMessage `json:"Version"`
		ID        json.RawMessage `json:"Id"`
		Statement json.RawMessage `json:"Statement"`
	}
	if err := json.Unmarshal(data, &raw); err != nil {
		return nil, fmt.Errorf("%s: policy document: %v", src, describeJSONError(data, err))
	}
	doc := &PolicyDocument{Source: src}
	var err error
	if doc.Version, err = optString(raw.Version); err != nil {
		return nil, fmt.Errorf("%s: Version: %v", src, err)
	}
	if doc.ID, err = optString(raw.ID); err != nil {
		return nil, fmt.Errorf("%s: Id: %v", src, err)
	}
	if len(raw.Statement) == 0 || string(raw.Statement) == "null" {
		return nil, fmt.Errorf("%s: policy document has no Statement", src)
	}
	var stmts []json.RawMessage
	if raw.Statement[0] == '[' {
		if err := json.Unmarshal(raw.Statement, &stmts); err != nil {
			return nil, fmt.Errorf("%s: Statement: %v", src, err)
		}
	} else {
		stmts = []json.RawMessage{raw.Statement}
	}
	for i, rs := range stmts {
		st, err := parseStatement(rs)
		if err != nil {
			return nil, fmt.Errorf("%s: Statement[%d]: %v", src, i, err)
		}
		st.Index = i
		doc.Statements = append(doc.Statements, st)
	}
	return doc, nil
}

func parseStatement(data json.RawMessage) (Statement, error) {
	var raw map[string]json.RawMessage
	if err := json.Unmarshal(data, &raw); err != nil {
		return Statement{}, fmt.Errorf("not an object: %v", err)
	}
	var st Statement
	var err error
	for k, v := range raw {
		switch k {
		case "Sid":
			st.Sid, err = optString(v)
		case "Effect":
			st.Effect, err = optString(v)
		case "Action":
			st.Action, err = stringList(v)
		case "NotAction":
			st.NotAction, err = stringList(v)
		case "Resource":
			st.Resource, err = stringList(v)
		case "NotResource":
			st.NotResource, err = stringList(v)
		case "Principal":
			st.Principal, err = parsePrincipal(v)
		case "NotPrincipal":
			st.NotPrincipal, err = parsePrincipal(v)
		case "Condition":
			st.Condition, err = parseConditions(v)
		default:
			err = fmt.Errorf("unknown element")
		}
		if err != nil {
			return st, fmt.Errorf("%s: %v", k, err)
		}
	}
	if st.Effect != "Allow" && st.Effect != "Deny" {
		return st, fmt.Errorf("Effect: must be \"Allow\" or \"Deny\", got %q", st.Effect)
	}
	if st.Action == nil && st.NotAction == nil {
		return st, fmt.Errorf("statement has neither Action nor NotAction")
	}
	if st.Action != nil && st.NotAction != nil {
		return st, fmt.Errorf("statement has both Action and NotAction")
	}
	return st, nil
}

func optString(v json.RawMessage) (string, error) {
	if len(v) == 0 || string(v) == "null" {
		return "", nil
	}
	var s string
	if err := json.Unmarshal(v, &s); err != nil {
		return "", fmt.Errorf("want a string, got %s", jsonKind(v))
	}
	return s, nil
}

// stringList accepts a string or a list of strings; an empty list stays
// non-nil so that "present but empty" differs from "absent".
func stringList(v json.RawMessage) ([]string, error) {
	v = bytes.TrimSpace(v)
	if len(v) == 0 || string(v) == "null" {
		return []string{}, nil
	}
	if v[0] == '"' {
		var s string
		if err := json.Unmarshal(v, &s); err != nil {
			return nil, err
		}
		return []string{s}, nil
	}
	if v[0] != '[' {
		return nil, fmt.Errorf("want a string or a list of strings, got %s", jsonKind(v))
	}
	var list []json.RawMessage
	if err := json.Unmarshal(v, &list); err != nil {
		return nil, err
	}
	out := make([]string, 0, len(list))
	for i, e := range list {
		var s string
		if err := json.Unmarshal(e, &s); err != nil {
			return nil, fmt.Errorf("[%d]: want a string, got %s", i, jsonKind(e))
		}
		out = append(out, s)
	}
	return out, nil
}

// scalarList accepts condition values: strings, numbers and booleans, single
// or in a list, normalised to their string form.
func scalarList(v json.RawMessage) ([]string, error) {
	v = bytes.TrimSpace(v)
	if len(v) > 0 && v[0] == '[' {
		var list []json.RawMessage
		if err := json.Unmarshal(v, &list); err != nil {
			return nil, err
		}
		out := make([]string, 0, len(list))
		for i, e := range list {
			s, err := scalar(e)
			if err != nil {
				return nil, fmt.Errorf("[%d]: %v", i, err)
			}
			out = append(out, s)
		}
		return out, nil
	}
	s, err := scalar(v)
	if err != nil {
		return nil, err
	}
	return []string{s}, nil
}

func scalar(v json.RawMessage) (string, error) {
	v = bytes.TrimSpace(v)
	if len(v) == 0 {
		return "", fmt.Errorf("empty value")
	}
	switch v[0] {
	case '"':
		var s string
		err := json.Unmarshal(v, &s)
		return s, err
	case 't', 'f':
		var b bool
		if err := json.Unmarshal(v, &b); err != nil {
			return "", err
		}
		if b {
			return "true", nil
		}
		return "false", nil
	case '{', '[', 'n':
		return "", fmt.Errorf("want a string, number or boolean, got %s", jsonKind(v))
	default:
		var n json.Number
		if err := json.Unmarshal(v, &n); err != nil {
			return "", err
		}
		return n.String(), nil
	}
}

func parsePrincipal(v json.RawMessage) (*Principal, error) {
	v = bytes.TrimSpace(v)
	if len(v) > 0 && v[0] == '"' {
		var s string
		if err := json.Unmarshal(v, &s); err != nil {
			return nil, err
		}
		if s != "*" {
			return nil, fmt.Errorf("a string principal must be \"*\", got %q", s)
		}
		return &Principal{All: true}, nil
	}
	var m map[string]json.RawMessage
	if err := json.Unmarshal(v, &m); err != nil {
		return nil, fmt.Errorf("want \"*\" or an object, got %s", jsonKind(v))
	}
	p := &Principal{Values: make(map[string][]string, len(m))}
	for k, raw := range m {
		list, err := stringList(raw)
		if err != nil {
			return nil, fmt.Errorf("%s: %v", k, err)
		}
		p.Values[k] = list
	}
	return p, nil
}

func parseConditions(v json.RawMessage) ([]Condition, error) {
	var ops map[string]map[string]json.RawMessage
	if err := json.Unmarshal(v, &ops); err != nil {
		return nil, fmt.Errorf("want {operator: {key: values}}, got %s", jsonKind(v))
	}
	var out []Condition
	for op, keys := range ops {
		for k, raw := range keys {
			vals, err := scalarList(raw)
			if err != nil {
				return nil, fmt.Errorf("%s: %s: %v", op, k, err)
			}
			out = append(out, Condition{Operator: op, Key: k, Values: vals})
		}
	}
	// Maps have no order; sort so evidence and fingerprints are stable.
	sort.Slice(out, func(i, j int) bool {
		if out[i].Operator != out[j].Operator {
			return out[i].Operator < out[j].Operator
		}
		return out[i].Key < out[j].Key
	})
	return out, nil
}

func jsonKind(v json.RawMessage) string {
	v = bytes.TrimSpace(v)
	if len(v) == 0 {
		return "nothing"
	}
	switch v[0] {
	case '{':
		return "an object"
	case '[':
		return "a list"
	case '"':
		return "a string"
	case 't', 'f':
		return "a boolean"
	case 'n':
		return "null"
	default:
		return "a number"
	}
}

// describeJSONError adds the line and column to a JSON syntax error.
func describeJSONError(data []byte, err error) error {
	var se *json.SyntaxError
	var te *json.UnmarshalTypeError
	var off int64 = -1
	switch {
	case asErr(err, &se):
		// Offset counts the offending byte; point at it, not past it.
		off = max(se.Offset-1, 0)
	case asErr(err, &te):
		off = te.Offset
	}
	if off < 0 {
		return err
	}
	line, col := LineCol(data, off)
	return fmt.Errorf("line %d, column %d: %v", line, col, err)
}

// LineCol converts a byte offset into a 1-based line and column.
func LineCol(data []byte, off int64) (int, int) {
	if off > int64(len(data)) {
		off = int64(len(data))
	}
	line := 1 + bytes.Count(data[:off], []byte{'\n'})
	col := int(off) - bytes.LastIndexByte(data[:off], '\n')
	return line, col
}

func asErr[T error](err error, target *T) bool {
	t, ok := err.(T)
	if ok {
		*target = t
	}
	return ok
}

// Statement text for evidence: compact JSON of the statement.
func (s Statement) String() string {
	b, err := json.Marshal(s)
	if err != nil {
		return fmt.Sprintf("Statement[%d]", s.Index)
	}
	return string(b)
}

// HasWildcardAction reports whether a statement's Action matches every action
// ("*" or "*:*").
func (s Statement) HasWildcardAction() bool {
	for _, a := range s.Action {
		if a == "*" || a == "*:*" {
			return true
		}
	}
	return false
}

// HasWildcardResource reports whether a statement's Resource is "*".
func (s Statement) HasWildcardResource() bool {
	for _, r := range s.Resource {
		if r == "*" {
			return true
		}
	}
	return false
}

// ConditionKeys lists the lower-cased condition keys of a statement.
func (s Statement) ConditionKeys() []string {
	out := make([]string, 0, len(s.Condition))
	for _, c := range s.Condition {
		out = append(out, strings.ToLower(c.Key))
	}
	return out
}
