package iam

import (
	"strings"
	"testing"

	"github.com/cloudward/cloudward/internal/model"
	awsmodel "github.com/cloudward/cloudward/internal/model/aws"
)

// runEscalationCases builds each case's account and looks for a path of
// the actor containing want ("" = no escalation at all).
func runEscalationCases(t *testing.T, cases []escalationCase) {
	t.Helper()
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

// passRoleTo is a policy statement letting the actor pass role name to svc.
func passRoleTo(name, svc string) string {
	return `{"Effect":"Allow","Action":"iam:PassRole","Resource":"arn:aws:iam::` + acct + `:role/` + name +
		`","Condition":{"StringEquals":{"iam:PassedToService":"` + svc + `"}}}`
}

func stmts(s ...string) string {
	return `{"Version":"2012-10-17","Statement":[` + strings.Join(s, ",") + `]}`
}

func stmt(actions, resources string) string {
	return `{"Effect":"Allow","Action":` + actions + `,"Resource":` + resources + `}`
}

// TestEscalationExactTargets: grants scoped to one named function, stack,
// role or user are found (the probes ask about the resources the grants
// name, not only "*"); grants on unrelated resources are not.
func TestEscalationExactTargets(t *testing.T) {
	admin := func(t *testing.T, ta *testAccount) string { return ta.awsPolicy(t, "AdministratorAccess", adminDoc) }
	fn := "arn:aws:lambda:us-east-1:" + acct + ":function:"
	cases := []escalationCase{
		{"lambda create+invoke granted on one named function", func(t *testing.T, ta *testAccount, pol func(string) string) {
			ta.role(t, "power", trustService("lambda.amazonaws.com"), admin(t, ta))
			ta.user("dev", nil, pol(stmts(stmt(`["lambda:CreateFunction","lambda:InvokeFunction"]`, `"`+fn+`deploy-hook"`),
				passRoleTo("power", "lambda.amazonaws.com"))))
		}, "user/dev", "lambda:CreateFunction + lambda:InvokeFunction (on " + fn + "deploy-hook) -> arn:aws:iam::" + acct + ":role/power"},
		{"lambda grant on a name prefix in another region", func(t *testing.T, ta *testAccount, pol func(string) string) {
			ta.role(t, "power", trustService("lambda.amazonaws.com"), admin(t, ta))
			ta.user("dev", nil, pol(stmts(stmt(`["lambda:CreateFunction","lambda:InvokeFunction"]`, `"arn:aws:lambda:eu-west-1:`+acct+`:function:etl-*"`),
				passRoleTo("power", "lambda.amazonaws.com"))))
		}, "user/dev", "(on arn:aws:lambda:eu-west-1:" + acct + ":function:etl-x)"},
		{"lambda create on one function, invoke on another: no escalation", func(t *testing.T, ta *testAccount, pol func(string) string) {
			ta.role(t, "power", trustService("lambda.amazonaws.com"), admin(t, ta))
			ta.user("dev", nil, pol(stmts(stmt(`"lambda:CreateFunction"`, `"`+fn+`a"`), stmt(`"lambda:InvokeFunction"`, `"`+fn+`b"`),
				passRoleTo("power", "lambda.amazonaws.com"))))
		}, "user/dev", ""},
		{"lambda grant on an unrelated resource type (a layer): no escalation", func(t *testing.T, ta *testAccount, pol func(string) string) {
			ta.role(t, "power", trustService("lambda.amazonaws.com"), admin(t, ta))
			ta.user("dev", nil, pol(stmts(stmt(`["lambda:CreateFunction","lambda:InvokeFunction"]`, `"arn:aws:lambda:us-east-1:`+acct+`:layer:deploy-hook"`),
				passRoleTo("power", "lambda.amazonaws.com"))))
		}, "user/dev", ""},
		{"lambda grant in another account: no escalation", func(t *testing.T, ta *testAccount, pol func(string) string) {
			ta.role(t, "power", trustService("lambda.amazonaws.com"), admin(t, ta))
			ta.user("dev", nil, pol(stmts(stmt(`["lambda:CreateFunction","lambda:InvokeFunction"]`, `"arn:aws:lambda:us-east-1:999988887777:function:*"`),
				passRoleTo("power", "lambda.amazonaws.com"))))
		}, "user/dev", ""},
		{"cloudformation CreateStack on one named stack", func(t *testing.T, ta *testAccount, pol func(string) string) {
			ta.role(t, "cfn-exec", trustService("cloudformation.amazonaws.com"), admin(t, ta))
			ta.user("dev", nil, pol(stmts(stmt(`"cloudformation:CreateStack"`, `"arn:aws:cloudformation:us-east-1:`+acct+`:stack/network-baseline/*"`),
				passRoleTo("cfn-exec", "cloudformation.amazonaws.com"))))
		}, "user/dev", "cloudformation:CreateStack (on arn:aws:cloudformation:us-east-1:" + acct + ":stack/network-baseline/x)"},
		{"cloudformation CreateStack on a change set ARN only: no escalation", func(t *testing.T, ta *testAccount, pol func(string) string) {
			ta.role(t, "cfn-exec", trustService("cloudformation.amazonaws.com"), admin(t, ta))
			ta.user("dev", nil, pol(stmts(stmt(`"cloudformation:CreateStack"`, `"arn:aws:cloudformation:us-east-1:`+acct+`:changeSet/network-baseline/*"`),
				passRoleTo("cfn-exec", "cloudformation.amazonaws.com"))))
		}, "user/dev", ""},
		{"codebuild on one named project", func(t *testing.T, ta *testAccount, pol func(string) string) {
			ta.role(t, "builder", trustService("codebuild.amazonaws.com"), admin(t, ta))
			ta.user("dev", nil, pol(stmts(stmt(`["codebuild:CreateProject","codebuild:StartBuild"]`, `"arn:aws:codebuild:us-east-1:`+acct+`:project/release"`),
				passRoleTo("builder", "codebuild.amazonaws.com"))))
		}, "user/dev", "codebuild:StartBuild (on arn:aws:codebuild:us-east-1:" + acct + ":project/release)"},
		{"PassRole on one named role found", func(t *testing.T, ta *testAccount, pol func(string) string) {
			ta.role(t, "power", trustService("ec2.amazonaws.com"), admin(t, ta))
			ta.user("dev", nil, pol(stmts(stmt(`"ec2:RunInstances"`, `"*"`), stmt(`"iam:PassRole"`, `"arn:aws:iam::`+acct+`:role/power"`))))
		}, "user/dev", "iam:PassRole + ec2:RunInstances with an instance profile -> arn:aws:iam::" + acct + ":role/power"},
		{"PassRole on an unrelated role: no escalation", func(t *testing.T, ta *testAccount, pol func(string) string) {
			ta.role(t, "power", trustService("ec2.amazonaws.com"), admin(t, ta))
			ta.role(t, "web", trustService("ec2.amazonaws.com"))
			ta.user("dev", nil, pol(stmts(stmt(`"ec2:RunInstances"`, `"*"`), stmt(`"iam:PassRole"`, `"arn:aws:iam::`+acct+`:role/web"`))))
		}, "user/dev", ""},
		{"CreateAccessKey on one named admin user", func(t *testing.T, ta *testAccount, pol func(string) string) {
			ta.user("ops-admin", nil, admin(t, ta))
			ta.user("helpdesk", nil, pol(allow(`"iam:CreateAccessKey"`, `"arn:aws:iam::`+acct+`:user/ops-admin"`)))
		}, "user/helpdesk", "iam:CreateAccessKey -> arn:aws:iam::" + acct + ":user/ops-admin"},
		{"CreateAccessKey on an unrelated user: no escalation", func(t *testing.T, ta *testAccount, pol func(string) string) {
			ta.user("ops-admin", nil, admin(t, ta))
			ta.user("intern", nil)
			ta.user("helpdesk", nil, pol(allow(`"iam:CreateAccessKey"`, `"arn:aws:iam::`+acct+`:user/intern"`)))
		}, "user/helpdesk", ""},
		{"UpdateAssumeRolePolicy on one named role", func(t *testing.T, ta *testAccount, pol func(string) string) {
			ta.role(t, "break-glass", trustAWS("arn:aws:iam::999988887777:root"), admin(t, ta))
			ta.user("dev", nil, pol(allow(`"iam:UpdateAssumeRolePolicy"`, `"arn:aws:iam::`+acct+`:role/break-glass"`)))
		}, "user/dev", "iam:UpdateAssumeRolePolicy -> arn:aws:iam::" + acct + ":role/break-glass"},
		{"UpdateAssumeRolePolicy on an unrelated role: no escalation", func(t *testing.T, ta *testAccount, pol func(string) string) {
			ta.role(t, "break-glass", trustAWS("arn:aws:iam::999988887777:root"), admin(t, ta))
			ta.role(t, "readonly", trustAWS("arn:aws:iam::999988887777:root"))
			ta.user("dev", nil, pol(allow(`"iam:UpdateAssumeRolePolicy"`, `"arn:aws:iam::`+acct+`:role/readonly"`)))
		}, "user/dev", ""},
		{"policy variable in the grant is not instantiated (no false positive)", func(t *testing.T, ta *testAccount, pol func(string) string) {
			ta.role(t, "power", trustService("lambda.amazonaws.com"), admin(t, ta))
			ta.user("dev", nil, pol(stmts(stmt(`["lambda:CreateFunction","lambda:InvokeFunction"]`, `"`+fn+`${aws:PrincipalTag/team}-*"`),
				passRoleTo("power", "lambda.amazonaws.com"))))
		}, "user/dev", ""},
	}
	runEscalationCases(t, cases)
}

// instance adds a running instance with the given instance profile.
func (ta *testAccount) instance(id, profileARN string) {
	ta.inv.Instances = append(ta.inv.Instances, &awsmodel.Instance{
		Identity:        awsmodel.Identity{ARN: "arn:aws:ec2:us-east-1:" + acct + ":instance/" + id, ID: id, Name: id, Region: "us-east-1"},
		State:           model.Known("running", model.Source{}),
		InstanceProfile: model.Known(profileARN, model.Source{})})
}

func TestEscalationMoreMethods(t *testing.T) {
	admin := func(t *testing.T, ta *testAccount) string { return ta.awsPolicy(t, "AdministratorAccess", adminDoc) }
	inst := "arn:aws:ec2:us-east-1:" + acct + ":instance/"
	prof := "arn:aws:iam::" + acct + ":instance-profile/ops-box"
	opsBox := func(t *testing.T, ta *testAccount) {
		r := ta.role(t, "ops-box", trustService("ec2.amazonaws.com"), admin(t, ta))
		r.InstanceProfiles = []string{prof}
		ta.instance("i-0abc1234def567890", prof)
	}
	cases := []escalationCase{
		{"ssm SendCommand on an instance whose profile is admin", func(t *testing.T, ta *testAccount, pol func(string) string) {
			opsBox(t, ta)
			ta.user("dev", nil, pol(allow(`"ssm:SendCommand"`, `["`+inst+`i-0abc1234def567890","arn:aws:ssm:us-east-1::document/AWS-RunShellScript"]`)))
		}, "user/dev", "user/dev -> ssm:SendCommand -> " + inst + "i-0abc1234def567890 -> the permissions of role/ops-box (instance profile of i-0abc1234def567890), a full administrator"},
		{"ssm SendCommand without the shell document: no escalation", func(t *testing.T, ta *testAccount, pol func(string) string) {
			opsBox(t, ta)
			ta.user("dev", nil, pol(allow(`"ssm:SendCommand"`, `["`+inst+`*","arn:aws:ssm:us-east-1::document/AWS-ConfigureAWSPackage"]`)))
		}, "user/dev", ""},
		{"ssm SendCommand on another instance: no escalation", func(t *testing.T, ta *testAccount, pol func(string) string) {
			opsBox(t, ta)
			ta.user("dev", nil, pol(allow(`"ssm:SendCommand"`, `["`+inst+`i-0fff","arn:aws:ssm:*::document/*"]`)))
		}, "user/dev", ""},
		{"ssm StartSession", func(t *testing.T, ta *testAccount, pol func(string) string) {
			opsBox(t, ta)
			ta.user("dev", nil, pol(allow(`"ssm:StartSession"`, `"`+inst+`*"`)))
		}, "user/dev", "ssm:StartSession -> " + inst + "i-0abc1234def567890"},
		{"StartSession on an instance without profile: no escalation", func(t *testing.T, ta *testAccount, pol func(string) string) {
			ta.role(t, "ops-box", trustService("ec2.amazonaws.com"), admin(t, ta))
			ta.instance("i-0abc1234def567890", "")
			ta.user("dev", nil, pol(allow(`"ssm:StartSession"`, `"*"`)))
		}, "user/dev", ""},
		{"EC2 Instance Connect", func(t *testing.T, ta *testAccount, pol func(string) string) {
			opsBox(t, ta)
			ta.user("dev", nil, pol(allow(`"ec2-instance-connect:SendSSHPublicKey"`, `"*"`)))
		}, "user/dev", "ec2-instance-connect:SendSSHPublicKey"},
		{"ModifyInstanceAttribute userData with stop/start", func(t *testing.T, ta *testAccount, pol func(string) string) {
			opsBox(t, ta)
			ta.user("dev", nil, pol(allow(`["ec2:ModifyInstanceAttribute","ec2:StopInstances","ec2:StartInstances"]`, `"`+inst+`*"`)))
		}, "user/dev", "ec2:ModifyInstanceAttribute (userData) + ec2:StopInstances + ec2:StartInstances"},
		{"ModifyInstanceAttribute without StartInstances: no escalation", func(t *testing.T, ta *testAccount, pol func(string) string) {
			opsBox(t, ta)
			ta.user("dev", nil, pol(allow(`["ec2:ModifyInstanceAttribute","ec2:StopInstances"]`, `"*"`)))
		}, "user/dev", ""},
		{"lambda UpdateFunctionCode on a function running as an admin role", func(t *testing.T, ta *testAccount, pol func(string) string) {
			ta.role(t, "etl-exec", trustService("lambda.amazonaws.com"), admin(t, ta))
			ta.inv.PolicyHolders.Functions = append(ta.inv.PolicyHolders.Functions, &awsmodel.LambdaFunction{
				Identity: awsmodel.Identity{ARN: "arn:aws:lambda:us-east-1:" + acct + ":function:nightly-etl", Name: "nightly-etl", Region: "us-east-1"},
				Role:     model.Known("arn:aws:iam::"+acct+":role/etl-exec", model.Source{})})
			ta.user("dev", nil, pol(allow(`"lambda:UpdateFunctionCode"`, `"arn:aws:lambda:us-east-1:`+acct+`:function:nightly-etl"`)))
		}, "user/dev", "lambda:UpdateFunctionCode -> arn:aws:lambda:us-east-1:" + acct + ":function:nightly-etl -> the permissions of role/etl-exec"},
		{"lambda UpdateFunctionCode on another function: no escalation", func(t *testing.T, ta *testAccount, pol func(string) string) {
			ta.role(t, "etl-exec", trustService("lambda.amazonaws.com"), admin(t, ta))
			ta.inv.PolicyHolders.Functions = append(ta.inv.PolicyHolders.Functions, &awsmodel.LambdaFunction{
				Identity: awsmodel.Identity{ARN: "arn:aws:lambda:us-east-1:" + acct + ":function:nightly-etl", Name: "nightly-etl", Region: "us-east-1"},
				Role:     model.Known("arn:aws:iam::"+acct+":role/etl-exec", model.Source{})})
			ta.user("dev", nil, pol(allow(`"lambda:UpdateFunctionCode"`, `"arn:aws:lambda:us-east-1:`+acct+`:function:thumbnailer"`)))
		}, "user/dev", ""},
		{"DeleteUserPermissionsBoundary when its own policies are admin", func(t *testing.T, ta *testAccount, pol func(string) string) {
			u := ta.user("dev", nil, admin(t, ta), pol(allow(`"iam:DeleteUserPermissionsBoundary"`, `"arn:aws:iam::`+acct+`:user/dev"`)))
			u.PermissionsBoundary = model.Known(ta.policy(t, "bnd", allow(`["s3:*","iam:DeleteUserPermissionsBoundary"]`, `"*"`)), model.Source{})
		}, "user/dev", "iam:DeleteUserPermissionsBoundary -> arn:aws:iam::" + acct + ":user/dev -> any permission (full administrator) by dropping its permissions boundary"},
		{"PutRolePermissionsBoundary then PutRolePolicy", func(t *testing.T, ta *testAccount, pol func(string) string) {
			r := ta.role(t, "app", trustService("ec2.amazonaws.com"), pol(allow(`["iam:PutRolePermissionsBoundary","iam:PutRolePolicy"]`, `"arn:aws:iam::`+acct+`:role/app"`)))
			r.PermissionsBoundary = model.Known(ta.policy(t, "bnd", allow(`"iam:*"`, `"arn:aws:iam::`+acct+`:role/app"`)), model.Source{})
		}, "role/app", "iam:PutRolePermissionsBoundary + iam:PutRolePolicy -> arn:aws:iam::" + acct + ":role/app"},
		{"PutRolePolicy on a role it can assume", func(t *testing.T, ta *testAccount, pol func(string) string) {
			ta.role(t, "app", trustAWS("arn:aws:iam::"+acct+":user/dev"))
			ta.user("dev", nil, pol(stmts(stmt(`"iam:PutRolePolicy"`, `"arn:aws:iam::`+acct+`:role/app"`), stmt(`"sts:AssumeRole"`, `"*"`))))
		}, "user/dev", "user/dev -> sts:AssumeRole -> arn:aws:iam::" + acct + ":role/app -> the permissions of role/app => user/dev -> iam:PutRolePolicy -> arn:aws:iam::" + acct + ":role/app -> any permission (full administrator) for role/app"},
		{"PutUserPolicy on a user whose access keys it can create", func(t *testing.T, ta *testAccount, pol func(string) string) {
			ta.user("svc-backup", nil)
			ta.user("dev", nil, pol(allow(`["iam:CreateAccessKey","iam:AttachUserPolicy"]`, `"arn:aws:iam::`+acct+`:user/svc-backup"`)))
		}, "user/dev", "user/dev -> iam:AttachUserPolicy -> arn:aws:iam::" + acct + ":user/svc-backup"},
		{"PutRolePolicy on a role it cannot become: no escalation", func(t *testing.T, ta *testAccount, pol func(string) string) {
			ta.role(t, "app", trustService("ec2.amazonaws.com"))
			ta.user("dev", nil, pol(allow(`"iam:PutRolePolicy"`, `"arn:aws:iam::`+acct+`:role/app"`)))
		}, "user/dev", ""},
		{"PutRolePolicy on an assumable role capped by a boundary: no escalation", func(t *testing.T, ta *testAccount, pol func(string) string) {
			r := ta.role(t, "app", trustAWS("arn:aws:iam::"+acct+":user/dev"))
			r.PermissionsBoundary = model.Known(ta.policy(t, "bnd", allow(`"s3:*"`, `"*"`)), model.Source{})
			ta.user("dev", nil, pol(stmts(stmt(`"iam:PutRolePolicy"`, `"*"`), stmt(`"sts:AssumeRole"`, `"*"`))))
		}, "user/dev", ""},
		{"boundary that denies its own removal: no escalation", func(t *testing.T, ta *testAccount, pol func(string) string) {
			u := ta.user("dev", nil, admin(t, ta))
			u.PermissionsBoundary = model.Known(ta.policy(t, "bnd", allow(`"s3:*"`, `"*"`)), model.Source{})
		}, "user/dev", ""},
	}
	runEscalationCases(t, cases)
}

func TestInstantiate(t *testing.T) {
	def := "arn:aws:lambda:us-east-1:" + acct + ":function:*"
	for _, c := range []struct{ pattern, want string }{
		{"arn:aws:lambda:*:" + acct + ":function:deploy-*", "arn:aws:lambda:us-east-1:" + acct + ":function:deploy-x"},
		{"arn:aws:lambda:eu-west-1:*:function:a?c", "arn:aws:lambda:eu-west-1:" + acct + ":function:axc"},
		{"arn:aws:lambda:eu-*:" + acct + ":function:f", "arn:aws:lambda:eu-x:" + acct + ":function:f"},
		{"*", ""},
		{"arn:aws:lambda", ""},
		{"arn:aws:lambda:us-east-1:" + acct + ":function:${aws:username}", ""},
	} {
		if got := instantiate(c.pattern, def); got != c.want {
			t.Errorf("instantiate(%q) = %q, want %q", c.pattern, got, c.want)
		}
	}
}

// FuzzInstantiate: instantiate never panics, and what it returns is an ARN
// the pattern matches (so a probe on it tests the grant it came from).
func FuzzInstantiate(f *testing.F) {
	f.Add("arn:aws:lambda:*:111122223333:function:deploy-*")
	f.Add("arn:aws:s3:::acme-*/reports/??/*")
	f.Add("arn:aws:cloudformation:us-*:*:stack/*/*")
	f.Add("arn:*:*:*:*:*")
	f.Add("arn:aws:iam::111122223333:role/${aws:username}")
	f.Fuzz(func(t *testing.T, pattern string) {
		got := instantiate(pattern, "arn:aws:lambda:us-east-1:111122223333:function:*")
		if got == "" || strings.ContainsRune(pattern, litEscape) {
			return
		}
		ap := compileARNPattern(pattern)
		if !ap.match(got) {
			t.Errorf("instantiate(%q) = %q, which the pattern does not match", pattern, got)
		}
	})
}
