package iam

import (
	"encoding/json"
	"strings"
	"testing"

	awsmodel "github.com/cloudward/cloudward/internal/model/aws"
)

// TestCaseErrors: malformed cases and policies are errors naming the file,
// the line, the element and the problem; the name is kept when readable.
func TestCaseErrors(t *testing.T) {
	req := `"request":{"principal":"` + alice + `","action":"s3:GetObject","resource":"` + bucketO + `"}`
	tests := []struct {
		what, line string
		wantName   string
		want       []string
	}{
		{"invalid JSON", `{"name":"x",`, "", []string{"cases.jsonl:7: case:", "unexpected end of JSON input"}},
		{"not an object", `[1,2]`, "", []string{"cases.jsonl:7: case:", "cannot unmarshal array"}},
		{"trailing data", `{"name":"x",` + req + `} {}`, "x", []string{"trailing data"}},
		{"unknown field", `{"name":"x","identity":[],` + req + `}`, "x", []string{`unknown field "identity"`}},
		{"name missing", `{` + req + `}`, "", []string{`case has no "name"`}},
		{"name wrong type", `{"name":5,` + req + `}`, "", []string{"case:", "cannot unmarshal number"}},
		{"request missing", `{"name":"x"}`, "x", []string{`case has no "request"`}},
		{"identity_policies a single document, not a list", `{"name":"x","identity_policies":{"Statement":[]},` + req + `}`, "x", []string{"identity_policies", "cannot unmarshal object"}},
		{"policy with a single string where a list is expected is fine, a number is not", `{"name":"x","identity_policies":[{"Statement":{"Effect":"Allow","Action":7}}],` + req + `}`, "x", []string{"identity_policies[0]", "Statement[0]: Action: want a string or a list of strings, got a number"}},
		{"nested wrong type in a condition", `{"name":"x","resource_policy":{"Statement":[{"Effect":"Allow","Principal":"*","Action":"*","Condition":{"StringEquals":{"k":[["a"]]}}}]},` + req + `}`, "x", []string{"resource_policy", "StringEquals: k: [0]: want a string, number or boolean, got a list"}},
		{"policy as a JSON string holding bad JSON", `{"name":"x","boundary":"{\"Statement\": [",` + req + `}`, "x", []string{"boundary", "unexpected end of JSON input"}},
		{"null identity policy", `{"name":"x","identity_policies":[null],` + req + `}`, "x", []string{"identity_policies[0]: null policy"}},
		{"null SCP level", `{"name":"x","scps":[null],` + req + `}`, "x", []string{"scps[0]: null policy"}},
		{"unknown condition operator", `{"name":"x","scps":[{"Statement":[{"Effect":"Allow","Action":"*","Resource":"*","Condition":{"StringEqual":{"k":"v"}}}]}],` + req + `}`, "x", []string{"scps[0]: Statement[0]: Condition: unknown condition operator \"StringEqual\""}},
		{"bad CIDR in a condition", `{"name":"x","rcps":[{"Statement":[{"Sid":"Net","Effect":"Deny","Principal":"*","Action":"*","Resource":"*","Condition":{"NotIpAddress":{"aws:SourceIp":"10.0.0.0/99"}}}]}],` + req + `}`, "x", []string{`rcps[0]: Statement[0] (Sid "Net")`, "not a CIDR block"}},
		{"Principal in an identity policy", `{"name":"x","session_policy":{"Statement":[{"Effect":"Allow","Principal":"*","Action":"*"}]},` + req + `}`, "x", []string{"session_policy", "cannot have a Principal"}},
		{"action without a service", `{"name":"x","identity_policies":[{"Statement":[{"Effect":"Allow","Action":"GetObject","Resource":"*"}]}],` + req + `}`, "x", []string{`Action "GetObject": want SERVICE:ACTION`}},
		{"bad principal", `{"name":"x","request":{"principal":"alice","action":"s3:GetObject","resource":"*"}}`, "x", []string{"request: principal \"alice\" is not an ARN"}},
		{"session ARN without a session name", `{"name":"x","request":{"principal":"arn:aws:sts::111122223333:assumed-role/dev","action":"s3:GetObject","resource":"*"}}`, "x", []string{"assumed-role/ROLE/SESSION"}},
		{"request action without a service", `{"name":"x","request":{"principal":"` + alice + `","action":"GetObject","resource":"*"}}`, "x", []string{`action "GetObject": want SERVICE:Action`}},
		{"request without a resource", `{"name":"x","request":{"principal":"` + alice + `","action":"s3:GetObject"}}`, "x", []string{"resource is empty"}},
		{"context value object", `{"name":"x","request":{"principal":"` + alice + `","action":"s3:GetObject","resource":"*","context":{"aws:SourceIp":{"ip":"1.2.3.4"}}}}`, "x", []string{`request.context["aws:SourceIp"]: want a string, number, boolean or a list of them`}},
		{"context list with null", `{"name":"x","request":{"principal":"` + alice + `","action":"s3:GetObject","resource":"*","context":{"aws:TagKeys":["a",null]}}}`, "x", []string{`request.context["aws:TagKeys"]: [1]:`}},
		{"deeply nested JSON", `{"name":"x","boundary":` + strings.Repeat("[", 20000) + strings.Repeat("]", 20000) + `,` + req + `}`, "", []string{"cases.jsonl:7:", "exceeded max depth"}},
	}
	for _, tc := range tests {
		t.Run(tc.what, func(t *testing.T) {
			got := Simulate([]byte(tc.line), "cases.jsonl", 7)
			if got.Error == "" {
				t.Fatalf("no error; decision %s", got.Decision)
			}
			if !strings.HasPrefix(got.Error, "cases.jsonl:7: ") {
				t.Errorf("error %q does not start with file:line", got.Error)
			}
			if got.Name != tc.wantName {
				t.Errorf("name %q, want %q", got.Name, tc.wantName)
			}
			for _, w := range tc.want {
				if !strings.Contains(got.Error, w) {
					t.Errorf("error %q does not contain %q", got.Error, w)
				}
			}
		})
	}
}

