package aws

import (
	"fmt"
	"slices"
	"strings"

	"github.com/cloudward/cloudward/internal/check"
	"github.com/cloudward/cloudward/internal/model"
	awsm "github.com/cloudward/cloudward/internal/model/aws"
)

// Checks over the operations read only for compliance controls (issue 6):
// identity federation (CIS v4.0.1 1.21), Macie (CIS v4.0.1 2.1.3) and
// centralized root access (CIS v7.0 2.1.1).

// complianceOpsChecks lists them.
func complianceOpsChecks() []*check.Check {
	return []*check.Check{iamFederationMissing, macieDisabled, orgRootAccessNotCentralized}
}

// maxEvidence caps the evidence items of an account-level finding that
// lists many users: the message carries the full count.
const maxEvidence = 20

var iamFederationMissing = check.AWS(check.Meta{
	ID:           "aws-iam-federation-missing",
	Frameworks:   map[string][]string{CIS: {"1.21"}},
	Title:        "People sign in as local IAM users instead of through identity federation",
	Severity:     check.Medium,
	Domain:       check.Identity,
	Service:      "iam",
	ResourceType: awsm.TypeAccount,
	Rationale: "IAM users are per-account identities with long-lived passwords: each one is created, reviewed and " +
		"removed by hand in every account, and a leaver's user survives until someone notices. Centrally managed " +
		"identities (IAM Identity Center or an external IdP over SAML, or roles reached from a central account of " +
		"the organization) are revoked once, everywhere. cloudward takes an IAM user with a console password as a " +
		"person signing in locally and fails the account for each one (a break-glass user can be muted as an " +
		"accepted exception). Without such users the account passes when a federation path exists: a SAML provider " +
		"(IAM Identity Center creates AWSSSO_..._DO_NOT_DELETE in every account it serves) or membership of an AWS " +
		"Organization; it fails when there is neither. OIDC providers are not counted: they federate workloads " +
		"(CI pipelines, Kubernetes service accounts), not people.",
	Remediation: check.Remediation{
		Console: "Enable IAM Identity Center in the organization's management account, connect your identity provider, " +
			"assign permission sets to the account, then delete the IAM users' console passwords (IAM > Users > " +
			"Security credentials > Manage console access > Disable) and the users themselves.",
		CLI: "aws iam delete-login-profile --user-name <user>\n" +
			"aws sso-admin create-account-assignment --instance-arn <instance> --target-id <account-id> --target-type AWS_ACCOUNT " +
			"--permission-set-arn <permission-set> --principal-type GROUP --principal-id <group-id>",
		Terraform: "resource \"aws_ssoadmin_account_assignment\" \"engineers\" {\n  instance_arn       = local.sso_instance_arn\n" +
			"  permission_set_arn = aws_ssoadmin_permission_set.engineer.arn\n  principal_type     = \"GROUP\"\n" +
			"  principal_id       = local.engineers_group_id\n  target_type        = \"AWS_ACCOUNT\"\n  target_id          = var.account_id\n}\n" +
			"# and remove aws_iam_user_login_profile resources",
	},
	References: []string{
		"https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_providers_saml.html",
		"https://docs.aws.amazon.com/singlesignon/latest/userguide/what-is.html",
	},
	DeployedOnly: true,
}, accountList, evalFederation)

