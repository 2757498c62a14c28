package aws

import (
	"testing"

	"github.com/cloudward/cloudward/internal/model"
	awsm "github.com/cloudward/cloudward/internal/model/aws"
)

// policyStmt parses a one-statement policy document, as the importer does.
func policyStmt(t testing.TB, statement string) awsm.Statement {
	t.Helper()
	doc := policyDoc(t, `{"Version":"2012-10-17","Statement":[`+statement+`]}`)
	return doc.Statements[0]
}

func policyDoc(t testing.TB, document string) *awsm.PolicyDocument {
	t.Helper()
	doc, err := awsm.ParsePolicy([]byte(document), model.Source{File: "test.json"})
	if err != nil {
		t.Fatalf("ParsePolicy: %v", err)
	}
	return doc
}

func TestPolicyConditionRestricts(t *testing.T) {
	const allowGet = `"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::logs/*"`
	tests := []struct {
		name      string
		condition string // the Condition element; "" for none
		want      bool
	}{
		{"no condition", ``, false},
		{"source account", `{"StringEquals":{"aws:SourceAccount":"111122223333"}}`, true},
		{"key case-insensitive", `{"StringEquals":{"AWS:SOURCEACCOUNT":"111122223333"}}`, true},
		{"source arn like", `{"ArnLike":{"aws:SourceArn":"arn:aws:cloudtrail:us-east-1:111122223333:trail/*"}}`, true},
		{"source arn equals", `{"ArnEquals":{"aws:SourceArn":"arn:aws:sns:us-east-1:111122223333:alerts"}}`, true},
		{"source owner", `{"StringEquals":{"aws:SourceOwner":"111122223333"}}`, true},
		{"source vpce", `{"StringEquals":{"aws:SourceVpce":"vpce-0a1b2c3d4e5f60718"}}`, true},
		{"source vpc", `{"StringEquals":{"aws:SourceVpc":"vpc-0abc1234"}}`, true},
		{"source ip office", `{"IpAddress":{"aws:SourceIp":["203.0.113.0/24","198.51.100.7/32"]}}`, true},
		{"source ip anywhere v4", `{"IpAddress":{"aws:SourceIp":"0.0.0.0/0"}}`, false},
		{"source ip anywhere v6 among others", `{"IpAddress":{"aws:SourceIp":["203.0.113.0/24","::/0"]}}`, false},
		{"not ip address", `{"NotIpAddress":{"aws:SourceIp":"203.0.113.0/24"}}`, false},
		{"org id", `{"StringEquals":{"aws:PrincipalOrgID":"o-a1b2c3d4e5"}}`, true},
		{"org paths for any value", `{"ForAnyValue:StringLike":{"aws:PrincipalOrgPaths":"o-a1b2c3d4e5/r-ab12/ou-ab12-11111111/*"}}`, true},
		{"org paths for all values", `{"ForAllValues:StringLike":{"aws:PrincipalOrgPaths":"o-a1b2c3d4e5/*"}}`, false},
		{"principal account", `{"StringEquals":{"aws:PrincipalAccount":"444455556666"}}`, true},
		{"principal arn", `{"ArnLike":{"aws:PrincipalArn":"arn:aws:iam::444455556666:role/reader"}}`, true},
		{"userid", `{"StringLike":{"aws:userid":"AROAEXAMPLEID:*"}}`, true},
		{"username", `{"StringEquals":{"aws:username":"alice"}}`, true},
		{"external id", `{"StringEquals":{"sts:ExternalId":"8f1c2d7e-0b6a-4c3e-9d1f-2a7b5c9e4f10"}}`, true},
		{"resource org", `{"StringEquals":{"aws:ResourceOrgID":"o-a1b2c3d4e5"}}`, true},
		{"access point account", `{"StringEquals":{"s3:DataAccessPointAccount":"111122223333"}}`, true},
		{"mfa bool true", `{"Bool":{"aws:MultiFactorAuthPresent":"true"}}`, true},
		{"mfa bool true json bool", `{"Bool":{"aws:MultiFactorAuthPresent":true}}`, true},
		{"mfa bool false", `{"Bool":{"aws:MultiFactorAuthPresent":"false"}}`, false},
		{"mfa bool if exists", `{"BoolIfExists":{"aws:MultiFactorAuthPresent":"true"}}`, false},
		{"mfa age", `{"NumericLessThan":{"aws:MultiFactorAuthAge":"3600"}}`, true},
		{"string equals star", `{"StringEquals":{"aws:SourceAccount":"*"}}`, false},
		{"string like bare star", `{"StringLike":{"aws:PrincipalArn":"*"}}`, false},
		{"string like star among values", `{"StringLike":{"aws:SourceArn":["arn:aws:sns:us-east-1:111122223333:a","*"]}}`, false},
		{"string like double star", `{"StringLike":{"aws:SourceAccount":"**"}}`, false},
		{"string like partial wildcard", `{"StringLike":{"aws:SourceAccount":"1111222233*"}}`, true},
		{"not equals does not narrow", `{"StringNotEquals":{"aws:SourceAccount":"999988887777"}}`, false},
		{"if exists does not narrow", `{"StringEqualsIfExists":{"aws:SourceAccount":"111122223333"}}`, false},
		{"null check does not narrow", `{"Null":{"aws:SourceVpce":"false"}}`, false},
		{"unrelated key", `{"StringEquals":{"s3:x-amz-acl":"bucket-owner-full-control"}}`, false},
		{"secure transport only", `{"Bool":{"aws:SecureTransport":"true"}}`, false},
		{"one restricting among others", `{"Bool":{"aws:SecureTransport":"true"},"StringEquals":{"aws:SourceAccount":"111122223333"}}`, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			stmt := `{` + allowGet
			if tt.condition != "" {
				stmt += `,"Condition":` + tt.condition
			}
			stmt += `}`
			if got := policyConditionRestricts(policyStmt(t, stmt)); got != tt.want {
				t.Errorf("policyConditionRestricts(%s) = %v, want %v", tt.condition, got, tt.want)
			}
		})
	}
}

