package aws

import (
	"strconv"

	"github.com/cloudward/cloudward/internal/check"
	"github.com/cloudward/cloudward/internal/model"
	awsm "github.com/cloudward/cloudward/internal/model/aws"
)

// Root user checks: the root user can do anything, including closing the
// account, and no IAM policy can restrict it.

var iamRootMFADisabled = check.AWS(check.Meta{
	ID:           "aws-iam-root-mfa-disabled",
	Title:        "Root user has no MFA device",
	Severity:     check.Critical,
	Domain:       check.Identity,
	Service:      "iam",
	ResourceType: awsm.TypeRootUser,
	Rationale: "The root user has unrestricted access to every resource and setting of the account and cannot be limited by IAM policies. " +
		"Without MFA, a leaked or phished root password is enough to take over the account.",
	Remediation: check.Remediation{
		Console: "Sign in as the root user > account menu > Security credentials > Multi-factor authentication (MFA) > Assign MFA device; " +
			"prefer a hardware key (FIDO2 security key) and store it safely.",
		CLI: "# Root MFA can only be enabled while signed in as root; the CLI cannot do it for root with IAM credentials.\n" +
			"aws iam get-account-summary --query 'SummaryMap.AccountMFAEnabled'   # verify: 1 means enabled",
		Terraform: "# Root MFA cannot be managed by Terraform. Enable it in the console as root, then guard it with an\n" +
			"# AWS Config rule:\nresource \"aws_config_config_rule\" \"root_mfa\" {\n  name = \"root-account-mfa-enabled\"\n" +
			"  source {\n    owner             = \"AWS\"\n    source_identifier = \"ROOT_ACCOUNT_MFA_ENABLED\"\n  }\n}",
	},
	References: []string{
		"https://docs.aws.amazon.com/IAM/latest/UserGuide/enable-mfa-for-root.html",
		"https://docs.aws.amazon.com/IAM/latest/UserGuide/root-user-best-practices.html",
	},
	Frameworks:   map[string][]string{CIS: {"1.5"}},
	DeployedOnly: true, // credential-report data exists only once deployed
}, iamRootList, func(_ *check.Env, r *awsm.RootUser) check.Result {
	mfa, ok := r.MFAEnabled.Get()
	switch {
	case !ok:
		return check.UnknownOf("root MFA status", r.MFAEnabled)
	case !mfa:
		return check.FailResult("the root user has no MFA device",
			check.Ev(r.MFAEnabled.Source(), "root MFA enabled: false"))
	}
	return check.PassResult("the root user has MFA enabled")
})

var iamRootAccessKeys = check.AWS(check.Meta{
	ID:           "aws-iam-root-access-keys",
	Title:        "Root user has an active access key",
	Severity:     check.Critical,
	Domain:       check.Identity,
	Service:      "iam",
	ResourceType: awsm.TypeRootUser,
	Rationale: "A root access key gives programmatic, unrestricted and un-restrictable access to the whole account. Keys leak " +
		"through code, logs and laptops; the root user should have none and use IAM roles for automation.",
	Remediation: check.Remediation{
		Console: "Sign in as the root user > account menu > Security credentials > Access keys: make sure nothing uses the key " +
			"(see its last-used date), then Actions > Deactivate, and later Delete.",
		CLI: "# Run with the root user's own credentials (IAM users cannot manage root keys):\n" +
			"aws iam list-access-keys\naws iam update-access-key --access-key-id <AKIA...> --status Inactive\n" +
			"aws iam delete-access-key --access-key-id <AKIA...>",
		Terraform: "# Root access keys cannot be managed by Terraform. Delete them as root, then guard with AWS Config:\n" +
			"resource \"aws_config_config_rule\" \"root_keys\" {\n  name = \"iam-root-access-key-check\"\n" +
			"  source {\n    owner             = \"AWS\"\n    source_identifier = \"IAM_ROOT_ACCESS_KEY_CHECK\"\n  }\n}",
	},
	References: []string{
		"https://docs.aws.amazon.com/IAM/latest/UserGuide/id_root-user_manage_add-key.html",
		"https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_getting-report.html",
	},
	Frameworks:   map[string][]string{CIS: {"1.4"}},
	DeployedOnly: true, // credential-report data exists only once deployed
}, iamRootList, func(env *check.Env, r *awsm.RootUser) check.Result {
	var ev []check.Evidence
	var unknown *awsm.AccessKey
	for i := range r.Credentials.AccessKeys {
		k := &r.Credentials.AccessKeys[i]
		active, ok := k.Active.Get()
		switch {
		case !ok:
			if unknown == nil {
				unknown = k
			}
		case active:
			detail := "root access key " + strconv.Itoa(k.Slot) + " is active"
			if t, ok := k.LastRotated.Get(); ok {
				detail += ", created or rotated " + iamDaysAgo(env.Now, t)
			}
			if t, ok := k.LastUsed.Get(); ok {
				detail += ", last used " + iamDaysAgo(env.Now, t)
			} else if model.IsTrue(k.NeverUsed) {
				detail += ", never used"
			}
			ev = append(ev, check.Ev(k.Active.Source(), "%s", detail))
		}
	}
	if len(ev) > 0 {
		return check.FailResult("the root user has "+iamPlural(len(ev), "active access key"), ev...)
	}
	if unknown == nil && len(r.Credentials.AccessKeys) > 0 {
		return check.PassResult("the root user has no active access key")
	}
	// The credential report does not say: the account summary's
	// AccountAccessKeysPresent counts root keys too.
	if res, ok := iamRootKeysFromSummary(env.AWS); ok {
		return res
	}
	if unknown != nil {
		return check.UnknownOf("root access key "+strconv.Itoa(unknown.Slot)+" status", unknown.Active)
	}
	return check.UnknownOf("root credential report row", r.Credentials.InReport)
})

