package aws

import (
	"fmt"
	"sort"
	"strconv"
	"strings"
	"sync"

	"github.com/cloudward/cloudward/internal/check"
	"github.com/cloudward/cloudward/internal/iam"
	"github.com/cloudward/cloudward/internal/model"
	awsm "github.com/cloudward/cloudward/internal/model/aws"
)

// Checks powered by the IAM policy evaluation engine (internal/iam): they
// ask AWS's own question, "would this request be allowed?", instead of
// reading policy text.

// iamEngineChecks lists the engine-powered checks.
func iamEngineChecks() []*check.Check {
	return []*check.Check{
		iamPrincipalEffectiveAdmin,
		iamPolicyNotActionAdmin,
		iamPolicyDanglingPrincipal,
		iamRoleTrustForeignNoCondition,
		s3BucketPolicyAnyAccount,
		iamPrivilegeEscalation,
		iamSensitiveDataAccess,
	}
}

// iamAnalysis is one inventory's account analysis, computed once and shared
// by every check and goroutine (read-only after build).
type iamAnalysis struct {
	inv  *awsm.Inventory
	acct *iam.Account
	// By principal, not ARN: IaC principals of the same name share one.
	esc   map[*iam.Principal]*iam.Escalation
	admin map[*iam.Principal][]iam.Reason // admins' allowing reasons

	iacOnce    sync.Once
	byResource map[model.Resource]*iam.Principal // IaC users and roles
}

// iamAnalysisKey keys the IAM account analysis among the inventory's
// derived values: built once per inventory, read by every engine check.
type iamAnalysisKey struct{}

func iamAnalysisOf(inv *awsm.Inventory) *iamAnalysis {
	return inv.Derived(iamAnalysisKey{}, func() any {
		a := &iamAnalysis{inv: inv, acct: iam.NewAccount(inv),
			esc: map[*iam.Principal]*iam.Escalation{}, admin: map[*iam.Principal][]iam.Reason{}}
		k := a.acct.NewAsker()
		for _, e := range a.acct.Escalations() {
			e := e
			a.esc[e.Principal] = &e
			if e.Admin {
				_, a.admin[e.Principal] = k.IsAdmin(e.Principal)
			}
		}
		return a
	}).(*iamAnalysis)
}

// orgAssumption is the evidence line saying that the allows behind a
// finding assume SCPs that were not collected do not deny (none for IaC,
// where organization policies are out of scope).
func (a *iamAnalysis) orgAssumption(env *check.Env, id awsm.Identity) []check.Evidence {
	org := &a.acct.Org
	if env.AWS.IaC || !org.SCPStatus.Uncertain() {
		return nil
	}
	return []check.Evidence{check.Ev(id.Source, "assuming no SCP denies: SCPs %s: %s", org.SCPStatus, org.SCPDetail)}
}

// iamPrincipals lists users and roles (service-linked roles excluded: AWS
// manages them).
func iamPrincipals(inv *awsm.Inventory) []model.Resource {
	out := make([]model.Resource, 0, len(inv.Users)+len(inv.Roles))
	for _, u := range inv.Users {
		out = append(out, u)
	}
	for _, r := range inv.Roles {
		if !r.IsServiceLinked() {
			out = append(out, r)
		}
	}
	return out
}

func iamPrincipalOf(env *check.Env, r model.Resource) (*iamAnalysis, *iam.Principal, awsm.Identity) {
	a := iamAnalysisOf(env.AWS)
	var id awsm.Identity
	switch v := r.(type) {
	case *awsm.User:
		id = v.Identity
	case *awsm.Role:
		id = v.Identity
	}
	if env.AWS.IaC {
		// IaC refs are addresses (aws_iam_role.deploy) and names may repeat
		// across roots: find the principal built from this very resource.
		return a, a.iacPrincipal(r), id
	}
	return a, a.acct.Principal(r.Ref().ID), id
}

