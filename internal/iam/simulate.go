package iam

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/cloudward/cloudward/internal/model"
	awsmodel "github.com/cloudward/cloudward/internal/model/aws"
)

// Case is one line of a `cloudward iam simulate` cases file.
type Case struct {
	Name    string
	Input   Input
	Request *Request
}

type rawCase struct {
	Name             *string           `json:"name"`
	IdentityPolicies []json.RawMessage `json:"identity_policies"`
	ResourcePolicy   json.RawMessage   `json:"resource_policy"`
	Boundary         json.RawMessage   `json:"boundary"`
	SessionPolicy    json.RawMessage   `json:"session_policy"`
	SCPs             []json.RawMessage `json:"scps"`
	RCPs             []json.RawMessage `json:"rcps"`
	Request          *struct {
		Principal string                     `json:"principal"`
		Action    string                     `json:"action"`
		Resource  string                     `json:"resource"`
		Context   map[string]json.RawMessage `json:"context"`
	} `json:"request"`
}

// ParseCase parses one case line. file and line locate it in errors. name
// is returned whenever the line is a JSON object with a string "name", even
// when the case is otherwise malformed.
func ParseCase(data []byte, file string, line int) (name string, c *Case, err error) {
	at := func(format string, args ...any) error {
		return fmt.Errorf("%s:%d: %s", file, line, fmt.Sprintf(format, args...))
	}
	var probe struct {
		Name json.RawMessage `json:"name"`
	}
	if json.NewDecoder(bytes.NewReader(data)).Decode(&probe) == nil && len(probe.Name) > 0 {
		_ = json.Unmarshal(probe.Name, &name)
	}
	var rc rawCase
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&rc); err != nil {
		if errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, io.EOF) {
			return name, nil, at("case: unexpected end of JSON input (the case must be one JSON object on one line)")
		}
		return name, nil, at("case: %v", jsonErrorAt(data, err))
	}
	if dec.More() {
		return name, nil, at("case: trailing data after the JSON object")
	}
	if rc.Name == nil || *rc.Name == "" {
		return name, nil, at("case has no \"name\"")
	}
	c = &Case{Name: name}
	src := model.Source{File: file, StartLine: line, EndLine: line}
	compile := func(raw json.RawMessage, kind Kind, label string) (*Policy, error) {
		if len(bytes.TrimSpace(raw)) == 0 || string(bytes.TrimSpace(raw)) == "null" {
			return nil, nil
		}
		doc, err := awsmodel.ParsePolicy(raw, src.At(label))
		if err != nil {
			return nil, err
		}
		return Compile(doc, kind, label)
	}
	for i, raw := range rc.IdentityPolicies {
		p, err := compile(raw, KindIdentity, fmt.Sprintf("identity_policies[%d]", i))
		if err != nil {
			return name, nil, at("%v", err)
		}
		if p == nil {
			return name, nil, at("identity_policies[%d]: null policy", i)
		}
		c.Input.Identity = append(c.Input.Identity, p)
	}
	if c.Input.Resource, err = compile(rc.ResourcePolicy, KindResource, "resource_policy"); err != nil {
		return name, nil, at("%v", err)
	}
	if c.Input.Boundary, err = compile(rc.Boundary, KindBoundary, "boundary"); err != nil {
		return name, nil, at("%v", err)
	}
	if c.Input.Session, err = compile(rc.SessionPolicy, KindSession, "session_policy"); err != nil {
		return name, nil, at("%v", err)
	}
	for _, org := range []struct {
		raws  []json.RawMessage
		kind  Kind
		label string
		dst   *[]Level
	}{{rc.SCPs, KindSCP, "scps", &c.Input.SCPs}, {rc.RCPs, KindRCP, "rcps", &c.Input.RCPs}} {
		for i, raw := range org.raws {
			label := fmt.Sprintf("%s[%d]", org.label, i)
			p, err := compile(raw, org.kind, label)
			if err != nil {
				return name, nil, at("%v", err)
			}
			if p == nil {
				return name, nil, at("%s: null policy", label)
			}
			*org.dst = append(*org.dst, Level{Name: label, Policies: []*Policy{p}})
		}
	}
	if rc.Request == nil {
		return name, nil, at("case has no \"request\"")
	}
	ctx := NewContext()
	for k, raw := range rc.Request.Context {
		vals, err := contextValues(raw)
		if err != nil {
			return name, nil, at("request.context[%q]: %v", k, err)
		}
		ctx.Set(k, vals...)
	}
	req, err := NewRequest(rc.Request.Principal, rc.Request.Action, rc.Request.Resource, ctx)
	if err != nil {
		return name, nil, at("request: %v", err)
	}
	c.Request = req
	return name, c, nil
}