// iamRootKeysFromSummary judges root keys from iam get-account-summary.
func iamRootKeysFromSummary(inv *awsm.Inventory) (check.Result, bool) {
	if inv == nil || inv.Account == nil {
		return check.Result{}, false
	}
	summary, ok := inv.Account.Summary.Get()
	if !ok {
		return check.Result{}, false
	}
	n, ok := summary["AccountAccessKeysPresent"]
	if !ok {
		return check.Result{}, false
	}
	src := inv.Account.Summary.Source().At("AccountAccessKeysPresent")
	if n > 0 {
		return check.FailResult("the root user has an active access key (account summary)",
			check.Ev(src, "AccountAccessKeysPresent: %d", n)), true
	}
	return check.PassResult("the root user has no access key (account summary)"), true
}

var iamRootRecentlyUsed = check.AWS(check.Meta{
	ID:           "aws-iam-root-recently-used",
	Title:        "Root user was used in the last 90 days",
	Severity:     check.High,
	Domain:       check.Identity,
	Service:      "iam",
	ResourceType: awsm.TypeRootUser,
	Rationale: "Day-to-day work as root bypasses every IAM guard rail and leaves no per-person trail. Root should be needed only " +
		"for the few tasks that require it; recent root use means either such a task or a habit (or a compromise) to investigate.",
	Remediation: check.Remediation{
		Console: "Review CloudTrail (Event history, filter User name = root) for what root did; create IAM Identity Center users or " +
			"IAM roles for that work; deactivate root access keys; keep the root password and MFA device locked away.",
		CLI: "aws cloudtrail lookup-events --lookup-attributes AttributeKey=Username,AttributeValue=root --max-results 50\n" +
			"aws iam generate-credential-report && aws iam get-credential-report --query Content --output text | base64 -d | grep '<root_account>'",
		Terraform: "# Alert on any root use (CIS 4.3):\nresource \"aws_cloudwatch_log_metric_filter\" \"root_use\" {\n" +
			"  name           = \"root-usage\"\n  log_group_name = \"<cloudtrail-log-group>\"\n" +
			"  pattern        = \"{ $.userIdentity.type = \\\"Root\\\" && $.userIdentity.invokedBy NOT EXISTS && $.eventType != \\\"AwsServiceEvent\\\" }\"\n" +
			"  metric_transformation {\n    name      = \"RootUsage\"\n    namespace = \"CISBenchmark\"\n    value     = \"1\"\n  }\n}",
	},
	References: []string{
		"https://docs.aws.amazon.com/IAM/latest/UserGuide/root-user-tasks.html",
		"https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_getting-report.html",
	},
	Frameworks:   map[string][]string{CIS: {"1.7"}},
	DeployedOnly: true, // credential-report data exists only once deployed
}, iamRootList, func(env *check.Env, r *awsm.RootUser) check.Result {
	c := &r.Credentials
	var ev []check.Evidence
	var unknown []string
	var unknownSrc model.Source
	if t, ok := c.PasswordLastUsed.Get(); ok {
		if !iamOlderThan(env.Now, t, iamRootRecentDays) {
			ev = append(ev, check.Ev(c.PasswordLastUsed.Source(), "root password last used %s", iamDaysAgo(env.Now, t)))
		}
	} else if !model.IsTrue(c.PasswordNeverUsed) {
		unknown = append(unknown, "password last use: "+c.PasswordLastUsed.Reason())
		unknownSrc = c.PasswordLastUsed.Source()
	}
	for i := range c.AccessKeys {
		k := &c.AccessKeys[i]
		if t, ok := k.LastUsed.Get(); ok {
			if !iamOlderThan(env.Now, t, iamRootRecentDays) {
				detail := "root access key " + strconv.Itoa(k.Slot) + " last used " + iamDaysAgo(env.Now, t)
				if svc := k.LastUsedSvc.Or(""); svc != "" {
					detail += " on " + svc
				}
				if reg := k.LastUsedRegn.Or(""); reg != "" {
					detail += " in " + reg
				}
				ev = append(ev, check.Ev(k.LastUsed.Source(), "%s", detail))
			}
		} else if !model.IsTrue(k.NeverUsed) {
			unknown = append(unknown, "access key "+strconv.Itoa(k.Slot)+" last use: "+k.LastUsed.Reason())
			if unknownSrc.IsZero() {
				unknownSrc = k.LastUsed.Source()
			}
		}
	}
	switch {
	case len(ev) > 0:
		return check.FailResult("the root user was used in the last 90 days", ev...)
	case len(c.AccessKeys) == 0 && !model.IsTrue(c.InReport):
		return check.UnknownOf("root credential report row", c.InReport)
	case len(unknown) > 0:
		evs := make([]check.Evidence, len(unknown))
		for i, u := range unknown {
			evs[i] = check.Ev(unknownSrc, "%s", u)
		}
		return check.UnknownResult("root last use is unknown", evs...)
	}
	return check.PassResult("the root user was not used in the last 90 days")
})
