package iam

import (
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite testdata/cases.jsonl and cases.expected.jsonl from the Go table")

// caseLine renders an evalCase in the `iam simulate` file format.
func caseLine(t testing.TB, c evalCase) []byte {
	raws := func(docs []string) []json.RawMessage {
		out := []json.RawMessage{}
		for _, d := range docs {
			out = append(out, json.RawMessage(d))
		}
		return out
	}
	opt := func(d string) json.RawMessage {
		if d == "" {
			return json.RawMessage("null")
		}
		return json.RawMessage(d)
	}
	ctx := c.ctx
	if ctx == nil {
		ctx = map[string]any{}
	}
	line := struct {
		Name             string            `json:"name"`
		IdentityPolicies []json.RawMessage `json:"identity_policies"`
		ResourcePolicy   json.RawMessage   `json:"resource_policy"`
		Boundary         json.RawMessage   `json:"boundary"`
		SessionPolicy    json.RawMessage   `json:"session_policy"`
		SCPs             []json.RawMessage `json:"scps"`
		RCPs             []json.RawMessage `json:"rcps"`
		Request          map[string]any    `json:"request"`
	}{c.rule, raws(c.identity), opt(c.resource), opt(c.boundary), opt(c.session), raws(c.scps), raws(c.rcps),
		map[string]any{"principal": c.principal, "action": c.action, "resource": c.res, "context": ctx}}
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(line); err != nil {
		t.Fatalf("%s: %v", c.rule, err)
	}
	return b.Bytes()
}

func TestEvaluationRules(t *testing.T) {
	cases := evalCases()
	if len(cases) < 150 {
		t.Logf("%d evaluation cases", len(cases))
	}
	seen := map[string]bool{}
	for i, c := range cases {
		if seen[c.rule] {
			t.Errorf("duplicate rule name %q", c.rule)
		}
		seen[c.rule] = true
		t.Run(c.rule, func(t *testing.T) {
			got := Simulate(caseLine(t, c), "table", i+1)
			if c.want == "error" {
				if got.Error == "" {
					t.Fatalf("want an error, got %s", got.Decision)
				}
				return
			}
			if got.Error != "" {
				t.Fatalf("error: %s", got.Error)
			}
			if got.Decision != c.want {
				t.Fatalf("decision %s, want %s; reasons %+v", got.Decision, c.want, got.Reasons)
			}
			if c.reason != "" {
				var all []string
				for _, r := range got.Reasons {
					all = append(all, reasonString(r))
				}
				if !strings.Contains(strings.Join(all, "\n"), c.reason) {
					t.Fatalf("reasons %q do not mention %q", all, c.reason)
				}
			}
			if got.Decision == ExplicitDeny {
				for _, r := range got.Reasons {
					if r.Statement == nil || r.Effect != "Deny" {
						t.Fatalf("explicit deny reason without a Deny statement: %+v", r)
					}
				}
			}
		})
	}
}

func reasonString(r ReasonJSON) string {
	rr := Reason{Kind: r.Kind, Policy: r.Policy, Statement: -1, Sid: r.Sid, Effect: r.Effect, Rule: r.Rule}
	if r.Statement != nil {
		rr.Statement = *r.Statement
	}
	return rr.String()
}

// TestCasesFile keeps testdata/cases.jsonl (run end to end by the CLI test)
// in step with the Go table.
func TestCasesFile(t *testing.T) {
	var cases, expected bytes.Buffer
	for _, c := range evalCases() {
		cases.Write(caseLine(t, c))
		// "decision": "error" marks a case that must be reported as malformed.
		b, _ := json.Marshal(map[string]any{"name": c.rule, "decision": string(c.want)})
		expected.Write(append(b, '\n'))
	}
	files := map[string][]byte{"testdata/cases.jsonl": cases.Bytes(), "testdata/cases.expected.jsonl": expected.Bytes()}
	for path, want := range files {
		if *update {
			if err := os.WriteFile(path, want, 0o644); err != nil {
				t.Fatal(err)
			}
			continue
		}
		got, err := os.ReadFile(path)
		if err != nil {
			t.Fatalf("%v (run go test ./internal/iam -run TestCasesFile -update)", err)
		}
		if !bytes.Equal(got, want) {
			t.Errorf("%s is out of date: run go test ./internal/iam -run TestCasesFile -update", path)
		}
	}
}