// iacPrincipal is the analysis principal built from the IaC user or role r
// (nil when it has none). Built once per inventory.
func (a *iamAnalysis) iacPrincipal(r model.Resource) *iam.Principal {
	a.iacOnce.Do(func() {
		a.byResource = make(map[model.Resource]*iam.Principal, len(a.acct.Principals))
		for _, p := range a.acct.Principals {
			switch {
			case p.User != nil:
				a.byResource[p.User] = p
			case p.Role != nil:
				a.byResource[p.Role] = p
			}
		}
	})
	return a.byResource[r]
}

var iamPrincipalEffectiveAdmin = check.AWS(check.Meta{
	ID:           "aws-iam-principal-effective-admin",
	Title:        "User or role has effective full administrator access",
	Severity:     check.Critical,
	Domain:       check.Identity,
	Service:      "iam",
	ResourceType: awsm.TypeUser + ", " + awsm.TypeRole,
	Rationale: "Evaluated with cloudward's IAM engine over the principal's inline, managed and group policies and its permissions " +
		"boundary: the principal is allowed every one of a set of account-takeover actions on \"*\" (iam:PutRolePolicy, " +
		"iam:AttachUserPolicy, iam:CreateAccessKey, iam:PassRole, iam:UpdateAssumeRolePolicy, sts:AssumeRole, s3:GetObject, " +
		"s3:PutBucketPolicy, ec2:RunInstances, ec2:AuthorizeSecurityGroupIngress, kms:Decrypt, lambda:CreateFunction, " +
		"secretsmanager:GetSecretValue, dynamodb:Scan, cloudtrail:StopLogging, organizations:LeaveOrganization) without any " +
		"condition context. That is full administrator by any path: AdministratorAccess, \"*\", NotAction grants, or a sum of " +
		"service-wide grants. Allows that need MFA or a source IP do not count.",
	Remediation: check.Remediation{
		Console: "IAM console > Users or Roles > select the principal > Permissions: remove the policies that grant full access " +
			"(the finding names them and the group they come through); grant admin only through a role that requires MFA, or " +
			"set a permissions boundary.",
		CLI: "cloudward iam can <principal-arn> iam:PutRolePolicy '*' --snapshot <dir>   # shows the granting statements\n" +
			"aws iam detach-user-policy --user-name <user> --policy-arn <policy-arn>\n" +
			"aws iam detach-role-policy --role-name <role> --policy-arn <policy-arn>",
		Terraform: "resource \"aws_iam_role\" \"admin\" {\n  name = \"admin\"\n  assume_role_policy = jsonencode({\n" +
			"    Version = \"2012-10-17\"\n    Statement = [{ Effect = \"Allow\", Action = \"sts:AssumeRole\",\n" +
			"      Principal = { AWS = \"arn:aws:iam::<account-id>:root\" },\n" +
			"      Condition = { Bool = { \"aws:MultiFactorAuthPresent\" = \"true\" } } }]\n  })\n}",
	},
	References: []string{
		"https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic.html",
		"https://docs.aws.amazon.com/IAM/latest/UserGuide/best-practices.html#grant-least-privilege",
	},
}, iamPrincipals, func(env *check.Env, r model.Resource) check.Result {
	a, p, id := iamPrincipalOf(env, r)
	if p == nil {
		return check.Skip()
	}
	if reasons, ok := a.admin[p]; ok {
		var ev []check.Evidence
		for _, rs := range reasons {
			ev = append(ev, check.Ev(id.Source, "%s", p.DescribeReason(rs)))
		}
		return check.FailResult(p.Label()+" is allowed every account-takeover action on \"*\"", append(ev, a.orgAssumption(env, id)...)...)
	}
	if len(p.Incomplete) > 0 {
		return check.UnknownResult("whether "+p.Label()+" is a full administrator is unknown: "+p.Incomplete[0],
			check.Ev(id.Source, "%s", strings.Join(p.Incomplete, "; ")))
	}
	return check.PassResult(p.Label() + " is not a full administrator")
})

