package aws

import (
	"strings"
	"testing"

	"github.com/cloudward/cloudward/internal/check"
	"github.com/cloudward/cloudward/internal/model"
	awsm "github.com/cloudward/cloudward/internal/model/aws"
)

const engAcct = "123456789012"

func engDoc(t *testing.T, js string) awsm.Policy {
	t.Helper()
	src := model.Source{File: "global/iam/get-account-authorization-details.json"}
	d, err := awsm.ParsePolicy([]byte(js), src)
	if err != nil {
		t.Fatalf("%v\n%s", err, js)
	}
	return model.Known(d, src)
}

const engAdmin = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}`

func engInv() *awsm.Inventory {
	return &awsm.Inventory{AccountID: engAcct, Partition: "aws", RegionNames: []string{"us-east-1"}}
}

func engPolicy(t *testing.T, inv *awsm.Inventory, name, js string, awsManaged bool) string {
	arn := "arn:aws:iam::" + engAcct + ":policy/" + name
	if awsManaged {
		arn = "arn:aws:iam::aws:policy/" + name
	}
	inv.Policies = append(inv.Policies, &awsm.ManagedPolicy{Identity: awsm.Identity{ARN: arn, Name: name, AccountID: engAcct},
		AWSManaged: awsManaged, DefaultVersionID: "v1",
		Versions: []awsm.PolicyVersion{{VersionID: "v1", IsDefault: true, Document: engDoc(t, js)}}})
	return arn
}

func engUser(inv *awsm.Inventory, name string, groups []string, managed ...string) *awsm.User {
	u := &awsm.User{Identity: awsm.Identity{ARN: "arn:aws:iam::" + engAcct + ":user/" + name, Name: name, AccountID: engAcct},
		Groups: groups, PermissionsBoundary: model.Known("", model.Source{})}
	for _, m := range managed {
		u.AttachedPolicies = append(u.AttachedPolicies, awsm.AttachedPolicy{ARN: m})
	}
	inv.Users = append(inv.Users, u)
	return u
}

func engRole(t *testing.T, inv *awsm.Inventory, name, trust string, managed ...string) *awsm.Role {
	r := &awsm.Role{Identity: awsm.Identity{ARN: "arn:aws:iam::" + engAcct + ":role/" + name, Name: name, AccountID: engAcct},
		Path: "/", PermissionsBoundary: model.Known("", model.Source{})}
	if trust == "" {
		r.TrustPolicy = notCollected[*awsm.PolicyDocument]()
	} else {
		r.TrustPolicy = engDoc(t, trust)
	}
	for _, m := range managed {
		r.AttachedPolicies = append(r.AttachedPolicies, awsm.AttachedPolicy{ARN: m})
	}
	inv.Roles = append(inv.Roles, r)
	return r
}

// engExpect runs c on inv and compares each resource's status; evidence must
// contain want[id].evidence for FAILs.
type engWant struct {
	status   check.Status
	evidence string
}

func engRun(t *testing.T, c *check.Check, inv *awsm.Inventory, want map[string]engWant) {
	t.Helper()
	got := map[string]check.Finding{}
	for _, f := range c.Evaluate(inv) {
		got[f.Resource.ID] = f
	}
	for id, w := range want {
		f, ok := got[id]
		if !ok {
			if w.status != check.NotApplicable {
				t.Errorf("%s: no finding, want %s", id, w.status)
			}
			continue
		}
		if f.Status != w.status {
			t.Errorf("%s: %s (%s), want %s", id, f.Status, f.Message, w.status)
			continue
		}
		var ev []string
		for _, e := range f.Evidence {
			ev = append(ev, e.Detail)
		}
		if w.evidence != "" && !strings.Contains(strings.Join(ev, "\n"), w.evidence) {
			t.Errorf("%s: evidence %q lacks %q", id, ev, w.evidence)
		}
	}
}

func userARN(n string) string { return "arn:aws:iam::" + engAcct + ":user/" + n }
func roleARN(n string) string { return "arn:aws:iam::" + engAcct + ":role/" + n }

func TestPrincipalEffectiveAdmin(t *testing.T) {
	inv := engInv()
	admin := engPolicy(t, inv, "AdministratorAccess", engAdmin, true)
	na := engPolicy(t, inv, "AllButIAMUserDelete", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","NotAction":"iam:DeleteUser","Resource":"*"}]}`, false)
	power := engPolicy(t, inv, "PowerUserAccess", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","NotAction":["iam:*","organizations:*","account:*"],"Resource":"*"}]}`, true)
	mfa := engPolicy(t, inv, "AdminWithMFA", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*","Condition":{"Bool":{"aws:MultiFactorAuthPresent":"true"}}}]}`, false)
	inv.Groups = append(inv.Groups, &awsm.Group{Identity: awsm.Identity{ARN: "arn:aws:iam::" + engAcct + ":group/Admins", Name: "Admins"},
		AttachedPolicies: []awsm.AttachedPolicy{{ARN: admin}}})
	engUser(inv, "alice", []string{"Admins"})
	engUser(inv, "ops", nil, na)
	engUser(inv, "dev", nil, power)
	engUser(inv, "breakglass", nil, mfa)
	u := engUser(inv, "bounded", nil, admin)
	u.PermissionsBoundary = model.Known(engPolicy(t, inv, "S3Only", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*"}]}`, false), model.Source{})
	engUser(inv, "ghost", []string{"DeletedGroup"})
	engRole(t, inv, "deploy", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"codebuild.amazonaws.com"},"Action":"sts:AssumeRole"}]}`, admin)
	engRun(t, iamPrincipalEffectiveAdmin, inv, map[string]engWant{
		userARN("alice"):      {check.Fail, "AdministratorAccess (via group Admins)"},
		userARN("ops"):        {check.Fail, "AllButIAMUserDelete"},
		userARN("dev"):        {check.Pass, ""},
		userARN("breakglass"): {check.Pass, ""},
		userARN("bounded"):    {check.Pass, ""},
		userARN("ghost"):      {check.Unknown, "DeletedGroup"},
		roleARN("deploy"):     {check.Fail, "AdministratorAccess"},
	})
}

func TestPolicyNotActionAdmin(t *testing.T) {
	inv := engInv()
	engPolicy(t, inv, "SupportEngineer", `{"Version":"2012-10-17","Statement":[{"Sid":"AllButBilling","Effect":"Allow","NotAction":["aws-portal:*","budgets:*"],"Resource":"*"}]}`, false)
	engPolicy(t, inv, "NotResourceAdmin", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","NotResource":"arn:aws:s3:::audit-logs/*"}]}`, false)
	engPolicy(t, inv, "NoIAM", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","NotAction":["iam:*","organizations:*"],"Resource":"*"}]}`, false)
	engPolicy(t, inv, "ScopedNotAction", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","NotAction":"s3:DeleteBucket","Resource":"arn:aws:s3:::app-*"}]}`, false)
	engPolicy(t, inv, "FromOfficeOnly", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","NotAction":"iam:DeleteUser","Resource":"*","Condition":{"IpAddress":{"aws:SourceIp":"203.0.113.0/24"}}}]}`, false)
	inv.Policies = append(inv.Policies, &awsm.ManagedPolicy{Identity: awsm.Identity{ARN: "arn:aws:iam::" + engAcct + ":policy/Uncollected", Name: "Uncollected"},
		Versions: []awsm.PolicyVersion{{VersionID: "v1", IsDefault: true, Document: notCollected[*awsm.PolicyDocument]()}}})
	p := func(n string) string { return "arn:aws:iam::" + engAcct + ":policy/" + n }
	engRun(t, iamPolicyNotActionAdmin, inv, map[string]engWant{
		p("SupportEngineer"):  {check.Fail, "everything except NotAction aws-portal:*, budgets:*"},
		p("NotResourceAdmin"): {check.Fail, "NotResource arn:aws:s3:::audit-logs/*"},
		p("NoIAM"):            {check.Pass, ""},
		p("ScopedNotAction"):  {check.Pass, ""},
		p("FromOfficeOnly"):   {check.Pass, ""},
		p("Uncollected"):      {check.Unknown, ""},
	})
}

func TestPolicyDanglingPrincipal(t *testing.T) {
	inv := engInv()
	engRole(t, inv, "etl", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":["arn:aws:iam::`+engAcct+`:role/scheduler","AROAR7XQ2K4METLJOB5Q2"]},"Action":"sts:AssumeRole"}]}`)
	engRole(t, inv, "app", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"ec2.amazonaws.com"},"Action":"sts:AssumeRole"}]}`)
	engRole(t, inv, "unknown", "")
	inv.Buckets = append(inv.Buckets,
		&awsm.Bucket{Identity: awsm.Identity{ARN: "arn:aws:s3:::reports", Name: "reports"},
			Policy: engDoc(t, `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"AIDAR7XQ2K4MFORMER8Z"},"Action":"s3:GetObject","Resource":"arn:aws:s3:::reports/*"}]}`)},
		&awsm.Bucket{Identity: awsm.Identity{ARN: "arn:aws:s3:::assets", Name: "assets"}, Policy: model.Known[*awsm.PolicyDocument](nil, model.Source{})})
	engRun(t, iamPolicyDanglingPrincipal, inv, map[string]engWant{
		roleARN("etl"):         {check.Fail, "AROAR7XQ2K4METLJOB5Q2, the unique ID of a deleted role"},
		roleARN("app"):         {check.Pass, ""},
		roleARN("unknown"):     {check.Unknown, ""},
		"arn:aws:s3:::reports": {check.Fail, "AIDAR7XQ2K4MFORMER8Z, the unique ID of a deleted user"},
		"arn:aws:s3:::assets":  {check.Pass, ""},
	})
}

func TestRoleTrustForeignNoCondition(t *testing.T) {
	inv := engInv()
	tr := func(principal, cond string) string {
		c := ""
		if cond != "" {
			c = `,"Condition":` + cond
		}
		return `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":` + principal + `,"Action":"sts:AssumeRole"` + c + `}]}`
	}
	engRole(t, inv, "partner", tr(`{"AWS":"arn:aws:iam::444455556666:root"}`, ""))
	engRole(t, inv, "partner-extid", tr(`{"AWS":"arn:aws:iam::444455556666:root"}`, `{"StringEquals":{"sts:ExternalId":"7f3a9c"}}`))
	engRole(t, inv, "anyone", tr(`{"AWS":"*"}`, ""))
	engRole(t, inv, "org", tr(`{"AWS":"*"}`, `{"StringEquals":{"aws:PrincipalOrgID":"o-a1b2c3d4e5"}}`))
	engRole(t, inv, "foreign-role", tr(`{"AWS":"arn:aws:iam::444455556666:role/ci/deployer"}`, ""))
	engRole(t, inv, "ip-pinned", tr(`{"AWS":"444455556666"}`, `{"IpAddress":{"aws:SourceIp":"198.51.100.0/24"}}`))
	engRole(t, inv, "same-account", tr(`{"AWS":"arn:aws:iam::`+engAcct+`:root"}`, ""))
	engRole(t, inv, "denied", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"444455556666"},"Action":"sts:AssumeRole"},{"Effect":"Deny","Principal":"*","Action":"sts:AssumeRole","Condition":{"StringNotEquals":{"aws:PrincipalOrgID":"o-a1b2c3d4e5"}}}]}`)
	engRole(t, inv, "unknown", "")
	engRun(t, iamRoleTrustForeignNoCondition, inv, map[string]engWant{
		roleARN("partner"):       {check.Fail, "arn:aws:iam::444455556666:root may call sts:AssumeRole"},
		roleARN("partner-extid"): {check.Pass, ""},
		roleARN("anyone"):        {check.Fail, "arn:aws:iam::999999999999:root"},
		roleARN("org"):           {check.Pass, ""},
		roleARN("foreign-role"):  {check.Fail, "assumed-role/deployer"},
		roleARN("ip-pinned"):     {check.Pass, ""},
		roleARN("same-account"):  {check.Pass, ""},
		roleARN("denied"):        {check.Pass, ""},
		roleARN("unknown"):       {check.Unknown, ""},
	})
}

func TestS3BucketPolicyAnyAccount(t *testing.T) {
	inv := engInv()
	b := func(name, stmts string) {
		inv.Buckets = append(inv.Buckets, &awsm.Bucket{Identity: awsm.Identity{ARN: "arn:aws:s3:::" + name, Name: name},
			Policy: engDoc(t, `{"Version":"2012-10-17","Statement":[`+stmts+`]}`)})
	}
	b("website", `{"Sid":"PublicRead","Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::website/*"}`)
	b("org-share", `{"Effect":"Allow","Principal":"*","Action":["s3:GetObject","s3:PutObject"],"Resource":"arn:aws:s3:::org-share/*","Condition":{"StringEquals":{"aws:PrincipalOrgID":"o-a1b2c3d4e5"}}}`)
	b("vpce-only", `{"Effect":"Allow","Principal":"*","Action":"s3:*","Resource":["arn:aws:s3:::vpce-only","arn:aws:s3:::vpce-only/*"],"Condition":{"StringEquals":{"aws:SourceVpce":"vpce-0a1b2c3d"}}}`)
	b("cloudtrail-logs", `{"Effect":"Allow","Principal":{"Service":"cloudtrail.amazonaws.com"},"Action":"s3:PutObject","Resource":"arn:aws:s3:::cloudtrail-logs/*","Condition":{"StringEquals":{"aws:SourceAccount":"`+engAcct+`"}}}`)
	b("any-account-write", `{"Effect":"Allow","Principal":{"AWS":"*"},"Action":"s3:PutObject","Resource":"arn:aws:s3:::any-account-write/*","Condition":{"Bool":{"aws:SecureTransport":"true"}}},`+
		`{"Effect":"Allow","Principal":{"AWS":"*"},"Action":"s3:ListBucket","Resource":"arn:aws:s3:::any-account-write"}`)
	b("public-but-denied", `{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::public-but-denied/*"},`+
		`{"Effect":"Deny","Principal":"*","Action":"s3:*","Resource":"arn:aws:s3:::public-but-denied/*","Condition":{"StringNotEquals":{"aws:PrincipalAccount":"`+engAcct+`"}}}`)
	b("partner", `{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::444455556666:root"},"Action":"s3:GetObject","Resource":"arn:aws:s3:::partner/*"}`)
	inv.Buckets = append(inv.Buckets, &awsm.Bucket{Identity: awsm.Identity{ARN: "arn:aws:s3:::denied", Name: "denied"},
		Policy: notCollected[*awsm.PolicyDocument]()})
	restricted := &awsm.Bucket{Identity: awsm.Identity{ARN: "arn:aws:s3:::restricted", Name: "restricted"},
		Policy: engDoc(t, `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::restricted/*"}]}`)}
	restricted.PublicAccessBlock.RestrictPublicBuckets = model.Known(true, model.Source{})
	inv.Buckets = append(inv.Buckets, restricted)
	engRun(t, s3BucketPolicyAnyAccount, inv, map[string]engWant{
		"arn:aws:s3:::website":           {check.Fail, "Statement[0] allows anonymous users: s3:GetObject, any AWS account: s3:GetObject"},
		"arn:aws:s3:::org-share":         {check.Pass, ""},
		"arn:aws:s3:::vpce-only":         {check.Pass, ""},
		"arn:aws:s3:::cloudtrail-logs":   {check.Pass, ""},
		"arn:aws:s3:::any-account-write": {check.Fail, "Statement[1] allows anonymous users: s3:ListBucket"},
		"arn:aws:s3:::public-but-denied": {check.Pass, ""}, // the Deny (missing key: negated operator true) also stops anonymous calls
		"arn:aws:s3:::partner":           {check.Pass, ""},
		"arn:aws:s3:::denied":            {check.Unknown, ""},
		"arn:aws:s3:::restricted":        {check.Pass, ""},
	})
}

func TestPrivilegeEscalationCheck(t *testing.T) {
	inv := engInv()
	admin := engPolicy(t, inv, "AdministratorAccess", engAdmin, true)
	engUser(inv, "ci-legacy", nil, admin)
	engUser(inv, "ci-deploy", nil, engPolicy(t, inv, "ci-keys", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"iam:CreateAccessKey","Resource":"arn:aws:iam::`+engAcct+`:user/*"}]}`, false))
	engUser(inv, "dev", nil, engPolicy(t, inv, "dev", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["iam:PassRole","lambda:CreateFunction","lambda:InvokeFunction"],"Resource":"*"}]}`, false))
	engRole(t, inv, "lambda-admin", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"lambda.amazonaws.com"},"Action":"sts:AssumeRole"}]}`, admin)
	engUser(inv, "reader", nil, engPolicy(t, inv, "read", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["s3:Get*","iam:Get*","iam:List*"],"Resource":"*"}]}`, false))
	engUser(inv, "ghost", nil, "arn:aws:iam::"+engAcct+":policy/not-collected")
	engRun(t, iamPrivilegeEscalation, inv, map[string]engWant{
		userARN("ci-deploy"):    {check.Fail, "user/ci-deploy -> iam:CreateAccessKey -> " + userARN("ci-legacy") + " -> credentials of user/ci-legacy, a full administrator"},
		userARN("dev"):          {check.Fail, "iam:PassRole + lambda:CreateFunction + lambda:InvokeFunction -> " + roleARN("lambda-admin")},
		userARN("reader"):       {check.Pass, ""},
		userARN("ghost"):        {check.Unknown, "not-collected"},
		userARN("ci-legacy"):    {check.NotApplicable, ""}, // already admin
		roleARN("lambda-admin"): {check.NotApplicable, ""},
	})
}

// Users known only from the credential report: their policies were not
// collected, so neither check may PASS them.
func TestEngineChecksWithoutAuthorizationDetails(t *testing.T) {
	inv := engInv()
	engUser(inv, "carol", nil)
	inv.Coverage = []awsm.Coverage{{Region: "global", Service: "iam", Operation: "get-account-authorization-details",
		Status: awsm.CoverageError, Detail: "AccessDenied"}}
	for _, c := range []*check.Check{iamPrincipalEffectiveAdmin, iamPrivilegeEscalation} {
		engRun(t, c, inv, map[string]engWant{userARN("carol"): {check.Unknown, "get-account-authorization-details error: AccessDenied"}})
	}
}
