package aws

import (
	"encoding/json"
	"net/url"
	"reflect"
	"strings"
	"testing"

	"github.com/cloudward/cloudward/internal/model"
)

var policySrc = model.Source{File: "global/iam/get-account-authorization-details.json", Path: "Policies[0].PolicyVersionList[0].Document"}

const adminDoc = `{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}`

// jsonString quotes s as a JSON string.
func jsonString(s string) string {
	b, _ := json.Marshal(s)
	return string(b)
}

// urlEncode encodes like the raw IAM API (RFC 3986: spaces as %20).
func urlEncode(s string) string { return url.PathEscape(s) }

func TestParsePolicyForms(t *testing.T) {
	trust := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":["arn:aws:iam::999988887777:root","arn:aws:iam::444455556666:role/ci"]},"Action":"sts:AssumeRole","Condition":{"StringEquals":{"sts:ExternalId":"a+b c"}}}]}`
	cases := []struct {
		name  string
		input string
		check func(t *testing.T, d *PolicyDocument)
	}{
		{"object as the CLI prints it", adminDoc, func(t *testing.T, d *PolicyDocument) {
			if d.Version != "2012-10-17" || len(d.Statements) != 1 || !d.Statements[0].HasWildcardAction() || !d.Statements[0].HasWildcardResource() {
				t.Errorf("doc = %+v", d)
			}
		}},
		{"JSON string holding the document (S3 get-bucket-policy)", jsonString(adminDoc), func(t *testing.T, d *PolicyDocument) {
			if len(d.Statements) != 1 || !d.Statements[0].IsAllow() {
				t.Errorf("doc = %+v", d)
			}
		}},
		{"URL-encoded, bare", urlEncode(trust), func(t *testing.T, d *PolicyDocument) {
			// '+' stays a plus and %20 a space.
			if c := d.Statements[0].Condition; len(c) != 1 || c[0].Values[0] != "a+b c" {
				t.Errorf("conditions = %+v", c)
			}
		}},
		{"URL-encoded inside a JSON string (raw IAM API via the CLI)", jsonString(urlEncode(trust)), func(t *testing.T, d *PolicyDocument) {
			p := d.Statements[0].Principal
			if p == nil || p.IsEveryone() || !reflect.DeepEqual(p.Values["AWS"], []string{"arn:aws:iam::999988887777:root", "arn:aws:iam::444455556666:role/ci"}) {
				t.Errorf("principal = %+v", p)
			}
		}},
		{"surrounding whitespace", "\n  " + adminDoc + "\n", func(t *testing.T, d *PolicyDocument) {
			if len(d.Statements) != 1 {
				t.Errorf("doc = %+v", d)
			}
		}},
		{"single statement object", `{"Version":"2012-10-17","Statement":{"Sid":"One","Effect":"Deny","NotAction":"iam:*","NotResource":["arn:aws:s3:::x"]}}`, func(t *testing.T, d *PolicyDocument) {
			s := d.Statements[0]
			if len(d.Statements) != 1 || s.Sid != "One" || s.Effect != "Deny" || s.Action != nil ||
				!reflect.DeepEqual(s.NotAction, []string{"iam:*"}) || !reflect.DeepEqual(s.NotResource, []string{"arn:aws:s3:::x"}) {
				t.Errorf("statement = %+v", s)
			}
		}},
		{"Principal *", `{"Statement":[{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::site/*"}]}`, func(t *testing.T, d *PolicyDocument) {
			if p := d.Statements[0].Principal; p == nil || !p.All || !p.IsEveryone() {
				t.Errorf("principal = %+v", p)
			}
		}},
		{`Principal {"AWS": "*"}`, `{"Statement":[{"Effect":"Allow","Principal":{"AWS":"*"},"Action":"s3:GetObject","Resource":"*"}]}`, func(t *testing.T, d *PolicyDocument) {
			if p := d.Statements[0].Principal; p == nil || p.All || !p.IsEveryone() || !reflect.DeepEqual(p.Values["AWS"], []string{"*"}) {
				t.Errorf("principal = %+v", p)
			}
		}},
		{"Service and Federated principals", `{"Statement":[{"Effect":"Allow","Principal":{"Service":"ec2.amazonaws.com","Federated":["cognito-identity.amazonaws.com"]},"Action":["sts:AssumeRole","sts:AssumeRoleWithWebIdentity"]}]}`, func(t *testing.T, d *PolicyDocument) {
			p := d.Statements[0].Principal
			if p.IsEveryone() || !reflect.DeepEqual(p.Values["Service"], []string{"ec2.amazonaws.com"}) || !reflect.DeepEqual(p.Values["Federated"], []string{"cognito-identity.amazonaws.com"}) {
				t.Errorf("principal = %+v", p)
			}
		}},
		{"NotPrincipal", `{"Statement":[{"Effect":"Deny","NotPrincipal":{"AWS":"arn:aws:iam::111122223333:root"},"Action":"*","Resource":"*"}]}`, func(t *testing.T, d *PolicyDocument) {
			s := d.Statements[0]
			if s.Principal != nil || s.NotPrincipal == nil || s.NotPrincipal.Values["AWS"][0] != "arn:aws:iam::111122223333:root" {
				t.Errorf("statement = %+v", s)
			}
		}},
		{"condition values: bool, number, list, string", `{"Statement":[{"Effect":"Deny","Action":"s3:*","Resource":"*","Condition":{
			"Bool":{"aws:SecureTransport":false},
			"NumericLessThan":{"s3:TlsVersion":1.2},
			"ForAnyValue:StringLike":{"aws:PrincipalOrgPaths":["o-a/*", "o-b/*"]},
			"StringEqualsIfExists":{"aws:PrincipalOrgID":"o-123"},
			"NumericEquals":{"s3:max-keys":[10, true]}}}]}`, func(t *testing.T, d *PolicyDocument) {
			want := []Condition{
				{"Bool", "aws:SecureTransport", []string{"false"}},
				{"ForAnyValue:StringLike", "aws:PrincipalOrgPaths", []string{"o-a/*", "o-b/*"}},
				{"NumericEquals", "s3:max-keys", []string{"10", "true"}},
				{"NumericLessThan", "s3:TlsVersion", []string{"1.2"}},
				{"StringEqualsIfExists", "aws:PrincipalOrgID", []string{"o-123"}},
			}
			if got := d.Statements[0].Condition; !reflect.DeepEqual(got, want) {
				t.Errorf("conditions = %+v\nwant %+v", got, want)
			}
			if keys := d.Statements[0].ConditionKeys(); keys[0] != "aws:securetransport" {
				t.Errorf("condition keys = %v", keys)
			}
		}},
		{"statement indexes and Id", `{"Version":"2012-10-17","Id":"P1","Statement":[{"Effect":"Allow","Action":"a:b"},{"Effect":"Deny","Action":"c:d"}]}`, func(t *testing.T, d *PolicyDocument) {
			if d.ID != "P1" || d.Statements[0].Index != 0 || d.Statements[1].Index != 1 {
				t.Errorf("doc = %+v", d)
			}
		}},
		{"empty Action list stays present", `{"Statement":[{"Effect":"Allow","Action":[],"Resource":"*"}]}`, func(t *testing.T, d *PolicyDocument) {
			if a := d.Statements[0].Action; a == nil || len(a) != 0 {
				t.Errorf("Action = %#v", a)
			}
		}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			d, err := ParsePolicy([]byte(c.input), policySrc)
			if err != nil {
				t.Fatalf("ParsePolicy: %v", err)
			}
			if d.Source != policySrc {
				t.Errorf("source = %v", d.Source)
			}
			c.check(t, d)
		})
	}
}