// TestHugePolicy: a 10,000-statement document (far beyond AWS's size
// limits, as a hand-written file might be) parses, compiles and evaluates.
func TestHugePolicy(t *testing.T) {
	stmts := make([]string, 10000)
	for i := range stmts {
		stmts[i] = st("Allow", "s3:GetObject", "arn:aws:s3:::bucket-"+strings.Repeat("x", i%50)+"/*")
	}
	stmts[9999] = st("Allow", "sqs:SendMessage", queueA)
	line := caseLine(t, evalCase{rule: "huge", identity: []string{doc(stmts...)}, principal: alice, action: "sqs:SendMessage", res: queueA})
	if len(line) < 500_000 {
		t.Fatalf("document is only %d bytes", len(line))
	}
	got := Simulate(line, "huge.jsonl", 1)
	if got.Error != "" || got.Decision != Allow || *got.Reasons[0].Statement != 9999 {
		t.Fatalf("got %+v", got)
	}
}

// FuzzSimulateCase: any line gives a decision or an error naming file and
// line; never a panic; a decision always has a reason.
func FuzzSimulateCase(f *testing.F) {
	for i, c := range evalCases() {
		if i%7 == 0 {
			f.Add(caseLine(f, c))
		}
	}
	f.Add([]byte(`{"name":"x","identity_policies":[{"Statement":{"Effect":"Allow","Action":"s3:*","Resource":"arn:aws:s3:::${aws:username}/${*}"}}],"request":{"principal":"arn:aws:iam::1:user/a","action":"s3:x","resource":"*","context":{"k":[1,true,"x"]}}}`))
	f.Add([]byte(`{"name":"y","resource_policy":"{\"Statement\":{\"Effect\":\"Deny\",\"NotPrincipal\":{\"AWS\":\"111122223333\"},\"Action\":\"*\"}}","request":{"principal":"arn:aws:sts::111122223333:assumed-role/r/s","action":"kms:Decrypt","resource":"arn:aws:kms:us-east-1:111122223333:key/k"}}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		got := Simulate(data, "f.jsonl", 3)
		if got.Error != "" {
			if !strings.HasPrefix(got.Error, "f.jsonl:3: ") {
				t.Fatalf("error without file and line: %q", got.Error)
			}
			return
		}
		switch got.Decision {
		case Allow, ImplicitDeny, ExplicitDeny:
		default:
			t.Fatalf("decision %q", got.Decision)
		}
		if len(got.Reasons) == 0 && got.Decision != Allow {
			t.Fatalf("%s without a reason", got.Decision)
		}
		if _, err := json.Marshal(got); err != nil {
			t.Fatal(err)
		}
	})
}

// FuzzCondition: any operator, key, policy value and request values compile
// or fail cleanly, and evaluation never panics. Negation is checked: a
// negated operator on a present key is the opposite of its positive form.
func FuzzCondition(f *testing.F) {
	f.Add("StringLike", "s3:prefix", "home/${aws:username}/*", "home/alice/x", "alice")
	f.Add("ForAnyValue:IpAddressIfExists", "aws:SourceIp", "2001:db8::/32", "2001:db8::1", "")
	f.Add("DateLessThan", "aws:CurrentTime", "2026-01-01T00:00:00Z", "1700000000", "")
	f.Add("NumericGreaterThanEquals", "n", "1e3", "1000", "")
	f.Add("ArnLike", "aws:SourceArn", "arn:aws:sns:*:1:t?pic", "arn:aws:sns:us-east-1:1:topic", "")
	f.Add("Null", "k", "true", "", "")
	f.Add("BinaryEquals", "k", "QQ==", "QQ==", "")
	f.Fuzz(func(t *testing.T, op, key, value, reqValue, username string) {
		c, err := compileCondition(awsmodel.Condition{Operator: op, Key: key, Values: []string{value}}, true)
		if err != nil {
			return
		}
		ctx := NewContext()
		ctx.Set("aws:username", username)
		ctx.Set(key, reqValue)
		got := c.eval(ctx)
		if c.neg && c.set == setNone && !c.ifExists {
			pos := c
			pos.neg = false
			if pos.eval(ctx) == got {
				t.Fatalf("%s and its positive form agree (%v) on %q", op, got, reqValue)
			}
		}
		_ = c.eval(NewContext())
	})
}