func evalFederation(env *check.Env, _ *awsm.Account) check.Result {
	inv := env.AWS
	if res, ok := iamAuthDetailsUnknown(inv, "IAM users"); !ok {
		return res
	}
	var local []check.Evidence
	n, unknownAt := 0, -1
	for i, u := range inv.Users {
		pw, ok := u.Credentials.PasswordEnabled.Get()
		switch {
		case !ok:
			if unknownAt < 0 {
				unknownAt = i
			}
		case pw:
			n++
			if len(local) < maxEvidence {
				local = append(local, check.Ev(u.Credentials.PasswordEnabled.Source(), "IAM user %s has a console password", iamUserName(u)))
			}
		}
	}
	if n > 0 {
		return check.FailResult(iamPlural(n, "IAM user")+" sign in to the console with a local password instead of a federated identity", local...)
	}
	if unknownAt >= 0 {
		u := inv.Users[unknownAt]
		return check.UnknownOf("console password status of user "+iamUserName(u), u.Credentials.PasswordEnabled)
	}
	saml := inv.Compliance.SAMLProviders
	providers, samlKnown := saml.Get()
	if samlKnown && len(providers) > 0 {
		names := make([]string, len(providers))
		for i, p := range providers {
			names[i] = p.Name
		}
		return check.PassResult("no IAM user has a console password; people sign in through SAML provider(s) " + strings.Join(names, ", "))
	}
	org := inv.PolicyHolders.Organization
	member, orgKnown := org.Member.Get()
	switch {
	case orgKnown && member:
		name := "an AWS Organization"
		if org.ID != "" {
			name = "AWS Organization " + org.ID
		}
		return check.PassResult("no IAM user has a console password; the account belongs to " + name +
			", whose central accounts reach it through roles")
	case !samlKnown:
		return check.UnknownOf("SAML provider list", saml)
	case !orgKnown:
		return check.UnknownOf("no SAML provider; AWS Organizations membership", org.Member)
	}
	return check.FailResult("no identity federation: no IAM user signs in, but the account has no SAML provider and belongs to no AWS Organization",
		check.Ev(saml.Source(), "list-saml-providers: none"), check.Ev(org.Member.Source(), "not a member of an organization"))
}

var macieDisabled = check.AWS(check.Meta{
	ID:           "aws-macie-disabled",
	Frameworks:   map[string][]string{CIS: {"2.1.3"}},
	Title:        "Amazon Macie is not enabled in a region that holds S3 buckets",
	Severity:     check.Low,
	Domain:       check.Detection,
	Service:      "macie2",
	ResourceType: awsm.TypeRegion,
	Rationale: "Sensitive data is protected only where it is known to be. Macie inventories the S3 buckets of a region " +
		"and discovers and classifies the sensitive data in them (credentials, personal and financial data). It is " +
		"regional: cloudward fails each region that holds at least one S3 bucket where Macie's status is not ENABLED " +
		"(PAUSED or not enabled); regions without buckets are not assessed. Macie being on is what an API can show of " +
		"CIS 2.1.3; whether its findings were acted on (data secured) stays with the auditor.",
	Remediation: check.Remediation{
		Console: "Amazon Macie console > select the region > Get started > Enable Macie; then turn on automated " +
			"sensitive data discovery (or create classification jobs) for the buckets.",
		CLI: "aws macie2 enable-macie --region <region>\n" +
			"aws macie2 update-automated-discovery-configuration --status ENABLED --region <region>",
		Terraform: "resource \"aws_macie2_account\" \"this\" {}  # one per region (provider alias)",
	},
	References: []string{
		"https://docs.aws.amazon.com/macie/latest/user/getting-started.html",
		"https://docs.aws.amazon.com/macie/latest/APIReference/macie-session.html",
	},
	DeployedOnly: true,
}, func(inv *awsm.Inventory) []*awsm.Region { return inv.Regions }, evalMacie)

func evalMacie(env *check.Env, r *awsm.Region) check.Result {
	st, read := env.AWS.Compliance.Macie[r.Region]
	if !read {
		st = model.Unknown[string]("Macie status not read in "+r.Region, model.Source{File: r.Region + "/macie2/get-macie-session.json"})
	}
	status, known := st.Get()
	if known && status == "ENABLED" {
		return check.PassResult("Macie is enabled in " + r.Region)
	}
	if c, ok := env.AWS.CoverageOf("s3api", "list-buckets"); ok && c.Status != awsm.CoverageRead {
		return check.UnknownResult("S3 buckets are unknown: s3api list-buckets "+string(c.Status),
			check.Ev(model.Source{File: "global/s3api/list-buckets.json"}, "%s", c.Detail))
	}
	n := 0
	var first, unplaced *awsm.Bucket
	for _, b := range env.AWS.Buckets {
		switch b.Region {
		case r.Region:
			if n == 0 {
				first = b
			}
			n++
		case "":
			unplaced = b
		}
	}
	switch {
	case n == 0 && unplaced != nil:
		return check.UnknownResult("Macie is not known to be enabled in "+r.Region+" and the region of bucket "+unplaced.Name+" is unknown",
			check.Ev(unplaced.Source, "bucket region unknown"))
	case n == 0:
		return check.Skip() // no S3 data in the region to discover
	case !known:
		return check.UnknownOf("Macie status in "+r.Region, st)
	}
	return check.FailResult(fmt.Sprintf("Macie is %s in %s, which holds %s (e.g. %s): their data is not discovered or classified",
		strings.ToLower(status), r.Region, iamPlural(n, "S3 bucket"), first.Name),
		check.Ev(st.Source(), "get-macie-session: %s", status))
}

