package aws

import (
	"strconv"

	"github.com/cloudward/cloudward/internal/check"
	"github.com/cloudward/cloudward/internal/model"
	awsm "github.com/cloudward/cloudward/internal/model/aws"
)

// IAM user checks: console credentials, access keys and how permissions are
// granted.

var iamUserConsoleMFAMissing = check.AWS(check.Meta{
	ID:           "aws-iam-user-console-mfa-missing",
	Title:        "IAM user with a console password has no MFA",
	Severity:     check.High,
	Domain:       check.Identity,
	Service:      "iam",
	ResourceType: awsm.TypeUser,
	Rationale: "A console password alone falls to phishing, reuse and guessing. MFA makes a stolen password useless on its own. " +
		"Users without a console password are not concerned.",
	Remediation: check.Remediation{
		Console: "IAM console > Users > select the user > Security credentials > Multi-factor authentication (MFA) > Assign MFA device. " +
			"Enforce it for everyone with a policy that denies all but MFA self-service when aws:MultiFactorAuthPresent is false.",
		CLI: "aws iam create-virtual-mfa-device --virtual-mfa-device-name <user> --outfile qr.png --bootstrap-method QRCodePNG\n" +
			"aws iam enable-mfa-device --user-name <user> --serial-number arn:aws:iam::<account-id>:mfa/<user> " +
			"--authentication-code1 <code1> --authentication-code2 <code2>",
		Terraform: "resource \"aws_iam_virtual_mfa_device\" \"user\" {\n  virtual_mfa_device_name = \"<user>\"\n}\n" +
			"# then enable it for the user (aws iam enable-mfa-device); or remove the console password:\n" +
			"# delete the aws_iam_user_login_profile resource of users that do not need the console.",
	},
	References: []string{
		"https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_mfa_enable_virtual.html",
		"https://docs.aws.amazon.com/IAM/latest/UserGuide/tutorial_users-self-manage-mfa-and-creds.html",
	},
	Frameworks:   map[string][]string{CIS: {"1.10"}},
	DeployedOnly: true, // credential-report data exists only once deployed
}, iamUsers, func(_ *check.Env, u *awsm.User) check.Result {
	if res, ok := iamConsoleUser(u); !ok {
		return res
	}
	c := &u.Credentials
	mfa, ok := c.MFAActive.Get()
	switch {
	case !ok:
		return check.UnknownOf("MFA status of user "+iamUserName(u), c.MFAActive)
	case !mfa:
		return check.FailResult("user "+iamUserName(u)+" has console access without MFA",
			check.Ev(c.PasswordEnabled.Source(), "password_enabled: true"),
			check.Ev(c.MFAActive.Source(), "mfa_active: false"))
	}
	return check.PassResult("user has console access with MFA")
})

var iamUserDirectPolicies = check.AWS(check.Meta{
	ID:           "aws-iam-user-direct-policies",
	Title:        "IAM user has policies attached directly",
	Severity:     check.Low,
	Domain:       check.Identity,
	Service:      "iam",
	ResourceType: awsm.TypeUser,
	Rationale: "Permissions granted through groups (or roles) are reviewed and revoked in one place. Policies attached to " +
		"individual users drift, pile up and are forgotten when people change jobs.",
	Remediation: check.Remediation{
		Console: "IAM console > Users > select the user > Permissions: add the user to a group that carries the needed policies, " +
			"then Remove each directly attached and inline policy.",
		CLI: "aws iam add-user-to-group --user-name <user> --group-name <group>\n" +
			"aws iam detach-user-policy --user-name <user> --policy-arn <policy-arn>\n" +
			"aws iam delete-user-policy --user-name <user> --policy-name <inline-policy-name>",
		Terraform: "resource \"aws_iam_group_policy_attachment\" \"team\" {\n  group      = aws_iam_group.team.name\n" +
			"  policy_arn = aws_iam_policy.team.arn\n}\nresource \"aws_iam_user_group_membership\" \"user\" {\n" +
			"  user   = aws_iam_user.user.name\n  groups = [aws_iam_group.team.name]\n}\n" +
			"# and remove aws_iam_user_policy / aws_iam_user_policy_attachment resources",
	},
	References: []string{
		"https://docs.aws.amazon.com/IAM/latest/UserGuide/best-practices.html",
		"https://docs.aws.amazon.com/IAM/latest/UserGuide/id_groups_manage_attach-policy.html",
	},
	Frameworks: map[string][]string{CIS: {"1.15"}},
}, iamUsers, func(env *check.Env, u *awsm.User) check.Result {
	if res, ok := iamAuthDetailsUnknown(env.AWS, "policies of user "+iamUserName(u)); !ok {
		return res
	}
	n := len(u.AttachedPolicies) + len(u.InlinePolicies)
	if n == 0 {
		return check.PassResult("user has no directly attached or inline policies")
	}
	ev := make([]check.Evidence, 0, n)
	for _, p := range u.AttachedPolicies {
		ev = append(ev, check.Ev(p.Source, "managed policy %s (%s) attached directly", p.Name, p.ARN))
	}
	for _, p := range u.InlinePolicies {
		ev = append(ev, check.Ev(p.Document.Source(), "inline policy %s", p.Name))
	}
	return check.FailResult("user "+iamUserName(u)+" has "+iamPlural(n, "policy")+" attached directly instead of through groups", ev...)
})