var iamPolicyNotActionAdmin = check.AWS(check.Meta{
	ID:           "aws-iam-policy-notaction-admin",
	Title:        "Customer managed policy grants admin-minus-a-few through NotAction or NotResource",
	Severity:     check.High,
	Domain:       check.Identity,
	Service:      "iam",
	ResourceType: awsm.TypeManagedPolicy,
	Rationale: "An Allow with NotAction (or NotResource) on every resource grants everything except the listed actions: " +
		"\"NotAction\": \"iam:DeleteUser\" is full administrator minus one action, and new services are granted automatically. " +
		"The statement is evaluated with cloudward's IAM engine: it fails when, on its own, it allows every account-takeover " +
		"action of aws-iam-principal-effective-admin.",
	Remediation: check.Remediation{
		Console: "IAM console > Policies > select the policy > Edit: replace the NotAction statement with an Action list of the " +
			"services and actions actually needed, then save as the default version.",
		CLI: "aws iam create-policy-version --policy-arn <policy-arn> --policy-document file://least-privilege.json --set-as-default",
		Terraform: "data \"aws_iam_policy_document\" \"scoped\" {\n  statement {\n    actions   = [\"s3:GetObject\", \"s3:PutObject\"]\n" +
			"    resources = [\"arn:aws:s3:::<bucket>/*\"]\n  }\n}",
	},
	References: []string{
		"https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_notaction.html",
		"https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_notresource.html",
	},
}, func(inv *awsm.Inventory) []*awsm.ManagedPolicy {
	var out []*awsm.ManagedPolicy
	for _, p := range inv.Policies {
		if !p.AWSManaged {
			out = append(out, p)
		}
	}
	return out
}, func(env *check.Env, mp *awsm.ManagedPolicy) check.Result {
	v := mp.Default()
	if v == nil {
		return check.UnknownResult("default version of "+mp.Name+" is not in the inventory", check.Ev(mp.Source, "no default version"))
	}
	doc, ok := v.Document.Get()
	if !ok {
		return check.UnknownOf("document of policy "+mp.Name, v.Document)
	}
	if doc == nil {
		return check.PassResult("policy has no document")
	}
	acct := mp.AccountID
	if acct == "" {
		acct = env.AWS.AccountID
	}
	caller, err := iam.ParseCaller("arn:aws:iam::" + orZero(acct) + ":user/cloudward-probe")
	if err != nil {
		return check.Skip()
	}
	var ev []check.Evidence
	for i := range doc.Statements {
		st := doc.Statements[i]
		if !st.IsAllow() || (st.NotAction == nil && st.NotResource == nil) {
			continue
		}
		one := &awsm.PolicyDocument{Version: doc.Version, Statements: []awsm.Statement{st}, Source: doc.Source}
		pol, err := iam.Compile(one, iam.KindIdentity, mp.ARN)
		if err != nil {
			return check.UnknownResult("policy "+mp.Name+" does not compile: "+err.Error(), check.Ev(doc.Source, "%v", err))
		}
		if ok, _ := iam.InputIsAdmin(&iam.Input{Identity: []*iam.Policy{pol}}, caller); ok {
			what := "NotAction " + strings.Join(st.NotAction, ", ")
			if st.NotAction == nil {
				what = "NotResource " + strings.Join(st.NotResource, ", ")
			}
			ev = append(ev, check.Ev(doc.Source.At("Statement["+strconv.Itoa(st.Index)+"]"),
				"Statement[%d] allows everything except %s: %s", st.Index, what, st.String()))
		}
	}
	if len(ev) > 0 {
		return check.FailResult("policy "+mp.Name+" grants full administrator minus the listed exceptions", ev...)
	}
	return check.PassResult("policy has no NotAction/NotResource statement that amounts to full administrator")
})

func orZero(acct string) string {
	if acct == "" {
		return "000000000000"
	}
	return acct
}

