package aws

import (
	"strconv"
	"strings"

	"github.com/cloudward/cloudward/internal/check"
	awsm "github.com/cloudward/cloudward/internal/model/aws"
)

var iamRoleTrustUnrestricted = check.AWS(check.Meta{
	ID:           "aws-iam-role-trust-unrestricted",
	Title:        "Role can be assumed by another account or anyone without ExternalId, MFA or organization condition",
	Severity:     check.High,
	Domain:       check.Identity,
	Service:      "iam",
	ResourceType: awsm.TypeRole,
	Rationale: "A trust policy that lets another AWS account (or every AWS principal, \"*\") call sts:AssumeRole hands this role's " +
		"permissions to whoever controls that account. For third parties, sts:ExternalId prevents the confused-deputy problem; " +
		"for people, an MFA condition; for your own organization, aws:PrincipalOrgID. Service principals, principals of the " +
		"role's own account and federated (SAML/OIDC) principals are not concerned; service-linked roles are skipped.",
	Remediation: check.Remediation{
		Console: "IAM console > Roles > select the role > Trust relationships > Edit trust policy: replace \"*\" with the exact " +
			"principal ARN, and add a Condition: StringEquals sts:ExternalId (third parties), Bool aws:MultiFactorAuthPresent true " +
			"(people) or StringEquals aws:PrincipalOrgID (your organization).",
		CLI: "aws iam update-assume-role-policy --role-name <role> --policy-document file://trust.json\n" +
			"# trust.json: {\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Principal\":{\"AWS\":\"arn:aws:iam::<partner-account>:root\"}," +
			"\"Action\":\"sts:AssumeRole\",\"Condition\":{\"StringEquals\":{\"sts:ExternalId\":\"<unique-external-id>\"}}}]}",
		Terraform: "data \"aws_iam_policy_document\" \"trust\" {\n  statement {\n    actions = [\"sts:AssumeRole\"]\n" +
			"    principals {\n      type        = \"AWS\"\n      identifiers = [\"arn:aws:iam::<partner-account>:root\"]\n    }\n" +
			"    condition {\n      test     = \"StringEquals\"\n      variable = \"sts:ExternalId\"\n      values   = [\"<unique-external-id>\"]\n" +
			"    }\n  }\n}\nresource \"aws_iam_role\" \"partner\" {\n  name               = \"partner\"\n" +
			"  assume_role_policy = data.aws_iam_policy_document.trust.json\n}",
	},
	References: []string{
		"https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_create_for-user_externalid.html",
		"https://docs.aws.amazon.com/IAM/latest/UserGuide/confused-deputy.html",
		"https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_principal.html",
	},
}, func(inv *awsm.Inventory) []*awsm.Role { return inv.Roles },
	func(_ *check.Env, r *awsm.Role) check.Result {
		if r.IsServiceLinked() {
			return check.Skip()
		}
		doc, ok := r.TrustPolicy.Get()
		if !ok {
			return check.UnknownOf("trust policy of role "+r.Name, r.TrustPolicy)
		}
		if doc == nil {
			return check.PassResult("role has no trust policy")
		}
		own := iamRoleAccount(r)
		var ev []check.Evidence
		var who []string
		for i := range doc.Statements {
			st := &doc.Statements[i]
			if !st.IsAllow() || !iamStatementAllowsAssumeRole(st) {
				continue
			}
			src := doc.Source.At("Statement[" + strconv.Itoa(st.Index) + "]")
			// Allow with NotPrincipal grants everyone but the listed ones.
			if st.NotPrincipal != nil || st.Principal.IsEveryone() {
				if !iamTrustConditionRestricts(st, true) {
					ev = append(ev, check.Ev(src, "Statement[%d] lets any AWS principal (\"*\") assume the role without a condition that narrows who: %s", st.Index, st.String()))
					who = append(who, "anyone")
				}
				continue
			}
			if st.Principal == nil || iamTrustConditionRestricts(st, false) {
				continue
			}
			for _, p := range st.Principal.Values["AWS"] {
				acct := iamPrincipalAccount(p)
				if acct == "" || acct == own {
					continue
				}
				if own == "" {
					return check.UnknownResult("role "+r.Name+" trusts "+p+" but the role's own account is unknown",
						check.Ev(src, "cannot tell whether %s is another account", p))
				}
				ev = append(ev, check.Ev(src, "Statement[%d] lets account %s (%s) assume the role without an sts:ExternalId, MFA or organization condition", st.Index, acct, p))
				who = append(who, "account "+acct)
			}
		}
		if len(ev) > 0 {
			return check.FailResult("role "+r.Name+" can be assumed by "+strings.Join(iamUniq(who), ", ")+
				" without an sts:ExternalId, MFA or organization condition", ev...)
		}
		return check.PassResult("role trust policy admits only its own account, services, federation or conditioned principals")
	})

