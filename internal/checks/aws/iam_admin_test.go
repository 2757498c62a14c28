package aws

import (
	"testing"

	"github.com/cloudward/cloudward/internal/check"
	"github.com/cloudward/cloudward/internal/model"
	awsm "github.com/cloudward/cloudward/internal/model/aws"
)

const (
	arnAdminAccess = "arn:aws:iam::aws:policy/AdministratorAccess"
	arnReadOnly    = "arn:aws:iam::aws:policy/ReadOnlyAccess"
	arnOpsFull     = "arn:aws:iam::111122223333:policy/ops-full-access"
	arnS3Deploy    = "arn:aws:iam::111122223333:policy/s3-deploy"
	arnBoundary    = "arn:aws:iam::111122223333:policy/developer-boundary"
)

// iamManaged is a managed policy whose default version (v2) holds document;
// older versions follow.
func iamManaged(arn, name string, awsManaged bool, idx int, document string, older ...string) *awsm.ManagedPolicy {
	p := &awsm.ManagedPolicy{
		Identity: awsm.Identity{ARN: arn, ID: "ANPA" + name, Name: name, Region: "global", AccountID: iamTestAccount, Partition: "aws",
			Source: model.Source{File: iamTestDetails, Path: "Policies[" + itoa(idx) + "]"}},
		Path: "/", AWSManaged: awsManaged, DefaultVersionID: "v" + itoa(len(older)+1),
		AttachmentCount: model.Known(int64(1), model.Source{File: iamTestDetails, Path: "Policies[" + itoa(idx) + "].AttachmentCount"}),
	}
	versions := append([]string{document}, older...)
	for i, d := range versions {
		vid := "v" + itoa(len(versions)-i)
		src := model.Source{File: iamTestDetails, Path: "Policies[" + itoa(idx) + "].PolicyVersionList[" + itoa(i) + "].Document"}
		var doc awsm.Policy
		if d == "" {
			doc = model.Unknown[*awsm.PolicyDocument]("policy document could not be parsed", src)
		} else {
			parsed, err := awsm.ParsePolicy([]byte(d), src)
			if err != nil {
				panic(err)
			}
			doc = model.Known(parsed, src)
		}
		p.Versions = append(p.Versions, awsm.PolicyVersion{VersionID: vid, IsDefault: i == 0, Document: doc})
	}
	return p
}

func itoa(i int) string {
	if i < 10 {
		return string(rune('0' + i))
	}
	return itoa(i/10) + string(rune('0'+i%10))
}

const (
	docAdmin    = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}`
	docReadOnly = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["s3:Get*","s3:List*","ec2:Describe*"],"Resource":"*"}]}`
	// URL-encoded, as the raw IAM API returns documents.
	docOpsFull  = `%7B%22Version%22%3A%222012-10-17%22%2C%22Statement%22%3A%5B%7B%22Sid%22%3A%22Logs%22%2C%22Effect%22%3A%22Allow%22%2C%22Action%22%3A%22logs%3A*%22%2C%22Resource%22%3A%22*%22%7D%2C%7B%22Sid%22%3A%22Everything%22%2C%22Effect%22%3A%22Allow%22%2C%22Action%22%3A%22*%3A*%22%2C%22Resource%22%3A%22*%22%7D%5D%7D`
	docS3Deploy = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["s3:PutObject","s3:GetObject"],"Resource":"arn:aws:s3:::app-artifacts/*"}]}`
	docBoundary = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["s3:*","cloudwatch:*","logs:*"],"Resource":"*"}]}`
)

func attached(arn, name, path string) awsm.AttachedPolicy {
	return awsm.AttachedPolicy{ARN: arn, Name: name, Source: model.Source{File: iamTestDetails, Path: path}}
}

func inlinePolicy(t testing.TB, name, path, document string) awsm.InlinePolicy {
	src := model.Source{File: iamTestDetails, Path: path}
	doc, err := awsm.ParsePolicy([]byte(document), src)
	if err != nil {
		t.Fatal(err)
	}
	return awsm.InlinePolicy{Name: name, Document: model.Known(doc, src)}
}