// iamDanglingID reports whether a principal value is an IAM unique ID
// (AIDA... user, AROA... role): AWS writes it in place of a deleted
// principal's ARN.
func iamDanglingID(v string) bool {
	if len(v) < 16 || !(strings.HasPrefix(v, "AIDA") || strings.HasPrefix(v, "AROA")) {
		return false
	}
	for i := 0; i < len(v); i++ {
		c := v[i]
		if !(c >= 'A' && c <= 'Z' || c >= '0' && c <= '9') {
			return false
		}
	}
	return true
}

// resourcePolicyOf returns the resource-based policy of a role (trust) or
// bucket, with a label.
func resourcePolicyOf(r model.Resource) (awsm.Policy, string) {
	switch v := r.(type) {
	case *awsm.Role:
		return v.TrustPolicy, "trust policy of role " + v.Name
	case *awsm.Bucket:
		return v.Policy, "bucket policy of " + v.Name
	}
	return awsm.Policy{}, ""
}

var iamPolicyDanglingPrincipal = check.AWS(check.Meta{
	ID:           "aws-iam-policy-dangling-principal",
	Title:        "Trust or bucket policy names a deleted principal (AIDA.../AROA... unique ID)",
	Severity:     check.Medium,
	Domain:       check.Identity,
	Service:      "iam",
	ResourceType: awsm.TypeRole + ", " + awsm.TypeBucket,
	Rationale: "When a user or role named in a resource-based policy is deleted, AWS replaces its ARN with the principal's unique " +
		"ID (AIDA... for users, AROA... for roles). The grant then matches nobody, even a new principal with the same name: " +
		"access that people believe exists is broken, and the policy no longer documents who it was meant for.",
	Remediation: check.Remediation{
		Console: "IAM console > Roles > select the role > Trust relationships (or S3 > bucket > Permissions > Bucket policy): " +
			"replace the unique ID with the ARN of the intended principal, or remove the statement.",
		CLI: "aws iam update-assume-role-policy --role-name <role> --policy-document file://trust.json\n" +
			"aws s3api put-bucket-policy --bucket <bucket> --policy file://policy.json",
		Terraform: "# Reference the principal by ARN so that Terraform recreates the grant with the principal:\n" +
			"principals {\n  type        = \"AWS\"\n  identifiers = [aws_iam_role.consumer.arn]\n}",
	},
	References: []string{
		"https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_principal.html#principal-roles",
		"https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_identifiers.html#identifiers-unique-ids",
	},
}, func(inv *awsm.Inventory) []model.Resource {
	var out []model.Resource
	for _, r := range inv.Roles {
		if !r.IsServiceLinked() {
			out = append(out, r)
		}
	}
	for _, b := range inv.Buckets {
		out = append(out, b)
	}
	return out
}, func(_ *check.Env, r model.Resource) check.Result {
	pv, label := resourcePolicyOf(r)
	doc, ok := pv.Get()
	if !ok {
		return check.UnknownOf(label, pv)
	}
	if doc == nil {
		return check.PassResult(label + ": none")
	}
	var ev []check.Evidence
	for i := range doc.Statements {
		st := &doc.Statements[i]
		for _, pr := range []*awsm.Principal{st.Principal, st.NotPrincipal} {
			if pr == nil {
				continue
			}
			for _, v := range pr.Values["AWS"] {
				if iamDanglingID(v) {
					kind := "user"
					if strings.HasPrefix(v, "AROA") {
						kind = "role"
					}
					ev = append(ev, check.Ev(doc.Source.At("Statement["+strconv.Itoa(st.Index)+"]"),
						"Statement[%d] names %s, the unique ID of a deleted %s: the grant matches nobody", st.Index, v, kind))
				}
			}
		}
	}
	if len(ev) > 0 {
		return check.FailResult(label+" names deleted principals", ev...)
	}
	return check.PassResult(label + " names no deleted principal")
})