// iamStatementAllowsAssumeRole reports whether a statement's actions cover
// sts:AssumeRole.
func iamStatementAllowsAssumeRole(st *awsm.Statement) bool {
	if st.NotAction != nil {
		for _, a := range st.NotAction {
			if policyActionAllowsAssumeRole(a) {
				return false
			}
		}
		return true
	}
	for _, a := range st.Action {
		if policyActionAllowsAssumeRole(a) {
			return true
		}
	}
	return false
}

// iamTrustConditionRestricts reports whether a trust statement carries a
// condition that makes cross-account trust safe: sts:ExternalId, MFA
// (aws:MultiFactorAuthPresent true, aws:MultiFactorAuthAge) or organization
// membership (aws:PrincipalOrgID, aws:PrincipalOrgPaths). For a "*"
// principal, pinning the caller (aws:PrincipalAccount, aws:PrincipalArn)
// also counts, since it names who may assume the role. Each entry must pass
// policyConditionEntryRestricts (positive operator, no wildcard value).
func iamTrustConditionRestricts(st *awsm.Statement, everyone bool) bool {
	for i := range st.Condition {
		c := &st.Condition[i]
		switch {
		case strings.EqualFold(c.Key, "sts:ExternalId"),
			strings.EqualFold(c.Key, "aws:MultiFactorAuthPresent"),
			strings.EqualFold(c.Key, "aws:MultiFactorAuthAge"),
			strings.EqualFold(c.Key, "aws:PrincipalOrgID"),
			strings.EqualFold(c.Key, "aws:PrincipalOrgPaths"):
		case everyone && (strings.EqualFold(c.Key, "aws:PrincipalAccount") || strings.EqualFold(c.Key, "aws:PrincipalArn")):
		default:
			continue
		}
		if policyConditionEntryRestricts(c) {
			return true
		}
	}
	return false
}

// iamPrincipalAccount returns the account ID of an AWS principal: a bare
// 12-digit account ID or the account field of an IAM/STS ARN
// (arn:aws:iam::444455556666:root, ...:role/x, arn:aws:sts::...:assumed-role/...).
// Unique IDs (AROA..., AIDA...) that AWS leaves in place of deleted
// principals match nobody and return "".
func iamPrincipalAccount(p string) string {
	if iamIsAccountID(p) {
		return p
	}
	if !strings.HasPrefix(p, "arn:") {
		return ""
	}
	// arn:partition:service:region:account:resource
	f := p
	for i := 0; i < 4; i++ {
		j := strings.IndexByte(f, ':')
		if j < 0 {
			return ""
		}
		f = f[j+1:]
	}
	if j := strings.IndexByte(f, ':'); j >= 0 {
		return f[:j]
	}
	return ""
}

func iamIsAccountID(s string) bool {
	if len(s) != 12 {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// iamRoleAccount is the role's own account: AccountID, else from its ARN.
func iamRoleAccount(r *awsm.Role) string {
	if r.AccountID != "" {
		return r.AccountID
	}
	return iamPrincipalAccount(r.ARN)
}

// iamUniq drops repeated strings, keeping the first occurrence.
func iamUniq(in []string) []string {
	out := make([]string, 0, len(in))
	for _, s := range in {
		dup := false
		for _, t := range out {
			if t == s {
				dup = true
				break
			}
		}
		if !dup {
			out = append(out, s)
		}
	}
	return out
}
