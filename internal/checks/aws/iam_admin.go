package aws

import (
	"strconv"

	"github.com/cloudward/cloudward/internal/check"
	"github.com/cloudward/cloudward/internal/iam"
	"github.com/cloudward/cloudward/internal/model"
	awsm "github.com/cloudward/cloudward/internal/model/aws"
)

// Full-administrator checks: IAM users who hold "*" on "*" by any path, and
// customer-managed policies that grant it.

var iamUserAdminAccess = check.AWS(check.Meta{
	ID:           "aws-iam-user-admin-access",
	Title:        "IAM user has full administrator access",
	Severity:     check.Critical,
	Domain:       check.Identity,
	Service:      "iam",
	ResourceType: awsm.TypeUser,
	Rationale: "A user with \"*\" on \"*\" (AdministratorAccess or an equivalent statement), whether attached directly, through a " +
		"group or inline, turns any leak of that user's password or access keys into a full account compromise. Humans should " +
		"assume narrowly scoped roles (IAM Identity Center permission sets) and hold only least-privilege permissions.",
	Remediation: check.Remediation{
		Console: "IAM console > Users > select the user > Permissions: remove AdministratorAccess (or the policy granting \"*\" on " +
			"\"*\") and any group that carries it; grant the tasks the person needs through a scoped group or an assumable role " +
			"that requires MFA. Alternatively set a permissions boundary that does not allow \"*\" on \"*\".",
		CLI: "aws iam list-attached-user-policies --user-name <user>\naws iam list-groups-for-user --user-name <user>\n" +
			"aws iam detach-user-policy --user-name <user> --policy-arn arn:aws:iam::aws:policy/AdministratorAccess\n" +
			"aws iam remove-user-from-group --user-name <user> --group-name <admin-group>",
		Terraform: "# Remove admin grants from users; give admins an assumable role instead:\n" +
			"resource \"aws_iam_role\" \"admin\" {\n  name = \"admin\"\n  assume_role_policy = jsonencode({\n" +
			"    Version = \"2012-10-17\"\n    Statement = [{ Effect = \"Allow\", Action = \"sts:AssumeRole\",\n" +
			"      Principal = { AWS = \"arn:aws:iam::<account-id>:root\" },\n" +
			"      Condition = { Bool = { \"aws:MultiFactorAuthPresent\" = \"true\" } } }]\n  })\n}",
	},
	References: []string{
		"https://docs.aws.amazon.com/IAM/latest/UserGuide/best-practices.html#grant-least-privilege",
		"https://docs.aws.amazon.com/aws-managed-policy/latest/reference/AdministratorAccess.html",
		"https://docs.aws.amazon.com/IAM/latest/UserGuide/access_policies_boundaries.html",
	},
	Frameworks: map[string][]string{CIS: {"1.16"}},
}, iamUsers, func(env *check.Env, u *awsm.User) check.Result {
	if res, ok := iamAuthDetailsUnknown(env.AWS, "permissions of user "+iamUserName(u)); !ok {
		return res
	}
	s := iamAdminScan{inv: env.AWS}
	for i := range u.AttachedPolicies {
		s.managed("", &u.AttachedPolicies[i])
	}
	for i := range u.InlinePolicies {
		s.inline("", &u.InlinePolicies[i])
	}
	for _, name := range u.Groups {
		g := env.AWS.Group(name)
		if g == nil {
			s.unknownf(u.Source, "group %s of user %s is not in the inventory", name, iamUserName(u))
			continue
		}
		for i := range g.AttachedPolicies {
			s.managed(name, &g.AttachedPolicies[i])
		}
		for i := range g.InlinePolicies {
			s.inline(name, &g.InlinePolicies[i])
		}
	}
	if len(s.paths) == 0 {
		if len(s.unknown) > 0 {
			return check.UnknownResult("whether user "+iamUserName(u)+" has full administrator access is unknown: "+s.unknown[0].Detail, s.unknown...)
		}
		return check.PassResult("user has no full administrator access")
	}
	return iamAdminVerdict(env.AWS, u, s.paths)
})

