package cwfilter

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"
)

// consoleLogin is a CloudTrail console sign-in event as delivered to
// CloudWatch Logs (trimmed to the fields filters read).
const consoleLogin = `{
  "eventVersion": "1.08",
  "userIdentity": {"type": "IAMUser", "principalId": "AIDAEXAMPLE", "accountId": "111122223333", "userName": "alice"},
  "eventTime": "2026-11-20T08:14:02Z",
  "eventSource": "signin.amazonaws.com",
  "eventName": "ConsoleLogin",
  "awsRegion": "us-east-1",
  "sourceIPAddress": "203.0.113.24",
  "errorMessage": "Failed authentication",
  "requestParameters": null,
  "responseElements": {"ConsoleLogin": "Failure"},
  "additionalEventData": {"MFAUsed": "No", "LoginTo": "https://console.aws.amazon.com/"},
  "resources": [{"type": "AWS::IAM::User", "ARN": "arn:aws:iam::111122223333:user/alice"}],
  "eventType": "AwsConsoleSignIn",
  "readOnly": false,
  "bytesTransferred": 512,
  "managementEvent": true
}`

func decode(t testing.TB, s string) map[string]any {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal([]byte(s), &m); err != nil {
		t.Fatal(err)
	}
	return m
}

func TestMatchJSON(t *testing.T) {
	ev := decode(t, consoleLogin)
	tests := []struct {
		pattern string
		want    bool
	}{
		{`{ $.eventName = "ConsoleLogin" }`, true},
		{`{$.eventName=ConsoleLogin}`, true},
		{`{ $.eventName = "consolelogin" }`, false}, // case-sensitive
		{`{ $.eventName = "Console*" }`, true},
		{`{ $.eventName = "*Login" }`, true},
		{`{ $.eventName = "C*s*L*n" }`, true},
		{`{ $.eventName = "*Logout*" }`, false},
		{`{ $.eventName != "ConsoleLogin" }`, false},
		{`{ $.errorCode != "AccessDenied" }`, false}, // missing field: no match
		{`{ $.userIdentity.type = "IAMUser" && $.additionalEventData.MFAUsed != "Yes" }`, true},
		{`{ ($.eventName = "X") || ($.eventName = "Y") && ($.eventName = "ConsoleLogin") }`, false},
		{`{ (($.eventName = "X") || ($.eventName = "ConsoleLogin")) && ($.awsRegion = "us-east-1") }`, true},
		{`{ $.eventName = "X" || $.eventName = "ConsoleLogin" && $.awsRegion = "us-east-1" }`, true},
		{`{ $.userIdentity.invokedBy NOT EXISTS }`, true},
		{`{ $.userIdentity.userName NOT EXISTS }`, false},
		{`{ $.requestParameters IS NULL }`, true},
		{`{ $.responseElements IS NULL }`, false},
		{`{ $.managementEvent IS TRUE }`, true},
		{`{ $.readOnly is false }`, true},
		{`{ $.readOnly IS TRUE }`, false},
		{`{ $.bytesTransferred > 500 }`, true},
		{`{ $.bytesTransferred >= 512 && $.bytesTransferred <= 512 }`, true},
		{`{ $.bytesTransferred < 100 }`, false},
		{`{ $.bytesTransferred = 512 }`, true},
		{`{ $.resources[0].type = "AWS::IAM::User" }`, true},
		{`{ $.resources[1].type = "AWS::IAM::User" }`, false},
		{`{ $.sourceIPAddress = %^203\.0\.113\.[0-9]+$% }`, true},
		{`{ $.sourceIPAddress != %^10\.% }`, true},
		{`{ $.eventSource = signin.amazonaws.com }`, true},
		{`{ $.eventName = "Console\"Login" }`, false},
	}
	for _, tt := range tests {
		p, err := Parse(tt.pattern)
		if err != nil {
			t.Errorf("Parse(%s): %v", tt.pattern, err)
			continue
		}
		if p.Kind != KindJSON {
			t.Errorf("Parse(%s): kind %v", tt.pattern, p.Kind)
		}
		if got := p.Match(ev, consoleLogin); got != tt.want {
			t.Errorf("%s matched %v, want %v", tt.pattern, got, tt.want)
		}
	}
}