// The IAM organization features of centralized root access: CIS v7.0
// 2.1.1 requires root credentials management; privileged root sessions are
// optional ("if desired").
const (
	featureRootCredentials = "RootCredentialsManagement"
	featureRootSessions    = "RootSessions"
)

var orgRootAccessNotCentralized = check.AWS(check.Meta{
	ID:           "aws-organizations-root-access-not-centralized",
	Title:        "Root access of member accounts is not managed centrally in AWS Organizations",
	Severity:     check.Medium,
	Domain:       check.Identity,
	Service:      "iam",
	ResourceType: awsm.TypeAccount,
	Rationale: "Every member account has a root user with a password, MFA and possibly keys to guard. With centralized " +
		"root access (IAM RootCredentialsManagement and RootSessions for the organization) member accounts can run " +
		"without root credentials at all, and the few tasks that need root are performed as short privileged sessions " +
		"from the management account. cloudward reads iam list-organizations-features, which answers in the management " +
		"account (or a delegated administrator): RootCredentialsManagement must be enabled, as CIS asks (RootSessions is " +
		"recommended and reported, not required). An account in no organization fails; from a member account the answer " +
		"is denied and the result UNKNOWN.",
	Remediation: check.Remediation{
		Console: "IAM console of the management account > Root access management > Enable; select root credentials " +
			"management (and privileged root actions in member accounts).",
		CLI: "aws organizations enable-aws-service-access --service-principal iam.amazonaws.com\n" +
			"aws iam enable-organizations-root-credentials-management\n" +
			"aws iam enable-organizations-root-sessions",
		Terraform: "resource \"aws_iam_organizations_features\" \"this\" {\n" +
			"  enabled_features = [\"RootCredentialsManagement\", \"RootSessions\"]\n}",
	},
	References: []string{
		"https://docs.aws.amazon.com/IAM/latest/UserGuide/id_root-user.html#id_root-user-access-management",
		"https://docs.aws.amazon.com/IAM/latest/APIReference/API_ListOrganizationsFeatures.html",
	},
	DeployedOnly: true,
}, accountList, func(env *check.Env, _ *awsm.Account) check.Result {
	c := &env.AWS.Compliance
	features, ok := c.OrgFeatures.Get()
	switch {
	case !ok:
		return check.UnknownOf("organization IAM features (list-organizations-features answers in the management account)", c.OrgFeatures)
	case c.NoOrganization:
		return check.FailResult("the account belongs to no AWS Organization: its root credentials cannot be managed centrally",
			check.Ev(c.OrgFeatures.Source(), "OrganizationNotFoundException"))
	}
	if !slices.Contains(features, featureRootCredentials) {
		return check.FailResult("centralized root access is not enabled: "+featureRootCredentials+" missing",
			check.Ev(c.OrgFeatures.Source(), "enabled features: %s", orNone(features)))
	}
	if !slices.Contains(features, featureRootSessions) {
		return check.PassResult("root credentials management is enabled for the organization (privileged root sessions are not)")
	}
	return check.PassResult("root credentials management and privileged root sessions are enabled for the organization")
})

func orNone(list []string) string {
	if len(list) == 0 {
		return "none"
	}
	return strings.Join(list, ", ")
}