// iamAdminVerdict decides for a user with admin grants, honouring a
// permissions boundary: a boundary whose document does not allow "*" on "*"
// caps the grants below full admin (PASS, with evidence); an unknown
// boundary makes the answer UNKNOWN.
func iamAdminVerdict(inv *awsm.Inventory, u *awsm.User, paths []check.Evidence) check.Result {
	name := iamUserName(u)
	failMsg := "user " + name + " has full administrator access via " + paths[0].Detail
	if len(paths) > 1 {
		failMsg += " (and " + iamPlural(len(paths)-1, "more path") + ")"
	}
	boundary, ok := u.PermissionsBoundary.Get()
	if !ok {
		return check.UnknownResult("user "+name+" is granted full administrator access but its permissions boundary is unknown: "+
			u.PermissionsBoundary.Reason(),
			append(paths, check.Ev(u.PermissionsBoundary.Source(), "permissions boundary: %s", u.PermissionsBoundary.Reason()))...)
	}
	if boundary == "" {
		return check.FailResult(failMsg, paths...)
	}
	bsrc := u.PermissionsBoundary.Source()
	if policyIsAWSAdministratorAccess(boundary) {
		return check.FailResult(failMsg, append(paths, check.Ev(bsrc, "permissions boundary %s allows everything", boundary))...)
	}
	doc, why := iamManagedDefaultDoc(inv, boundary)
	if doc == nil && why != "" {
		return check.UnknownResult("user "+name+" is granted full administrator access but its permissions boundary "+why,
			append(paths, check.Ev(bsrc, "permissions boundary %s", why))...)
	}
	if st := policyAdminStatement(doc); st != nil {
		return check.FailResult(failMsg, append(paths, check.Ev(doc.Source.At("Statement["+strconv.Itoa(st.Index)+"]"),
			"permissions boundary %s Statement[%d] also allows * on *", boundary, st.Index))...)
	}
	return check.PassResult("user "+name+"'s administrator grants are capped by permissions boundary "+boundary,
		append(paths, check.Ev(bsrc, "permissions boundary %s does not allow * on *, so the grants above are not full admin", boundary))...)
}

// iamManagedDefaultDoc returns the default-version document of a managed
// policy, or nil and why it is not known. A known "no document" is nil with
// an empty reason.
func iamManagedDefaultDoc(inv *awsm.Inventory, arn string) (*awsm.PolicyDocument, string) {
	p := inv.Policy(arn)
	if p == nil {
		// IaC attaches AWS managed policies without defining them.
		if b := iam.BuiltinManagedPolicy(arn); b != nil {
			return b.Document, ""
		}
		return nil, "policy " + arn + " is not in the inventory"
	}
	v := p.Default()
	if v == nil {
		return nil, "default version " + p.DefaultVersionID + " of policy " + arn + " is not in the inventory"
	}
	doc, ok := v.Document.Get()
	if !ok {
		return nil, "document of policy " + arn + " version " + v.VersionID + " is unknown: " + v.Document.Reason()
	}
	return doc, ""
}

// iamAdminScan collects the admin grants of one principal and the inputs it
// could not judge. Nothing is allocated unless something is found, so the
// common (PASS) case costs only map lookups and statement scans.
type iamAdminScan struct {
	inv     *awsm.Inventory
	paths   []check.Evidence
	unknown []check.Evidence
}

// iamVia renders the group part of a path: "group admins -> ".
func iamVia(group string) string {
	if group == "" {
		return ""
	}
	return "group " + group + " -> "
}

func (s *iamAdminScan) unknownf(src model.Source, format string, args ...any) {
	s.unknown = append(s.unknown, check.Ev(src, format, args...))
}

// managed judges an attached managed policy; group is "" when it is attached
// to the user itself.
func (s *iamAdminScan) managed(group string, ap *awsm.AttachedPolicy) {
	if policyIsAWSAdministratorAccess(ap.ARN) {
		s.paths = append(s.paths, check.Ev(ap.Source, "%spolicy AdministratorAccess (%s)", iamVia(group), ap.ARN))
		return
	}
	doc, why := iamManagedDefaultDoc(s.inv, ap.ARN)
	if doc == nil {
		if why != "" {
			s.unknownf(ap.Source, "%s%s", iamVia(group), why)
		}
		return
	}
	if st := policyAdminStatement(doc); st != nil {
		name := ap.Name
		if name == "" {
			name = ap.ARN
		}
		s.paths = append(s.paths, check.Ev(doc.Source.At("Statement["+strconv.Itoa(st.Index)+"]"),
			"%spolicy %s (%s) Statement[%d] allows * on *", iamVia(group), name, ap.ARN, st.Index))
	}
}

