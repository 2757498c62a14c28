package aws

import (
	"testing"

	"github.com/cloudward/cloudward/internal/check"
	"github.com/cloudward/cloudward/internal/model"
	awsm "github.com/cloudward/cloudward/internal/model/aws"
)

// iamTestRoot is the <root_account> row (line 2 of the report): MFA on, no
// keys, password last used 200 days ago.
func iamTestRoot(opts ...func(*awsm.RootUser)) *awsm.Inventory {
	const line = 2
	r := &awsm.RootUser{
		Identity: awsm.Identity{ARN: "arn:aws:iam::" + iamTestAccount + ":root", ID: iamTestAccount, Name: "<root_account>",
			Region: "global", AccountID: iamTestAccount, Partition: "aws"},
		MFAEnabled: model.Known(true, model.Source{File: "global/iam/get-account-summary.json", Path: "SummaryMap.AccountMFAEnabled"}),
		Credentials: awsm.Credentials{
			InReport:           kb(true, line, "user"),
			PasswordEnabled:    model.Unknown[bool](`credential report says "not_supported"`, reportSrc(line, "password_enabled")),
			PasswordLastUsed:   kt(daysAgo(200), line, "password_last_used"),
			PasswordNeverUsed:  kb(false, line, "password_last_used"),
			PasswordLastChange: model.Unknown[timeT](`credential report says "not_supported"`, reportSrc(line, "password_last_changed")),
			MFAActive:          kb(true, line, "mfa_active"),
			AccessKeys:         []awsm.AccessKey{noKey(line, 1), noKey(line, 2)},
		},
	}
	for _, o := range opts {
		o(r)
	}
	inv := iamTestInventory()
	inv.Root = r
	return inv
}

func TestIAMRootMFADisabled(t *testing.T) {
	runIAMCases(t, iamRootMFADisabled, []iamCase{
		{name: "no MFA", inv: iamTestRoot(func(r *awsm.RootUser) {
			r.MFAEnabled = model.Known(false, model.Source{File: "global/iam/get-account-summary.json", Path: "SummaryMap.AccountMFAEnabled"})
		}), want: check.Fail, wantMsg: "the root user has no MFA device",
			wantEv: []string{"root MFA enabled: false @ global/iam/get-account-summary.json SummaryMap.AccountMFAEnabled"}},
		{name: "MFA on", inv: iamTestRoot(), want: check.Pass},
		{name: "summary and report missing", inv: iamTestRoot(func(r *awsm.RootUser) { r.MFAEnabled = notCollected[bool]() }),
			want: check.Unknown, wantMsg: "root MFA status is unknown"},
		{name: "no root data at all: stand-in root", inv: iamTestInventory(), want: check.Unknown},
	})
}

func TestIAMRootAccessKeys(t *testing.T) {
	withSummary := func(keys int64) *awsm.Inventory {
		inv := iamTestRoot(func(r *awsm.RootUser) { r.Credentials = awsm.Credentials{InReport: notCollected[bool]()} })
		inv.Account = &awsm.Account{Identity: awsm.Identity{ARN: iamTestAccount, ID: iamTestAccount, AccountID: iamTestAccount},
			Summary: model.Known(map[string]int64{"AccountAccessKeysPresent": keys, "AccountMFAEnabled": 1},
				model.Source{File: "global/iam/get-account-summary.json", Path: "SummaryMap"})}
		return inv
	}
	runIAMCases(t, iamRootAccessKeys, []iamCase{
		{name: "active key", inv: iamTestRoot(func(r *awsm.RootUser) {
			r.Credentials.AccessKeys[0] = iamKey(2, 1, true, 900, 30)
		}), want: check.Fail, wantMsg: "the root user has 1 active access key",
			wantEv: []string{"root access key 1 is active, created or rotated 2022-12-14T11:00:00Z (900 days before collection), last used 2025-05-02T11:00:00Z (30 days before collection) @ " +
				iamTestReport + ":2 access_key_1_active"}},
		{name: "inactive key", inv: iamTestRoot(func(r *awsm.RootUser) {
			r.Credentials.AccessKeys[1] = iamKey(2, 2, false, 900, 400)
		}), want: check.Pass},
		{name: "no keys", inv: iamTestRoot(), want: check.Pass},
		{name: "no report, summary says keys present", inv: withSummary(1), want: check.Fail,
			wantEv: []string{"AccountAccessKeysPresent: 1 @ global/iam/get-account-summary.json SummaryMap.AccountAccessKeysPresent"}},
		{name: "no report, summary says none", inv: withSummary(0), want: check.Pass},
		{name: "no report, no summary", inv: iamTestRoot(func(r *awsm.RootUser) { r.Credentials = awsm.Credentials{InReport: notCollected[bool]()} }),
			want: check.Unknown, wantMsg: "root credential report row is unknown"},
		{name: "key status unparseable", inv: iamTestRoot(func(r *awsm.RootUser) {
			r.Credentials.AccessKeys[0].Active = model.Unknown[bool](`credential report says "maybe"`, reportSrc(2, "access_key_1_active"))
		}), want: check.Unknown, wantMsg: "root access key 1 status"},
	})
}

func TestIAMRootRecentlyUsed(t *testing.T) {
	runIAMCases(t, iamRootRecentlyUsed, []iamCase{
		{name: "password used 10 days ago", inv: iamTestRoot(func(r *awsm.RootUser) {
			r.Credentials.PasswordLastUsed = kt(daysAgo(10), 2, "password_last_used")
		}), want: check.Fail, wantMsg: "the root user was used in the last 90 days",
			wantEv: []string{"root password last used 2025-05-22T11:00:00Z (10 days before collection) @ " + iamTestReport + ":2 password_last_used"}},
		{name: "key used 5 days ago", inv: iamTestRoot(func(r *awsm.RootUser) {
			r.Credentials.AccessKeys[0] = iamKey(2, 1, false, 900, 5)
		}), want: check.Fail, wantEv: []string{"root access key 1 last used 2025-05-27T11:00:00Z (5 days before collection) on s3 in us-east-1"}},
		{name: "password used 200 days ago, keys never", inv: iamTestRoot(), want: check.Pass},
		{name: "password never used", inv: iamTestRoot(func(r *awsm.RootUser) {
			r.Credentials.PasswordLastUsed = naTime(2, "password_last_used")
			r.Credentials.PasswordNeverUsed = kb(true, 2, "password_last_used")
		}), want: check.Pass},
		{name: "password no_information", inv: iamTestRoot(func(r *awsm.RootUser) {
			src := reportSrc(2, "password_last_used")
			r.Credentials.PasswordLastUsed = model.Unknown[timeT]("no_information in the credential report (not used since October 2014)", src)
			r.Credentials.PasswordNeverUsed = model.Unknown[bool](`credential report says "no_information"`, src)
		}), want: check.Unknown, wantMsg: "root last use is unknown", wantEv: []string{"password last use: no_information"}},
		{name: "report not collected", inv: iamTestRoot(func(r *awsm.RootUser) { r.Credentials = awsm.Credentials{InReport: notCollected[bool]()} }),
			want: check.Unknown, wantMsg: "root credential report row"},
	})
}