// strangerAccount is an account ID that is not acct: the "any other
// account" of probes.
// expAnyoneMayMatch reports whether some Allow statement's principal could
// match a caller the policy does not name.
func expAnyoneMayMatch(doc *awsm.PolicyDocument) bool {
	for i := range doc.Statements {
		st := &doc.Statements[i]
		if st.IsAllow() && (st.NotPrincipal != nil || st.Principal.IsEveryone()) {
			return true
		}
	}
	return false
}

func strangerAccount(acct string) string {
	if acct == "999999999999" {
		return "888888888888"
	}
	return "999999999999"
}

var iamRoleTrustForeignNoCondition = check.AWS(check.Meta{
	ID:           "aws-iam-role-trust-foreign-no-condition",
	Title:        "Another account can assume the role without a condition (engine-evaluated trust policy)",
	Severity:     check.High,
	Domain:       check.Identity,
	Service:      "iam",
	ResourceType: awsm.TypeRole,
	Rationale: "The role's trust policy is evaluated with cloudward's IAM engine for each foreign principal it names (and for an " +
		"arbitrary other account when it names \"*\" or uses NotPrincipal), calling sts:AssumeRole with no condition context: " +
		"no sts:ExternalId, no MFA, no organization ID, no source IP. If AWS would allow that call, whoever controls the " +
		"foreign account can take the role's permissions (confused deputy for third parties). Unlike the text heuristic " +
		"aws-iam-role-trust-unrestricted, any condition that the bare request fails counts as a restriction and Deny " +
		"statements are honoured.",
	Remediation: check.Remediation{
		Console: "IAM console > Roles > select the role > Trust relationships > Edit trust policy: name the exact principal and " +
			"add StringEquals sts:ExternalId (third parties), Bool aws:MultiFactorAuthPresent (people) or StringEquals " +
			"aws:PrincipalOrgID (your organization).",
		CLI:       "aws iam update-assume-role-policy --role-name <role> --policy-document file://trust.json",
		Terraform: "condition {\n  test     = \"StringEquals\"\n  variable = \"sts:ExternalId\"\n  values   = [\"<unique-external-id>\"]\n}",
	},
	References: []string{
		"https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_create_for-user_externalid.html",
		"https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic-cross-account.html",
	},
}, func(inv *awsm.Inventory) []*awsm.Role {
	var out []*awsm.Role
	for _, r := range inv.Roles {
		if !r.IsServiceLinked() {
			out = append(out, r)
		}
	}
	return out
}, func(env *check.Env, r *awsm.Role) check.Result {
	doc, ok := r.TrustPolicy.Get()
	if !ok {
		return check.UnknownOf("trust policy of role "+r.Name, r.TrustPolicy)
	}
	if doc == nil {
		return check.PassResult("role has no trust policy")
	}
	own := iamRoleAccount(r)
	if own == "" {
		own = env.AWS.AccountID
	}
	if own == "" {
		return check.UnknownResult("the role's account is unknown", check.Ev(r.Source, "no account ID"))
	}
	callers := foreignCallers(doc, own)
	if len(callers) == 0 {
		// Only the own account, services or identity providers are named.
		return check.PassResult("the trust policy names no principal of another account")
	}
	pol, err := iam.Compile(doc, iam.KindResource, "trust policy of role "+r.Name)
	if err != nil {
		return check.UnknownResult("trust policy of role "+r.Name+" does not compile: "+err.Error(), check.Ev(doc.Source, "%v", err))
	}
	roleARN := r.ARN
	if roleARN == "" {
		roleARN = "arn:aws:iam::" + own + ":role/" + r.Name
	}
	var ev []check.Evidence
	for _, caller := range callers {
		req, err := iam.NewRequest(caller, "sts:AssumeRole", roleARN, nil)
		if err != nil {
			continue
		}
		var res iam.Result
		iam.Evaluate(&iam.Input{Identity: []*iam.Policy{iam.AllowAll()}, Resource: pol}, req, &res)
		if res.Decision != iam.Allow {
			continue
		}
		for _, rs := range res.Reasons {
			if rs.Kind == iam.KindResource {
				ev = append(ev, check.Ev(doc.Source.At("Statement["+strconv.Itoa(rs.Statement)+"]"),
					"%s may call sts:AssumeRole without ExternalId, MFA or organization context: allowed by Statement[%d]", caller, rs.Statement))
			}
		}
	}
	if len(ev) > 0 {
		return check.FailResult("role "+r.Name+" can be assumed from another account without any condition", ev...)
	}
	return check.PassResult("no foreign principal can assume the role without satisfying a condition")
})

