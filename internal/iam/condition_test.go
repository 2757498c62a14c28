package iam

import (
	"strings"
	"testing"

	awsmodel "github.com/cloudward/cloudward/internal/model/aws"
)

// ctxOf builds a context; a nil value slice leaves the key absent.
func ctxOf(kv map[string][]string) *Context {
	c := NewContext()
	for k, v := range kv {
		c.Set(k, v...)
	}
	return c
}

// Condition operator rules, from
// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html
// and https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-single-vs-multi-valued-context-keys.html
func TestConditionOperators(t *testing.T) {
	type ctx = map[string][]string
	tests := []struct {
		rule   string
		op     string
		key    string
		values []string
		ctx    ctx
		want   bool
	}{
		{"StringEquals matches an exact value", "StringEquals", "aws:PrincipalTag/team", []string{"blue"}, ctx{"aws:PrincipalTag/team": {"blue"}}, true},
		{"StringEquals is case-sensitive on values", "StringEquals", "aws:PrincipalTag/team", []string{"blue"}, ctx{"aws:PrincipalTag/team": {"Blue"}}, false},
		{"condition key names are case-insensitive", "StringEquals", "AWS:PRINCIPALTAG/TEAM", []string{"blue"}, ctx{"aws:principaltag/team": {"blue"}}, true},
		{"several policy values are ORed", "StringEquals", "aws:RequestedRegion", []string{"eu-west-1", "us-east-1"}, ctx{"aws:RequestedRegion": {"us-east-1"}}, true},
		{"positive operator on a missing key is false", "StringEquals", "aws:PrincipalTag/team", []string{"blue"}, ctx{}, false},
		{"StringNotEquals is true when the value differs", "StringNotEquals", "aws:RequestedRegion", []string{"eu-west-1"}, ctx{"aws:RequestedRegion": {"us-east-1"}}, true},
		{"StringNotEquals is false when a policy value matches", "StringNotEquals", "aws:RequestedRegion", []string{"eu-west-1", "us-east-1"}, ctx{"aws:RequestedRegion": {"us-east-1"}}, false},
		{"negated operator on a missing key is true", "StringNotEquals", "aws:PrincipalOrgID", []string{"o-abc"}, ctx{}, true},
		{"StringEqualsIgnoreCase folds case", "StringEqualsIgnoreCase", "aws:PrincipalTag/team", []string{"BLUE"}, ctx{"aws:PrincipalTag/team": {"blue"}}, true},
		{"StringNotEqualsIgnoreCase folds case", "StringNotEqualsIgnoreCase", "aws:PrincipalTag/team", []string{"BLUE"}, ctx{"aws:PrincipalTag/team": {"blue"}}, false},
		{"StringLike * matches any run", "StringLike", "s3:prefix", []string{"home/*"}, ctx{"s3:prefix": {"home/alice/docs"}}, true},
		{"StringLike ? matches one character", "StringLike", "s3:prefix", []string{"log?"}, ctx{"s3:prefix": {"log1"}}, true},
		{"StringLike ? does not match two characters", "StringLike", "s3:prefix", []string{"log?"}, ctx{"s3:prefix": {"log12"}}, false},
		{"StringLike is case-sensitive", "StringLike", "s3:prefix", []string{"Home/*"}, ctx{"s3:prefix": {"home/x"}}, false},
		{"StringNotLike excludes matching values", "StringNotLike", "s3:prefix", []string{"home/*"}, ctx{"s3:prefix": {"tmp/x"}}, true},
		{"StringNotLike on a missing key is true", "StringNotLike", "s3:prefix", []string{"home/*"}, ctx{}, true},
		{"NumericEquals compares numbers, not text", "NumericEquals", "s3:max-keys", []string{"10"}, ctx{"s3:max-keys": {"10.0"}}, true},
		{"NumericNotEquals", "NumericNotEquals", "s3:max-keys", []string{"10"}, ctx{"s3:max-keys": {"11"}}, true},
		{"NumericLessThan", "NumericLessThan", "s3:max-keys", []string{"10"}, ctx{"s3:max-keys": {"9"}}, true},
		{"NumericLessThan is strict", "NumericLessThan", "s3:max-keys", []string{"10"}, ctx{"s3:max-keys": {"10"}}, false},
		{"NumericLessThanEquals", "NumericLessThanEquals", "s3:max-keys", []string{"10"}, ctx{"s3:max-keys": {"10"}}, true},
		{"NumericGreaterThan", "NumericGreaterThan", "aws:MultiFactorAuthAge", []string{"3600"}, ctx{"aws:MultiFactorAuthAge": {"7200"}}, true},
		{"NumericGreaterThanEquals", "NumericGreaterThanEquals", "aws:MultiFactorAuthAge", []string{"3600"}, ctx{"aws:MultiFactorAuthAge": {"3599"}}, false},
		{"a non-numeric request value never matches a Numeric operator", "NumericLessThan", "s3:max-keys", []string{"10"}, ctx{"s3:max-keys": {"ten"}}, false},
		{"DateLessThan with ISO 8601", "DateLessThan", "aws:CurrentTime", []string{"2027-01-01T00:00:00Z"}, ctx{"aws:CurrentTime": {"2026-11-28T01:00:00Z"}}, true},
		{"DateGreaterThan with ISO 8601", "DateGreaterThan", "aws:CurrentTime", []string{"2027-01-01T00:00:00Z"}, ctx{"aws:CurrentTime": {"2026-11-28T01:00:00Z"}}, false},
		{"Date operators accept epoch seconds in the policy", "DateGreaterThan", "aws:CurrentTime", []string{"1700000000"}, ctx{"aws:CurrentTime": {"2026-11-28T01:00:00Z"}}, true},
		{"Date operators accept epoch seconds in the request", "DateLessThanEquals", "aws:EpochTime", []string{"2026-11-28"}, ctx{"aws:EpochTime": {"1764288000"}}, true},
		{"DateEquals compares instants across time zones", "DateEquals", "aws:CurrentTime", []string{"2026-11-28T02:00:00+01:00"}, ctx{"aws:CurrentTime": {"2026-11-28T01:00:00Z"}}, true},
		{"DateNotEquals", "DateNotEquals", "aws:CurrentTime", []string{"2026-11-28T01:00:00Z"}, ctx{"aws:CurrentTime": {"2026-11-28T01:00:01Z"}}, true},
		{"DateGreaterThanEquals on the boundary", "DateGreaterThanEquals", "aws:TokenIssueTime", []string{"2026-11-28T01:00:00Z"}, ctx{"aws:TokenIssueTime": {"2026-11-28T01:00:00Z"}}, true},
		{"Bool true", "Bool", "aws:SecureTransport", []string{"true"}, ctx{"aws:SecureTransport": {"true"}}, true},
		{"Bool false against true", "Bool", "aws:SecureTransport", []string{"false"}, ctx{"aws:SecureTransport": {"true"}}, false},
		{"Bool on a missing key is false", "Bool", "aws:MultiFactorAuthPresent", []string{"true"}, ctx{}, false},
		{"BoolIfExists on a missing key is true", "BoolIfExists", "aws:MultiFactorAuthPresent", []string{"false"}, ctx{}, true},
		{"BoolIfExists on a present key compares", "BoolIfExists", "aws:MultiFactorAuthPresent", []string{"false"}, ctx{"aws:MultiFactorAuthPresent": {"true"}}, false},
		{"BinaryEquals compares decoded bytes", "BinaryEquals", "key", []string{"QmluYXJ5VmFsdWU="}, ctx{"key": {"QmluYXJ5VmFsdWU="}}, true},
		{"BinaryEquals mismatch", "BinaryEquals", "key", []string{"QmluYXJ5VmFsdWU="}, ctx{"key": {"b3RoZXI="}}, false},
		{"IpAddress IPv4 CIDR contains", "IpAddress", "aws:SourceIp", []string{"203.0.113.0/24"}, ctx{"aws:SourceIp": {"203.0.113.77"}}, true},
		{"IpAddress IPv4 CIDR excludes", "IpAddress", "aws:SourceIp", []string{"203.0.113.0/24"}, ctx{"aws:SourceIp": {"198.51.100.1"}}, false},
		{"IpAddress single address without prefix", "IpAddress", "aws:SourceIp", []string{"203.0.113.9"}, ctx{"aws:SourceIp": {"203.0.113.9"}}, true},
		{"IpAddress IPv6 CIDR contains", "IpAddress", "aws:SourceIp", []string{"2001:DB8:1234:5678::/64"}, ctx{"aws:SourceIp": {"2001:db8:1234:5678::1"}}, true},
		{"IpAddress IPv6 address is not in an IPv4 block", "IpAddress", "aws:SourceIp", []string{"0.0.0.0/0"}, ctx{"aws:SourceIp": {"2001:db8::1"}}, false},
		{"IpAddress host bits in the CIDR are ignored", "IpAddress", "aws:SourceIp", []string{"10.1.2.3/8"}, ctx{"aws:SourceIp": {"10.200.0.1"}}, true},
		{"NotIpAddress outside the block", "NotIpAddress", "aws:SourceIp", []string{"10.0.0.0/8"}, ctx{"aws:SourceIp": {"203.0.113.1"}}, true},
		{"NotIpAddress inside the block", "NotIpAddress", "aws:SourceIp", []string{"10.0.0.0/8", "2001:db8::/32"}, ctx{"aws:SourceIp": {"2001:db8::5"}}, false},
		{"NotIpAddress on a missing key is true", "NotIpAddress", "aws:SourceIp", []string{"10.0.0.0/8"}, ctx{}, true},
		{"an unparsable request IP never matches", "IpAddress", "aws:SourceIp", []string{"0.0.0.0/0"}, ctx{"aws:SourceIp": {"not-an-ip"}}, false},
		{"ArnEquals matches field by field", "ArnEquals", "aws:SourceArn", []string{"arn:aws:sns:us-east-1:111122223333:topic"}, ctx{"aws:SourceArn": {"arn:aws:sns:us-east-1:111122223333:topic"}}, true},
		{"ArnLike wildcard in the region field", "ArnLike", "aws:SourceArn", []string{"arn:aws:sns:*:111122223333:topic"}, ctx{"aws:SourceArn": {"arn:aws:sns:eu-west-1:111122223333:topic"}}, true},
		{"ArnLike wildcard stays within the account field", "ArnLike", "aws:SourceArn", []string{"arn:aws:sns:us-east-1:*:topic"}, ctx{"aws:SourceArn": {"arn:aws:sns:us-east-1:111122223333:other:topic"}}, false},
		{"ArnLike resource field wildcard spans slashes", "ArnLike", "aws:PrincipalArn", []string{"arn:aws:iam::111122223333:role/*"}, ctx{"aws:PrincipalArn": {"arn:aws:iam::111122223333:role/path/admin"}}, true},
		{"ArnNotLike excludes", "ArnNotLike", "aws:PrincipalArn", []string{"arn:aws:iam::*:role/admin"}, ctx{"aws:PrincipalArn": {"arn:aws:iam::111122223333:role/dev"}}, true},
		{"ArnNotEquals on a missing key is true", "ArnNotEquals", "aws:SourceArn", []string{"arn:aws:s3:::b"}, ctx{}, true},
		{"Null true: key absent", "Null", "aws:TokenIssueTime", []string{"true"}, ctx{}, true},
		{"Null true: key present", "Null", "aws:TokenIssueTime", []string{"true"}, ctx{"aws:TokenIssueTime": {"2026-01-01T00:00:00Z"}}, false},
		{"Null false: key present", "Null", "aws:TokenIssueTime", []string{"false"}, ctx{"aws:TokenIssueTime": {"2026-01-01T00:00:00Z"}}, true},
		{"Null false: key absent", "Null", "aws:TokenIssueTime", []string{"false"}, ctx{}, false},
		{"StringEqualsIfExists missing key is true", "StringEqualsIfExists", "ec2:InstanceType", []string{"t3.micro"}, ctx{}, true},
		{"StringEqualsIfExists present key compares", "StringEqualsIfExists", "ec2:InstanceType", []string{"t3.micro"}, ctx{"ec2:InstanceType": {"m5.24xlarge"}}, false},
		{"StringNotLikeIfExists missing key is true", "StringNotLikeIfExists", "ec2:InstanceType", []string{"*.metal"}, ctx{}, true},
		{"NumericLessThanIfExists missing key is true", "NumericLessThanIfExists", "s3:max-keys", []string{"5"}, ctx{}, true},
		{"DateLessThanIfExists present key compares", "DateLessThanIfExists", "aws:CurrentTime", []string{"2020-01-01"}, ctx{"aws:CurrentTime": {"2026-11-28T00:00:00Z"}}, false},
		{"IpAddressIfExists missing key is true", "IpAddressIfExists", "aws:SourceIp", []string{"10.0.0.0/8"}, ctx{}, true},
		{"ArnLikeIfExists missing key is true", "ArnLikeIfExists", "aws:SourceArn", []string{"arn:aws:s3:::b"}, ctx{}, true},
		{"ForAllValues: every request value is in the policy set", "ForAllValues:StringEquals", "aws:TagKeys", []string{"env", "team"}, ctx{"aws:TagKeys": {"env", "team"}}, true},
		{"ForAllValues: one request value outside the set fails", "ForAllValues:StringEquals", "aws:TagKeys", []string{"env", "team"}, ctx{"aws:TagKeys": {"env", "owner"}}, false},
		{"ForAllValues: a missing key is vacuously true", "ForAllValues:StringEquals", "aws:TagKeys", []string{"env"}, ctx{}, true},
		{"ForAllValues: an empty list is vacuously true", "ForAllValues:StringEquals", "aws:TagKeys", []string{"env"}, ctx{"aws:TagKeys": {}}, true},
		{"ForAnyValue: one request value in the set suffices", "ForAnyValue:StringEquals", "aws:TagKeys", []string{"env"}, ctx{"aws:TagKeys": {"owner", "env"}}, true},
		{"ForAnyValue: no value in the set fails", "ForAnyValue:StringEquals", "aws:TagKeys", []string{"env"}, ctx{"aws:TagKeys": {"owner"}}, false},
		{"ForAnyValue: a missing key is false", "ForAnyValue:StringEquals", "aws:TagKeys", []string{"env"}, ctx{}, false},
		{"ForAnyValue:StringLike with wildcards", "ForAnyValue:StringLike", "aws:TagKeys", []string{"cost-*"}, ctx{"aws:TagKeys": {"owner", "cost-center"}}, true},
		{"ForAllValues:StringNotEquals: no request value may be in the set", "ForAllValues:StringNotEquals", "aws:TagKeys", []string{"secret"}, ctx{"aws:TagKeys": {"env", "team"}}, true},
		{"ForAllValues:StringNotEquals fails when one is in the set", "ForAllValues:StringNotEquals", "aws:TagKeys", []string{"secret"}, ctx{"aws:TagKeys": {"env", "secret"}}, false},
		{"ForAnyValue:StringNotEquals: one value outside the set suffices", "ForAnyValue:StringNotEquals", "aws:TagKeys", []string{"env"}, ctx{"aws:TagKeys": {"env", "x"}}, true},
		{"ForAnyValue:StringNotEquals: all values in the set fails", "ForAnyValue:StringNotEquals", "aws:TagKeys", []string{"env"}, ctx{"aws:TagKeys": {"env"}}, false},
		{"ForAnyValue:StringEqualsIfExists on a missing key is true", "ForAnyValue:StringEqualsIfExists", "aws:TagKeys", []string{"env"}, ctx{}, true},
		{"ForAllValues:StringEqualsIgnoreCase", "ForAllValues:StringEqualsIgnoreCase", "aws:TagKeys", []string{"ENV"}, ctx{"aws:TagKeys": {"env", "Env"}}, true},
		{"single-valued operator on a multi-valued key: any value matches", "StringEquals", "aws:TagKeys", []string{"env"}, ctx{"aws:TagKeys": {"a", "env"}}, true},
		{"negated single-valued operator on a multi-valued key: none may match", "StringNotEquals", "aws:TagKeys", []string{"env"}, ctx{"aws:TagKeys": {"a", "env"}}, false},
		{"qualifier names are case-insensitive", "forallvalues:stringequals", "aws:TagKeys", []string{"a"}, ctx{"aws:TagKeys": {"a"}}, true},
		{"policy variable in a condition value", "StringEquals", "s3:prefix", []string{"home/${aws:username}"}, ctx{"s3:prefix": {"home/alice"}, "aws:username": {"alice"}}, true},
		{"policy variable value does not match another user", "StringEquals", "s3:prefix", []string{"home/${aws:username}"}, ctx{"s3:prefix": {"home/bob"}, "aws:username": {"alice"}}, false},
		{"policy variable in StringLike keeps the wildcard", "StringLike", "s3:prefix", []string{"home/${aws:username}/*"}, ctx{"s3:prefix": {"home/alice/x"}, "aws:username": {"alice"}}, true},
		{"a variable without a value never matches", "StringLike", "s3:prefix", []string{"home/${aws:username}/*"}, ctx{"s3:prefix": {"home//x"}}, false},
		{"a variable default applies when the key is absent", "StringEquals", "s3:prefix", []string{"home/${aws:PrincipalTag/team, 'none'}"}, ctx{"s3:prefix": {"home/none"}}, true},
		{"${*} is a literal asterisk", "StringLike", "s3:prefix", []string{"a${*}b"}, ctx{"s3:prefix": {"axyb"}, "aws:username": {"u"}}, false},
		{"${*} matches a literal asterisk", "StringLike", "s3:prefix", []string{"a${*}b"}, ctx{"s3:prefix": {"a*b"}}, true},
		{"${?} matches a literal question mark", "StringLike", "s3:prefix", []string{"a${?}"}, ctx{"s3:prefix": {"a?"}}, true},
		{"${$} matches a literal dollar", "StringEquals", "s3:prefix", []string{"${$}HOME"}, ctx{"s3:prefix": {"$HOME"}}, true},
		{"principal tag variable", "StringEquals", "aws:ResourceTag/team", []string{"${aws:PrincipalTag/team}"}, ctx{"aws:ResourceTag/team": {"blue"}, "aws:PrincipalTag/team": {"blue"}}, true},
		{"substituted values are literal, not wildcards", "StringLike", "aws:ResourceTag/team", []string{"${aws:PrincipalTag/team}"}, ctx{"aws:ResourceTag/team": {"blue"}, "aws:PrincipalTag/team": {"*"}}, false},
	}
	for _, tc := range tests {
		t.Run(tc.rule, func(t *testing.T) {
			c, err := compileCondition(awsmodel.Condition{Operator: tc.op, Key: tc.key, Values: tc.values}, true)
			if err != nil {
				t.Fatalf("compile: %v", err)
			}
			if got := c.eval(ctxOf(tc.ctx)); got != tc.want {
				t.Errorf("%s %s %v with %v = %v, want %v", tc.op, tc.key, tc.values, tc.ctx, got, tc.want)
			}
		})
	}
}

func TestConditionCompileErrors(t *testing.T) {
	tests := []struct{ op, key, value, want string }{
		{"StringEqualz", "k", "v", `unknown condition operator "StringEqualz"`},
		{"NumericEquals", "k", "ten", `is not a number`},
		{"DateLessThan", "k", "yesterday", `not an ISO 8601 date`},
		{"Bool", "k", "yes", `not true or false`},
		{"IpAddress", "k", "10.0.0.0/33", `not a CIDR block`},
		{"IpAddress", "k", "300.1.1.1", `not an IP address`},
		{"BinaryEquals", "k", "!!", `not base64`},
		{"NullIfExists", "k", "true", `Null takes no qualifiers`},
		{"StringEquals", "", "v", `empty key`},
	}
	for _, tc := range tests {
		_, err := compileCondition(awsmodel.Condition{Operator: tc.op, Key: tc.key, Values: []string{tc.value}}, true)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s %q: error %v, want it to contain %q", tc.op, tc.value, err, tc.want)
		}
	}
}
