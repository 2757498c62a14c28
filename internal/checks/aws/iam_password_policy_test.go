package aws

import (
	"testing"

	"github.com/cloudward/cloudward/internal/check"
	"github.com/cloudward/cloudward/internal/model"
	awsm "github.com/cloudward/cloudward/internal/model/aws"
)

const iamTestPPFile = "global/iam/get-account-password-policy.json"

// iamPasswordPolicy is the account with a password policy read from
// get-account-password-policy.json; reuse < 0 means the key is absent (AWS
// omits PasswordReusePrevention when it is off), which the model holds as 0.
func iamPasswordPolicy(length, reuse int64) *awsm.Inventory {
	src := func(p string) model.Source { return model.Source{File: iamTestPPFile, Path: "PasswordPolicy." + p} }
	pp := awsm.PasswordPolicy{
		Exists:                model.Known(true, src("")),
		MinimumPasswordLength: model.Known(length, src("MinimumPasswordLength")),
		RequireSymbols:        model.Known(true, src("RequireSymbols")),
		RequireNumbers:        model.Known(true, src("RequireNumbers")),
	}
	if reuse < 0 {
		pp.PasswordReusePrevention = model.Known(int64(0), src("PasswordReusePrevention"))
	} else {
		pp.PasswordReusePrevention = model.Known(reuse, src("PasswordReusePrevention"))
	}
	return iamAccountWith(pp)
}

func iamAccountWith(pp awsm.PasswordPolicy) *awsm.Inventory {
	inv := iamTestInventory()
	inv.Account = &awsm.Account{Identity: awsm.Identity{ARN: iamTestAccount, ID: iamTestAccount, Name: iamTestAccount,
		Region: "global", AccountID: iamTestAccount, Partition: "aws"}, PasswordPolicy: pp}
	return inv
}

func TestIAMPasswordPolicyWeak(t *testing.T) {
	noPolicy := iamAccountWith(awsm.PasswordPolicy{Exists: model.Known(false, model.Source{File: "global/iam/get-account-password-policy.error.json", Path: "Code"})})
	denied := iamAccountWith(awsm.PasswordPolicy{Exists: model.Unknown[bool]("AccessDenied: User is not authorized to perform: iam:GetAccountPasswordPolicy",
		model.Source{File: "global/iam/get-account-password-policy.error.json"})})
	lengthUnknown := iamPasswordPolicy(14, 24)
	lengthUnknown.Account.PasswordPolicy.MinimumPasswordLength = model.Unknown[int64]("not collected", model.Source{File: iamTestPPFile})
	shortAndUnknownReuse := iamPasswordPolicy(8, 24)
	shortAndUnknownReuse.Account.PasswordPolicy.PasswordReusePrevention = model.Unknown[int64]("not collected", model.Source{File: iamTestPPFile})

	runIAMCases(t, iamPasswordPolicyWeak, []iamCase{
		{name: "no password policy", inv: noPolicy, want: check.Fail, wantMsg: "the account has no password policy",
			wantEv: []string{"no account password policy (NoSuchEntity) @ global/iam/get-account-password-policy.error.json"}},
		{name: "short", inv: iamPasswordPolicy(8, 24), want: check.Fail, wantMsg: "weak: MinimumPasswordLength",
			wantEv: []string{"MinimumPasswordLength is 8 (want at least 14) @ " + iamTestPPFile + " PasswordPolicy.MinimumPasswordLength"}},
		{name: "reuse prevention absent", inv: iamPasswordPolicy(16, -1), want: check.Fail, wantMsg: "weak: PasswordReusePrevention",
			wantEv: []string{"PasswordReusePrevention is 0 (want at least 24)"}},
		{name: "both weak", inv: iamPasswordPolicy(12, 5), want: check.Fail, wantMsg: "MinimumPasswordLength, PasswordReusePrevention"},
		{name: "short, reuse unknown: still fails, says what is unknown", inv: shortAndUnknownReuse, want: check.Fail,
			wantEv: []string{"PasswordReusePrevention is unknown: not collected"}},
		{name: "CIS minimum", inv: iamPasswordPolicy(14, 24), want: check.Pass},
		{name: "stronger", inv: iamPasswordPolicy(20, 24), want: check.Pass},
		{name: "access denied", inv: denied, want: check.Unknown, wantMsg: "AccessDenied"},
		{name: "length unknown", inv: lengthUnknown, want: check.Unknown, wantMsg: "password policy MinimumPasswordLength is unknown"},
		{name: "no account data: stand-in account", inv: iamTestInventory(), want: check.Unknown},
	})
}