// iamAdminInventory is an account with an admin group, a developers group,
// AdministratorAccess, a custom *:* policy and a boundary policy.
func iamAdminInventory(t testing.TB, users ...*awsm.User) *awsm.Inventory {
	inv := withUsers(users...)
	inv.Policies = []*awsm.ManagedPolicy{
		iamManaged(arnAdminAccess, "AdministratorAccess", true, 0, docAdmin),
		iamManaged(arnReadOnly, "ReadOnlyAccess", true, 1, docReadOnly),
		iamManaged(arnOpsFull, "ops-full-access", false, 2, docOpsFull),
		iamManaged(arnS3Deploy, "s3-deploy", false, 3, docS3Deploy),
		iamManaged(arnBoundary, "developer-boundary", false, 4, docBoundary),
	}
	inv.Groups = []*awsm.Group{
		{Identity: awsm.Identity{ARN: "arn:aws:iam::111122223333:group/admins", Name: "admins", Region: "global", AccountID: iamTestAccount},
			AttachedPolicies: []awsm.AttachedPolicy{attached(arnAdminAccess, "AdministratorAccess", "GroupDetailList[0].AttachedManagedPolicies[0]")}},
		{Identity: awsm.Identity{ARN: "arn:aws:iam::111122223333:group/developers", Name: "developers", Region: "global", AccountID: iamTestAccount},
			AttachedPolicies: []awsm.AttachedPolicy{attached(arnReadOnly, "ReadOnlyAccess", "GroupDetailList[1].AttachedManagedPolicies[0]")},
			InlinePolicies:   []awsm.InlinePolicy{inlinePolicy(t, "deploy", "GroupDetailList[1].GroupPolicyList[0].PolicyDocument", docS3Deploy)}},
		{Identity: awsm.Identity{ARN: "arn:aws:iam::111122223333:group/ops", Name: "ops", Region: "global", AccountID: iamTestAccount},
			InlinePolicies: []awsm.InlinePolicy{inlinePolicy(t, "break-glass", "GroupDetailList[2].GroupPolicyList[0].PolicyDocument", docAdmin)}},
	}
	return inv
}