func TestMatchTermsAndOthers(t *testing.T) {
	ev := decode(t, consoleLogin)
	tests := []struct {
		pattern string
		kind    Kind
		want    bool
	}{
		{``, KindAll, true},
		{`   `, KindAll, true},
		{`ConsoleLogin`, KindTerms, true},
		{`"Failed authentication" ConsoleLogin`, KindTerms, true},
		{`ConsoleLogin -Failed`, KindTerms, false},
		{`?AccessDenied ?ConsoleLogin`, KindTerms, true},
		{`?AccessDenied ?UnauthorizedOperation`, KindTerms, false},
		{`[version, account, eni, source, destination, srcport, destport="22", ...]`, KindDelimited, false},
	}
	for _, tt := range tests {
		p, err := Parse(tt.pattern)
		if err != nil {
			t.Errorf("Parse(%q): %v", tt.pattern, err)
			continue
		}
		if p.Kind != tt.kind {
			t.Errorf("Parse(%q): kind %v, want %v", tt.pattern, p.Kind, tt.kind)
		}
		if got := p.Match(ev, consoleLogin); got != tt.want {
			t.Errorf("%q matched %v, want %v", tt.pattern, got, tt.want)
		}
	}
}

func TestParseErrors(t *testing.T) {
	tests := []struct {
		pattern string
		col     int
		msg     string
	}{
		{`{ $.eventName = "ConsoleLogin" `, 32, `missing closing "}"`},
		{`{ ($.eventName = "ConsoleLogin" }`, 3, `"(" is never closed`},
		{`{ $.eventName = "ConsoleLogin }`, 17, "unterminated string"},
		{`{ $.eventName "ConsoleLogin" }`, 15, "want =, !="},
		{`{ eventName = "ConsoleLogin" }`, 3, `selector starting with "$."`},
		{`{ $ = 1 }`, 3, `names no field`},
		{`{ $.a. = 1 }`, 7, `want a key name`},
		{`{ $.a[x] = 1 }`, 7, `array index`},
		{`{ $.a > "x" }`, 9, `need a number`},
		{`{ $.a = }`, 9, `unexpected "}`},
		{`{ $.a = 1 && }`, 14, `want a selector`},
		{`{ $.a = 1 } extra`, 13, `after the closing "}"`},
		{`{ $.a = %[% }`, 9, `bad regular expression`},
		{`{ $.a = %abc }`, 9, `missing closing "%"`},
		{`{ $.a = 1 ) }`, 11, `unexpected ") }"`},
		{`[a, b`, 6, `missing closing "]"`},
		{`?a b`, 1, `mixing "?"`},
		{`{ ` + strings.Repeat("(", 70) + `$.a = 1` + strings.Repeat(")", 70) + ` }`, 67, "nested deeper"},
		{strings.Repeat(" ", 1025), 1025, "over the 1024-byte limit"},
	}
	for _, tt := range tests {
		_, err := Parse(tt.pattern)
		var se *SyntaxError
		if !errors.As(err, &se) {
			t.Errorf("Parse(%q) = %v, want a SyntaxError", tt.pattern, err)
			continue
		}
		if se.Offset+1 != tt.col || !strings.Contains(se.Error(), tt.msg) {
			t.Errorf("Parse(%q): %v (column %d), want column %d and %q", tt.pattern, err, se.Offset+1, tt.col, tt.msg)
		}
	}
}

