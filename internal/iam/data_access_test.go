package iam

import (
	"strings"
	"testing"

	awsmodel "github.com/cloudward/cloudward/internal/model/aws"
)

func s3Probes(bucket string) []DataProbe {
	obj := "arn:aws:s3:::" + bucket + "/*"
	return []DataProbe{
		{Access: "read", Action: "s3:GetObject", Resource: obj, Base: obj},
		{Access: "write", Action: "s3:PutObject", Resource: obj, Base: obj},
		{Access: "write", Action: "s3:DeleteObject", Resource: obj, Base: obj},
	}
}

func TestDataAccess(t *testing.T) {
	ta := newTestAccount()
	ta.inv.Buckets = append(ta.inv.Buckets, &awsmodel.Bucket{Identity: awsmodel.Identity{ARN: "arn:aws:s3:::acme-payroll", Name: "acme-payroll"},
		Policy: kdoc(t, `{"Version":"2012-10-17","Statement":[
			{"Sid":"Auditors","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::444455556666:role/auditor"},"Action":"s3:GetObject","Resource":"arn:aws:s3:::acme-payroll/*"},
			{"Sid":"NoInterns","Effect":"Deny","Principal":{"AWS":"arn:aws:iam::`+acct+`:user/intern"},"Action":"s3:*","Resource":["arn:aws:s3:::acme-payroll","arn:aws:s3:::acme-payroll/*"]}]}`)})
	ta.user("admin", nil, ta.awsPolicy(t, "AdministratorAccess", adminDoc))
	ta.user("analyst", nil, ta.policy(t, "analyst", allow(`"s3:GetObject"`, `"arn:aws:s3:::acme-payroll/reports/2024/*"`)))
	ta.user("intern", nil, ta.policy(t, "intern", allow(`"s3:*"`, `"*"`)))
	ta.user("marketing", nil, ta.policy(t, "marketing", allow(`"s3:*"`, `"arn:aws:s3:::acme-website/*"`)))
	ta.role(t, "payroll-etl", trustAWS("arn:aws:iam::"+acct+":user/dev"), ta.policy(t, "etl", allow(`["s3:PutObject","s3:DeleteObject"]`, `"arn:aws:s3:::acme-payroll/*"`)))
	ta.user("dev", nil, ta.policy(t, "dev", allow(`"sts:AssumeRole"`, `"arn:aws:iam::`+acct+`:role/payroll-etl"`)))
	a := ta.account()
	got, err := a.DataAccess(s3Probes("acme-payroll"))
	if err != nil {
		t.Fatal(err)
	}
	lines := map[string]string{}
	for i := range got {
		lines[got[i].Principal.Label()] = got[i].Describe()
	}
	want := map[string]string{
		"user/admin":       "read+write (s3:GetObject, s3:PutObject, s3:DeleteObject), allowed by identity policy arn:aws:iam::aws:policy/AdministratorAccess",
		"user/analyst":     "read (s3:GetObject), allowed by identity policy arn:aws:iam::" + acct + ":policy/analyst",
		"role/payroll-etl": "write (s3:PutObject, s3:DeleteObject)",
		"user/dev":         "write (s3:PutObject, s3:DeleteObject) through user/dev -> sts:AssumeRole -> arn:aws:iam::" + acct + ":role/payroll-etl",
		"external/arn:aws:iam::444455556666:role/auditor": "arn:aws:iam::444455556666:role/auditor: read (s3:GetObject), allowed by resource policy bucket policy of acme-payroll",
	}
	for who, w := range want {
		if !strings.Contains(lines[who], w) {
			t.Errorf("%s: got %q, want it to contain %q", who, lines[who], w)
		}
	}
	for _, no := range []string{"user/intern", "user/marketing"} {
		if l, ok := lines[no]; ok {
			t.Errorf("%s must not have access (explicit bucket-policy deny / other bucket): %s", no, l)
		}
	}
	if len(got) != len(want) {
		t.Errorf("got %d accessors, want %d: %v", len(got), len(want), lines)
	}
	if got[0].Via != nil || len(got[len(got)-1].Via) == 0 {
		t.Errorf("direct accessors must come first: %v", lines)
	}
}