// foreignCallers are the probe principals for a trust policy: each foreign
// principal it names (account root, user, role session) and, when a
// statement names "*" or uses NotPrincipal, an arbitrary other account.
func foreignCallers(doc *awsm.PolicyDocument, own string) []string {
	seen := map[string]bool{}
	var out []string
	add := func(c string) {
		if !seen[c] {
			seen[c] = true
			out = append(out, c)
		}
	}
	for i := range doc.Statements {
		st := &doc.Statements[i]
		if !st.IsAllow() {
			continue
		}
		if st.NotPrincipal != nil || (st.Principal != nil && st.Principal.IsEveryone()) {
			add("arn:aws:iam::" + strangerAccount(own) + ":root")
			continue
		}
		if st.Principal == nil {
			continue
		}
		for _, v := range st.Principal.Values["AWS"] {
			acct := iamPrincipalAccount(v)
			if acct == "" || acct == own {
				continue
			}
			switch {
			case iamIsAccountID(v), strings.HasSuffix(v, ":root"):
				add("arn:aws:iam::" + acct + ":root")
			case strings.Contains(v, ":role/"):
				add("arn:aws:sts::" + acct + ":assumed-role/" + v[strings.LastIndexByte(v, '/')+1:] + "/probe")
			case strings.Contains(v, ":user/"), strings.Contains(v, ":assumed-role/"):
				add(v)
			}
		}
	}
	return out
}

// s3ProbeActions are asked of anonymous and foreign callers on a bucket:
// reads, writes, listing and policy/ACL takeover.
var s3ProbeActions = []struct{ action, on string }{
	{"s3:GetObject", "object"}, {"s3:PutObject", "object"}, {"s3:DeleteObject", "object"}, {"s3:PutObjectAcl", "object"},
	{"s3:ListBucket", "bucket"}, {"s3:GetBucketAcl", "bucket"}, {"s3:PutBucketPolicy", "bucket"}, {"s3:PutBucketAcl", "bucket"},
}