func TestMissing(t *testing.T) {
	events := []Event{
		{Label: "CreateTrail", Fields: map[string]any{"eventSource": "cloudtrail.amazonaws.com", "eventName": "CreateTrail"}},
		{Label: "StopLogging", Fields: map[string]any{"eventSource": "cloudtrail.amazonaws.com", "eventName": "StopLogging"}},
	}
	p, err := Parse(`{ ($.eventName = CreateTrail) }`)
	if err != nil {
		t.Fatal(err)
	}
	if got := p.Missing(events); len(got) != 1 || got[0] != "StopLogging" {
		t.Errorf("Missing = %v, want [StopLogging]", got)
	}
	p, _ = Parse(`{ $.eventSource = "cloudtrail.amazonaws.com" }`)
	if got := p.Missing(events); len(got) != 0 {
		t.Errorf("broader filter: Missing = %v, want none", got)
	}
	p, _ = Parse(`"StopLogging"`)
	if got := p.Missing(events); len(got) != 1 || got[0] != "CreateTrail" {
		t.Errorf("term filter: Missing = %v, want [CreateTrail]", got)
	}
}

func TestGlob(t *testing.T) {
	for _, tt := range []struct {
		p, s string
		want bool
	}{
		{"*", "", true}, {"a*", "abc", true}, {"*c", "abc", true}, {"a*c", "ac", true},
		{"a*b*c", "abc", true}, {"a*b*c", "acb", false}, {"**", "x", true}, {"ab*ab", "ab", false},
	} {
		if got := Glob(tt.p, tt.s); got != tt.want {
			t.Errorf("Glob(%q, %q) = %v", tt.p, tt.s, got)
		}
	}
}

func FuzzParse(f *testing.F) {
	for _, s := range []string{
		`{ ($.errorCode = "*UnauthorizedOperation") || ($.errorCode = "AccessDenied*") && ($.sourceIPAddress != "delivery.logs.amazonaws.com") }`,
		`{ $.userIdentity.type = "Root" && $.userIdentity.invokedBy NOT EXISTS && $.eventType != "AwsServiceEvent" }`,
		`{ $.a[0].b >= 3 || $.c IS NULL || $.d = %ab+% }`,
		`?ERROR ?WARN`, `[ip, user, status=4*]`, `"quoted \" term" -x`, ``,
	} {
		f.Add(s)
	}
	ev := decode(f, consoleLogin)
	f.Fuzz(func(t *testing.T, s string) {
		p, err := Parse(s)
		if err != nil {
			var se *SyntaxError
			if !errors.As(err, &se) || se.Offset < 0 || se.Offset > len(s) {
				t.Fatalf("Parse(%q): bad error %v", s, err)
			}
			return
		}
		p.Match(ev, consoleLogin)
	})
}

// BenchmarkParseMatch parses a CIS-sized pattern and evaluates it over one
// event, the unit of work of a monitoring check per metric filter.
func BenchmarkParseMatch(b *testing.B) {
	const pattern = `{($.eventSource=iam.amazonaws.com) && (($.eventName=DeleteGroupPolicy)||($.eventName=DeleteRolePolicy)||($.eventName=DeleteUserPolicy)||($.eventName=PutGroupPolicy)||($.eventName=PutRolePolicy)||($.eventName=PutUserPolicy)||($.eventName=CreatePolicy)||($.eventName=DeletePolicy)||($.eventName=CreatePolicyVersion)||($.eventName=DeletePolicyVersion)||($.eventName=AttachRolePolicy)||($.eventName=DetachRolePolicy)||($.eventName=AttachUserPolicy)||($.eventName=DetachUserPolicy)||($.eventName=AttachGroupPolicy)||($.eventName=DetachGroupPolicy))}`
	ev := []Event{{Label: "DetachGroupPolicy", Fields: map[string]any{"eventSource": "iam.amazonaws.com", "eventName": "DetachGroupPolicy"}}}
	b.ReportAllocs()
	for b.Loop() {
		p, err := Parse(pattern)
		if err != nil || len(p.Missing(ev)) != 0 {
			b.Fatal(err)
		}
	}
}
