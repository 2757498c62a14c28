package iam

import (
	"fmt"
	"strings"
)

// The evaluation cases: each names the AWS documentation rule it checks.
// Sources (docs/iam.md cites each rule):
//   evaluation logic  https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic.html
//   cross-account     https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic-cross-account.html
//   boundaries        https://docs.aws.amazon.com/IAM/latest/UserGuide/access_policies_boundaries.html
//   session policies  https://docs.aws.amazon.com/IAM/latest/UserGuide/access_policies.html#policies_session
//   SCPs / RCPs       https://docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_policies_scps_evaluation.html
//   KMS key policies  https://docs.aws.amazon.com/kms/latest/developerguide/key-policies.html
//   trust policies    https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_terms-and-concepts.html

const (
	acctA   = "111122223333"
	acctB   = "444455556666"
	alice   = "arn:aws:iam::111122223333:user/alice"
	bobB    = "arn:aws:iam::444455556666:user/bob"
	devRole = "arn:aws:iam::111122223333:role/team/dev"
	devSess = "arn:aws:sts::111122223333:assumed-role/dev/s1"
	extSess = "arn:aws:sts::444455556666:assumed-role/ci/build"
	rootA   = "arn:aws:iam::111122223333:root"
	fedA    = "arn:aws:sts::111122223333:federated-user/carol"
	bucketO = "arn:aws:s3:::reports/2026/q4.csv"
	bucket  = "arn:aws:s3:::reports"
	keyA    = "arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab"
	queueA  = "arn:aws:sqs:us-east-1:111122223333:orders"
	queueB  = "arn:aws:sqs:us-east-1:444455556666:orders"
)

type evalCase struct {
	rule      string
	identity  []string
	resource  string // resource-based policy JSON, "" for none
	boundary  string
	session   string
	scps      []string
	rcps      []string
	principal string
	action    string
	res       string
	ctx       map[string]any
	want      Decision
	// reason, when set, must appear in one reason's String().
	reason string
}

// doc wraps statements into a policy document.
func doc(stmts ...string) string {
	return `{"Version":"2012-10-17","Statement":[` + strings.Join(stmts, ",") + `]}`
}

func st(effect, action, resource string, extra ...string) string {
	s := fmt.Sprintf(`{"Effect":%q,"Action":%s,"Resource":%s`, effect, jsonish(action), jsonish(resource))
	for _, e := range extra {
		s += "," + e
	}
	return s + "}"
}

// jsonish quotes a plain string; JSON lists and objects pass through.
func jsonish(v string) string {
	if strings.HasPrefix(v, "[") || strings.HasPrefix(v, "{") {
		return v
	}
	return fmt.Sprintf("%q", v)
}

func rst(effect, principal, action, resource string, extra ...string) string {
	return st(effect, action, resource, append([]string{`"Principal":` + principal}, extra...)...)
}

func allowAll() string { return doc(st("Allow", "*", "*")) }

var (
	fullAccess   = allowAll()
	s3Read       = doc(st("Allow", "s3:Get*", "arn:aws:s3:::reports/*"))
	sqsSend      = doc(st("Allow", "sqs:SendMessage", "*"))
	kmsDecrypt   = doc(st("Allow", "kms:Decrypt", "*"))
	assumeAny    = doc(st("Allow", "sts:AssumeRole", "*"))
	githubTrust  = doc(`{"Effect":"Allow","Principal":{"Federated":"arn:aws:iam::111122223333:oidc-provider/token.actions.githubusercontent.com"},"Action":"sts:AssumeRoleWithWebIdentity","Condition":{"StringEquals":{"token.actions.githubusercontent.com:aud":"sts.amazonaws.com"},"StringLike":{"token.actions.githubusercontent.com:sub":"repo:example-org/deploy:*"}}}`)
	denyS3Delete = doc(st("Allow", "*", "*"), `{"Sid":"NoDelete","Effect":"Deny","Action":"s3:DeleteObject","Resource":"*"}`)
)

