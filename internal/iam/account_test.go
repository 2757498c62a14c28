package iam

import (
	"strings"
	"testing"

	"github.com/cloudward/cloudward/internal/model"
	awsmodel "github.com/cloudward/cloudward/internal/model/aws"
)

const acct = "111122223333"

func kdoc(t testing.TB, js string) awsmodel.Policy {
	t.Helper()
	d, err := awsmodel.ParsePolicy([]byte(js), model.Source{File: "test.json"})
	if err != nil {
		t.Fatalf("%v\n%s", err, js)
	}
	return model.Known(d, model.Source{File: "test.json"})
}

func allow(actions, resources string) string {
	return `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":` + actions + `,"Resource":` + resources + `}]}`
}

const adminDoc = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}`

// testAccount is a small realistic account: an admin group, developers, a
// CI user, an EC2 role, a deploy role, and a bucket.
type testAccount struct{ inv *awsmodel.Inventory }

func newTestAccount() *testAccount {
	return &testAccount{inv: &awsmodel.Inventory{AccountID: acct, Partition: "aws", RegionNames: []string{"us-east-1"}}}
}

func (ta *testAccount) policy(t testing.TB, name string, js string, extraVersions ...string) string {
	arn := "arn:aws:iam::" + acct + ":policy/" + name
	mp := &awsmodel.ManagedPolicy{Identity: awsmodel.Identity{ARN: arn, Name: name}, DefaultVersionID: "v1",
		Versions: []awsmodel.PolicyVersion{{VersionID: "v1", IsDefault: true, Document: kdoc(t, js)}}}
	for i, v := range extraVersions {
		mp.Versions = append(mp.Versions, awsmodel.PolicyVersion{VersionID: "v" + string(rune('2'+i)), Document: kdoc(t, v)})
	}
	ta.inv.Policies = append(ta.inv.Policies, mp)
	return arn
}

func (ta *testAccount) awsPolicy(t testing.TB, name, js string) string {
	arn := "arn:aws:iam::aws:policy/" + name
	ta.inv.Policies = append(ta.inv.Policies, &awsmodel.ManagedPolicy{Identity: awsmodel.Identity{ARN: arn, Name: name}, AWSManaged: true,
		Versions: []awsmodel.PolicyVersion{{VersionID: "v1", IsDefault: true, Document: kdoc(t, js)}}})
	return arn
}

func (ta *testAccount) group(name string, managed ...string) *awsmodel.Group {
	g := &awsmodel.Group{Identity: awsmodel.Identity{ARN: "arn:aws:iam::" + acct + ":group/" + name, Name: name}}
	for _, m := range managed {
		g.AttachedPolicies = append(g.AttachedPolicies, awsmodel.AttachedPolicy{ARN: m})
	}
	ta.inv.Groups = append(ta.inv.Groups, g)
	return g
}

func (ta *testAccount) user(name string, groups []string, managed ...string) *awsmodel.User {
	u := &awsmodel.User{Identity: awsmodel.Identity{ARN: "arn:aws:iam::" + acct + ":user/" + name, Name: name}, Groups: groups,
		PermissionsBoundary: model.Known("", model.Source{})}
	for _, m := range managed {
		u.AttachedPolicies = append(u.AttachedPolicies, awsmodel.AttachedPolicy{ARN: m})
	}
	ta.inv.Users = append(ta.inv.Users, u)
	return u
}

func (ta *testAccount) role(t testing.TB, name, trust string, managed ...string) *awsmodel.Role {
	r := &awsmodel.Role{Identity: awsmodel.Identity{ARN: "arn:aws:iam::" + acct + ":role/" + name, Name: name}, Path: "/",
		TrustPolicy: kdoc(t, trust), PermissionsBoundary: model.Known("", model.Source{})}
	for _, m := range managed {
		r.AttachedPolicies = append(r.AttachedPolicies, awsmodel.AttachedPolicy{ARN: m})
	}
	ta.inv.Roles = append(ta.inv.Roles, r)
	return r
}

func trustService(svc string) string {
	return `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"` + svc + `"},"Action":"sts:AssumeRole"}]}`
}

func trustAWS(p string) string {
	return `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"` + p + `"},"Action":"sts:AssumeRole"}]}`
}

func (ta *testAccount) account() *Account { ta.inv.Index(); return NewAccount(ta.inv) }

func TestCanExplainsGroupPath(t *testing.T) {
	ta := newTestAccount()
	admin := ta.awsPolicy(t, "AdministratorAccess", adminDoc)
	ro := ta.awsPolicy(t, "ReadOnlyAccess", allow(`["s3:Get*","s3:List*","ec2:Describe*"]`, `"*"`))
	ta.group("Admins", admin)
	ta.group("Developers", ro)
	ta.user("alice", []string{"Admins"})
	ta.user("bob", []string{"Developers"})
	a := ta.account()
	k := a.NewAsker()

	ans, err := k.Can(a.Principal("user/alice"), "iam:CreateUser", "arn:aws:iam::"+acct+":user/mallory", nil)
	if err != nil || ans.Result.Decision != Allow {
		t.Fatalf("alice iam:CreateUser: %v %v", ans.Result, err)
	}
	if ex := strings.Join(ans.Explain(), "\n"); !strings.Contains(ex, "via group Admins") || !strings.Contains(ex, "AdministratorAccess") {
		t.Errorf("explanation lacks the group path: %s", ex)
	}
	ans, _ = k.Can(a.Principal("arn:aws:iam::"+acct+":user/bob"), "s3:GetObject", "arn:aws:s3:::data/x", nil)
	if ans.Result.Decision != Allow {
		t.Errorf("bob s3:GetObject: %v", ans.Result)
	}
	ans, _ = k.Can(a.Principal("user/bob"), "s3:PutObject", "arn:aws:s3:::data/x", nil)
	if ans.Result.Decision != ImplicitDeny {
		t.Errorf("bob s3:PutObject: %v", ans.Result)
	}
	who, err := a.WhoCan("iam:CreateUser", "arn:aws:iam::"+acct+":user/x", nil)
	if err != nil || len(who) != 1 || who[0].Principal.Name != "alice" {
		t.Errorf("who-can iam:CreateUser: %v %v", who, err)
	}
}

func TestCanBoundaryAndBucketPolicy(t *testing.T) {
	ta := newTestAccount()
	admin := ta.awsPolicy(t, "AdministratorAccess", adminDoc)
	bnd := ta.policy(t, "DevBoundary", allow(`["s3:*"]`, `"*"`))
	u := ta.user("carol", nil, admin)
	u.PermissionsBoundary = model.Known(bnd, model.Source{})
	ta.user("dave", nil)
	ta.inv.Buckets = append(ta.inv.Buckets, &awsmodel.Bucket{Identity: awsmodel.Identity{ARN: "arn:aws:s3:::shared", Name: "shared"},
		Policy: kdoc(t, `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::`+acct+`:user/dave"},"Action":"s3:GetObject","Resource":"arn:aws:s3:::shared/*"}]}`)})
	a := ta.account()
	k := a.NewAsker()
	if k.Allowed(a.Principal("user/carol"), "iam:CreateUser", "*", nil) {
		t.Error("boundary s3:* must cap AdministratorAccess")
	}
	if !k.Allowed(a.Principal("user/carol"), "s3:DeleteBucket", "arn:aws:s3:::shared", nil) {
		t.Error("boundary allows s3:*")
	}
	// dave has no identity policy: the bucket policy names him directly.
	ans, _ := k.Can(a.Principal("user/dave"), "s3:GetObject", "arn:aws:s3:::shared/report.csv", nil)
	if ans.Result.Decision != Allow || !ans.ResourcePolicyKnown {
		t.Errorf("dave through the bucket policy: %+v", ans)
	}
	if k.Allowed(a.Principal("user/dave"), "s3:PutObject", "arn:aws:s3:::shared/x", nil) {
		t.Error("dave s3:PutObject")
	}
	// A foreign principal is cross-account even though S3 ARNs carry no account.
	foreign, _ := ParseCaller("arn:aws:iam::444455556666:root")
	if k.AllowedAs(nil, foreign, "s3:GetObject", "arn:aws:s3:::shared/x", nil) {
		t.Error("foreign account without a grant")
	}
	if k.AllowedAs(nil, AnonymousCaller(), "s3:GetObject", "arn:aws:s3:::shared/x", nil) {
		t.Error("anonymous without a public grant")
	}
}

func TestAnonymousCaller(t *testing.T) {
	pub := acompile(t, `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::site/*"}]}`, KindResource)
	acctOnly := acompile(t, `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"`+acct+`"},"Action":"s3:GetObject","Resource":"*"}]}`, KindResource)
	orgOnly := acompile(t, `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"*","Condition":{"StringEquals":{"aws:PrincipalOrgID":"o-abc"}}}]}`, KindResource)
	for _, tt := range []struct {
		name string
		pol  *Policy
		want Decision
	}{
		{"Principal * admits anonymous requests", pub, Allow},
		{"an account principal never admits anonymous requests", acctOnly, ImplicitDeny},
		{"aws:PrincipalOrgID is absent on anonymous requests", orgOnly, ImplicitDeny},
	} {
		req, err := NewRequest("arn:aws:iam::"+acct+":root", "s3:GetObject", "arn:aws:s3:::site/index.html", nil)
		if err != nil {
			t.Fatal(err)
		}
		req.SetCaller(AnonymousCaller())
		var res Result
		Evaluate(&Input{Resource: tt.pol}, req, &res)
		if res.Decision != tt.want {
			t.Errorf("%s: %s, want %s", tt.name, res.Decision, tt.want)
		}
	}
}

func acompile(t testing.TB, js string, kind Kind) *Policy {
	t.Helper()
	d, _ := kdoc(t, js).Get()
	p, err := Compile(d, kind, "p")
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// escalationCase builds an account where "actor" holds the given policy.
type escalationCase struct {
	name  string
	build func(t *testing.T, ta *testAccount, actorPolicy func(js string) string)
	actor string // principal label
	// want is a substring of one path's String(); "" = no escalation.
	want string
}

func TestEscalationMethods(t *testing.T) {
	adminTrust := trustAWS("arn:aws:iam::" + acct + ":root")
	cases := []escalationCase{
		{"CreatePolicyVersion on a policy attached to itself", func(t *testing.T, ta *testAccount, pol func(string) string) {
			ta.user("dev", nil, pol(allow(`["iam:CreatePolicyVersion","s3:GetObject"]`, `"arn:aws:iam::`+acct+`:policy/*"`)))
		}, "user/dev", "iam:CreatePolicyVersion -> arn:aws:iam::" + acct + ":policy/actor"},
		{"CreatePolicyVersion limited to another policy is no escalation", func(t *testing.T, ta *testAccount, pol func(string) string) {
			ta.user("dev", nil, pol(allow(`"iam:CreatePolicyVersion"`, `"arn:aws:iam::`+acct+`:policy/unrelated"`)))
		}, "user/dev", ""},
		{"SetDefaultPolicyVersion to an admin version", func(t *testing.T, ta *testAccount, _ func(string) string) {
			arn := ta.policy(t, "ops", allow(`"iam:SetDefaultPolicyVersion"`, `"*"`), adminDoc)
			ta.user("ops", nil, arn)
		}, "user/ops", "iam:SetDefaultPolicyVersion"},
		{"AttachUserPolicy on itself", func(t *testing.T, ta *testAccount, pol func(string) string) {
			ta.user("dev", nil, pol(allow(`"iam:AttachUserPolicy"`, `"arn:aws:iam::`+acct+`:user/${aws:username}"`)))
		}, "user/dev", "iam:AttachUserPolicy -> arn:aws:iam::" + acct + ":user/dev"},
		{"PutUserPolicy on itself", func(t *testing.T, ta *testAccount, pol func(string) string) {
			ta.user("dev", nil, pol(allow(`"iam:PutUserPolicy"`, `"*"`)))
		}, "user/dev", "iam:PutUserPolicy"},
		{"AttachGroupPolicy on its group", func(t *testing.T, ta *testAccount, pol func(string) string) {
			ta.group("devs", pol(allow(`"iam:AttachGroupPolicy"`, `"arn:aws:iam::`+acct+`:group/devs"`)))
			ta.user("dev", []string{"devs"})
		}, "user/dev", "iam:AttachGroupPolicy -> arn:aws:iam::" + acct + ":group/devs"},
		{"PutGroupPolicy on its group", func(t *testing.T, ta *testAccount, pol func(string) string) {
			ta.group("devs", pol(allow(`"iam:PutGroupPolicy"`, `"*"`)))
			ta.user("dev", []string{"devs"})
		}, "user/dev", "iam:PutGroupPolicy"},
		{"AddUserToGroup to an admin group", func(t *testing.T, ta *testAccount, pol func(string) string) {
			ta.group("Admins", ta.awsPolicy(t, "AdministratorAccess", adminDoc))
			ta.user("dev", nil, pol(allow(`"iam:AddUserToGroup"`, `"*"`)))
		}, "user/dev", "iam:AddUserToGroup -> arn:aws:iam::" + acct + ":group/Admins"},
		{"AddUserToGroup to a read-only group is no escalation", func(t *testing.T, ta *testAccount, pol func(string) string) {
			ta.group("Readers", ta.awsPolicy(t, "ReadOnlyAccess", allow(`"s3:Get*"`, `"*"`)))
			ta.user("dev", nil, pol(allow(`"iam:AddUserToGroup"`, `"*"`)))
		}, "user/dev", ""},
		{"CreateAccessKey for an admin user", func(t *testing.T, ta *testAccount, pol func(string) string) {
			ta.user("root-ish", nil, ta.awsPolicy(t, "AdministratorAccess", adminDoc))
			ta.user("helpdesk", nil, pol(allow(`"iam:CreateAccessKey"`, `"arn:aws:iam::`+acct+`:user/*"`)))
		}, "user/helpdesk", "iam:CreateAccessKey -> arn:aws:iam::" + acct + ":user/root-ish"},
		{"CreateLoginProfile for an admin user without password", func(t *testing.T, ta *testAccount, pol func(string) string) {
			u := ta.user("svc-admin", nil, ta.awsPolicy(t, "AdministratorAccess", adminDoc))
			u.Credentials.PasswordEnabled = model.Known(false, model.Source{})
			ta.user("helpdesk", nil, pol(allow(`"iam:CreateLoginProfile"`, `"*"`)))
		}, "user/helpdesk", "iam:CreateLoginProfile"},
		{"UpdateLoginProfile needs a user with a password", func(t *testing.T, ta *testAccount, pol func(string) string) {
			u := ta.user("svc-admin", nil, ta.awsPolicy(t, "AdministratorAccess", adminDoc))
			u.Credentials.PasswordEnabled = model.Known(false, model.Source{})
			ta.user("helpdesk", nil, pol(allow(`"iam:UpdateLoginProfile"`, `"*"`)))
		}, "user/helpdesk", ""},
		{"UpdateAssumeRolePolicy on an admin role", func(t *testing.T, ta *testAccount, pol func(string) string) {
			ta.role(t, "admin", trustAWS("arn:aws:iam::999988887777:root"), ta.awsPolicy(t, "AdministratorAccess", adminDoc))
			ta.user("dev", nil, pol(allow(`"iam:UpdateAssumeRolePolicy"`, `"*"`)))
		}, "user/dev", "iam:UpdateAssumeRolePolicy -> arn:aws:iam::" + acct + ":role/admin"},
		{"PutRolePolicy on itself (role)", func(t *testing.T, ta *testAccount, pol func(string) string) {
			ta.role(t, "app", trustService("ec2.amazonaws.com"), pol(allow(`"iam:PutRolePolicy"`, `"arn:aws:iam::`+acct+`:role/app"`)))
		}, "role/app", "iam:PutRolePolicy -> arn:aws:iam::" + acct + ":role/app"},
		{"AttachRolePolicy on an assumable role", func(t *testing.T, ta *testAccount, pol func(string) string) {
			ta.role(t, "deploy", trustAWS("arn:aws:iam::"+acct+":user/dev"), pol(allow(`"iam:AttachRolePolicy"`, `"*"`)))
			ta.user("dev", nil)
		}, "user/dev", "user/dev -> sts:AssumeRole -> arn:aws:iam::" + acct + ":role/deploy -> the permissions of role/deploy => role/deploy -> iam:AttachRolePolicy"},
		{"role chain to an admin role", func(t *testing.T, ta *testAccount, pol func(string) string) {
			ta.role(t, "admin", trustAWS("arn:aws:iam::"+acct+":role/hop"), ta.awsPolicy(t, "AdministratorAccess", adminDoc))
			ta.role(t, "hop", adminTrust, ta.policy(t, "hop", allow(`"sts:AssumeRole"`, `"arn:aws:iam::`+acct+`:role/admin"`)))
			ta.user("dev", nil, pol(allow(`"sts:AssumeRole"`, `"arn:aws:iam::`+acct+`:role/hop"`)))
		}, "user/dev", "role/hop -> sts:AssumeRole -> arn:aws:iam::" + acct + ":role/admin"},
		{"assume role denied by trust condition", func(t *testing.T, ta *testAccount, pol func(string) string) {
			ta.role(t, "admin", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::`+acct+`:root"},"Action":"sts:AssumeRole","Condition":{"Bool":{"aws:MultiFactorAuthPresent":"true"}}}]}`, ta.awsPolicy(t, "AdministratorAccess", adminDoc))
			ta.user("dev", nil, pol(allow(`"sts:AssumeRole"`, `"*"`)))
		}, "user/dev", ""},
	}
	type svc struct{ name, trust, actions string }
	for _, s := range []svc{
		{"ec2", "ec2.amazonaws.com", `["ec2:RunInstances"]`},
		{"lambda invoke", "lambda.amazonaws.com", `["lambda:CreateFunction","lambda:InvokeFunction"]`},
		{"lambda event source", "lambda.amazonaws.com", `["lambda:CreateFunction","lambda:CreateEventSourceMapping"]`},
		{"glue", "glue.amazonaws.com", `["glue:CreateDevEndpoint"]`},
		{"cloudformation", "cloudformation.amazonaws.com", `["cloudformation:CreateStack"]`},
		{"datapipeline", "datapipeline.amazonaws.com", `["datapipeline:CreatePipeline","datapipeline:PutPipelineDefinition"]`},
		{"sagemaker", "sagemaker.amazonaws.com", `["sagemaker:CreateNotebookInstance","sagemaker:CreatePresignedNotebookInstanceUrl"]`},
		{"codebuild", "codebuild.amazonaws.com", `["codebuild:CreateProject","codebuild:StartBuild"]`},
		{"ecs", "ecs-tasks.amazonaws.com", `["ecs:RegisterTaskDefinition","ecs:RunTask"]`},
	} {
		s := s
		cases = append(cases, escalationCase{"PassRole + " + s.name, func(t *testing.T, ta *testAccount, pol func(string) string) {
			ta.role(t, "power", trustService(s.trust), ta.awsPolicy(t, "AdministratorAccess", adminDoc))
			ta.user("dev", nil, pol(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":`+s.actions+`,"Resource":"*"},`+
				`{"Effect":"Allow","Action":"iam:PassRole","Resource":"arn:aws:iam::`+acct+`:role/power","Condition":{"StringEquals":{"iam:PassedToService":"`+s.trust+`"}}}]}`))
		}, "user/dev", "iam:PassRole + "})
	}
	cases = append(cases,
		escalationCase{"PassRole to a role that does not trust the service", func(t *testing.T, ta *testAccount, pol func(string) string) {
			ta.role(t, "power", trustService("lambda.amazonaws.com"), ta.awsPolicy(t, "AdministratorAccess", adminDoc))
			ta.user("dev", nil, pol(allow(`["ec2:RunInstances","iam:PassRole"]`, `"*"`)))
		}, "user/dev", ""},
		escalationCase{"PassRole restricted to another service", func(t *testing.T, ta *testAccount, pol func(string) string) {
			ta.role(t, "power", trustService("ec2.amazonaws.com"), ta.awsPolicy(t, "AdministratorAccess", adminDoc))
			ta.user("dev", nil, pol(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"ec2:RunInstances","Resource":"*"},`+
				`{"Effect":"Allow","Action":"iam:PassRole","Resource":"*","Condition":{"StringEquals":{"iam:PassedToService":"lambda.amazonaws.com"}}}]}`))
		}, "user/dev", ""},
		escalationCase{"boundary blocks self-granted admin", func(t *testing.T, ta *testAccount, pol func(string) string) {
			u := ta.user("dev", nil, pol(allow(`["iam:PutUserPolicy","s3:*"]`, `"*"`)))
			u.PermissionsBoundary = model.Known(ta.policy(t, "bnd", allow(`["s3:*","iam:PutUserPolicy"]`, `"*"`)), model.Source{})
		}, "user/dev", ""},
		escalationCase{"explicit deny on iam:* stops it", func(t *testing.T, ta *testAccount, pol func(string) string) {
			ta.user("dev", nil, pol(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"iam:PutUserPolicy","Resource":"*"},{"Effect":"Deny","Action":"iam:*","Resource":"*"}]}`))
		}, "user/dev", ""},
	)
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			ta := newTestAccount()
			tc.build(t, ta, func(js string) string { return ta.policy(t, "actor", js) })
			a := ta.account()
			var got *Escalation
			for _, e := range a.Escalations() {
				if e.Principal.Label() == tc.actor {
					e := e
					got = &e
				}
			}
			if got == nil {
				t.Fatalf("no principal %s", tc.actor)
			}
			var all []string
			for _, p := range got.Paths {
				all = append(all, p.String())
			}
			joined := strings.Join(all, "\n")
			if tc.want == "" {
				if len(got.Paths) > 0 || got.Admin {
					t.Errorf("want no escalation, got admin=%v paths:\n%s", got.Admin, joined)
				}
				return
			}
			if !strings.Contains(joined, tc.want) {
				t.Errorf("want a path containing %q, got:\n%s", tc.want, joined)
			}
		})
	}
}

func TestIsAdmin(t *testing.T) {
	ta := newTestAccount()
	ta.user("admin", nil, ta.awsPolicy(t, "AdministratorAccess", adminDoc))
	ta.user("notaction", nil, ta.policy(t, "na", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","NotAction":"iam:CreateUser","Resource":"*"}]}`))
	ta.user("poweruser", nil, ta.policy(t, "pu", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","NotAction":["iam:*","organizations:*"],"Resource":"*"}]}`))
	ta.user("mfa", nil, ta.policy(t, "mfa", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*","Condition":{"Bool":{"aws:MultiFactorAuthPresent":"true"}}}]}`))
	a := ta.account()
	k := a.NewAsker()
	for name, want := range map[string]bool{"admin": true, "notaction": true, "poweruser": false, "mfa": false} {
		if got, reasons := k.IsAdmin(a.Principal("user/" + name)); got != want || (got && len(reasons) == 0) {
			t.Errorf("%s: admin=%v (reasons %v), want %v", name, got, reasons, want)
		}
	}
}

// FuzzAccountAnalysis feeds arbitrary policy documents to the account
// analysis as an identity policy, a trust policy and a bucket policy: it
// must never panic, whatever compiles or not.
func FuzzAccountAnalysis(f *testing.F) {
	f.Add(adminDoc, trustAWS("arn:aws:iam::"+acct+":root"))
	f.Add(allow(`["iam:PassRole","ec2:RunInstances"]`, `"*"`), trustService("ec2.amazonaws.com"))
	f.Add(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","NotAction":"iam:*","NotResource":"arn:aws:s3:::x"}]}`,
		`{"Statement":[{"Effect":"Allow","NotPrincipal":{"AWS":"AROAXXXXXXXXXXXXXXXXX"},"Action":"sts:*"}]}`)
	f.Fuzz(func(t *testing.T, identity, resource string) {
		src := model.Source{File: "fuzz.json"}
		id, err1 := awsmodel.ParsePolicy([]byte(identity), src)
		rp, err2 := awsmodel.ParsePolicy([]byte(resource), src)
		if err1 != nil || err2 != nil {
			return
		}
		ta := newTestAccount()
		arn := "arn:aws:iam::" + acct + ":policy/fuzz"
		ta.inv.Policies = append(ta.inv.Policies, &awsmodel.ManagedPolicy{Identity: awsmodel.Identity{ARN: arn, Name: "fuzz"},
			Versions: []awsmodel.PolicyVersion{{VersionID: "v1", IsDefault: true, Document: model.Known(id, src)}, {VersionID: "v2", Document: model.Known(id, src)}}})
		ta.group("g", arn)
		ta.user("u", []string{"g"}, arn)
		ta.inv.Roles = append(ta.inv.Roles, &awsmodel.Role{Identity: awsmodel.Identity{ARN: "arn:aws:iam::" + acct + ":role/r", Name: "r"},
			TrustPolicy: model.Known(rp, src), AttachedPolicies: []awsmodel.AttachedPolicy{{ARN: arn}}})
		ta.inv.Buckets = append(ta.inv.Buckets, &awsmodel.Bucket{Identity: awsmodel.Identity{ARN: "arn:aws:s3:::b", Name: "b"}, Policy: model.Known(rp, src)})
		// The identity document is also an SCP of the account's OU, and the
		// role runs on an instance and as a function's execution role.
		scp := &awsmodel.OrgPolicy{ID: "p-fuzz", Name: "fuzz", Type: awsmodel.OrgPolicySCP, Document: model.Known(id, src)}
		full := &awsmodel.OrgPolicy{ID: "p-full", Name: "FullAWSAccess", Type: awsmodel.OrgPolicySCP, Document: kdoc(t, adminDoc)}
		ta.withOrg([3][]*awsmodel.OrgPolicy{{full}, {scp}, {full}}, [3][]*awsmodel.OrgPolicy{}, [3]bool{true, true, true})
		ta.inv.Roles[len(ta.inv.Roles)-1].InstanceProfiles = []string{"arn:aws:iam::" + acct + ":instance-profile/r"}
		ta.instance("i-0fuzz", "arn:aws:iam::"+acct+":instance-profile/r")
		ta.inv.PolicyHolders.Functions = []*awsmodel.LambdaFunction{{Identity: awsmodel.Identity{ARN: "arn:aws:lambda:us-east-1:" + acct + ":function:f", Name: "f"},
			Role: model.Known("arn:aws:iam::"+acct+":role/r", src), Policy: model.Known(rp, src)}}
		a := ta.account()
		a.Escalations()
		// A bucket policy that does not compile is an error naming it.
		if _, err := a.WhoCan("s3:GetObject", "arn:aws:s3:::b/k", nil); err != nil && !strings.Contains(err.Error(), "bucket policy of b") {
			t.Fatal(err)
		}
		if _, err := a.DataAccess(s3Probes("b")); err != nil && !strings.Contains(err.Error(), "bucket policy of b") {
			t.Fatal(err)
		}
	})
}

func TestWhoCanOutsiders(t *testing.T) {
	ta := newTestAccount()
	ta.role(t, "shared", `{"Version":"2012-10-17","Statement":[`+
		`{"Effect":"Allow","Principal":{"Service":"lambda.amazonaws.com"},"Action":"sts:AssumeRole"},`+
		`{"Effect":"Allow","Principal":{"AWS":["arn:aws:iam::444455556666:role/ci/deployer","777788889999"]},"Action":"sts:AssumeRole"},`+
		`{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::555566667777:root"},"Action":"sts:AssumeRole","Condition":{"StringEquals":{"sts:ExternalId":"x"}}},`+
		`{"Effect":"Allow","Principal":{"Federated":"arn:aws:iam::`+acct+`:oidc-provider/token.actions.githubusercontent.com"},"Action":"sts:AssumeRoleWithWebIdentity"}]}`)
	a := ta.account()
	who, err := a.WhoCan("sts:AssumeRole", "arn:aws:iam::"+acct+":role/shared", nil)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, w := range who {
		got = append(got, w.Principal.ARN)
	}
	// The ExternalId partner needs context; the OIDC provider another action.
	want := "arn:aws:iam::444455556666:role/ci/deployer,arn:aws:iam::777788889999:root,lambda.amazonaws.com"
	if strings.Join(got, ",") != want {
		t.Errorf("who-can: %v, want %s", got, want)
	}
	who, _ = a.WhoCan("sts:AssumeRole", "arn:aws:iam::"+acct+":role/shared", map[string]string{"sts:ExternalId": "x"})
	if len(who) != 4 {
		t.Errorf("with the ExternalId: %d principals", len(who))
	}
}

// Role chains are followed up to MaxChain hops: hop-1 ... hop-N, where each
// role trusts the previous one and the last is an administrator.
func TestEscalationChainBound(t *testing.T) {
	for _, tt := range []struct {
		hops int
		want bool
	}{{MaxChain, true}, {MaxChain + 1, false}} {
		ta := newTestAccount()
		admin := ta.awsPolicy(t, "AdministratorAccess", adminDoc)
		prev := "arn:aws:iam::" + acct + ":user/dev"
		for i := 1; i <= tt.hops; i++ {
			name := "hop-" + string(rune('0'+i))
			var managed []string
			if i == tt.hops {
				managed = append(managed, admin)
			}
			ta.role(t, name, trustAWS(prev), managed...)
			prev = "arn:aws:iam::" + acct + ":role/" + name
		}
		ta.user("dev", nil)
		a := ta.account()
		for _, e := range a.Escalations() {
			if e.Principal.Label() != "user/dev" {
				continue
			}
			if got := len(e.Paths) > 0; got != tt.want {
				t.Errorf("%d hops: escalation %v, want %v (%v)", tt.hops, got, tt.want, e.Paths)
			}
			if tt.want && len(e.Paths[0]) != tt.hops {
				t.Errorf("%d hops: path %s", tt.hops, e.Paths[0])
			}
		}
	}
}
