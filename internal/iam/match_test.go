package iam

import "testing"

// Wildcard and ARN matching rules, from
// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_resource.html
// and https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_action.html
func TestGlobAndARNMatching(t *testing.T) {
	tests := []struct {
		rule, pattern, value string
		fold, arn, want      bool
	}{
		{"action names fold case", "iam:Get*", "IAM:GETUSER", true, false, true},
		{"resource patterns do not fold case", "reports/*", "Reports/x", false, false, false},
		{"* matches the empty string", "s3:Get*", "s3:Get", true, false, true},
		{"several stars backtrack", "a*b*c", "axxbyybzzc", false, false, true},
		{"several stars without a match", "a*b*c", "axxbyyb", false, false, false},
		{"? matches one multi-byte character", "caf?", "café", false, false, true},
		{"? does not match nothing", "a?", "a", false, false, false},
		{"escaped * is literal", "a" + string(litEscape) + "*", "a*", false, false, true},
		{"escaped * does not act as a wildcard", "a" + string(litEscape) + "*", "ab", false, false, false},
		{"ARN: service field wildcard", "arn:aws:s*:::b", "arn:aws:s3:::b", false, true, true},
		{"ARN: * alone matches a non-ARN resource", "*", "not-an-arn", false, true, true},
		{"ARN: ARN pattern never matches a non-ARN resource", "arn:aws:s3:::*", "*", false, true, false},
		{"ARN: resource field wildcard spans '/' and ':'", "arn:aws:ecr:us-east-1:1:repository/*", "arn:aws:ecr:us-east-1:1:repository/a/b:c", false, true, true},
		{"ARN: a * ending a field expands beyond the colon", "arn:aws:sqs:*:queue", "arn:aws:sqs:us-east-1:111122223333:queue", false, true, true},
		{"ARN: a * ending the account field expands into the resource", "arn:aws:sqs:us-east-1:*", "arn:aws:sqs:us-east-1:111122223333:queue", false, true, true},
		{"ARN: a * inside a field stays in the field", "arn:aws:sqs:us-*3:queue:x", "arn:aws:sqs:us-east-1:111122223333:queue:x", false, true, false},
		{"ARN: a * inside a field matches within it", "arn:aws:sqs:us-*-1:111122223333:queue", "arn:aws:sqs:us-east-1:111122223333:queue", false, true, true},
		{"ARN: a spilling * still needs the rest to match", "arn:aws:sqs:*:999988887777:queue", "arn:aws:sqs:us-east-1:111122223333:queue", false, true, false},
		{"ARN: empty account must stay empty", "arn:aws:s3:::b", "arn:aws:s3::111122223333:b", false, true, false},
		{"ARN: ? in the account field", "arn:aws:sqs:us-east-1:11112222333?:q", "arn:aws:sqs:us-east-1:111122223333:q", false, true, true},
	}
	for _, tc := range tests {
		t.Run(tc.rule, func(t *testing.T) {
			var got bool
			if tc.arn {
				ap := compileARNPattern(tc.pattern)
				got = ap.match(tc.value)
			} else {
				p := compilePat(tc.pattern)
				got = p.match(tc.value, tc.fold)
				if g := glob(tc.pattern, tc.value, tc.fold); g != got {
					t.Fatalf("compiled pattern (%v) and glob (%v) disagree", got, g)
				}
			}
			if got != tc.want {
				t.Errorf("%q ~ %q = %v, want %v", tc.pattern, tc.value, got, tc.want)
			}
		})
	}
}

func TestParseCaller(t *testing.T) {
	tests := []struct {
		arn      string
		typ      PrincipalType
		account  string
		roleARN  string
		username string
	}{
		{alice, PrincipalUser, acctA, "", "alice"},
		{"arn:aws:iam::111122223333:user/division/alice", PrincipalUser, acctA, "", "alice"},
		{devSess, PrincipalSession, acctA, "arn:aws:iam::111122223333:role/dev", ""},
		{devRole, PrincipalRole, acctA, devRole, ""},
		{fedA, PrincipalFederated, acctA, "", ""},
		{rootA, PrincipalRoot, acctA, "", ""},
		{"arn:aws-us-gov:sts::111122223333:assumed-role/r/s", PrincipalSession, acctA, "arn:aws-us-gov:iam::111122223333:role/r", ""},
		{"ec2.amazonaws.com", PrincipalService, "", "", ""},
		{"arn:aws:iam::111122223333:oidc-provider/token.actions.githubusercontent.com", PrincipalWebIdentity, acctA, "", ""},
		{"cognito-identity.amazonaws.com", PrincipalWebIdentity, "", "", ""},
	}
	for _, tc := range tests {
		req, err := NewRequest(tc.arn, "s3:GetObject", "*", nil)
		if err != nil {
			t.Fatalf("%s: %v", tc.arn, err)
		}
		c := req.Caller
		if c.Type != tc.typ || c.Account != tc.account || c.RoleARN != tc.roleARN {
			t.Errorf("%s: got %+v", tc.arn, c)
		}
		u, ok := req.Context.Get("aws:username")
		if (tc.username != "") != ok || (ok && u[0] != tc.username) {
			t.Errorf("%s: aws:username %v %v, want %q", tc.arn, u, ok, tc.username)
		}
	}
	for _, bad := range []string{"", "alice", "arn:aws:s3:::bucket", "arn:aws:iam::111122223333:group/admins", "arn:aws:iam:::user/nobody"} {
		if _, err := ParseCaller(bad); err == nil {
			t.Errorf("ParseCaller(%q) succeeded", bad)
		}
	}
}

// TestSetCallerRederives: asking the same question for another principal
// replaces the derived keys but keeps the ones the caller set.
func TestSetCallerRederives(t *testing.T) {
	ctx := NewContext()
	ctx.Set("aws:PrincipalTag/team", "blue")
	ctx.Set("aws:PrincipalAccount", "999999999999") // set by the caller: kept
	req, err := NewRequest(alice, "s3:GetObject", "*", ctx)
	if err != nil {
		t.Fatal(err)
	}
	c, _ := ParseCaller(devSess)
	req.SetCaller(c)
	if v, _ := req.Context.Get("aws:PrincipalArn"); len(v) != 1 || v[0] != "arn:aws:iam::111122223333:role/dev" {
		t.Errorf("aws:PrincipalArn = %v", v)
	}
	if _, ok := req.Context.Get("aws:username"); ok {
		t.Error("aws:username survived the switch to a role session")
	}
	if v, _ := req.Context.Get("aws:PrincipalAccount"); v[0] != "999999999999" {
		t.Errorf("caller-set aws:PrincipalAccount replaced: %v", v)
	}
	if req.ResourceAccount != acctA {
		t.Errorf("ResourceAccount = %q", req.ResourceAccount)
	}
	b, _ := ParseCaller(bobB)
	req.SetCaller(b)
	if req.ResourceAccount != acctB || !req.SameAccount() {
		t.Errorf("resource account of * follows the caller: %q", req.ResourceAccount)
	}
}