func TestPolicyIsAdminStatement(t *testing.T) {
	tests := []struct {
		name string
		stmt string
		want bool
	}{
		{"star star", `{"Effect":"Allow","Action":"*","Resource":"*"}`, true},
		{"star colon star in list", `{"Effect":"Allow","Action":["s3:GetObject","*:*"],"Resource":["*"]}`, true},
		{"deny", `{"Effect":"Deny","Action":"*","Resource":"*"}`, false},
		{"service wildcard", `{"Effect":"Allow","Action":"s3:*","Resource":"*"}`, false},
		{"one resource", `{"Effect":"Allow","Action":"*","Resource":"arn:aws:s3:::data"}`, false},
		{"not action", `{"Effect":"Allow","NotAction":"iam:*","Resource":"*"}`, false},
		{"mfa still admin", `{"Effect":"Allow","Action":"*","Resource":"*","Condition":{"Bool":{"aws:MultiFactorAuthPresent":"true"}}}`, true},
		{"source ip restricts", `{"Effect":"Allow","Action":"*","Resource":"*","Condition":{"IpAddress":{"aws:SourceIp":"203.0.113.0/24"}}}`, false},
		{"any ip does not", `{"Effect":"Allow","Action":"*","Resource":"*","Condition":{"IpAddress":{"aws:SourceIp":"0.0.0.0/0"}}}`, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			st := policyStmt(t, tt.stmt)
			if got := policyIsAdminStatement(&st); got != tt.want {
				t.Errorf("got %v, want %v", got, tt.want)
			}
		})
	}
}

func TestPolicyIsAWSAdministratorAccess(t *testing.T) {
	tests := []struct {
		arn  string
		want bool
	}{
		{"arn:aws:iam::aws:policy/AdministratorAccess", true},
		{"arn:aws-cn:iam::aws:policy/AdministratorAccess", true},
		{"arn:aws-us-gov:iam::aws:policy/AdministratorAccess", true},
		{"arn:aws:iam::aws:policy/job-function/AdministratorAccess", false},
		{"arn:aws:iam::111122223333:policy/AdministratorAccess", false},
		{"arn:aws:iam::aws:policy/AdministratorAccess-Amplify", false},
		{"arn:aws:iam::aws:policy/ReadOnlyAccess", false},
	}
	for _, tt := range tests {
		if got := policyIsAWSAdministratorAccess(tt.arn); got != tt.want {
			t.Errorf("policyIsAWSAdministratorAccess(%q) = %v, want %v", tt.arn, got, tt.want)
		}
	}
}

func TestPolicyActionAllowsAssumeRole(t *testing.T) {
	tests := []struct {
		action string
		want   bool
	}{
		{"sts:AssumeRole", true},
		{"STS:assumerole", true},
		{"sts:AssumeRole*", true},
		{"sts:Assume*", true},
		{"sts:*", true},
		{"*", true},
		{"sts:AssumeRol?", true},
		{"sts:AssumeRoleWithSAML", false},
		{"sts:AssumeRoleWithWebIdentity", false},
		{"sts:TagSession", false},
		{"s3:*", false},
	}
	for _, tt := range tests {
		if got := policyActionAllowsAssumeRole(tt.action); got != tt.want {
			t.Errorf("policyActionAllowsAssumeRole(%q) = %v, want %v", tt.action, got, tt.want)
		}
	}
}

func TestPolicyConditionRestrictsDoesNotAllocate(t *testing.T) {
	st := policyStmt(t, `{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"*",
		"Condition":{"Bool":{"aws:SecureTransport":"true"},"StringNotEquals":{"aws:SourceAccount":"111122223333"}}}`)
	if n := testing.AllocsPerRun(100, func() { policyConditionRestricts(st) }); n != 0 {
		t.Errorf("policyConditionRestricts allocates %v times per call", n)
	}
}