// TestParsePolicyErrors checks that bad documents are errors that name the
// source, the statement and the element, with line and column for JSON
// syntax errors.
func TestParsePolicyErrors(t *testing.T) {
	cases := []struct {
		name  string
		input string
		want  []string
	}{
		{"empty", "  ", []string{policySrc.String(), "empty policy document"}},
		{"list", `[{"Effect":"Allow"}]`, []string{"not a JSON object"}},
		{"number", `42`, []string{"not a JSON object"}},
		{"syntax error with position", "{\n  \"Statement\": [\n    {\"Effect\": \"Allow\",, \"Action\": \"*\"}\n  ]\n}", []string{"line 3, column 24", "invalid character ','"}},
		{"truncated", `{"Version": "2012-10-17", "Statement": [{"Effect": "Allow"`, []string{"line 1, column", "unexpected end of JSON input"}},
		{"bad JSON string", `"{\"Statement\": \x01"`, []string{"policy document string"}},
		{"bad URL encoding", `%7B%ZZ`, []string{"URL-encoded policy document"}},
		{"no Statement", `{"Version":"2012-10-17"}`, []string{"has no Statement"}},
		{"Version not a string", `{"Version":2012,"Statement":[]}`, []string{"Version: want a string, got a number"}},
		{"statement not an object", `{"Statement":["x"]}`, []string{"Statement[0]: not an object"}},
		{"bad Effect", `{"Statement":[{"Effect":"Allow","Action":"*"},{"Effect":"Permit","Action":"*"}]}`, []string{"Statement[1]", `Effect: must be "Allow" or "Deny", got "Permit"`}},
		{"no Action", `{"Statement":[{"Effect":"Allow","Resource":"*"}]}`, []string{"neither Action nor NotAction"}},
		{"Action and NotAction", `{"Statement":[{"Effect":"Allow","Action":"*","NotAction":"iam:*"}]}`, []string{"both Action and NotAction"}},
		{"Action wrong type", `{"Statement":[{"Effect":"Allow","Action":{"a":1}}]}`, []string{"Statement[0]: Action: want a string or a list of strings, got an object"}},
		{"Action list item wrong type", `{"Statement":[{"Effect":"Allow","Action":["s3:*", 3]}]}`, []string{"Action: [1]: want a string, got a number"}},
		{"unknown element", `{"Statement":[{"Effect":"Allow","Action":"*","Actions":"*"}]}`, []string{"Actions: unknown element"}},
		{"string principal not *", `{"Statement":[{"Effect":"Allow","Action":"*","Principal":"arn:aws:iam::1:root"}]}`, []string{`a string principal must be "*"`}},
		{"principal wrong type", `{"Statement":[{"Effect":"Allow","Action":"*","Principal":["*"]}]}`, []string{`Principal: want "*" or an object, got a list`}},
		{"condition wrong shape", `{"Statement":[{"Effect":"Allow","Action":"*","Condition":{"Bool":"true"}}]}`, []string{"Condition: want {operator: {key: values}}"}},
		{"condition value object", `{"Statement":[{"Effect":"Allow","Action":"*","Condition":{"StringEquals":{"k":{"x":1}}}}]}`, []string{"StringEquals: k: want a string, number or boolean, got an object"}},
		{"condition value null", `{"Statement":[{"Effect":"Allow","Action":"*","Condition":{"StringEquals":{"k":[null]}}}]}`, []string{"[0]: want a string, number or boolean, got null"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			d, err := ParsePolicy([]byte(c.input), policySrc)
			if err == nil {
				t.Fatalf("ParsePolicy succeeded: %+v", d)
			}
			if !strings.HasPrefix(err.Error(), policySrc.String()+": ") {
				t.Errorf("error %q does not start with the source", err)
			}
			for _, w := range c.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not contain %q", err, w)
				}
			}
		})
	}
}