// iamAuthDetailsUnknown returns ok false and an UNKNOWN result about what
// when the inventory's coverage says iam get-account-authorization-details
// was missing or failed: users' policy lists are then empty, not known
// empty. Without a coverage entry (a source that is not a snapshot) the
// lists are taken as known.
func iamAuthDetailsUnknown(inv *awsm.Inventory, what string) (check.Result, bool) {
	c, ok := inv.CoverageOf("iam", "get-account-authorization-details")
	if !ok || c.Status == awsm.CoverageRead {
		return check.Result{}, true
	}
	reason := "iam get-account-authorization-details " + string(c.Status)
	if c.Detail != "" {
		reason += ": " + c.Detail
	}
	src := model.Source{File: c.Region + "/iam/get-account-authorization-details.json"}
	return check.UnknownResult(what+" are unknown: "+reason, check.Ev(src, "%s", reason)), false
}

// iamActiveKeys returns the user's active key slots (n of them), or ok
// false and an UNKNOWN result when whether a slot is active is not known.
func iamActiveKeys(u *awsm.User) (active [2]*awsm.AccessKey, n int, res check.Result, ok bool) {
	c := &u.Credentials
	if len(c.AccessKeys) == 0 {
		return active, 0, check.UnknownOf("credential report row of user "+iamUserName(u), c.InReport), false
	}
	for i := range c.AccessKeys {
		k := &c.AccessKeys[i]
		on, known := k.Active.Get()
		if !known {
			return active, 0, check.UnknownOf("access key "+strconv.Itoa(k.Slot)+" status of user "+iamUserName(u), k.Active), false
		}
		if on && n < len(active) {
			active[n] = k
			n++
		}
	}
	return active, n, check.Result{}, true
}

var iamAccessKeyNotRotated = check.AWS(check.Meta{
	ID:           "aws-iam-access-key-not-rotated",
	Title:        "Active access key not rotated in 90 days",
	Severity:     check.Medium,
	Domain:       check.Identity,
	Service:      "iam",
	ResourceType: awsm.TypeUser,
	Rationale: "Long-lived access keys end up in scripts, CI variables and laptops. Rotating them at least every 90 days bounds " +
		"how long a leaked key stays useful; better still, replace them with roles and short-lived credentials.",
	Remediation: check.Remediation{
		Console: "IAM console > Users > select the user > Security credentials > Access keys: Create access key, deploy the new key " +
			"where the old one is used, then Deactivate and Delete the old key.",
		CLI: "aws iam create-access-key --user-name <user>\n# deploy the new key, then:\n" +
			"aws iam update-access-key --user-name <user> --access-key-id <old-key-id> --status Inactive\n" +
			"aws iam delete-access-key --user-name <user> --access-key-id <old-key-id>",
		Terraform: "# Rotate by replacing the key resource (e.g. taint it or bump a keeper):\n" +
			"resource \"aws_iam_access_key\" \"ci\" {\n  user = aws_iam_user.ci.name\n}\n" +
			"# terraform apply -replace=aws_iam_access_key.ci",
	},
	References: []string{
		"https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_access-keys.html#Using_RotateAccessKey",
		"https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_getting-report.html",
	},
	Frameworks:   map[string][]string{CIS: {"1.14"}},
	DeployedOnly: true, // credential-report data exists only once deployed
}, iamUsers, func(env *check.Env, u *awsm.User) check.Result {
	active, n, res, ok := iamActiveKeys(u)
	if !ok {
		return res
	}
	if n == 0 {
		return check.Skip()
	}
	var ev []check.Evidence
	var unknown *awsm.AccessKey
	for _, k := range active[:n] {
		t, known := k.LastRotated.Get()
		switch {
		case !known:
			if unknown == nil {
				unknown = k
			}
		case iamOlderThan(env.Now, t, iamKeyMaxAgeDays):
			ev = append(ev, check.Ev(k.LastRotated.Source(), "access key %d last rotated %s", k.Slot, iamDaysAgo(env.Now, t)))
		}
	}
	switch {
	case len(ev) > 0:
		return check.FailResult("user "+iamUserName(u)+" has "+iamPlural(len(ev), "active access key")+" not rotated in 90 days", ev...)
	case unknown != nil:
		return check.UnknownOf("last rotation of access key "+strconv.Itoa(unknown.Slot)+" of user "+iamUserName(u), unknown.LastRotated)
	}
	return check.PassResult("every active access key was rotated in the last 90 days")
})