func TestIAMUserAdminAccess(t *testing.T) {
	user := func(name string, opts ...func(*awsm.User)) *awsm.User { return iamTestUser(name, 3, opts...) }
	groups := func(g ...string) func(*awsm.User) { return func(u *awsm.User) { u.Groups = g } }
	attach := func(ap ...awsm.AttachedPolicy) func(*awsm.User) {
		return func(u *awsm.User) { u.AttachedPolicies = ap }
	}
	boundary := func(v awsm.String) func(*awsm.User) { return func(u *awsm.User) { u.PermissionsBoundary = v } }
	bsrc := model.Source{File: iamTestDetails, Path: "UserDetailList[0].PermissionsBoundary.PermissionsBoundaryArn"}

	missingPolicy := iamAdminInventory(t, user("bob", attach(attached("arn:aws:iam::111122223333:policy/deleted-later", "deleted-later", "UserDetailList[0].AttachedManagedPolicies[0]"))))
	unknownDoc := iamAdminInventory(t, user("bob", attach(attached(arnS3Deploy, "s3-deploy", "UserDetailList[0].AttachedManagedPolicies[0]"))))
	unknownDoc.Policies[3] = iamManaged(arnS3Deploy, "s3-deploy", false, 3, "")
	adminDocAbsent := iamAdminInventory(t, user("bob", groups("admins")))
	adminDocAbsent.Policies = adminDocAbsent.Policies[1:] // AdministratorAccess not collected: known by ARN
	noDetails := iamAdminInventory(t, user("bob", groups("admins")))
	noDetails.Coverage = []awsm.Coverage{{Region: "global", Service: "iam", Operation: "get-account-authorization-details", Status: awsm.CoverageMissing}}

	runIAMCases(t, iamUserAdminAccess, []iamCase{
		{name: "AdministratorAccess attached directly", inv: iamAdminInventory(t, user("bob", attach(attached(arnAdminAccess, "AdministratorAccess", "UserDetailList[0].AttachedManagedPolicies[0]")))),
			want: check.Fail, wantMsg: "user bob has full administrator access via policy AdministratorAccess (arn:aws:iam::aws:policy/AdministratorAccess)",
			wantEv: []string{"policy AdministratorAccess (arn:aws:iam::aws:policy/AdministratorAccess) @ " + iamTestDetails + " UserDetailList[0].AttachedManagedPolicies[0]"}},
		{name: "through group admins", inv: iamAdminInventory(t, user("alice", groups("developers", "admins"))),
			want: check.Fail, wantMsg: "via group admins -> policy AdministratorAccess",
			wantEv: []string{"group admins -> policy AdministratorAccess (arn:aws:iam::aws:policy/AdministratorAccess) @ " + iamTestDetails + " GroupDetailList[0].AttachedManagedPolicies[0]"}},
		{name: "through group inline", inv: iamAdminInventory(t, user("carol", groups("ops"))),
			want: check.Fail, wantEv: []string{"group ops -> inline policy break-glass Statement[0] allows * on * @ " + iamTestDetails + " GroupDetailList[2].GroupPolicyList[0].PolicyDocument.Statement[0]"}},
		{name: "custom *:* policy attached directly (URL-encoded document)", inv: iamAdminInventory(t, user("dave", attach(attached(arnOpsFull, "ops-full-access", "UserDetailList[0].AttachedManagedPolicies[0]")))),
			want: check.Fail, wantEv: []string{"policy ops-full-access (arn:aws:iam::111122223333:policy/ops-full-access) Statement[1] allows * on * @ " + iamTestDetails + " Policies[2].PolicyVersionList[0].Document.Statement[1]"}},
		{name: "inline on the user", inv: iamAdminInventory(t, user("erin", func(u *awsm.User) {
			u.InlinePolicies = []awsm.InlinePolicy{inlinePolicy(t, "temp-admin", "UserDetailList[0].UserPolicyList[0].PolicyDocument", docAdmin)}
		})), want: check.Fail, wantMsg: "via inline policy temp-admin Statement[0]"},
		{name: "two paths", inv: iamAdminInventory(t, user("frank", groups("admins", "ops"))), want: check.Fail, wantMsg: "(and 1 more path)",
			wantEv: []string{"group admins -> policy AdministratorAccess", "group ops -> inline policy break-glass"}},
		{name: "AdministratorAccess document not collected", inv: adminDocAbsent, want: check.Fail, wantMsg: "group admins -> policy AdministratorAccess"},
		{name: "read-only developer", inv: iamAdminInventory(t, user("grace", groups("developers"), attach(attached(arnS3Deploy, "s3-deploy", "UserDetailList[0].AttachedManagedPolicies[0]")))),
			want: check.Pass},
		{name: "admin capped by boundary", inv: iamAdminInventory(t, user("heidi", groups("admins"), boundary(model.Known(arnBoundary, bsrc)))),
			want: check.Pass, wantMsg: "capped by permissions boundary " + arnBoundary,
			wantEv: []string{"permissions boundary " + arnBoundary + " does not allow * on *"}},
		{name: "boundary that allows everything", inv: iamAdminInventory(t, user("ivan", groups("admins"), boundary(model.Known(arnAdminAccess, bsrc)))),
			want: check.Fail, wantEv: []string{"permissions boundary arn:aws:iam::aws:policy/AdministratorAccess allows everything"}},
		{name: "custom boundary allowing *:*", inv: iamAdminInventory(t, user("judy", groups("admins"), boundary(model.Known(arnOpsFull, bsrc)))),
			want: check.Fail, wantEv: []string{"permissions boundary " + arnOpsFull + " Statement[1] also allows * on *"}},
		{name: "boundary policy not in inventory", inv: iamAdminInventory(t, user("ken", groups("admins"), boundary(model.Known("arn:aws:iam::111122223333:policy/gone", bsrc)))),
			want: check.Unknown, wantMsg: "policy arn:aws:iam::111122223333:policy/gone is not in the inventory"},
		{name: "boundary unknown", inv: iamAdminInventory(t, user("leo", groups("admins"), boundary(model.Unknown[string]("not collected", bsrc)))),
			want: check.Unknown, wantMsg: "permissions boundary is unknown"},
		{name: "referenced policy not in inventory", inv: missingPolicy, want: check.Unknown,
			wantMsg: "policy arn:aws:iam::111122223333:policy/deleted-later is not in the inventory"},
		{name: "policy document unparsable", inv: unknownDoc, want: check.Unknown, wantMsg: "document of policy " + arnS3Deploy + " version v1 is unknown"},
		{name: "group not in inventory", inv: iamAdminInventory(t, user("mallory", groups("contractors"))), want: check.Unknown,
			wantMsg: "group contractors of user mallory is not in the inventory"},
		{name: "unknown elsewhere but admin found", inv: iamAdminInventory(t, user("nina", groups("contractors", "admins"))), want: check.Fail},
		{name: "authorization details not collected", inv: noDetails, want: check.Unknown, wantMsg: "get-account-authorization-details missing"},
	})
}

func TestIAMUserAdminAccessPassDoesNotAllocate(t *testing.T) {
	inv := iamAdminInventory(t, iamTestUser("grace", 3, func(u *awsm.User) {
		u.Groups = []string{"developers"}
		u.AttachedPolicies = []awsm.AttachedPolicy{attached(arnS3Deploy, "s3-deploy", "UserDetailList[0].AttachedManagedPolicies[0]")}
		u.InlinePolicies = []awsm.InlinePolicy{inlinePolicy(t, "deploy", "UserDetailList[0].UserPolicyList[0].PolicyDocument", docS3Deploy)}
	}))
	inv.Index()
	if got := iamUserAdminAccess.Evaluate(inv); len(got) != 1 || got[0].Status != check.Pass {
		t.Fatalf("want PASS, got %+v", got)
	}
	// Evaluate allocates its env, the bound resource list and the findings
	// slice; the check nothing.
	if n := testing.AllocsPerRun(100, func() { iamUserAdminAccess.Evaluate(inv) }); n > 3 {
		t.Errorf("%v allocations per evaluation on the PASS path", n)
	}
}

