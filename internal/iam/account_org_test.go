package iam

import (
	"strings"
	"testing"

	"github.com/cloudward/cloudward/internal/model"
	awsmodel "github.com/cloudward/cloudward/internal/model/aws"
)

const fullAWSAccess = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}`

func orgPolicy(t testing.TB, id, name, typ, js string) *awsmodel.OrgPolicy {
	op := &awsmodel.OrgPolicy{ID: id, Name: name, Type: typ}
	if js == "" {
		op.Document = model.Unknown[*awsmodel.PolicyDocument]("describe-policy not collected", model.Source{})
	} else {
		op.Document = kdoc(t, js)
	}
	return op
}

func known[T any](v T) model.Value[T] { return model.Known(v, model.Source{}) }

// withOrg puts the account in organization o-exampleorg with a root, one OU
// and the account itself as its path; scps/rcps give each level's policies
// (nil: that level's list not collected).
func (ta *testAccount) withOrg(scps, rcps [3][]*awsmodel.OrgPolicy, scpKnown [3]bool) {
	org := &ta.inv.PolicyHolders.Organization
	org.Member = known(true)
	org.ID = "o-exampleorg"
	org.ManagementAccountID = "999900001111"
	var path []*awsmodel.OrgTarget
	for i, lv := range []struct{ id, typ string }{{"r-ab12", "ROOT"}, {"ou-ab12-prod", "ORGANIZATIONAL_UNIT"}, {acct, "ACCOUNT"}} {
		t := &awsmodel.OrgTarget{ID: lv.id, Type: lv.typ, RCPs: known(rcps[i])}
		if scpKnown[i] {
			t.SCPs = known(scps[i])
		} else {
			t.SCPs = model.Unknown[[]*awsmodel.OrgPolicy]("list-policies-for-target not collected", model.Source{})
		}
		path = append(path, t)
	}
	org.Path = known(path)
}

func TestOrganizationPolicies(t *testing.T) {
	allKnown := [3]bool{true, true, true}
	full := func(t *testing.T) *awsmodel.OrgPolicy {
		return orgPolicy(t, "p-FullAWSAccess", "FullAWSAccess", awsmodel.OrgPolicySCP, fullAWSAccess)
	}
	guard := func(t *testing.T) *awsmodel.OrgPolicy {
		return orgPolicy(t, "p-guard", "prod-guardrails", awsmodel.OrgPolicySCP, `{"Version":"2012-10-17","Statement":[
			{"Effect":"Deny","Action":["organizations:LeaveOrganization","s3:DeleteBucket"],"Resource":"*"}]}`)
	}
	type q struct {
		action, resource string
		want             Decision
		reason           string // substring of the explanation
		note             string // substring of OrgNote ("" = no note)
	}
	cases := []struct {
		name  string
		setup func(t *testing.T, ta *testAccount)
		asks  []q
	}{
		{"SCP deny at the OU is final; other actions pass every level", func(t *testing.T, ta *testAccount) {
			ta.withOrg([3][]*awsmodel.OrgPolicy{{full(t)}, {full(t), guard(t)}, {full(t)}}, [3][]*awsmodel.OrgPolicy{}, allKnown)
		}, []q{
			{"s3:DeleteBucket", "arn:aws:s3:::acme-data", ExplicitDeny, "SCP prod-guardrails (p-guard) at organizational unit ou-ab12-prod", ""},
			{"s3:GetObject", "arn:aws:s3:::acme-data/x", Allow, "identity policy", ""},
		}},
		{"SCP allow-list at the OU: actions outside it are implicitly denied", func(t *testing.T, ta *testAccount) {
			ec2Only := orgPolicy(t, "p-ec2", "ec2-only", awsmodel.OrgPolicySCP, allow(`["ec2:*","s3:*"]`, `"*"`))
			ta.withOrg([3][]*awsmodel.OrgPolicy{{full(t)}, {ec2Only}, {full(t)}}, [3][]*awsmodel.OrgPolicy{}, allKnown)
		}, []q{
			{"iam:CreateUser", "arn:aws:iam::" + acct + ":user/x", ImplicitDeny, RuleSCPGate, ""},
			{"ec2:RunInstances", "*", Allow, "", ""},
		}},
		{"SCPs not collected: Allow carries the assumption", func(t *testing.T, ta *testAccount) {
			ta.inv.PolicyHolders.Organization.Member = model.Unknown[bool]("AccessDenied: organizations:DescribeOrganization", model.Source{})
			ta.inv.PolicyHolders.Organization.Path = model.Unknown[[]*awsmodel.OrgTarget]("not collected", model.Source{})
		}, []q{
			{"s3:DeleteBucket", "arn:aws:s3:::acme-data", Allow, "", "assuming no SCP or RCP denies: SCPs not-collected: AccessDenied"},
			{"iam:CreateUser", "*", Allow, "", "assuming no SCP denies"},
		}},
		{"one level not collected: the others still deny, Allow notes it", func(t *testing.T, ta *testAccount) {
			ta.withOrg([3][]*awsmodel.OrgPolicy{{full(t)}, {full(t), guard(t)}, nil}, [3][]*awsmodel.OrgPolicy{}, [3]bool{true, true, false})
		}, []q{
			{"s3:DeleteBucket", "arn:aws:s3:::acme-data", ExplicitDeny, "prod-guardrails", ""},
			{"s3:GetObject", "arn:aws:s3:::acme-data/x", Allow, "", "SCPs partly-collected: SCPs of account " + acct},
		}},
		{"a document not collected makes the level partial", func(t *testing.T, ta *testAccount) {
			ta.withOrg([3][]*awsmodel.OrgPolicy{{full(t)}, {orgPolicy(t, "p-x", "hidden", awsmodel.OrgPolicySCP, "")}, {full(t)}}, [3][]*awsmodel.OrgPolicy{}, allKnown)
		}, []q{{"s3:GetObject", "arn:aws:s3:::acme-data/x", Allow, "", "SCP hidden (p-x) document not collected"}}},
		{"management account: SCPs do not apply", func(t *testing.T, ta *testAccount) {
			ta.withOrg([3][]*awsmodel.OrgPolicy{{full(t)}, {guard(t)}, {full(t)}}, [3][]*awsmodel.OrgPolicy{}, allKnown)
			ta.inv.PolicyHolders.Organization.ManagementAccountID = acct
		}, []q{{"s3:DeleteBucket", "arn:aws:s3:::acme-data", Allow, "", ""}}},
		{"not in an organization: nothing to apply, no note", func(t *testing.T, ta *testAccount) {
			ta.inv.PolicyHolders.Organization.Member = known(false)
		}, []q{{"s3:DeleteBucket", "arn:aws:s3:::acme-data", Allow, "", ""}}},
		{"no SCP on any level: policy type not enabled", func(t *testing.T, ta *testAccount) {
			ta.withOrg([3][]*awsmodel.OrgPolicy{{}, {}, {}}, [3][]*awsmodel.OrgPolicy{}, allKnown)
		}, []q{{"iam:CreateUser", "*", Allow, "", ""}}},
		{"region-lock SCP: requests carry aws:RequestedRegion", func(t *testing.T, ta *testAccount) {
			lock := orgPolicy(t, "p-lock", "region-lock", awsmodel.OrgPolicySCP, `{"Version":"2012-10-17","Statement":[
				{"Sid":"RegionLock","Effect":"Deny","NotAction":["iam:*","organizations:*","sts:*","support:*"],"Resource":"*",
				 "Condition":{"StringNotEquals":{"aws:RequestedRegion":["us-east-1","eu-west-1"]}}}]}`)
			ta.withOrg([3][]*awsmodel.OrgPolicy{{full(t)}, {full(t), lock}, {full(t)}}, [3][]*awsmodel.OrgPolicy{}, allKnown)
		}, []q{
			{"s3:GetObject", "arn:aws:s3:::acme-data/x", Allow, "", ""},
			{"ec2:RunInstances", "*", Allow, "", ""},
			{"iam:CreateUser", "*", Allow, "", ""},
			{"ec2:RunInstances", "arn:aws:ec2:ap-south-1:" + acct + ":instance/*", ExplicitDeny, `Sid "RegionLock"`, ""},
			{"lambda:InvokeFunction", "arn:aws:lambda:eu-west-1:" + acct + ":function:f", Allow, "", ""},
		}},
		{"RCP data perimeter: own principals carry aws:PrincipalOrgID", func(t *testing.T, ta *testAccount) {
			perim := orgPolicy(t, "p-perim", "data-perimeter", awsmodel.OrgPolicyRCP, `{"Version":"2012-10-17","Statement":[
				{"Effect":"Allow","Principal":"*","Action":"*","Resource":"*"},
				{"Effect":"Deny","Principal":"*","Action":["s3:*","sqs:*"],"Resource":"*",
				 "Condition":{"StringNotEqualsIfExists":{"aws:PrincipalOrgID":"o-exampleorg"},"BoolIfExists":{"aws:PrincipalIsAWSService":"false"}}}]}`)
			ta.withOrg([3][]*awsmodel.OrgPolicy{{full(t)}, {full(t)}, {full(t)}}, [3][]*awsmodel.OrgPolicy{{perim}, {perim}, {perim}}, allKnown)
		}, []q{
			{"s3:GetObject", "arn:aws:s3:::acme-data/x", Allow, "", ""},
			{"iam:CreateUser", "*", Allow, "", ""},
		}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			ta := newTestAccount()
			ta.user("dev", nil, ta.awsPolicy(t, "AdministratorAccess", adminDoc))
			tc.setup(t, ta)
			a := ta.account()
			k := a.NewAsker()
			for _, c := range tc.asks {
				ans, err := k.Can(a.Principal("user/dev"), c.action, c.resource, nil)
				if err != nil {
					t.Fatal(err)
				}
				ex := strings.Join(ans.Explain(), "\n")
				if ans.Result.Decision != c.want || !strings.Contains(ex, c.reason) {
					t.Errorf("%s %s = %s, want %s with %q:\n%s", c.action, c.resource, ans.Result.Decision, c.want, c.reason, ex)
				}
				note := ans.OrgNote
				if note != "" {
					note += ": " + ans.OrgDetail
				}
				if (c.note == "") != (note == "") || !strings.Contains(note, c.note) {
					t.Errorf("%s note = %q, want %q", c.action, note, c.note)
				}
			}
		})
	}
}

func TestOrganizationRCPStopsOutsiders(t *testing.T) {
	ta := newTestAccount()
	b := &awsmodel.Bucket{Identity: awsmodel.Identity{ARN: "arn:aws:s3:::acme-shared", Name: "acme-shared"},
		Policy: kdoc(t, `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::444455556666:root"},"Action":"s3:GetObject","Resource":"arn:aws:s3:::acme-shared/*"}]}`)}
	ta.inv.Buckets = append(ta.inv.Buckets, b)
	ta.user("dev", nil, ta.policy(t, "read", allow(`"s3:GetObject"`, `"*"`)))
	full := orgPolicy(t, "p-FullAWSAccess", "FullAWSAccess", awsmodel.OrgPolicySCP, fullAWSAccess)
	perim := orgPolicy(t, "p-perim", "data-perimeter", awsmodel.OrgPolicyRCP, `{"Version":"2012-10-17","Statement":[
		{"Effect":"Allow","Principal":"*","Action":"*","Resource":"*"},
		{"Effect":"Deny","Principal":"*","Action":"s3:*","Resource":"*","Condition":{"StringNotEqualsIfExists":{"aws:PrincipalOrgID":"o-exampleorg"}}}]}`)
	ta.withOrg([3][]*awsmodel.OrgPolicy{{full}, {full}, {full}}, [3][]*awsmodel.OrgPolicy{{perim}, {perim}, {perim}}, [3]bool{true, true, true})
	a := ta.account()
	got, err := a.WhoCan("s3:GetObject", "arn:aws:s3:::acme-shared/report.csv", nil)
	if err != nil {
		t.Fatal(err)
	}
	var who []string
	for _, ans := range got {
		who = append(who, ans.Principal.ARN)
	}
	if strings.Join(who, ",") != "arn:aws:iam::"+acct+":user/dev" {
		t.Errorf("who-can with an RCP perimeter = %v, want only the own user (the foreign account is outside the organization)", who)
	}
	// Without the RCP the foreign account named in the bucket policy is in.
	ta.inv.PolicyHolders.Organization.Path.Or(nil)[0].RCPs = known([]*awsmodel.OrgPolicy{})
	ta.inv.PolicyHolders.Organization.Path.Or(nil)[1].RCPs = known([]*awsmodel.OrgPolicy{})
	ta.inv.PolicyHolders.Organization.Path.Or(nil)[2].RCPs = known([]*awsmodel.OrgPolicy{})
	got, _ = NewAccount(ta.inv).WhoCan("s3:GetObject", "arn:aws:s3:::acme-shared/report.csv", nil)
	if len(got) != 2 {
		t.Errorf("who-can without RCPs = %d answers, want the user and account 444455556666", len(got))
	}
}

func TestAdminDespiteOrgWideGuardrail(t *testing.T) {
	ta := newTestAccount()
	ta.user("admin", nil, ta.awsPolicy(t, "AdministratorAccess", adminDoc))
	ta.user("dev", nil, ta.policy(t, "dev", allow(`"s3:*"`, `"*"`)))
	full := orgPolicy(t, "p-FullAWSAccess", "FullAWSAccess", awsmodel.OrgPolicySCP, fullAWSAccess)
	guard := orgPolicy(t, "p-guard", "guardrails", awsmodel.OrgPolicySCP, `{"Version":"2012-10-17","Statement":[
		{"Effect":"Deny","Action":["organizations:LeaveOrganization","cloudtrail:StopLogging"],"Resource":"*"}]}`)
	ta.withOrg([3][]*awsmodel.OrgPolicy{{full, guard}, {full}, {full}}, [3][]*awsmodel.OrgPolicy{}, [3]bool{true, true, true})
	a := ta.account()
	k := a.NewAsker()
	if ok, _ := k.IsAdmin(a.Principal("user/admin")); !ok {
		t.Error("AdministratorAccess under an org-wide guardrail SCP should still count as full administrator")
	}
	if ok, _ := k.IsAdmin(a.Principal("user/dev")); ok {
		t.Error("s3:* is not full administrator")
	}
	// A service-linked role is outside SCPs.
	slr := ta.role(t, "AWSServiceRoleForSupport", trustService("support.amazonaws.com"), ta.policy(t, "slr", allow(`"cloudtrail:StopLogging"`, `"*"`)))
	slr.Path = "/aws-service-role/support.amazonaws.com/"
	a = ta.account()
	if ans, _ := a.NewAsker().Can(a.Principal("role/AWSServiceRoleForSupport"), "cloudtrail:StopLogging", "*", nil); ans.Result.Decision != Allow {
		t.Errorf("service-linked role under an SCP deny = %s, want Allow (SCPs do not affect service-linked roles)", ans.Result.Decision)
	}
}

func TestHeldResourcePolicies(t *testing.T) {
	ta := newTestAccount()
	ta.user("dev", nil)
	ta.inv.PolicyHolders.Queues = []*awsmodel.Queue{{Identity: awsmodel.Identity{ARN: "arn:aws:sqs:us-east-1:" + acct + ":orders", Name: "orders"},
		Policy: kdoc(t, `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::`+acct+`:user/dev"},"Action":"sqs:ReceiveMessage","Resource":"*"}]}`)}}
	ta.inv.PolicyHolders.Functions = []*awsmodel.LambdaFunction{{Identity: awsmodel.Identity{ARN: "arn:aws:lambda:us-east-1:" + acct + ":function:resize", Name: "resize"},
		Policy: model.Unknown[*awsmodel.PolicyDocument]("get-policy not collected", model.Source{})}}
	ta.inv.KMSKeys = []*awsmodel.KMSKey{{Identity: awsmodel.Identity{ARN: "arn:aws:kms:us-east-1:" + acct + ":key/1234abcd-12ab-34cd-56ef-1234567890ab", ID: "1234abcd-12ab-34cd-56ef-1234567890ab"},
		Policy: kdoc(t, `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::`+acct+`:root"},"Action":"kms:*","Resource":"*"}]}`)}}
	a := ta.account()
	k := a.NewAsker()
	dev := a.Principal("user/dev")
	for _, c := range []struct {
		action, resource string
		want             Decision
		known            bool
	}{
		{"sqs:ReceiveMessage", "arn:aws:sqs:us-east-1:" + acct + ":orders", Allow, true},                                   // queue policy names the user: allows alone
		{"sqs:SendMessage", "arn:aws:sqs:us-east-1:" + acct + ":orders", ImplicitDeny, true},                               // not in the queue policy, no identity grant
		{"lambda:InvokeFunction", "arn:aws:lambda:us-east-1:" + acct + ":function:resize:live", ImplicitDeny, false},       // qualified ARN: the function's policy, unknown
		{"kms:Decrypt", "arn:aws:kms:us-east-1:" + acct + ":key/1234abcd-12ab-34cd-56ef-1234567890ab", ImplicitDeny, true}, // key policy delegates to IAM; dev has no grant
		{"kms:Decrypt", "arn:aws:kms:us-east-1:" + acct + ":key/ffff", ImplicitDeny, false},
	} {
		ans, err := k.Can(dev, c.action, c.resource, nil)
		if err != nil {
			t.Fatal(err)
		}
		if ans.Result.Decision != c.want || ans.ResourcePolicyKnown != c.known {
			t.Errorf("%s on %s = %s known=%v, want %s known=%v: %v", c.action, c.resource, ans.Result.Decision, ans.ResourcePolicyKnown, c.want, c.known, ans.Explain())
		}
	}
}