func TestLineCol(t *testing.T) {
	data := []byte("ab\ncd\n")
	for _, c := range []struct {
		off       int64
		line, col int
	}{{0, 1, 1}, {1, 1, 2}, {3, 2, 1}, {4, 2, 2}, {6, 3, 1}, {99, 3, 1}} {
		if l, col := LineCol(data, c.off); l != c.line || col != c.col {
			t.Errorf("LineCol(%d) = %d:%d, want %d:%d", c.off, l, col, c.line, c.col)
		}
	}
}

func TestStatementString(t *testing.T) {
	d, err := ParsePolicy([]byte(`{"Statement":{"Effect":"Allow","Principal":"*","Action":"s3:GetObject"}}`), policySrc)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := d.Statements[0].String(), `{"Effect":"Allow","Principal":"*","Action":["s3:GetObject"]}`; got != want {
		t.Errorf("String() = %s, want %s", got, want)
	}
}

// FuzzParsePolicy: any input parses or fails with an error naming the
// source; never a panic. A parsed document is well formed.
func FuzzParsePolicy(f *testing.F) {
	for _, s := range []string{
		adminDoc,
		jsonString(adminDoc),
		urlEncode(adminDoc),
		jsonString(urlEncode(adminDoc)),
		`{"Statement":{"Effect":"Deny","Principal":"*","NotAction":"s3:*","Condition":{"Bool":{"aws:SecureTransport":false},"NumericLessThan":{"s3:TlsVersion":1.2}}}}`,
		`{"Statement":[{"Effect":"Allow","Principal":{"AWS":["arn:aws:iam::1:root"],"Service":"ec2.amazonaws.com"},"Action":"sts:AssumeRole"}]}`,
		`{"Version":"2012-10-17","Statement":[]}`,
		`{"Statement":[{"Effect":"Allow","Action":["s3:*", 3]}]}`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		d, err := ParsePolicy(data, policySrc)
		if err != nil {
			if !strings.HasPrefix(err.Error(), policySrc.String()) {
				t.Fatalf("error does not name the source: %v", err)
			}
			return
		}
		for i, s := range d.Statements {
			if s.Index != i || (s.Effect != "Allow" && s.Effect != "Deny") || (s.Action == nil) == (s.NotAction == nil) {
				t.Fatalf("malformed statement %d: %+v", i, s)
			}
			_ = s.String()
			_ = s.Principal.IsEveryone()
		}
	})
}
