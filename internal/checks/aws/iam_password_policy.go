package aws

import (
	"strings"

	"github.com/cloudward/cloudward/internal/check"
	"github.com/cloudward/cloudward/internal/model"
	awsm "github.com/cloudward/cloudward/internal/model/aws"
)

// CIS minimums for the account password policy.
const (
	iamMinPasswordLength   = 14 // CIS 1.7
	iamMinPasswordReuseGen = 24 // CIS 1.8
)

var iamPasswordPolicyWeak = check.AWS(check.Meta{
	ID:           "aws-iam-password-policy-weak",
	Title:        "Account password policy is missing or weaker than length 14 and reuse prevention 24",
	Severity:     check.Medium,
	Domain:       check.Identity,
	Service:      "iam",
	ResourceType: awsm.TypeAccount,
	Rationale: "Short passwords fall to guessing and cracking, and reused passwords come back from old breaches. CIS asks IAM " +
		"console passwords to be at least 14 characters long and not to repeat any of the last 24. Without a password policy " +
		"AWS accepts any password of 8 or more characters and allows reuse.",
	Remediation: check.Remediation{
		Console: "IAM console > Account settings > Password policy > Edit: Custom; minimum length 14; " +
			"Prevent password reuse: remember 24 passwords; Save changes.",
		CLI: "aws iam update-account-password-policy --minimum-password-length 14 --password-reuse-prevention 24 " +
			"--require-symbols --require-numbers --require-uppercase-characters --require-lowercase-characters --allow-users-to-change-password",
		Terraform: "resource \"aws_iam_account_password_policy\" \"cis\" {\n  minimum_password_length        = 14\n" +
			"  password_reuse_prevention      = 24\n  require_symbols                = true\n  require_numbers                = true\n" +
			"  require_uppercase_characters   = true\n  require_lowercase_characters   = true\n" +
			"  allow_users_to_change_password = true\n}",
	},
	References: []string{
		"https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_passwords_account-policy.html",
	},
	Frameworks: map[string][]string{CIS: {"1.8", "1.9"}},
}, accountList, func(_ *check.Env, a *awsm.Account) check.Result {
	pp := &a.PasswordPolicy
	exists, ok := pp.Exists.Get()
	switch {
	case !ok:
		return check.UnknownOf("account password policy", pp.Exists)
	case !exists:
		return check.FailResult("the account has no password policy (AWS defaults: 8 characters, reuse allowed)",
			check.Ev(pp.Exists.Source(), "no account password policy (NoSuchEntity)"))
	}
	settings := [2]struct {
		name string
		v    model.Int
		min  int64
	}{
		{"MinimumPasswordLength", pp.MinimumPasswordLength, iamMinPasswordLength},
		{"PasswordReusePrevention", pp.PasswordReusePrevention, iamMinPasswordReuseGen},
	}
	var ev []check.Evidence
	var names []string
	unknown := -1
	for i, s := range settings {
		v, known := s.v.Get()
		switch {
		case !known:
			if unknown < 0 {
				unknown = i
			}
		case v < s.min:
			ev = append(ev, check.Ev(s.v.Source(), "%s is %d (want at least %d)", s.name, v, s.min))
			names = append(names, s.name)
		}
	}
	switch {
	case len(ev) > 0:
		if unknown >= 0 {
			s := settings[unknown]
			ev = append(ev, check.Ev(s.v.Source(), "%s is unknown: %s", s.name, s.v.Reason()))
		}
		return check.FailResult("the account password policy is weak: "+strings.Join(names, ", "), ev...)
	case unknown >= 0:
		return check.UnknownOf("password policy "+settings[unknown].name, settings[unknown].v)
	}
	return check.PassResult("the account password policy requires at least 14 characters and prevents reuse of the last 24")
})