func evalCases() []evalCase {
	return []evalCase{
		// --- Default and explicit deny ---
		{rule: "no policy at all is an implicit deny", principal: alice, action: "s3:GetObject", res: bucketO, want: ImplicitDeny, reason: RuleIdentityRequired},
		{rule: "identity allow grants in the same account", identity: []string{s3Read}, principal: alice, action: "s3:GetObject", res: bucketO, want: Allow},
		{rule: "identity allow for another action does not grant", identity: []string{s3Read}, principal: alice, action: "s3:PutObject", res: bucketO, want: ImplicitDeny},
		{rule: "explicit deny in an identity policy overrides an allow in the same policy", identity: []string{denyS3Delete}, principal: alice, action: "s3:DeleteObject", res: bucketO, want: ExplicitDeny, reason: "Statement[1] (NoDelete)"},
		{rule: "explicit deny in one identity policy overrides allow in another", identity: []string{fullAccess, doc(st("Deny", "s3:*", "*"))}, principal: alice, action: "s3:GetObject", res: bucketO, want: ExplicitDeny, reason: "identity_policies[1] Statement[0]"},
		{rule: "explicit deny in SCP overrides identity allow", identity: []string{fullAccess}, scps: []string{doc(st("Allow", "*", "*"), st("Deny", "s3:*", "*"))}, principal: alice, action: "s3:GetObject", res: bucketO, want: ExplicitDeny, reason: "scp scps[0] Statement[1]"},
		{rule: "explicit deny in RCP overrides resource policy allow", resource: doc(rst("Allow", `"*"`, "s3:GetObject", "arn:aws:s3:::reports/*")), rcps: []string{doc(rst("Allow", `"*"`, "*", "*"), rst("Deny", `"*"`, "s3:*", "*", `"Condition":{"StringNotEqualsIfExists":{"aws:PrincipalOrgID":"o-abc123"}}`))}, principal: bobB, action: "s3:GetObject", res: bucketO, want: ExplicitDeny, reason: "rcp rcps[0] Statement[1]"},
		{rule: "explicit deny in a resource policy overrides identity allow", identity: []string{fullAccess}, resource: doc(rst("Deny", `{"AWS":"`+alice+`"}`, "s3:*", "*")), principal: alice, action: "s3:GetObject", res: bucketO, want: ExplicitDeny, reason: "resource resource_policy"},
		{rule: "explicit deny in a permissions boundary is final", identity: []string{fullAccess}, boundary: doc(st("Allow", "*", "*"), st("Deny", "iam:*", "*")), principal: alice, action: "iam:CreateUser", res: "arn:aws:iam::111122223333:user/eve", want: ExplicitDeny},
		{rule: "explicit deny in a session policy is final", identity: []string{fullAccess}, session: doc(st("Allow", "*", "*"), st("Deny", "ec2:*", "*")), principal: devSess, action: "ec2:RunInstances", res: "*", want: ExplicitDeny},
		{rule: "explicit deny with a false condition does not apply", identity: []string{doc(st("Allow", "s3:*", "*"), st("Deny", "s3:*", "*", `"Condition":{"Bool":{"aws:SecureTransport":"false"}}`))}, principal: alice, action: "s3:GetObject", res: bucketO, ctx: map[string]any{"aws:SecureTransport": true}, want: Allow},
		{rule: "explicit deny with a true condition applies", identity: []string{doc(st("Allow", "s3:*", "*"), st("Deny", "s3:*", "*", `"Condition":{"Bool":{"aws:SecureTransport":"false"}}`))}, principal: alice, action: "s3:GetObject", res: bucketO, ctx: map[string]any{"aws:SecureTransport": false}, want: ExplicitDeny},
		{rule: "deny with NotIpAddress blocks requests from outside the corporate network", identity: []string{doc(st("Allow", "*", "*"), st("Deny", "*", "*", `"Condition":{"NotIpAddress":{"aws:SourceIp":["192.0.2.0/24","2001:db8::/32"]}}`))}, principal: alice, action: "s3:GetObject", res: bucketO, ctx: map[string]any{"aws:SourceIp": "203.0.113.5"}, want: ExplicitDeny},
		{rule: "deny with NotIpAddress lets requests from inside through (IPv6)", identity: []string{doc(st("Allow", "*", "*"), st("Deny", "*", "*", `"Condition":{"NotIpAddress":{"aws:SourceIp":["192.0.2.0/24","2001:db8::/32"]}}`))}, principal: alice, action: "s3:GetObject", res: bucketO, ctx: map[string]any{"aws:SourceIp": "2001:db8:1::9"}, want: Allow},
		{rule: "deny with NotIpAddress applies when aws:SourceIp is absent (negated operator)", identity: []string{doc(st("Allow", "*", "*"), st("Deny", "*", "*", `"Condition":{"NotIpAddress":{"aws:SourceIp":"192.0.2.0/24"}}`))}, principal: alice, action: "s3:GetObject", res: bucketO, want: ExplicitDeny},
		{rule: "deny unless MFA: BoolIfExists false denies without MFA key", identity: []string{doc(st("Allow", "*", "*"), st("Deny", "*", "*", `"Condition":{"BoolIfExists":{"aws:MultiFactorAuthPresent":"false"}}`))}, principal: alice, action: "ec2:StopInstances", res: "*", want: ExplicitDeny},
		{rule: "deny unless MFA: MFA present lets the request through", identity: []string{doc(st("Allow", "*", "*"), st("Deny", "*", "*", `"Condition":{"BoolIfExists":{"aws:MultiFactorAuthPresent":"false"}}`))}, principal: alice, action: "ec2:StopInstances", res: "*", ctx: map[string]any{"aws:MultiFactorAuthPresent": "true"}, want: Allow},

		// --- Action matching ---
		{rule: "action matching is case-insensitive", identity: []string{doc(st("Allow", "S3:getobject", "*"))}, principal: alice, action: "s3:GetObject", res: bucketO, want: Allow},
		{rule: "action wildcard * matches a prefix", identity: []string{doc(st("Allow", "s3:Get*", "*"))}, principal: alice, action: "s3:GetObjectAcl", res: bucketO, want: Allow},
		{rule: "action wildcard ? matches one character", identity: []string{doc(st("Allow", "ec2:Describe?pcs", "*"))}, principal: alice, action: "ec2:DescribeVpcs", res: "*", want: Allow},
		{rule: "action wildcard ? does not match zero characters", identity: []string{doc(st("Allow", "ec2:Describe?Vpcs", "*"))}, principal: alice, action: "ec2:DescribeVpcs", res: "*", want: ImplicitDeny},
		{rule: "service prefix must match", identity: []string{doc(st("Allow", "s3:*", "*"))}, principal: alice, action: "s3express:CreateSession", res: "*", want: ImplicitDeny},
		{rule: "Action * matches every service", identity: []string{fullAccess}, principal: alice, action: "dynamodb:PutItem", res: "arn:aws:dynamodb:us-east-1:111122223333:table/t", want: Allow},
		{rule: "Action list: any entry matches", identity: []string{doc(st("Allow", `["sqs:SendMessage","sqs:ReceiveMessage"]`, "*"))}, principal: alice, action: "sqs:ReceiveMessage", res: queueA, want: Allow},
		{rule: "NotAction allows every other action", identity: []string{doc(`{"Effect":"Allow","NotAction":"iam:*","Resource":"*"}`)}, principal: alice, action: "s3:GetObject", res: bucketO, want: Allow},
		{rule: "NotAction does not allow the listed actions", identity: []string{doc(`{"Effect":"Allow","NotAction":"iam:*","Resource":"*"}`)}, principal: alice, action: "iam:CreateUser", res: "*", want: ImplicitDeny},
		{rule: "NotAction is case-insensitive", identity: []string{doc(`{"Effect":"Allow","NotAction":"IAM:*","Resource":"*"}`)}, principal: alice, action: "iam:createuser", res: "*", want: ImplicitDeny},
		{rule: "Deny with NotAction denies everything but the listed actions", identity: []string{fullAccess, doc(`{"Effect":"Deny","NotAction":["iam:ChangePassword","sts:GetSessionToken"],"Resource":"*","Condition":{"BoolIfExists":{"aws:MultiFactorAuthPresent":"false"}}}`)}, principal: alice, action: "s3:ListAllMyBuckets", res: "*", want: ExplicitDeny},
		{rule: "Deny with NotAction leaves the listed actions alone", identity: []string{fullAccess, doc(`{"Effect":"Deny","NotAction":["iam:ChangePassword","sts:GetSessionToken"],"Resource":"*","Condition":{"BoolIfExists":{"aws:MultiFactorAuthPresent":"false"}}}`)}, principal: alice, action: "iam:ChangePassword", res: alice, want: Allow},

		// --- Resource matching ---
		{rule: "resource * matches any ARN", identity: []string{doc(st("Allow", "s3:GetObject", "*"))}, principal: alice, action: "s3:GetObject", res: bucketO, want: Allow},
		{rule: "resource wildcard spans slashes in the resource part", identity: []string{doc(st("Allow", "s3:GetObject", "arn:aws:s3:::reports/*"))}, principal: alice, action: "s3:GetObject", res: "arn:aws:s3:::reports/a/b/c.csv", want: Allow},
		{rule: "bucket ARN does not match object pattern", identity: []string{doc(st("Allow", "s3:ListBucket", "arn:aws:s3:::reports/*"))}, principal: alice, action: "s3:ListBucket", res: bucket, want: ImplicitDeny},
		{rule: "resource matching is case-sensitive", identity: []string{doc(st("Allow", "s3:GetObject", "arn:aws:s3:::Reports/*"))}, principal: alice, action: "s3:GetObject", res: bucketO, want: ImplicitDeny},
		{rule: "wildcard in the region field matches any region", identity: []string{doc(st("Allow", "sqs:SendMessage", "arn:aws:sqs:*:111122223333:orders"))}, principal: alice, action: "sqs:SendMessage", res: queueA, want: Allow},
		{rule: "wildcard inside the region field does not span into the account field", identity: []string{doc(st("Allow", "logs:*", "arn:aws:logs:us-*3:log-group:*"))}, principal: alice, action: "logs:PutLogEvents", res: "arn:aws:logs:us-east-1:111122223333:log-group:app", want: ImplicitDeny},
		{rule: "wildcard ending a field may expand beyond the colon", identity: []string{doc(st("Allow", "logs:*", "arn:aws:logs:*:log-group:*"))}, principal: alice, action: "logs:PutLogEvents", res: "arn:aws:logs:us-east-1:111122223333:log-group:app", want: Allow},
		{rule: "wildcard in the account field matches any account", identity: []string{doc(st("Allow", "logs:*", "arn:aws:logs:us-east-1:*:log-group:*"))}, principal: alice, action: "logs:PutLogEvents", res: "arn:aws:logs:us-east-1:111122223333:log-group:app", want: Allow},
		{rule: "wildcard in the resource field spans colons", identity: []string{doc(st("Allow", "logs:PutLogEvents", "arn:aws:logs:us-east-1:111122223333:log-group:app*"))}, principal: alice, action: "logs:PutLogEvents", res: "arn:aws:logs:us-east-1:111122223333:log-group:app:log-stream:web", want: Allow},
		{rule: "? in the resource field matches one character", identity: []string{doc(st("Allow", "s3:GetObject", "arn:aws:s3:::reports/2026/q?.csv"))}, principal: alice, action: "s3:GetObject", res: bucketO, want: Allow},
		{rule: "empty region field must match empty", identity: []string{doc(st("Allow", "iam:GetUser", "arn:aws:iam:us-east-1:111122223333:user/*"))}, principal: alice, action: "iam:GetUser", res: alice, want: ImplicitDeny},
		{rule: "partition must match", identity: []string{doc(st("Allow", "s3:GetObject", "arn:aws-cn:s3:::reports/*"))}, principal: alice, action: "s3:GetObject", res: bucketO, want: ImplicitDeny},
		{rule: "Resource list: any entry matches", identity: []string{doc(st("Allow", "s3:*", `["arn:aws:s3:::reports","arn:aws:s3:::reports/*"]`))}, principal: alice, action: "s3:ListBucket", res: bucket, want: Allow},
		{rule: "NotResource allows every other resource", identity: []string{doc(`{"Effect":"Allow","Action":"s3:*","NotResource":"arn:aws:s3:::secrets/*"}`)}, principal: alice, action: "s3:GetObject", res: bucketO, want: Allow},
		{rule: "NotResource does not allow the listed resources", identity: []string{doc(`{"Effect":"Allow","Action":"s3:*","NotResource":"arn:aws:s3:::secrets/*"}`)}, principal: alice, action: "s3:GetObject", res: "arn:aws:s3:::secrets/k", want: ImplicitDeny},
		{rule: "Deny with NotResource denies everything outside the list", identity: []string{fullAccess, doc(`{"Effect":"Deny","Action":"s3:*","NotResource":["arn:aws:s3:::reports","arn:aws:s3:::reports/*"]}`)}, principal: alice, action: "s3:GetObject", res: "arn:aws:s3:::other/x", want: ExplicitDeny},
		{rule: "actions without a resource type only match Resource *", identity: []string{doc(st("Allow", "s3:ListAllMyBuckets", "arn:aws:s3:::*"))}, principal: alice, action: "s3:ListAllMyBuckets", res: "*", want: ImplicitDeny},
		{rule: "actions without a resource type match Resource *", identity: []string{doc(st("Allow", "s3:ListAllMyBuckets", "*"))}, principal: alice, action: "s3:ListAllMyBuckets", res: "*", want: Allow},
		{rule: "policy variable aws:username in Resource", identity: []string{doc(st("Allow", "s3:*", "arn:aws:s3:::home/${aws:username}/*"))}, principal: alice, action: "s3:PutObject", res: "arn:aws:s3:::home/alice/notes.txt", want: Allow},
		{rule: "policy variable aws:username does not match another user's prefix", identity: []string{doc(st("Allow", "s3:*", "arn:aws:s3:::home/${aws:username}/*"))}, principal: alice, action: "s3:PutObject", res: "arn:aws:s3:::home/bob/notes.txt", want: ImplicitDeny},
		{rule: "aws:username is absent for role sessions so the statement does not match", identity: []string{doc(st("Allow", "s3:*", "arn:aws:s3:::home/${aws:username}/*"))}, principal: devSess, action: "s3:PutObject", res: "arn:aws:s3:::home/dev/x", want: ImplicitDeny},
		{rule: "policy variable default value is used when the key is absent", identity: []string{doc(st("Allow", "s3:*", "arn:aws:s3:::home/${aws:PrincipalTag/team, 'shared'}/*"))}, principal: devSess, action: "s3:GetObject", res: "arn:aws:s3:::home/shared/x", want: Allow},
		{rule: "policy variable aws:PrincipalTag in Resource", identity: []string{doc(st("Allow", "s3:*", "arn:aws:s3:::team-${aws:PrincipalTag/team}/*"))}, principal: devSess, action: "s3:GetObject", res: "arn:aws:s3:::team-blue/x", ctx: map[string]any{"aws:PrincipalTag/team": "blue"}, want: Allow},
		{rule: "${*} in Resource is a literal asterisk, not a wildcard", identity: []string{doc(st("Allow", "s3:GetObject", "arn:aws:s3:::reports/${*}"))}, principal: alice, action: "s3:GetObject", res: bucketO, want: ImplicitDeny},
		{rule: "${*} in Resource matches an object named *", identity: []string{doc(st("Allow", "s3:GetObject", "arn:aws:s3:::reports/${*}"))}, principal: alice, action: "s3:GetObject", res: "arn:aws:s3:::reports/*", want: Allow},
		{rule: "${?} and ${$} in Resource are literals", identity: []string{doc(st("Allow", "s3:GetObject", "arn:aws:s3:::reports/${$}x${?}"))}, principal: alice, action: "s3:GetObject", res: "arn:aws:s3:::reports/$x?", want: Allow},
		{rule: "statement without Resource (trust policy form) matches any resource", resource: doc(`{"Effect":"Allow","Principal":{"AWS":"` + alice + `"},"Action":"sts:AssumeRole"}`), principal: alice, action: "sts:AssumeRole", res: devRole, want: Allow},

		// --- Conditions in full evaluation ---
		{rule: "all conditions of a statement must hold (AND)", identity: []string{doc(st("Allow", "ec2:RunInstances", "*", `"Condition":{"StringEquals":{"aws:RequestedRegion":"eu-west-1"},"Bool":{"aws:SecureTransport":"true"}}`))}, principal: alice, action: "ec2:RunInstances", res: "*", ctx: map[string]any{"aws:RequestedRegion": "eu-west-1", "aws:SecureTransport": "false"}, want: ImplicitDeny},
		{rule: "all conditions of a statement hold", identity: []string{doc(st("Allow", "ec2:RunInstances", "*", `"Condition":{"StringEquals":{"aws:RequestedRegion":"eu-west-1"},"Bool":{"aws:SecureTransport":"true"}}`))}, principal: alice, action: "ec2:RunInstances", res: "*", ctx: map[string]any{"aws:RequestedRegion": "eu-west-1", "aws:SecureTransport": true}, want: Allow},
		{rule: "condition values of one key are ORed", identity: []string{doc(st("Allow", "ec2:RunInstances", "*", `"Condition":{"StringEquals":{"aws:RequestedRegion":["eu-west-1","eu-central-1"]}}`))}, principal: alice, action: "ec2:RunInstances", res: "*", ctx: map[string]any{"aws:RequestedRegion": "eu-central-1"}, want: Allow},
		{rule: "condition key names are case-insensitive in requests", identity: []string{doc(st("Allow", "ec2:RunInstances", "*", `"Condition":{"StringEquals":{"aws:requestedregion":"eu-west-1"}}`))}, principal: alice, action: "ec2:RunInstances", res: "*", ctx: map[string]any{"AWS:RequestedRegion": "eu-west-1"}, want: Allow},
		{rule: "condition values are case-sensitive", identity: []string{doc(st("Allow", "ec2:RunInstances", "*", `"Condition":{"StringEquals":{"aws:RequestedRegion":"eu-west-1"}}`))}, principal: alice, action: "ec2:RunInstances", res: "*", ctx: map[string]any{"aws:RequestedRegion": "EU-WEST-1"}, want: ImplicitDeny},
		{rule: "numeric context value compares as a number", identity: []string{doc(st("Allow", "s3:ListBucket", "*", `"Condition":{"NumericLessThanEquals":{"s3:max-keys":"100"}}`))}, principal: alice, action: "s3:ListBucket", res: bucket, ctx: map[string]any{"s3:max-keys": 50}, want: Allow},
		{rule: "DateLessThan allows before the expiry", identity: []string{doc(st("Allow", "s3:*", "*", `"Condition":{"DateLessThan":{"aws:CurrentTime":"2027-01-01T00:00:00Z"}}`))}, principal: alice, action: "s3:GetObject", res: bucketO, ctx: map[string]any{"aws:CurrentTime": "2026-11-28T01:00:00Z"}, want: Allow},
		{rule: "DateLessThan denies after the expiry (epoch in request)", identity: []string{doc(st("Allow", "s3:*", "*", `"Condition":{"DateLessThan":{"aws:CurrentTime":"2026-01-01T00:00:00Z"}}`))}, principal: alice, action: "s3:GetObject", res: bucketO, ctx: map[string]any{"aws:CurrentTime": "1790000000"}, want: ImplicitDeny},
		{rule: "ForAllValues with multi-valued aws:TagKeys allows only listed tag keys", identity: []string{doc(st("Allow", "ec2:CreateTags", "*", `"Condition":{"ForAllValues:StringEquals":{"aws:TagKeys":["env","team"]}}`))}, principal: alice, action: "ec2:CreateTags", res: "*", ctx: map[string]any{"aws:TagKeys": []any{"env", "owner"}}, want: ImplicitDeny},
		{rule: "ForAllValues with every tag key listed allows", identity: []string{doc(st("Allow", "ec2:CreateTags", "*", `"Condition":{"ForAllValues:StringEquals":{"aws:TagKeys":["env","team"]}}`))}, principal: alice, action: "ec2:CreateTags", res: "*", ctx: map[string]any{"aws:TagKeys": []any{"env", "team"}}, want: Allow},
		{rule: "ForAllValues is true when the key is absent (allow grants broadly)", identity: []string{doc(st("Allow", "ec2:CreateTags", "*", `"Condition":{"ForAllValues:StringEquals":{"aws:TagKeys":["env"]}}`))}, principal: alice, action: "ec2:CreateTags", res: "*", want: Allow},
		{rule: "ForAnyValue denies when any requested tag key is forbidden", identity: []string{fullAccess, doc(st("Deny", "ec2:CreateTags", "*", `"Condition":{"ForAnyValue:StringLike":{"aws:TagKeys":"aws-*"}}`))}, principal: alice, action: "ec2:CreateTags", res: "*", ctx: map[string]any{"aws:TagKeys": []any{"env", "aws-owner"}}, want: ExplicitDeny},
		{rule: "ForAnyValue is false when the key is absent", identity: []string{fullAccess, doc(st("Deny", "ec2:CreateTags", "*", `"Condition":{"ForAnyValue:StringLike":{"aws:TagKeys":"aws-*"}}`))}, principal: alice, action: "ec2:CreateTags", res: "*", want: Allow},
		{rule: "StringEqualsIfExists allows when the key is absent", identity: []string{doc(st("Allow", "ec2:RunInstances", "*", `"Condition":{"StringEqualsIfExists":{"ec2:InstanceType":["t3.micro","t3.small"]}}`))}, principal: alice, action: "ec2:RunInstances", res: "arn:aws:ec2:us-east-1:111122223333:volume/vol-1", want: Allow},
		{rule: "StringEqualsIfExists checks the key when present", identity: []string{doc(st("Allow", "ec2:RunInstances", "*", `"Condition":{"StringEqualsIfExists":{"ec2:InstanceType":["t3.micro","t3.small"]}}`))}, principal: alice, action: "ec2:RunInstances", res: "arn:aws:ec2:us-east-1:111122223333:instance/*", ctx: map[string]any{"ec2:InstanceType": "p4d.24xlarge"}, want: ImplicitDeny},
		{rule: "Null condition requires the tag in the request", identity: []string{doc(st("Allow", "ec2:RunInstances", "*", `"Condition":{"Null":{"aws:RequestTag/costcenter":"false"}}`))}, principal: alice, action: "ec2:RunInstances", res: "*", want: ImplicitDeny},
		{rule: "Null condition satisfied when the tag is present", identity: []string{doc(st("Allow", "ec2:RunInstances", "*", `"Condition":{"Null":{"aws:RequestTag/costcenter":"false"}}`))}, principal: alice, action: "ec2:RunInstances", res: "*", ctx: map[string]any{"aws:RequestTag/costcenter": "42"}, want: Allow},
		{rule: "ABAC: principal tag equals resource tag", identity: []string{doc(st("Allow", "ec2:StartInstances", "*", `"Condition":{"StringEquals":{"aws:ResourceTag/team":"${aws:PrincipalTag/team}"}}`))}, principal: devSess, action: "ec2:StartInstances", res: "arn:aws:ec2:us-east-1:111122223333:instance/i-1", ctx: map[string]any{"aws:ResourceTag/team": "blue", "aws:PrincipalTag/team": "blue"}, want: Allow},
		{rule: "ABAC: principal tag differs from resource tag", identity: []string{doc(st("Allow", "ec2:StartInstances", "*", `"Condition":{"StringEquals":{"aws:ResourceTag/team":"${aws:PrincipalTag/team}"}}`))}, principal: devSess, action: "ec2:StartInstances", res: "arn:aws:ec2:us-east-1:111122223333:instance/i-1", ctx: map[string]any{"aws:ResourceTag/team": "red", "aws:PrincipalTag/team": "blue"}, want: ImplicitDeny},
		{rule: "ArnLike on aws:SourceArn narrows a service grant", resource: doc(rst("Allow", `{"Service":"sns.amazonaws.com"}`, "sqs:SendMessage", queueA, `"Condition":{"ArnLike":{"aws:SourceArn":"arn:aws:sns:us-east-1:111122223333:*"}}`)), principal: "sns.amazonaws.com", action: "sqs:SendMessage", res: queueA, ctx: map[string]any{"aws:SourceArn": "arn:aws:sns:us-east-1:444455556666:evil"}, want: ImplicitDeny},
		{rule: "service principal allowed by a resource policy with matching aws:SourceArn", resource: doc(rst("Allow", `{"Service":"sns.amazonaws.com"}`, "sqs:SendMessage", queueA, `"Condition":{"ArnLike":{"aws:SourceArn":"arn:aws:sns:us-east-1:111122223333:*"}}`)), principal: "sns.amazonaws.com", action: "sqs:SendMessage", res: queueA, ctx: map[string]any{"aws:SourceArn": "arn:aws:sns:us-east-1:111122223333:orders"}, want: Allow},
		{rule: "aws:PrincipalArn is derived from the session's role", resource: doc(rst("Allow", `"*"`, "sqs:SendMessage", queueA, `"Condition":{"ArnLike":{"aws:PrincipalArn":"arn:aws:iam::111122223333:role/dev"}}`)), principal: devSess, action: "sqs:SendMessage", res: queueA, want: Allow},
		{rule: "aws:PrincipalAccount is derived from the principal", resource: doc(rst("Allow", `"*"`, "sqs:SendMessage", queueA, `"Condition":{"StringEquals":{"aws:PrincipalAccount":"111122223333"}}`)), principal: bobB, identity: []string{sqsSend}, action: "sqs:SendMessage", res: queueA, want: ImplicitDeny},

		// --- Same-account resource-based policies ---
		{rule: "same account: resource policy naming the user allows without identity policy", resource: doc(rst("Allow", `{"AWS":"`+alice+`"}`, "s3:GetObject", "arn:aws:s3:::reports/*")), principal: alice, action: "s3:GetObject", res: bucketO, want: Allow, reason: RuleSameAccountDirect},
		{rule: "same account: resource policy naming another user does not allow", resource: doc(rst("Allow", `{"AWS":"arn:aws:iam::111122223333:user/bob"}`, "s3:GetObject", "arn:aws:s3:::reports/*")), principal: alice, action: "s3:GetObject", res: bucketO, want: ImplicitDeny},
		{rule: "same account: resource policy naming the account needs an identity allow", resource: doc(rst("Allow", `{"AWS":"arn:aws:iam::111122223333:root"}`, "s3:GetObject", "arn:aws:s3:::reports/*")), principal: alice, action: "s3:GetObject", res: bucketO, want: ImplicitDeny, reason: RuleIdentityRequired},
		{rule: "same account: resource policy naming the account ID plus identity allow", identity: []string{s3Read}, resource: doc(rst("Allow", `{"AWS":"111122223333"}`, "s3:GetObject", "arn:aws:s3:::reports/*")), principal: alice, action: "s3:GetObject", res: bucketO, want: Allow},
		{rule: "same account: identity allow suffices without resource policy allow", identity: []string{s3Read}, resource: doc(rst("Allow", `{"AWS":"arn:aws:iam::111122223333:user/bob"}`, "s3:GetObject", "arn:aws:s3:::reports/*")), principal: alice, action: "s3:GetObject", res: bucketO, want: Allow},
		{rule: "same account: resource policy with Principal * allows", resource: doc(rst("Allow", `"*"`, "s3:GetObject", "arn:aws:s3:::reports/*")), principal: alice, action: "s3:GetObject", res: bucketO, want: Allow},
		{rule: "same account: resource policy with AWS * allows", resource: doc(rst("Allow", `{"AWS":"*"}`, "s3:GetObject", "arn:aws:s3:::reports/*")), principal: devSess, action: "s3:GetObject", res: bucketO, want: Allow},
		{rule: "same account: resource policy naming the user ignores the boundary's implicit deny", resource: doc(rst("Allow", `{"AWS":"`+alice+`"}`, "sqs:SendMessage", queueA)), boundary: doc(st("Allow", "s3:*", "*")), principal: alice, action: "sqs:SendMessage", res: queueA, want: Allow},
		{rule: "same account: resource policy naming the session ignores the boundary's implicit deny", resource: doc(rst("Allow", `{"AWS":"`+devSess+`"}`, "sqs:SendMessage", queueA)), boundary: doc(st("Allow", "s3:*", "*")), principal: devSess, action: "sqs:SendMessage", res: queueA, want: Allow},
		{rule: "same account: resource policy naming the session ignores the session policy's implicit deny", resource: doc(rst("Allow", `{"AWS":"`+devSess+`"}`, "sqs:SendMessage", queueA)), session: doc(st("Allow", "s3:*", "*")), principal: devSess, action: "sqs:SendMessage", res: queueA, want: Allow},
		{rule: "same account: resource policy naming the role ARN allows a session without identity allow", resource: doc(rst("Allow", `{"AWS":"`+devRole+`"}`, "sqs:SendMessage", queueA)), principal: devSess, action: "sqs:SendMessage", res: queueA, want: Allow, reason: RuleSameAccountRoleARN},
		{rule: "same account: resource policy naming the role ARN is limited by the boundary", resource: doc(rst("Allow", `{"AWS":"`+devRole+`"}`, "sqs:SendMessage", queueA)), boundary: doc(st("Allow", "s3:*", "*")), principal: devSess, action: "sqs:SendMessage", res: queueA, want: ImplicitDeny, reason: RuleBoundaryLimits},
		{rule: "same account: resource policy naming the role ARN is limited by the session policy", resource: doc(rst("Allow", `{"AWS":"`+devRole+`"}`, "sqs:SendMessage", queueA)), session: doc(st("Allow", "s3:*", "*")), principal: devSess, action: "sqs:SendMessage", res: queueA, want: ImplicitDeny, reason: RuleSessionLimits},
		{rule: "same account: resource policy naming the role ARN within boundary and session allows", resource: doc(rst("Allow", `{"AWS":"`+devRole+`"}`, "sqs:SendMessage", queueA)), boundary: doc(st("Allow", "sqs:*", "*")), session: doc(st("Allow", "sqs:Send*", "*")), principal: devSess, action: "sqs:SendMessage", res: queueA, want: Allow},
		{rule: "role ARN principal matches the session whatever the role path", resource: doc(rst("Allow", `{"AWS":"arn:aws:iam::111122223333:role/other/path/dev"}`, "sqs:SendMessage", queueA)), principal: devSess, action: "sqs:SendMessage", res: queueA, want: Allow},
		{rule: "role ARN principal of another role does not match", resource: doc(rst("Allow", `{"AWS":"arn:aws:iam::111122223333:role/ops"}`, "sqs:SendMessage", queueA)), principal: devSess, action: "sqs:SendMessage", res: queueA, want: ImplicitDeny},
		{rule: "resource policy naming another session of the role does not match", resource: doc(rst("Allow", `{"AWS":"arn:aws:sts::111122223333:assumed-role/dev/other"}`, "sqs:SendMessage", queueA)), principal: devSess, action: "sqs:SendMessage", res: queueA, want: ImplicitDeny},
		{rule: "same account: federated user named in the resource policy is allowed", resource: doc(rst("Allow", `{"AWS":"`+fedA+`"}`, "sqs:SendMessage", queueA)), principal: fedA, action: "sqs:SendMessage", res: queueA, want: Allow},
		{rule: "resource policy conditions are evaluated", resource: doc(rst("Allow", `"*"`, "s3:GetObject", "arn:aws:s3:::reports/*", `"Condition":{"StringEquals":{"aws:SourceVpce":"vpce-1a2b3c4d"}}`)), principal: alice, action: "s3:GetObject", res: bucketO, ctx: map[string]any{"aws:SourceVpce": "vpce-9999"}, want: ImplicitDeny},
		{rule: "resource policy with matching aws:SourceVpce allows", resource: doc(rst("Allow", `"*"`, "s3:GetObject", "arn:aws:s3:::reports/*", `"Condition":{"StringEquals":{"aws:SourceVpce":"vpce-1a2b3c4d"}}`)), principal: alice, action: "s3:GetObject", res: bucketO, ctx: map[string]any{"aws:SourceVpce": "vpce-1a2b3c4d"}, want: Allow},
		{rule: "resource policy for another action does not allow", resource: doc(rst("Allow", `"*"`, "s3:GetObject", "arn:aws:s3:::reports/*")), principal: alice, action: "s3:PutObject", res: bucketO, want: ImplicitDeny},
		{rule: "unique IDs of deleted principals match nobody", resource: doc(rst("Allow", `{"AWS":"AIDAJQABLZS4A3QDU576Q"}`, "s3:GetObject", "arn:aws:s3:::reports/*")), principal: alice, action: "s3:GetObject", res: bucketO, want: ImplicitDeny},

		// --- NotPrincipal ---
		{rule: "Deny with NotPrincipal denies everyone not listed", identity: []string{fullAccess}, resource: doc(`{"Effect":"Deny","NotPrincipal":{"AWS":["arn:aws:iam::111122223333:user/admin","111122223333"]},"Action":"s3:*","Resource":"*"}`), principal: alice, action: "s3:GetObject", res: bucketO, want: ExplicitDeny},
		{rule: "Deny with NotPrincipal spares a listed user whose account is listed", identity: []string{fullAccess}, resource: doc(`{"Effect":"Deny","NotPrincipal":{"AWS":["` + alice + `","111122223333"]},"Action":"s3:*","Resource":"*"}`), principal: alice, action: "s3:GetObject", res: bucketO, want: Allow},
		{rule: "Deny with NotPrincipal listing the user but not the account still denies", identity: []string{fullAccess}, resource: doc(`{"Effect":"Deny","NotPrincipal":{"AWS":"` + alice + `"},"Action":"s3:*","Resource":"*"}`), principal: alice, action: "s3:GetObject", res: bucketO, want: ExplicitDeny},
		{rule: "Deny with NotPrincipal spares a session only when session, role and account are listed", identity: []string{fullAccess}, resource: doc(`{"Effect":"Deny","NotPrincipal":{"AWS":["` + devSess + `","` + devRole + `","111122223333"]},"Action":"s3:*","Resource":"*"}`), principal: devSess, action: "s3:GetObject", res: bucketO, want: Allow},
		{rule: "Deny with NotPrincipal listing the role but not the session denies the session", identity: []string{fullAccess}, resource: doc(`{"Effect":"Deny","NotPrincipal":{"AWS":["` + devRole + `","111122223333"]},"Action":"s3:*","Resource":"*"}`), principal: devSess, action: "s3:GetObject", res: bucketO, want: ExplicitDeny},
		{rule: "Allow with NotPrincipal grants everyone else", resource: doc(`{"Effect":"Allow","NotPrincipal":{"AWS":"arn:aws:iam::111122223333:user/bob"},"Action":"s3:GetObject","Resource":"*"}`), principal: alice, action: "s3:GetObject", res: bucketO, want: Allow},

		// --- Cross-account ---
		{rule: "cross-account: identity allow alone is not enough", identity: []string{sqsSend}, principal: bobB, action: "sqs:SendMessage", res: queueA, want: ImplicitDeny, reason: RuleCrossAccountRBP},
		{rule: "cross-account: resource policy allow alone is not enough", resource: doc(rst("Allow", `{"AWS":"`+bobB+`"}`, "sqs:SendMessage", queueA)), principal: bobB, action: "sqs:SendMessage", res: queueA, want: ImplicitDeny, reason: RuleCrossAccountID},
		{rule: "cross-account: both sides allow", identity: []string{sqsSend}, resource: doc(rst("Allow", `{"AWS":"`+bobB+`"}`, "sqs:SendMessage", queueA)), principal: bobB, action: "sqs:SendMessage", res: queueA, want: Allow},
		{rule: "cross-account: resource policy naming the other account plus identity allow", identity: []string{sqsSend}, resource: doc(rst("Allow", `{"AWS":"444455556666"}`, "sqs:SendMessage", queueA)), principal: bobB, action: "sqs:SendMessage", res: queueA, want: Allow},
		{rule: "cross-account: resource policy naming the other account root ARN plus identity allow", identity: []string{sqsSend}, resource: doc(rst("Allow", `{"AWS":"arn:aws:iam::444455556666:root"}`, "sqs:SendMessage", queueA)), principal: extSess, action: "sqs:SendMessage", res: queueA, want: Allow},
		{rule: "cross-account: resource policy naming a third account does not allow", identity: []string{sqsSend}, resource: doc(rst("Allow", `{"AWS":"999988887777"}`, "sqs:SendMessage", queueA)), principal: bobB, action: "sqs:SendMessage", res: queueA, want: ImplicitDeny},
		{rule: "cross-account: the caller's boundary still limits", identity: []string{sqsSend}, boundary: doc(st("Allow", "s3:*", "*")), resource: doc(rst("Allow", `{"AWS":"`+bobB+`"}`, "sqs:SendMessage", queueA)), principal: bobB, action: "sqs:SendMessage", res: queueA, want: ImplicitDeny, reason: RuleBoundaryLimits},
		{rule: "cross-account: the caller's session policy still limits", identity: []string{sqsSend}, session: doc(st("Allow", "s3:*", "*")), resource: doc(rst("Allow", `"*"`, "sqs:SendMessage", queueA)), principal: extSess, action: "sqs:SendMessage", res: queueA, want: ImplicitDeny, reason: RuleSessionLimits},
		{rule: "cross-account: public resource policy plus identity allow", identity: []string{sqsSend}, resource: doc(rst("Allow", `"*"`, "sqs:SendMessage", queueA)), principal: extSess, action: "sqs:SendMessage", res: queueA, want: Allow},
		{rule: "cross-account: aws:ResourceAccount in the context decides the owner of an S3 object", identity: []string{s3Read}, principal: alice, action: "s3:GetObject", res: bucketO, ctx: map[string]any{"aws:ResourceAccount": acctB}, want: ImplicitDeny, reason: RuleCrossAccountRBP},
		{rule: "same account: the resource ARN's account field decides ownership", identity: []string{sqsSend}, principal: bobB, action: "sqs:SendMessage", res: queueB, want: Allow},
		{rule: "cross-account: resource policy with aws:PrincipalOrgID condition allows org members", identity: []string{sqsSend}, resource: doc(rst("Allow", `"*"`, "sqs:SendMessage", queueA, `"Condition":{"StringEquals":{"aws:PrincipalOrgID":"o-abc123"}}`)), principal: bobB, action: "sqs:SendMessage", res: queueA, ctx: map[string]any{"aws:PrincipalOrgID": "o-abc123"}, want: Allow},
		{rule: "cross-account: resource policy with aws:PrincipalOrgID condition rejects outsiders", identity: []string{sqsSend}, resource: doc(rst("Allow", `"*"`, "sqs:SendMessage", queueA, `"Condition":{"StringEquals":{"aws:PrincipalOrgID":"o-abc123"}}`)), principal: bobB, action: "sqs:SendMessage", res: queueA, want: ImplicitDeny},
		{rule: "cross-account: explicit deny in the resource policy wins", identity: []string{fullAccess}, resource: doc(rst("Allow", `"*"`, "sqs:*", "*"), rst("Deny", `{"AWS":"444455556666"}`, "sqs:DeleteQueue", "*")), principal: bobB, action: "sqs:DeleteQueue", res: queueA, want: ExplicitDeny},

		// --- Permissions boundaries ---
		{rule: "boundary: identity allow within the boundary allows", identity: []string{fullAccess}, boundary: doc(st("Allow", "s3:*", "*")), principal: alice, action: "s3:GetObject", res: bucketO, want: Allow},
		{rule: "boundary: identity allow outside the boundary is an implicit deny", identity: []string{fullAccess}, boundary: doc(st("Allow", "s3:*", "*")), principal: alice, action: "iam:CreateUser", res: "*", want: ImplicitDeny, reason: RuleBoundaryLimits},
		{rule: "boundary: the boundary alone grants nothing", boundary: doc(st("Allow", "*", "*")), principal: alice, action: "s3:GetObject", res: bucketO, want: ImplicitDeny, reason: RuleIdentityRequired},
		{rule: "boundary: conditions in the boundary apply", identity: []string{fullAccess}, boundary: doc(st("Allow", "*", "*", `"Condition":{"StringEquals":{"aws:RequestedRegion":"eu-west-1"}}`)), principal: alice, action: "ec2:RunInstances", res: "*", ctx: map[string]any{"aws:RequestedRegion": "us-east-1"}, want: ImplicitDeny},
		{rule: "boundary: limits role sessions too", identity: []string{fullAccess}, boundary: doc(st("Allow", "s3:*", "*")), principal: devSess, action: "ec2:RunInstances", res: "*", want: ImplicitDeny},
		{rule: "boundary: resource policy naming the account does not bypass the boundary", identity: []string{fullAccess}, boundary: doc(st("Allow", "s3:*", "*")), resource: doc(rst("Allow", `{"AWS":"111122223333"}`, "sqs:*", "*")), principal: alice, action: "sqs:SendMessage", res: queueA, want: ImplicitDeny},

		// --- Session policies ---
		{rule: "session policy: identity allow within the session policy allows", identity: []string{fullAccess}, session: doc(st("Allow", "s3:Get*", "*")), principal: devSess, action: "s3:GetObject", res: bucketO, want: Allow},
		{rule: "session policy: identity allow outside the session policy is an implicit deny", identity: []string{fullAccess}, session: doc(st("Allow", "s3:Get*", "*")), principal: devSess, action: "s3:PutObject", res: bucketO, want: ImplicitDeny, reason: RuleSessionLimits},
		{rule: "session policy: the session policy alone grants nothing", session: doc(st("Allow", "*", "*")), principal: devSess, action: "s3:GetObject", res: bucketO, want: ImplicitDeny},
		{rule: "session policy: identity, boundary and session must all allow", identity: []string{fullAccess}, boundary: doc(st("Allow", "s3:*", "*")), session: doc(st("Allow", "s3:GetObject", "*")), principal: devSess, action: "s3:GetObject", res: bucketO, want: Allow},
		{rule: "session policy: applies to federated user sessions", identity: []string{fullAccess}, session: doc(st("Allow", "sqs:*", "*")), principal: fedA, action: "s3:GetObject", res: bucketO, want: ImplicitDeny},
		{rule: "session policy: resource policy naming the account does not bypass it", identity: []string{fullAccess}, session: doc(st("Allow", "s3:*", "*")), resource: doc(rst("Allow", `{"AWS":"111122223333"}`, "sqs:*", "*")), principal: devSess, action: "sqs:SendMessage", res: queueA, want: ImplicitDeny},

		// --- SCPs ---
		{rule: "SCP: FullAWSAccess at every level lets identity allow through", identity: []string{s3Read}, scps: []string{fullAccess, fullAccess}, principal: alice, action: "s3:GetObject", res: bucketO, want: Allow},
		{rule: "SCP: a level without an allow for the action is an implicit deny", identity: []string{fullAccess}, scps: []string{fullAccess, doc(st("Allow", "ec2:*", "*"))}, principal: alice, action: "s3:GetObject", res: bucketO, want: ImplicitDeny, reason: "scp scps[1]: " + RuleSCPGate},
		{rule: "SCP: every level allowing the action passes", identity: []string{fullAccess}, scps: []string{fullAccess, doc(st("Allow", "s3:*", "*")), doc(st("Allow", "s3:Get*", "*"))}, principal: alice, action: "s3:GetObject", res: bucketO, want: Allow},
		{rule: "SCP: the SCP alone grants nothing", scps: []string{fullAccess}, principal: alice, action: "s3:GetObject", res: bucketO, want: ImplicitDeny},
		{rule: "SCP: limits resource-policy grants to same-account principals", resource: doc(rst("Allow", `{"AWS":"`+alice+`"}`, "s3:GetObject", "*")), scps: []string{doc(st("Allow", "ec2:*", "*"))}, principal: alice, action: "s3:GetObject", res: bucketO, want: ImplicitDeny},
		{rule: "SCP: deny with aws:RequestedRegion condition (region lock)", identity: []string{fullAccess}, scps: []string{doc(st("Allow", "*", "*"), `{"Effect":"Deny","NotAction":["iam:*","sts:*"],"Resource":"*","Condition":{"StringNotEquals":{"aws:RequestedRegion":["eu-west-1","eu-central-1"]}}}`)}, principal: alice, action: "ec2:RunInstances", res: "*", ctx: map[string]any{"aws:RequestedRegion": "us-east-1"}, want: ExplicitDeny},
		{rule: "SCP: region lock lets allowed regions through", identity: []string{fullAccess}, scps: []string{doc(st("Allow", "*", "*"), `{"Effect":"Deny","NotAction":["iam:*","sts:*"],"Resource":"*","Condition":{"StringNotEquals":{"aws:RequestedRegion":["eu-west-1","eu-central-1"]}}}`)}, principal: alice, action: "ec2:RunInstances", res: "*", ctx: map[string]any{"aws:RequestedRegion": "eu-west-1"}, want: Allow},
		{rule: "SCP: region lock exempts global services through NotAction", identity: []string{fullAccess}, scps: []string{doc(st("Allow", "*", "*"), `{"Effect":"Deny","NotAction":["iam:*","sts:*"],"Resource":"*","Condition":{"StringNotEquals":{"aws:RequestedRegion":["eu-west-1"]}}}`)}, principal: alice, action: "iam:CreateRole", res: "*", ctx: map[string]any{"aws:RequestedRegion": "us-east-1"}, want: Allow},
		{rule: "SCP: deny except a break-glass role (ArnNotLike aws:PrincipalArn)", identity: []string{fullAccess}, scps: []string{doc(st("Allow", "*", "*"), st("Deny", "cloudtrail:StopLogging", "*", `"Condition":{"ArnNotLike":{"aws:PrincipalArn":"arn:aws:iam::*:role/breakglass"}}`))}, principal: devSess, action: "cloudtrail:StopLogging", res: "*", want: ExplicitDeny},
		{rule: "SCP: break-glass role is exempt from the deny", identity: []string{fullAccess}, scps: []string{doc(st("Allow", "*", "*"), st("Deny", "cloudtrail:StopLogging", "*", `"Condition":{"ArnNotLike":{"aws:PrincipalArn":"arn:aws:iam::*:role/breakglass"}}`))}, principal: "arn:aws:sts::111122223333:assumed-role/breakglass/x", action: "cloudtrail:StopLogging", res: "*", want: Allow},
		{rule: "SCP: apply to the account root user", scps: []string{doc(st("Allow", "ec2:*", "*"))}, principal: rootA, action: "s3:GetObject", res: bucketO, want: ImplicitDeny},
		{rule: "SCP: deny statements do not apply to service principals", resource: doc(rst("Allow", `{"Service":"cloudtrail.amazonaws.com"}`, "s3:PutObject", "arn:aws:s3:::reports/*")), scps: []string{doc(st("Allow", "*", "*"), st("Deny", "s3:*", "*"))}, principal: "cloudtrail.amazonaws.com", action: "s3:PutObject", res: bucketO, want: Allow},
		{rule: "SCP: do not restrict service principals", resource: doc(rst("Allow", `{"Service":"cloudtrail.amazonaws.com"}`, "s3:PutObject", "arn:aws:s3:::reports/*")), scps: []string{doc(st("Allow", "ec2:*", "*"))}, principal: "cloudtrail.amazonaws.com", action: "s3:PutObject", res: bucketO, want: Allow},

		// --- RCPs ---
		{rule: "RCP: a level without an allow is an implicit deny", identity: []string{fullAccess}, rcps: []string{doc(rst("Allow", `"*"`, "*", "*")), doc(rst("Allow", `"*"`, "sqs:*", "*"))}, principal: alice, action: "s3:GetObject", res: bucketO, want: ImplicitDeny, reason: "rcp rcps[1]: " + RuleRCPGate},
		{rule: "RCP: RCPFullAWSAccess passes", identity: []string{fullAccess}, rcps: []string{doc(rst("Allow", `"*"`, "*", "*"))}, principal: alice, action: "s3:GetObject", res: bucketO, want: Allow},
		{rule: "RCP: the RCP alone grants nothing", rcps: []string{doc(rst("Allow", `"*"`, "*", "*"))}, principal: alice, action: "s3:GetObject", res: bucketO, want: ImplicitDeny},
		{rule: "RCP: data perimeter denies principals outside the organization", identity: []string{sqsSend}, resource: doc(rst("Allow", `"*"`, "sqs:SendMessage", queueA)), rcps: []string{doc(rst("Allow", `"*"`, "*", "*"), rst("Deny", `"*"`, "sqs:*", "*", `"Condition":{"StringNotEqualsIfExists":{"aws:PrincipalOrgID":"o-abc123"},"BoolIfExists":{"aws:PrincipalIsAWSService":"false"}}`))}, principal: bobB, action: "sqs:SendMessage", res: queueA, ctx: map[string]any{"aws:PrincipalOrgID": "o-other"}, want: ExplicitDeny},
		{rule: "RCP: data perimeter lets organization members through", identity: []string{sqsSend}, resource: doc(rst("Allow", `"*"`, "sqs:SendMessage", queueA)), rcps: []string{doc(rst("Allow", `"*"`, "*", "*"), rst("Deny", `"*"`, "sqs:*", "*", `"Condition":{"StringNotEqualsIfExists":{"aws:PrincipalOrgID":"o-abc123"},"BoolIfExists":{"aws:PrincipalIsAWSService":"false"}}`))}, principal: bobB, action: "sqs:SendMessage", res: queueA, ctx: map[string]any{"aws:PrincipalOrgID": "o-abc123"}, want: Allow},
		{rule: "RCP: apply to service principals", resource: doc(rst("Allow", `{"Service":"cloudtrail.amazonaws.com"}`, "s3:PutObject", "arn:aws:s3:::reports/*")), rcps: []string{doc(rst("Allow", `"*"`, "sqs:*", "*"))}, principal: "cloudtrail.amazonaws.com", action: "s3:PutObject", res: bucketO, want: ImplicitDeny},

		// --- Role trust policies ---
		{rule: "trust policy: AssumeRole without a trust policy allow is denied even with identity allow", identity: []string{assumeAny}, resource: doc(rst("Allow", `{"Service":"ec2.amazonaws.com"}`, "sts:AssumeRole", "*")), principal: alice, action: "sts:AssumeRole", res: devRole, want: ImplicitDeny, reason: RuleTrustRequired},
		{rule: "trust policy: no trust policy at all denies AssumeRole", identity: []string{assumeAny}, principal: alice, action: "sts:AssumeRole", res: devRole, want: ImplicitDeny, reason: RuleTrustRequired},
		{rule: "trust policy naming the user allows same-account AssumeRole without identity allow", resource: doc(`{"Effect":"Allow","Principal":{"AWS":"` + alice + `"},"Action":"sts:AssumeRole"}`), principal: alice, action: "sts:AssumeRole", res: devRole, want: Allow},
		{rule: "trust policy naming the account needs an identity allow in the same account", resource: doc(`{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:root"},"Action":"sts:AssumeRole"}`), principal: alice, action: "sts:AssumeRole", res: devRole, want: ImplicitDeny, reason: RuleIdentityRequired},
		{rule: "trust policy naming the account plus identity allow", identity: []string{assumeAny}, resource: doc(`{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:root"},"Action":"sts:AssumeRole"}`), principal: alice, action: "sts:AssumeRole", res: devRole, want: Allow},
		{rule: "trust policy: cross-account AssumeRole needs both trust and identity allow", resource: doc(`{"Effect":"Allow","Principal":{"AWS":"444455556666"},"Action":"sts:AssumeRole"}`), principal: bobB, action: "sts:AssumeRole", res: devRole, want: ImplicitDeny, reason: RuleCrossAccountID},
		{rule: "trust policy: cross-account AssumeRole with both sides", identity: []string{assumeAny}, resource: doc(`{"Effect":"Allow","Principal":{"AWS":"444455556666"},"Action":"sts:AssumeRole","Condition":{"StringEquals":{"sts:ExternalId":"x-42"}}}`), principal: bobB, action: "sts:AssumeRole", res: devRole, ctx: map[string]any{"sts:ExternalId": "x-42"}, want: Allow},
		{rule: "trust policy: ExternalId mismatch denies", identity: []string{assumeAny}, resource: doc(`{"Effect":"Allow","Principal":{"AWS":"444455556666"},"Action":"sts:AssumeRole","Condition":{"StringEquals":{"sts:ExternalId":"x-42"}}}`), principal: bobB, action: "sts:AssumeRole", res: devRole, ctx: map[string]any{"sts:ExternalId": "x-41"}, want: ImplicitDeny},
		{rule: "trust policy: service principal may assume the role", resource: doc(`{"Effect":"Allow","Principal":{"Service":["ec2.amazonaws.com","lambda.amazonaws.com"]},"Action":"sts:AssumeRole"}`), principal: "lambda.amazonaws.com", action: "sts:AssumeRole", res: devRole, want: Allow},
		{rule: "trust policy: AssumeRoleWithWebIdentity also requires the trust policy", identity: []string{fullAccess}, principal: alice, action: "sts:AssumeRoleWithWebIdentity", res: devRole, want: ImplicitDeny, reason: RuleTrustRequired},
		{rule: "trust policy: the explicit-allow rule only applies to role resources", identity: []string{doc(st("Allow", "sts:GetCallerIdentity", "*"))}, principal: alice, action: "sts:GetCallerIdentity", res: "*", want: Allow},
		{rule: "trust policy: explicit deny in the trust policy wins", identity: []string{assumeAny}, resource: doc(`{"Effect":"Allow","Principal":{"AWS":"111122223333"},"Action":"sts:AssumeRole"}`, `{"Effect":"Deny","Principal":{"AWS":"`+alice+`"},"Action":"sts:AssumeRole"}`), principal: alice, action: "sts:AssumeRole", res: devRole, want: ExplicitDeny},
		{rule: "trust policy: sts:TagSession also needs the trust policy", identity: []string{fullAccess}, resource: doc(`{"Effect":"Allow","Principal":{"AWS":"111122223333"},"Action":"sts:AssumeRole"}`), principal: alice, action: "sts:TagSession", res: devRole, want: ImplicitDeny, reason: RuleTrustRequired},
		{rule: "trust policy: sts:TagSession allowed by the trust policy", identity: []string{fullAccess}, resource: doc(`{"Effect":"Allow","Principal":{"AWS":"111122223333"},"Action":["sts:AssumeRole","sts:TagSession"]}`), principal: alice, action: "sts:TagSession", res: devRole, want: Allow},
		{rule: "trust policy: role chaining from a session named in the trust policy", resource: doc(`{"Effect":"Allow","Principal":{"AWS":"` + devRole + `"},"Action":"sts:AssumeRole"}`), principal: devSess, action: "sts:AssumeRole", res: "arn:aws:iam::111122223333:role/ops", want: Allow},

		// --- KMS key policies ---
		{rule: "KMS: identity allow without a key policy allow does not grant", identity: []string{kmsDecrypt}, resource: doc(rst("Allow", `{"AWS":"arn:aws:iam::111122223333:user/keyadmin"}`, "kms:*", "*")), principal: alice, action: "kms:Decrypt", res: keyA, want: ImplicitDeny, reason: RuleKeyPolicyRequired},
		{rule: "KMS: no key policy given means no access", identity: []string{kmsDecrypt}, principal: alice, action: "kms:Decrypt", res: keyA, want: ImplicitDeny, reason: RuleKeyPolicyRequired},
		{rule: "KMS: key policy enabling IAM policies (account root) plus identity allow", identity: []string{kmsDecrypt}, resource: doc(rst("Allow", `{"AWS":"arn:aws:iam::111122223333:root"}`, "kms:*", "*")), principal: alice, action: "kms:Decrypt", res: keyA, want: Allow},
		{rule: "KMS: key policy enabling IAM policies without identity allow", resource: doc(rst("Allow", `{"AWS":"arn:aws:iam::111122223333:root"}`, "kms:*", "*")), principal: alice, action: "kms:Decrypt", res: keyA, want: ImplicitDeny, reason: RuleIdentityRequired},
		{rule: "KMS: key policy naming the user allows without identity allow", resource: doc(rst("Allow", `{"AWS":"`+alice+`"}`, "kms:Decrypt", "*")), principal: alice, action: "kms:Decrypt", res: keyA, want: Allow},
		{rule: "KMS: the root user needs the key policy too", resource: doc(rst("Allow", `{"AWS":"`+alice+`"}`, "kms:Decrypt", "*")), principal: rootA, action: "kms:ScheduleKeyDeletion", res: keyA, want: ImplicitDeny, reason: RuleKeyPolicyRequired},
		{rule: "KMS: kms:ViaService condition in the key policy", resource: doc(rst("Allow", `{"AWS":"`+alice+`"}`, "kms:Decrypt", "*", `"Condition":{"StringEquals":{"kms:ViaService":"s3.us-east-1.amazonaws.com"}}`)), principal: alice, action: "kms:Decrypt", res: keyA, ctx: map[string]any{"kms:ViaService": "s3.us-east-1.amazonaws.com"}, want: Allow},
		{rule: "KMS: cross-account use needs key policy and identity allow", identity: []string{kmsDecrypt}, resource: doc(rst("Allow", `{"AWS":"arn:aws:iam::444455556666:root"}`, "kms:Decrypt", "*")), principal: bobB, action: "kms:Decrypt", res: keyA, want: Allow},
		{rule: "KMS: cross-account use without identity allow", resource: doc(rst("Allow", `{"AWS":"arn:aws:iam::444455556666:root"}`, "kms:Decrypt", "*")), principal: bobB, action: "kms:Decrypt", res: keyA, want: ImplicitDeny, reason: RuleCrossAccountID},
		{rule: "KMS: ListKeys on * does not need a key policy", identity: []string{doc(st("Allow", "kms:ListKeys", "*"))}, principal: alice, action: "kms:ListKeys", res: "*", want: Allow},

		// --- Web identity and SAML federation (trust policies) ---
		{rule: "web identity: GitHub OIDC trust policy allows the matching repository", resource: githubTrust, principal: "arn:aws:iam::111122223333:oidc-provider/token.actions.githubusercontent.com", action: "sts:AssumeRoleWithWebIdentity", res: devRole, ctx: map[string]any{"token.actions.githubusercontent.com:sub": "repo:example-org/deploy:ref:refs/heads/main", "token.actions.githubusercontent.com:aud": "sts.amazonaws.com"}, want: Allow, reason: RuleServiceNeedsRBP},
		{rule: "web identity: GitHub OIDC trust policy rejects another repository", resource: githubTrust, principal: "arn:aws:iam::111122223333:oidc-provider/token.actions.githubusercontent.com", action: "sts:AssumeRoleWithWebIdentity", res: devRole, ctx: map[string]any{"token.actions.githubusercontent.com:sub": "repo:attacker/fork:ref:refs/heads/main", "token.actions.githubusercontent.com:aud": "sts.amazonaws.com"}, want: ImplicitDeny},
		{rule: "web identity: a provider not named in the trust policy is denied", resource: githubTrust, principal: "accounts.google.com", action: "sts:AssumeRoleWithWebIdentity", res: devRole, want: ImplicitDeny},
		{rule: "web identity: identity providers are not restricted by SCPs", resource: githubTrust, scps: []string{doc(st("Allow", "ec2:*", "*"))}, principal: "arn:aws:iam::111122223333:oidc-provider/token.actions.githubusercontent.com", action: "sts:AssumeRoleWithWebIdentity", res: devRole, ctx: map[string]any{"token.actions.githubusercontent.com:sub": "repo:example-org/deploy:environment:prod", "token.actions.githubusercontent.com:aud": "sts.amazonaws.com"}, want: Allow},
		{rule: "SAML: trust policy naming the SAML provider with a SAML:aud condition", resource: doc(`{"Effect":"Allow","Principal":{"Federated":"arn:aws:iam::111122223333:saml-provider/Okta"},"Action":"sts:AssumeRoleWithSAML","Condition":{"StringEquals":{"SAML:aud":"https://signin.aws.amazon.com/saml"}}}`), principal: "arn:aws:iam::111122223333:saml-provider/Okta", action: "sts:AssumeRoleWithSAML", res: devRole, ctx: map[string]any{"SAML:aud": "https://signin.aws.amazon.com/saml"}, want: Allow},

		// --- Policy grammar the engine enforces ---
		{rule: "grammar: a resource policy statement without Principal is rejected", resource: doc(st("Allow", "s3:*", "*")), principal: alice, action: "s3:GetObject", res: bucketO, want: "error"},
		{rule: "grammar: an RCP statement without Principal is rejected", rcps: []string{fullAccess}, principal: alice, action: "s3:GetObject", res: bucketO, want: "error"},
		{rule: "grammar: Resource and NotResource together are rejected", identity: []string{doc(`{"Effect":"Allow","Action":"s3:*","Resource":"*","NotResource":"arn:aws:s3:::x"}`)}, principal: alice, action: "s3:GetObject", res: bucketO, want: "error"},
		{rule: "grammar: Principal and NotPrincipal together are rejected", resource: doc(`{"Effect":"Allow","Principal":"*","NotPrincipal":{"AWS":"111122223333"},"Action":"s3:*","Resource":"*"}`), principal: alice, action: "s3:GetObject", res: bucketO, want: "error"},
		{rule: "grammar: an unknown condition operator is rejected", identity: []string{doc(st("Allow", "s3:*", "*", `"Condition":{"StringEqualsAnyCase":{"aws:username":"alice"}}`))}, principal: alice, action: "s3:GetObject", res: bucketO, want: "error"},
		{rule: "policy variables are literal text in a 2008-10-17 policy", identity: []string{`{"Version":"2008-10-17","Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"arn:aws:s3:::home/${aws:username}/*"}]}`}, principal: alice, action: "s3:GetObject", res: "arn:aws:s3:::home/alice/x", want: ImplicitDeny},
		{rule: "policy variables are literal text in a policy without Version", identity: []string{`{"Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"arn:aws:s3:::home/${aws:username}/*"}]}`}, principal: alice, action: "s3:GetObject", res: "arn:aws:s3:::home/${aws:username}/x", want: Allow},

		// --- Root user ---
		{rule: "root user has every permission in its own account", principal: rootA, action: "s3:GetObject", res: bucketO, want: Allow, reason: RuleRootImplicitAllow},
		{rule: "root user is still bound by explicit deny in a resource policy", resource: doc(rst("Deny", `"*"`, "s3:*", "*")), principal: rootA, action: "s3:GetObject", res: bucketO, want: ExplicitDeny},
		{rule: "root user of another account needs the resource policy", principal: "arn:aws:iam::444455556666:root", action: "sqs:SendMessage", res: queueA, want: ImplicitDeny, reason: RuleCrossAccountRBP},

		// --- Identity policies: several policies (inline, managed, group) ---
		{rule: "identity: an allow in any of the principal's policies grants (group policy)", identity: []string{doc(st("Allow", "ec2:*", "*")), doc(st("Allow", "s3:GetObject", "*"))}, principal: alice, action: "s3:GetObject", res: bucketO, want: Allow, reason: "identity_policies[1] Statement[0]"},
		{rule: "identity: a Principal element in an identity policy is rejected", identity: []string{doc(rst("Allow", `"*"`, "s3:*", "*"))}, principal: alice, action: "s3:GetObject", res: bucketO, want: "error"},
	}
}
