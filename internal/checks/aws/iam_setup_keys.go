package aws

import (
	"strconv"

	"github.com/cloudward/cloudward/internal/check"
	awsm "github.com/cloudward/cloudward/internal/model/aws"
)

// iamUserSetupKeyUnused is CIS 1.11: the console creates an access key
// alongside a new user's password unless told not to, and such a key often
// sits unused. The credential report tells it apart: a console user's
// active key that was never used.
var iamUserSetupKeyUnused = check.AWS(check.Meta{
	ID:           "aws-iam-user-setup-key-unused",
	Title:        "Console user has an active access key that was never used (created at initial setup)",
	Severity:     check.Medium,
	Domain:       check.Identity,
	Service:      "iam",
	ResourceType: awsm.TypeUser,
	Rationale: "Humans who sign in to the console rarely need long-lived access keys; a key created together with the " +
		"password at initial setup and never used since is a credential nobody watches. CIS asks not to create keys " +
		"during initial setup: cloudward flags the active keys of console users that were never used.",
	Remediation: check.Remediation{
		Console: "IAM console > Users > select the user > Security credentials > Access keys: Deactivate, then Delete the " +
			"key whose \"Last used\" is N/A; create keys later only if the person really needs programmatic access (prefer " +
			"IAM Identity Center and short-lived credentials).",
		CLI: "aws iam list-access-keys --user-name <user>\n" +
			"aws iam delete-access-key --user-name <user> --access-key-id <key-id>",
		Terraform: "# Remove the aws_iam_access_key resource of the console user; keep aws_iam_user_login_profile only.",
	},
	References: []string{
		"https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_access-keys.html",
		"https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_getting-report.html",
	},
	Frameworks:   map[string][]string{CIS: {"1.11"}},
	DeployedOnly: true, // credential-report data exists only once deployed
}, iamUsers, func(_ *check.Env, u *awsm.User) check.Result {
	if res, ok := iamConsoleUser(u); !ok {
		return res
	}
	active, n, res, ok := iamActiveKeys(u)
	if !ok {
		return res
	}
	var ev []check.Evidence
	var unknown *awsm.AccessKey
	for _, k := range active[:n] {
		never, known := k.NeverUsed.Get()
		switch {
		case !known:
			if unknown == nil {
				unknown = k
			}
		case never:
			created := "at an unknown date"
			if t, ok := k.LastRotated.Get(); ok {
				created = "created " + iamDate(t)
			}
			ev = append(ev, check.Ev(k.NeverUsed.Source(), "access key %d is active and was never used (%s)", k.Slot, created))
		}
	}
	switch {
	case len(ev) > 0:
		return check.FailResult("console user "+iamUserName(u)+" has "+iamPlural(len(ev), "active access key")+" that was never used", ev...)
	case unknown != nil:
		return check.UnknownOf("last use of access key "+strconv.Itoa(unknown.Slot)+" of user "+iamUserName(u), unknown.NeverUsed)
	}
	return check.PassResult("the console user has no active access key that was never used")
})