// inline judges an inline policy of the user or of one of its groups.
func (s *iamAdminScan) inline(group string, ip *awsm.InlinePolicy) {
	doc, ok := ip.Document.Get()
	if !ok {
		s.unknownf(ip.Document.Source(), "%sinline policy %s is unknown: %s", iamVia(group), ip.Name, ip.Document.Reason())
		return
	}
	if st := policyAdminStatement(doc); st != nil {
		s.paths = append(s.paths, check.Ev(doc.Source.At("Statement["+strconv.Itoa(st.Index)+"]"),
			"%sinline policy %s Statement[%d] allows * on *", iamVia(group), ip.Name, st.Index))
	}
}

var iamPolicyAdminWildcard = check.AWS(check.Meta{
	ID:           "aws-iam-policy-admin-wildcard",
	Title:        "Customer-managed policy allows \"*\" on \"*\"",
	Severity:     check.High,
	Domain:       check.Identity,
	Service:      "iam",
	ResourceType: awsm.TypeManagedPolicy,
	Rationale: "A customer-managed policy whose default version allows every action on every resource is full administrator " +
		"access under another name, and hides from reviews that look for AdministratorAccess. Unattached policies count too: " +
		"they are one attach-policy call away from granting admin, often to whoever can attach policies. Only the default " +
		"version is in force; older versions that allow it are mentioned because set-default-policy-version revives them.",
	Remediation: check.Remediation{
		Console: "IAM console > Policies > select the policy > Edit: replace \"Action\": \"*\" on \"Resource\": \"*\" with the actions " +
			"and resources actually needed (IAM Access Analyzer can generate a policy from CloudTrail activity); delete old " +
			"versions that allow it. Delete the policy if it is unused.",
		CLI: "aws iam create-policy-version --policy-arn <policy-arn> --policy-document file://least-privilege.json --set-as-default\n" +
			"aws iam delete-policy-version --policy-arn <policy-arn> --version-id <old-version-id>",
		Terraform: "resource \"aws_iam_policy\" \"app\" {\n  name   = \"app\"\n  policy = jsonencode({\n    Version = \"2012-10-17\"\n" +
			"    Statement = [{ Effect = \"Allow\", Action = [\"s3:GetObject\"], Resource = [\"arn:aws:s3:::app-data/*\"] }]\n  })\n}",
	},
	References: []string{
		"https://docs.aws.amazon.com/IAM/latest/UserGuide/access_policies_managed-versioning.html",
		"https://docs.aws.amazon.com/IAM/latest/UserGuide/best-practices.html#grant-least-privilege",
	},
	Frameworks: map[string][]string{CIS: {"1.16"}},
}, func(inv *awsm.Inventory) []*awsm.ManagedPolicy { return inv.Policies },
	func(_ *check.Env, p *awsm.ManagedPolicy) check.Result {
		if p.AWSManaged {
			return check.Skip()
		}
		// Older versions that allow admin: evidence only.
		var older []check.Evidence
		for i := range p.Versions {
			v := &p.Versions[i]
			if v.IsDefault {
				continue
			}
			if doc, ok := v.Document.Get(); ok {
				if st := policyAdminStatement(doc); st != nil {
					older = append(older, check.Ev(doc.Source.At("Statement["+strconv.Itoa(st.Index)+"]"),
						"non-default version %s Statement[%d] also allows * on * (not in force)", v.VersionID, st.Index))
				}
			}
		}
		def := p.Default()
		if def == nil {
			return check.UnknownResult("default version "+p.DefaultVersionID+" of policy "+p.Name+" is not in the inventory",
				check.Ev(p.Source, "default version %s not collected", p.DefaultVersionID))
		}
		doc, ok := def.Document.Get()
		if !ok {
			return check.UnknownOf("default version "+def.VersionID+" of policy "+p.Name, def.Document)
		}
		st := policyAdminStatement(doc)
		if st == nil {
			if len(older) > 0 {
				return check.PassResult("default version "+def.VersionID+" does not allow * on *", older...)
			}
			return check.PassResult("default version does not allow * on *")
		}
		attached := "attachment count unknown"
		if n, ok := p.AttachmentCount.Get(); ok {
			if n == 0 {
				attached = "not attached yet: one attach away from granting admin"
			} else {
				attached = "attached to " + iamPlural(int(n), "principal")
			}
		}
		ev := append([]check.Evidence{check.Ev(doc.Source.At("Statement["+strconv.Itoa(st.Index)+"]"),
			"default version %s Statement[%d]: %s", def.VersionID, st.Index, st.String())}, older...)
		return check.FailResult("customer-managed policy "+p.Name+" allows * on * in its default version "+def.VersionID+" ("+attached+")", ev...)
	})