var iamAccessKeyUnused = check.AWS(check.Meta{
	ID:           "aws-iam-access-key-unused",
	Title:        "Active access key unused for 90 days",
	Severity:     check.Medium,
	Domain:       check.Identity,
	Service:      "iam",
	ResourceType: awsm.TypeUser,
	Rationale: "An active key nobody uses is pure risk: it can leak and be abused without anyone missing it. Keys unused for " +
		"90 days, or never used since they were created more than 90 days ago, should be deactivated and deleted.",
	Remediation: check.Remediation{
		Console: "IAM console > Users > select the user > Security credentials > Access keys: check \"Last used\", then Actions > " +
			"Deactivate; delete the key after a grace period if nothing breaks.",
		CLI: "aws iam get-access-key-last-used --access-key-id <key-id>\n" +
			"aws iam update-access-key --user-name <user> --access-key-id <key-id> --status Inactive\n" +
			"aws iam delete-access-key --user-name <user> --access-key-id <key-id>",
		Terraform: "# Remove the unused key's resource (or set status = \"Inactive\" first):\n" +
			"resource \"aws_iam_access_key\" \"legacy\" {\n  user   = aws_iam_user.legacy.name\n  status = \"Inactive\"\n}",
	},
	References: []string{
		"https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_finding-unused.html",
		"https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_getting-report.html",
	},
	Frameworks:   map[string][]string{CIS: {"1.12"}},
	DeployedOnly: true, // credential-report data exists only once deployed
}, iamUsers, func(env *check.Env, u *awsm.User) check.Result {
	active, n, res, ok := iamActiveKeys(u)
	if !ok {
		return res
	}
	if n == 0 {
		return check.Skip()
	}
	var ev []check.Evidence
	var unknown check.Result
	haveUnknown := false
	for _, k := range active[:n] {
		if t, known := k.LastUsed.Get(); known {
			if iamOlderThan(env.Now, t, iamKeyMaxAgeDays) {
				ev = append(ev, check.Ev(k.LastUsed.Source(), "access key %d last used %s", k.Slot, iamDaysAgo(env.Now, t)))
			}
			continue
		}
		if !model.IsTrue(k.NeverUsed) {
			if !haveUnknown {
				unknown, haveUnknown = check.UnknownOf("last use of access key "+strconv.Itoa(k.Slot)+" of user "+iamUserName(u), k.LastUsed), true
			}
			continue
		}
		// Never used: its age is its creation (the report's last_rotated is
		// the creation date of a never-rotated key), else the user's.
		created, src, what := k.LastRotated, k.LastRotated.Source(), "created or rotated"
		if !created.Known() {
			created, src, what = u.CreateDate, u.CreateDate.Source(), "its user was created"
		}
		t, known := created.Get()
		if !known {
			if !haveUnknown {
				unknown, haveUnknown = check.UnknownOf("creation date of never-used access key "+strconv.Itoa(k.Slot)+" of user "+iamUserName(u), k.LastRotated), true
			}
			continue
		}
		if iamOlderThan(env.Now, t, iamKeyMaxAgeDays) {
			ev = append(ev, check.Ev(src, "access key %d never used; %s %s", k.Slot, what, iamDaysAgo(env.Now, t)))
		}
	}
	switch {
	case len(ev) > 0:
		return check.FailResult("user "+iamUserName(u)+" has "+iamPlural(len(ev), "active access key")+" unused for 90 days", ev...)
	case haveUnknown:
		return unknown
	}
	return check.PassResult("every active access key was used in the last 90 days or is newer than 90 days")
})