func BenchmarkIAMUserAdminAccess(b *testing.B) {
	inv := iamAdminInventory(b, iamTestUser("grace", 3, func(u *awsm.User) {
		u.Groups = []string{"developers"}
		u.AttachedPolicies = []awsm.AttachedPolicy{attached(arnS3Deploy, "s3-deploy", "UserDetailList[0].AttachedManagedPolicies[0]")}
	}))
	inv.Index()
	b.ReportAllocs()
	for b.Loop() {
		iamUserAdminAccess.Evaluate(inv)
	}
}

func TestIAMPolicyAdminWildcard(t *testing.T) {
	policies := func(p ...*awsm.ManagedPolicy) *awsm.Inventory {
		inv := iamTestInventory()
		inv.Policies = p
		return inv
	}
	unattached := iamManaged(arnOpsFull, "ops-full-access", false, 2, docOpsFull)
	unattached.AttachmentCount = model.Known(int64(0), model.Source{File: iamTestDetails, Path: "Policies[2].AttachmentCount"})
	noDefault := iamManaged(arnS3Deploy, "s3-deploy", false, 3, docS3Deploy)
	noDefault.DefaultVersionID = "v7"
	noDefault.Versions[0].IsDefault = false

	runIAMCases(t, iamPolicyAdminWildcard, []iamCase{
		{name: "default version allows *:*", inv: policies(iamManaged(arnOpsFull, "ops-full-access", false, 2, docOpsFull)),
			want: check.Fail, wantMsg: "customer-managed policy ops-full-access allows * on * in its default version v1 (attached to 1 principal)",
			wantEv: []string{`default version v1 Statement[1]: {"Sid":"Everything","Effect":"Allow","Action":["*:*"],"Resource":["*"]} @ ` + iamTestDetails + " Policies[2].PolicyVersionList[0].Document.Statement[1]"}},
		{name: "unattached still counts", inv: policies(unattached), want: check.Fail, wantMsg: "not attached yet: one attach away"},
		{name: "default fixed, old version admin", inv: policies(iamManaged(arnS3Deploy, "s3-deploy", false, 3, docS3Deploy, docAdmin)),
			want: check.Pass, wantEv: []string{"non-default version v1 Statement[0] also allows * on * (not in force) @ " + iamTestDetails + " Policies[3].PolicyVersionList[1].Document.Statement[0]"}},
		{name: "default admin, old version too", inv: policies(iamManaged(arnOpsFull, "ops-full-access", false, 2, docAdmin, docOpsFull)),
			want: check.Fail, wantEv: []string{"default version v2 Statement[0]", "non-default version v1 Statement[1]"}},
		{name: "scoped policy", inv: policies(iamManaged(arnS3Deploy, "s3-deploy", false, 3, docS3Deploy)), want: check.Pass},
		{name: "AWS-managed AdministratorAccess is not customer-managed", inv: policies(iamManaged(arnAdminAccess, "AdministratorAccess", true, 0, docAdmin)),
			want: check.NotApplicable},
		{name: "admin only with source IP condition", inv: policies(iamManaged(arnS3Deploy, "office-admin", false, 3,
			`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*","Condition":{"IpAddress":{"aws:SourceIp":"203.0.113.0/24"}}}]}`)),
			want: check.Pass},
		{name: "default document unknown", inv: policies(iamManaged(arnS3Deploy, "s3-deploy", false, 3, "")), want: check.Unknown,
			wantMsg: "default version v1 of policy s3-deploy is unknown"},
		{name: "default version not collected", inv: policies(noDefault), want: check.Unknown, wantMsg: "default version v7 of policy s3-deploy is not in the inventory"},
	})
}

// BenchmarkIdentityChecks runs every identity check over 10,000 users
// through the engine and reports check-resource evaluations per second.
func BenchmarkIdentityChecks(b *testing.B) {
	users := make([]*awsm.User, 10000)
	for i := range users {
		name := "user" + itoa(i)
		users[i] = iamTestUser(name, i+2, withPassword(i%60, 100), withKeys(iamKey(i+2, 1, true, i%200, i%120)), func(u *awsm.User) {
			u.Groups = []string{"developers"}
			if i%10 == 0 {
				u.Groups = append(u.Groups, "admins")
			}
		})
	}
	inv := iamAdminInventory(b, users...)
	inv.Index()
	checks := identityChecks()
	evals := 0
	b.ReportAllocs()
	for b.Loop() {
		f, err := check.Run(b.Context(), check.Input{AWS: []*awsm.Inventory{inv}}, checks)
		if err != nil {
			b.Fatal(err)
		}
		evals += len(f)
	}
	b.ReportMetric(float64(evals)/b.Elapsed().Seconds(), "evals/s")
}