var s3BucketPolicyAnyAccount = check.AWS(check.Meta{
	ID:           "aws-s3-bucket-policy-any-account",
	Title:        "Bucket policy lets anonymous users or any AWS account in, once its conditions are evaluated",
	Severity:     check.Critical,
	Domain:       check.Exposure,
	Service:      "s3",
	ResourceType: awsm.TypeBucket,
	Rationale: "The bucket policy is evaluated with cloudward's IAM engine for an anonymous request and for a principal of an " +
		"arbitrary other account, with no condition context, on object reads and writes, listing and policy/ACL changes. " +
		"Conditions such as aws:PrincipalOrgID, aws:SourceVpc/aws:SourceVpce, aws:SourceArn/aws:SourceAccount or " +
		"aws:SourceIp narrow \"Principal\": \"*\" and are honoured, as are Deny statements. S3 Block Public Access " +
		"(RestrictPublicBuckets, bucket or account level) neutralises such grants.",
	Remediation: check.Remediation{
		Console: "S3 console > bucket > Permissions > Bucket policy: replace \"Principal\": \"*\" with the accounts or roles that " +
			"need access, or add a condition (aws:PrincipalOrgID, aws:SourceVpce); turn on Block Public Access.",
		CLI: "aws s3api put-public-access-block --bucket <bucket> --public-access-block-configuration " +
			"BlockPublicAcls=true,IgnorePublicAcls=true,BlockPublicPolicy=true,RestrictPublicBuckets=true",
		Terraform: "resource \"aws_s3_bucket_public_access_block\" \"this\" {\n  bucket                  = aws_s3_bucket.this.id\n" +
			"  block_public_acls       = true\n  ignore_public_acls      = true\n  block_public_policy     = true\n" +
			"  restrict_public_buckets = true\n}",
	},
	References: []string{
		"https://docs.aws.amazon.com/AmazonS3/latest/userguide/access-control-block-public-access.html#access-control-block-public-access-policy-status",
		"https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html#condition-keys-principalorgid",
	},
}, func(inv *awsm.Inventory) []*awsm.Bucket { return inv.Buckets },
	func(env *check.Env, b *awsm.Bucket) check.Result {
		doc, ok := b.Policy.Get()
		if !ok {
			if model.IsTrue(b.PublicAccessBlock.RestrictPublicBuckets) {
				return check.PassResult("bucket policy unknown, but RestrictPublicBuckets neutralises public grants")
			}
			return check.UnknownOf("bucket policy of "+b.Name, b.Policy)
		}
		if doc == nil {
			return check.PassResult("bucket has no policy")
		}
		// The probes ask as an anonymous caller and as an account the policy
		// cannot name; only an Allow to everyone ("*") or with NotPrincipal
		// can match them, so other policies need no engine evaluation.
		if !expAnyoneMayMatch(doc) {
			return check.PassResult("no Allow statement of the bucket policy names everyone or uses NotPrincipal")
		}
		own := env.AWS.AccountID
		if own == "" {
			own = b.AccountID
		}
		pol, err := iam.Compile(doc, iam.KindResource, "bucket policy of "+b.Name)
		if err != nil {
			return check.UnknownResult("bucket policy of "+b.Name+" does not compile: "+err.Error(), check.Ev(doc.Source, "%v", err))
		}
		foreign := "arn:aws:iam::" + strangerAccount(own) + ":root"
		found := map[string][]string{} // statement label -> "who action"
		var order []string
		for _, pa := range s3ProbeActions {
			res := "arn:aws:s3:::" + b.Name
			if pa.on == "object" {
				res += "/cloudward-probe"
			}
			for _, who := range []string{"anonymous", foreign} {
				ctx := iam.NewContext()
				if own != "" {
					ctx.Set("aws:ResourceAccount", own)
				}
				req, err := iam.NewRequest("arn:aws:iam::"+strangerAccount(own)+":root", pa.action, res, ctx)
				if err != nil {
					continue
				}
				in := &iam.Input{Resource: pol}
				if who == "anonymous" {
					req.SetCaller(iam.AnonymousCaller())
				} else {
					in.Identity = []*iam.Policy{iam.AllowAll()}
				}
				var out iam.Result
				iam.Evaluate(in, req, &out)
				if out.Decision != iam.Allow {
					continue
				}
				for _, rs := range out.Reasons {
					if rs.Kind != iam.KindResource {
						continue
					}
					key := strconv.Itoa(rs.Statement)
					if _, ok := found[key]; !ok {
						order = append(order, key)
					}
					name := "anonymous users"
					if who != "anonymous" {
						name = "any AWS account"
					}
					found[key] = append(found[key], name+": "+pa.action)
				}
			}
		}
		if len(found) == 0 {
			return check.PassResult("bucket policy admits neither anonymous users nor arbitrary accounts")
		}
		if model.IsTrue(b.PublicAccessBlock.RestrictPublicBuckets) ||
			(env.AWS.Account != nil && model.IsTrue(env.AWS.Account.S3PublicAccessBlock.RestrictPublicBuckets)) {
			return check.PassResult("bucket policy grants public access, but RestrictPublicBuckets neutralises it")
		}
		sort.Strings(order)
		var ev []check.Evidence
		for _, key := range order {
			ev = append(ev, check.Ev(doc.Source.At("Statement["+key+"]"), "Statement[%s] allows %s", key, strings.Join(found[key], ", ")))
		}
		return check.FailResult(fmt.Sprintf("bucket policy of %s lets anonymous users or any AWS account in", b.Name), ev...)
	})