var iamUserPasswordUnused = check.AWS(check.Meta{
	ID:           "aws-iam-user-password-unused",
	Title:        "Console password unused for 45 days",
	Severity:     check.Medium,
	Domain:       check.Identity,
	Service:      "iam",
	ResourceType: awsm.TypeUser,
	Rationale: "A console password nobody uses (someone who left, a forgotten test user) can be guessed or phished without " +
		"anyone noticing. CIS asks to disable credentials unused for 45 days or more.",
	Remediation: check.Remediation{
		Console: "IAM console > Users > select the user > Security credentials > Console sign-in > Manage > Disable console access.",
		CLI:     "aws iam delete-login-profile --user-name <user>",
		Terraform: "# Delete the user's login profile resource:\n# resource \"aws_iam_user_login_profile\" \"<user>\" { ... }  <- remove it\n" +
			"# or, for users managed elsewhere, remove their console access with the CLI.",
	},
	References: []string{
		"https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_finding-unused.html",
		"https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_passwords_admin-change-user.html",
	},
	Frameworks:   map[string][]string{CIS: {"1.12"}},
	DeployedOnly: true, // credential-report data exists only once deployed
}, iamUsers, func(env *check.Env, u *awsm.User) check.Result {
	if res, ok := iamConsoleUser(u); !ok {
		return res
	}
	c := &u.Credentials
	if t, ok := c.PasswordLastUsed.Get(); ok {
		if iamOlderThan(env.Now, t, iamPasswordUnusedDays) {
			return check.FailResult("user "+iamUserName(u)+" has a console password unused for "+strconv.Itoa(iamAgeDays(env.Now, t))+" days",
				check.Ev(c.PasswordLastUsed.Source(), "password last used %s", iamDaysAgo(env.Now, t)))
		}
		return check.PassResult("console password used in the last 45 days")
	}
	if !model.IsTrue(c.PasswordNeverUsed) {
		return check.UnknownOf("password last use of user "+iamUserName(u), c.PasswordLastUsed)
	}
	// Never used: measure from when the password was set, else from when the
	// user was created.
	since, what := c.PasswordLastChange, "password set"
	if !since.Known() {
		since, what = u.CreateDate, "user created"
	}
	t, ok := since.Get()
	if !ok {
		return check.UnknownOf("password creation date of never-signed-in user "+iamUserName(u), c.PasswordLastChange)
	}
	if iamOlderThan(env.Now, t, iamPasswordUnusedDays) {
		return check.FailResult("user "+iamUserName(u)+" has a console password never used in "+strconv.Itoa(iamAgeDays(env.Now, t))+" days",
			check.Ev(since.Source(), "password never used; %s %s", what, iamDaysAgo(env.Now, t)))
	}
	return check.PassResult("console password is newer than 45 days")
})

var iamUserMultipleActiveKeys = check.AWS(check.Meta{
	ID:           "aws-iam-user-multiple-active-keys",
	Title:        "IAM user has more than one active access key",
	Severity:     check.Medium,
	Domain:       check.Identity,
	Service:      "iam",
	ResourceType: awsm.TypeUser,
	Rationale: "Two active keys are only needed for the moments of a rotation. Two long-lived active keys double the leak " +
		"surface and usually mean a rotation was never finished.",
	Remediation: check.Remediation{
		Console: "IAM console > Users > select the user > Security credentials > Access keys: find which key is still in use " +
			"(Last used), then Deactivate and Delete the other.",
		CLI: "aws iam list-access-keys --user-name <user>\n" +
			"aws iam update-access-key --user-name <user> --access-key-id <unused-key-id> --status Inactive\n" +
			"aws iam delete-access-key --user-name <user> --access-key-id <unused-key-id>",
		Terraform: "# Keep one aws_iam_access_key per user; remove the extra resource:\n" +
			"resource \"aws_iam_access_key\" \"app\" {\n  user = aws_iam_user.app.name\n}",
	},
	References: []string{
		"https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_access-keys.html",
	},
	Frameworks:   map[string][]string{CIS: {"1.13"}},
	DeployedOnly: true, // credential-report data exists only once deployed
}, iamUsers, func(env *check.Env, u *awsm.User) check.Result {
	active, n, res, ok := iamActiveKeys(u)
	if !ok {
		return res
	}
	if n <= 1 {
		return check.PassResult("user has at most one active access key")
	}
	ev := make([]check.Evidence, 0, n)
	for _, k := range active[:n] {
		detail := "access key " + strconv.Itoa(k.Slot) + " is active"
		if t, ok := k.LastRotated.Get(); ok {
			detail += ", created or rotated " + iamDaysAgo(env.Now, t)
		}
		ev = append(ev, check.Ev(k.Active.Source(), "%s", detail))
	}
	return check.FailResult("user "+iamUserName(u)+" has "+strconv.Itoa(n)+" active access keys", ev...)
})
