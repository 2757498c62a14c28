package iam

import (
	"strings"
	"testing"
)

func TestBuiltinManagedPolicies(t *testing.T) {
	all, err := parseBuiltins(awsManagedJSON, "aws_managed_policies.json")
	if err != nil {
		t.Fatal(err)
	}
	if len(all) < 7 {
		t.Fatalf("%d policies in the catalogue", len(all))
	}
	for name, p := range all {
		if p.Version == "" || p.Document == nil || len(p.Document.Statements) == 0 {
			t.Errorf("%s: incomplete entry %+v", name, p)
		}
		a := &Account{compiled: map[compileKey]*Policy{}}
		if _, err := a.compile(p.Document, KindIdentity, p.ARN); err != nil {
			t.Errorf("%s does not compile: %v", name, err)
		}
	}
	if BuiltinManagedPolicy("arn:aws:iam::aws:policy/AdministratorAccess") == nil ||
		BuiltinManagedPolicy("arn:aws-us-gov:iam::aws:policy/PowerUserAccess") == nil {
		t.Error("catalogued policies not found")
	}
	for _, arn := range []string{"arn:aws:iam::aws:policy/AmazonSageMakerFullAccess", "arn:aws:iam::111122223333:policy/AdministratorAccess",
		"AdministratorAccess", "", "arn:aws:iam::aws:policy/"} {
		if BuiltinManagedPolicy(arn) != nil {
			t.Errorf("%q found in the catalogue", arn)
		}
	}
}

func TestParseBuiltinsErrors(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{`{"policies": [`, "cat.json: unexpected end of JSON input"},
		{`{"policies": [{"arn": "arn:aws:iam::111122223333:policy/x", "document": {}}]}`, `cat.json: policies[0]: "arn:aws:iam::111122223333:policy/x" is not an AWS managed policy ARN`},
		{`{"policies": [{"arn": "arn:aws:iam::aws:policy/A", "document": {"Statement": 3}}]}`, "cat.json: policies[0] (arn:aws:iam::aws:policy/A)"},
		{`{"policies": [{"arn": "arn:aws:iam::aws:policy/A", "document": {"Statement": []}}, {"arn": "arn:aws:iam::aws:policy/A", "document": {"Statement": []}}]}`, "listed twice"},
	} {
		_, err := parseBuiltins([]byte(c.in), "cat.json")
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: error %v, want %q", c.in, err, c.want)
		}
	}
}

func FuzzParseBuiltins(f *testing.F) {
	f.Add(awsManagedJSON)
	f.Add([]byte(`{"policies":[{"arn":"arn:aws:iam::aws:policy/A","document":{"Statement":[]}}]}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		all, err := parseBuiltins(data, "f.json")
		if err == nil {
			for _, p := range all {
				if p.Document == nil {
					t.Fatalf("nil document for %s", p.ARN)
				}
			}
		}
	})
}