// contextValues accepts a string, number or boolean, or a list of them (a
// multi-valued key).
func contextValues(raw json.RawMessage) ([]string, error) {
	raw = bytes.TrimSpace(raw)
	if len(raw) > 0 && raw[0] == '[' {
		var list []json.RawMessage
		if err := json.Unmarshal(raw, &list); err != nil {
			return nil, err
		}
		out := make([]string, 0, len(list))
		for i, e := range list {
			s, err := contextScalar(e)
			if err != nil {
				return nil, fmt.Errorf("[%d]: %v", i, err)
			}
			out = append(out, s)
		}
		return out, nil
	}
	s, err := contextScalar(raw)
	if err != nil {
		return nil, err
	}
	return []string{s}, nil
}

func contextScalar(raw json.RawMessage) (string, error) {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 {
		return "", fmt.Errorf("empty value")
	}
	switch raw[0] {
	case '"':
		var s string
		err := json.Unmarshal(raw, &s)
		return s, err
	case 't', 'f':
		var b bool
		if err := json.Unmarshal(raw, &b); err != nil {
			return "", err
		}
		return fmt.Sprint(b), nil
	case '{', '[', 'n':
		return "", fmt.Errorf("want a string, number, boolean or a list of them")
	}
	var n json.Number
	if err := json.Unmarshal(raw, &n); err != nil {
		return "", err
	}
	return n.String(), nil
}

// CaseResult is one output line of `cloudward iam simulate`.
type CaseResult struct {
	Name     string       `json:"name"`
	Decision Decision     `json:"decision,omitempty"`
	Reasons  []ReasonJSON `json:"reasons,omitempty"`
	Error    string       `json:"error,omitempty"`
}

// ReasonJSON is a Reason as printed: statement is omitted for gates.
type ReasonJSON struct {
	Kind      Kind   `json:"kind"`
	Policy    string `json:"policy,omitempty"`
	Statement *int   `json:"statement,omitempty"`
	Sid       string `json:"sid,omitempty"`
	Effect    string `json:"effect,omitempty"`
	Rule      string `json:"rule"`
}

// Simulate parses and evaluates one case line; malformed cases come back
// with Error set.
func Simulate(data []byte, file string, line int) CaseResult {
	name, c, err := ParseCase(data, file, line)
	if err != nil {
		return CaseResult{Name: name, Error: err.Error()}
	}
	var res Result
	Evaluate(&c.Input, c.Request, &res)
	out := CaseResult{Name: c.Name, Decision: res.Decision, Reasons: make([]ReasonJSON, 0, len(res.Reasons))}
	for _, r := range res.Reasons {
		rj := ReasonJSON{Kind: r.Kind, Policy: r.Policy, Sid: r.Sid, Effect: r.Effect, Rule: r.Rule}
		if r.Statement >= 0 {
			idx := r.Statement
			rj.Statement = &idx
		}
		out.Reasons = append(out.Reasons, rj)
	}
	return out
}

// String renders a reason on one line, for humans.
func (r Reason) String() string {
	var b strings.Builder
	b.WriteString(string(r.Kind))
	if r.Policy != "" {
		b.WriteString(" " + r.Policy)
	}
	if r.Statement >= 0 {
		fmt.Fprintf(&b, " Statement[%d]", r.Statement)
		if r.Sid != "" {
			fmt.Fprintf(&b, " (%s)", r.Sid)
		}
	}
	b.WriteString(": " + r.Rule)
	return b.String()
}

// jsonErrorAt adds the column to a JSON syntax or type error.
func jsonErrorAt(data []byte, err error) error {
	var off int64 = -1
	switch e := err.(type) {
	case *json.SyntaxError:
		off = max(e.Offset-1, 0)
	case *json.UnmarshalTypeError:
		off = e.Offset
	}
	if off < 0 {
		return err
	}
	_, col := awsmodel.LineCol(data, off)
	return fmt.Errorf("column %d: %v", col, err)
}