var iamPrivilegeEscalation = check.AWS(check.Meta{
	ID:           "aws-iam-privilege-escalation",
	Title:        "User or role can escalate to full administrator",
	Severity:     check.High,
	Domain:       check.Identity,
	Service:      "iam",
	ResourceType: awsm.TypeUser + ", " + awsm.TypeRole,
	Rationale: "A principal that is not an administrator but may rewrite its own permissions (iam:CreatePolicyVersion or " +
		"iam:SetDefaultPolicyVersion on a policy attached to it, iam:Attach*/Put* policies on itself or its groups, " +
		"iam:AddUserToGroup into an admin group), obtain another principal's credentials (iam:CreateAccessKey, " +
		"iam:CreateLoginProfile, iam:UpdateLoginProfile), assume or re-trust a role (sts:AssumeRole, " +
		"iam:UpdateAssumeRolePolicy), pass a role to compute it controls (iam:PassRole with ec2, lambda, glue, " +
		"cloudformation, datapipeline, sagemaker, codebuild, ecs), run code as an existing instance's or function's role " +
		"(ssm:SendCommand, ssm:StartSession, EC2 Instance Connect, userData rewrite, lambda:UpdateFunctionCode), or drop " +
		"its own permissions boundary is an administrator in waiting. Each step is decided with cloudward's IAM engine on " +
		"its exact target (also a single named function, stack or project its grants name); chains are followed up to 4 hops.",
	Remediation: check.Remediation{
		Console: "IAM console: remove the permission named in the first step of each path from the principal's policies, scope " +
			"it to resources that do not lead back to the principal (e.g. iam:PassRole only on specific roles with " +
			"iam:PassedToService), or set a permissions boundary that excludes IAM write actions.",
		CLI: "cloudward iam can <principal-arn> <permission> <target> --snapshot <dir>   # shows the granting statement\n" +
			"aws iam put-user-permissions-boundary --user-name <user> --permissions-boundary <boundary-arn>",
		Terraform: "data \"aws_iam_policy_document\" \"boundary\" {\n  statement {\n    effect      = \"Deny\"\n" +
			"    actions     = [\"iam:Create*\", \"iam:Put*\", \"iam:Attach*\", \"iam:Update*\", \"iam:AddUserToGroup\", \"iam:SetDefaultPolicyVersion\"]\n" +
			"    resources   = [\"*\"]\n  }\n}",
	},
	References: []string{
		"https://rhinosecuritylabs.com/aws/aws-privilege-escalation-methods-mitigation/",
		"https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_use_passrole.html",
		"https://docs.aws.amazon.com/IAM/latest/UserGuide/access_policies_boundaries.html",
	},
}, iamPrincipals, func(env *check.Env, r model.Resource) check.Result {
	a, p, id := iamPrincipalOf(env, r)
	if p == nil {
		return check.Skip()
	}
	e := a.esc[p]
	if e == nil || e.Admin {
		// Already an administrator: aws-iam-principal-effective-admin says so.
		return check.Skip()
	}
	if len(e.Paths) > 0 {
		var ev []check.Evidence
		for _, path := range e.Paths {
			ev = append(ev, check.Ev(id.Source, "%s", path.String()))
		}
		return check.FailResult(fmt.Sprintf("%s can become full administrator (%s)", p.Label(), iamPlural(len(e.Paths), "path")),
			append(ev, a.orgAssumption(env, id)...)...)
	}
	if len(p.Incomplete) > 0 {
		return check.UnknownResult("escalation paths of "+p.Label()+" are unknown: "+p.Incomplete[0],
			check.Ev(id.Source, "%s", strings.Join(p.Incomplete, "; ")))
	}
	return check.PassResult(p.Label() + " has no known privilege-escalation path")
})
