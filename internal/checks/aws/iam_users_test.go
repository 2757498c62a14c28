package aws

import (
	"testing"

	"github.com/cloudward/cloudward/internal/check"
	"github.com/cloudward/cloudward/internal/model"
	awsm "github.com/cloudward/cloudward/internal/model/aws"
)

func TestIAMUserConsoleMFAMissing(t *testing.T) {
	runIAMCases(t, iamUserConsoleMFAMissing, []iamCase{
		{name: "console without MFA", inv: withUsers(iamTestUser("bob", 3, withPassword(2, 30))),
			want: check.Fail, wantMsg: "user bob has console access without MFA",
			wantEv: []string{"mfa_active: false @ " + iamTestReport + ":3 mfa_active", "password_enabled: true"}},
		{name: "console with MFA", inv: withUsers(iamTestUser("alice", 2, withPassword(1, 30), withMFA)), want: check.Pass},
		{name: "no console password", inv: withUsers(iamTestUser("ci-deploy", 4)), want: check.NotApplicable},
		{name: "report not collected", inv: withUsers(iamTestUser("bob", 3, withoutReport)),
			want: check.Unknown, wantMsg: "console password status of user bob is unknown"},
		{name: "mfa column absent", inv: withUsers(iamTestUser("bob", 3, withPassword(2, 30), func(u *awsm.User) {
			u.Credentials.MFAActive = model.Unknown[bool]("column mfa_active absent from the credential report", reportSrc(3, "mfa_active"))
		})), want: check.Unknown, wantMsg: "MFA status of user bob"},
	})
}

func TestIAMUserDirectPolicies(t *testing.T) {
	direct := iamTestUser("bob", 3, func(u *awsm.User) {
		u.AttachedPolicies = []awsm.AttachedPolicy{{ARN: "arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess", Name: "AmazonS3ReadOnlyAccess",
			Source: model.Source{File: iamTestDetails, Path: "UserDetailList[1].AttachedManagedPolicies[0]"}}}
		u.InlinePolicies = []awsm.InlinePolicy{{Name: "assume-deploy", Document: model.Known(
			&awsm.PolicyDocument{Source: model.Source{File: iamTestDetails, Path: "UserDetailList[1].UserPolicyList[0].PolicyDocument"}},
			model.Source{File: iamTestDetails, Path: "UserDetailList[1].UserPolicyList[0].PolicyDocument"})}}
	})
	grouped := iamTestUser("alice", 2, func(u *awsm.User) { u.Groups = []string{"developers"} })
	missing := withUsers(iamTestUser("bob", 3))
	missing.Coverage = []awsm.Coverage{{Region: "global", Service: "iam", Operation: "get-account-authorization-details",
		Status: awsm.CoverageError, Detail: "AccessDenied: not authorized to perform iam:GetAccountAuthorizationDetails"}}
	runIAMCases(t, iamUserDirectPolicies, []iamCase{
		{name: "attached and inline", inv: withUsers(direct), want: check.Fail,
			wantMsg: "user bob has 2 policies attached directly instead of through groups",
			wantEv: []string{"managed policy AmazonS3ReadOnlyAccess (arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess) attached directly @ " +
				iamTestDetails + " UserDetailList[1].AttachedManagedPolicies[0]", "inline policy assume-deploy"}},
		{name: "through groups only", inv: withUsers(grouped), want: check.Pass},
		{name: "authorization details not collected", inv: missing, want: check.Unknown, wantMsg: "AccessDenied"},
	})
}

func TestIAMAccessKeyNotRotated(t *testing.T) {
	runIAMCases(t, iamAccessKeyNotRotated, []iamCase{
		{name: "key rotated 200 days ago", inv: withUsers(iamTestUser("ci-deploy", 4, withKeys(iamKey(4, 1, true, 200, 1)))),
			want: check.Fail, wantMsg: "user ci-deploy has 1 active access key not rotated in 90 days",
			wantEv: []string{"access key 1 last rotated 2024-11-13T11:00:00Z (200 days before collection) @ " + iamTestReport + ":4 access_key_1_last_rotated"}},
		{name: "second slot old", inv: withUsers(iamTestUser("ci-deploy", 4, withKeys(iamKey(4, 1, true, 10, 1), iamKey(4, 2, true, 91, 1)))),
			want: check.Fail, wantEv: []string{"access key 2 last rotated"}},
		{name: "old key inactive", inv: withUsers(iamTestUser("ci-deploy", 4, withKeys(iamKey(4, 1, false, 500, 400), iamKey(4, 2, true, 30, 1)))),
			want: check.Pass},
		{name: "89 days", inv: withUsers(iamTestUser("ci-deploy", 4, withKeys(iamKey(4, 1, true, 89, 1)))), want: check.Pass},
		{name: "no active keys", inv: withUsers(iamTestUser("alice", 2)), want: check.NotApplicable},
		{name: "report not collected", inv: withUsers(iamTestUser("ci-deploy", 4, withoutReport)), want: check.Unknown,
			wantMsg: "access key 1 status of user ci-deploy is unknown"},
		{name: "rotation date unknown", inv: withUsers(iamTestUser("ci-deploy", 4, withKeys(func() awsm.AccessKey {
			k := iamKey(4, 1, true, 10, 1)
			k.LastRotated = model.Unknown[timeT](`credential report says "not_supported"`, reportSrc(4, "access_key_1_last_rotated"))
			return k
		}()))), want: check.Unknown, wantMsg: "last rotation of access key 1 of user ci-deploy"},
	})
}

func TestIAMAccessKeyUnused(t *testing.T) {
	runIAMCases(t, iamAccessKeyUnused, []iamCase{
		{name: "last used 120 days ago", inv: withUsers(iamTestUser("legacy-etl", 5, withKeys(iamKey(5, 1, true, 300, 120)))),
			want: check.Fail, wantMsg: "user legacy-etl has 1 active access key unused for 90 days",
			wantEv: []string{"access key 1 last used 2025-02-01T11:00:00Z (120 days before collection) @ " + iamTestReport + ":5 access_key_1_last_used_date"}},
		{name: "never used, created 200 days ago", inv: withUsers(iamTestUser("legacy-etl", 5, withKeys(iamKey(5, 2, true, 200, -1)))),
			want: check.Fail, wantEv: []string{"access key 2 never used; created or rotated 2024-11-13T11:00:00Z (200 days before collection)"}},
		{name: "never used, created yesterday", inv: withUsers(iamTestUser("new-app", 6, withKeys(iamKey(6, 1, true, 1, -1)))), want: check.Pass},
		{name: "never used, no rotation date, old user", inv: withUsers(iamTestUser("legacy-etl", 5, withKeys(iamKey(5, 1, true, -1, -1)))),
			want: check.Fail, wantEv: []string{"access key 1 never used; its user was created 2024-04-27T11:00:00Z (400 days before collection) @ " +
				iamTestDetails + " UserDetailList[0].CreateDate"}},
		{name: "used recently", inv: withUsers(iamTestUser("ci-deploy", 4, withKeys(iamKey(4, 1, true, 300, 3)))), want: check.Pass},
		{name: "inactive unused key", inv: withUsers(iamTestUser("ci-deploy", 4, withKeys(iamKey(4, 1, false, 300, 200)))), want: check.NotApplicable},
		{name: "last use no_information", inv: withUsers(iamTestUser("ci-deploy", 4, withKeys(func() awsm.AccessKey {
			k := iamKey(4, 1, true, 300, 3)
			src := reportSrc(4, "access_key_1_last_used_date")
			k.LastUsed = model.Unknown[timeT](`credential report says "no_information"`, src)
			k.NeverUsed = model.Unknown[bool](`credential report says "no_information"`, src)
			return k
		}()))), want: check.Unknown, wantMsg: "last use of access key 1 of user ci-deploy"},
		{name: "report not collected", inv: withUsers(iamTestUser("ci-deploy", 4, withoutReport)), want: check.Unknown},
	})
}

func TestIAMUserPasswordUnused(t *testing.T) {
	runIAMCases(t, iamUserPasswordUnused, []iamCase{
		{name: "last sign-in 60 days ago", inv: withUsers(iamTestUser("carol", 7, withPassword(60, 200), withMFA)),
			want: check.Fail, wantMsg: "user carol has a console password unused for 60 days",
			wantEv: []string{"password last used 2025-04-02T11:00:00Z (60 days before collection) @ " + iamTestReport + ":7 password_last_used"}},
		{name: "never signed in, set 100 days ago", inv: withUsers(iamTestUser("dave", 8, withPassword(-1, 100))),
			want: check.Fail, wantMsg: "user dave has a console password never used in 100 days",
			wantEv: []string{"password never used; password set", "password_last_changed"}},
		{name: "never signed in, no change date, user 400 days old", inv: withUsers(iamTestUser("dave", 8, withPassword(-1, -1))),
			want: check.Fail, wantEv: []string{"password never used; user created"}},
		{name: "never signed in, set 3 days ago", inv: withUsers(iamTestUser("erin", 9, withPassword(-1, 3))), want: check.Pass},
		{name: "used 10 days ago", inv: withUsers(iamTestUser("alice", 2, withPassword(10, 80), withMFA)), want: check.Pass},
		{name: "no console password", inv: withUsers(iamTestUser("ci-deploy", 4)), want: check.NotApplicable},
		{name: "no_information", inv: withUsers(iamTestUser("frank", 10, withPassword(-1, 300), func(u *awsm.User) {
			src := reportSrc(10, "password_last_used")
			u.Credentials.PasswordLastUsed = model.Unknown[timeT]("no_information in the credential report (not used since October 2014)", src)
			u.Credentials.PasswordNeverUsed = model.Unknown[bool](`credential report says "no_information"`, src)
		})), want: check.Unknown, wantMsg: "password last use of user frank"},
		{name: "report not collected", inv: withUsers(iamTestUser("carol", 7, withoutReport)), want: check.Unknown},
	})
}

func TestIAMUserMultipleActiveKeys(t *testing.T) {
	runIAMCases(t, iamUserMultipleActiveKeys, []iamCase{
		{name: "two active", inv: withUsers(iamTestUser("ci-deploy", 4, withKeys(iamKey(4, 1, true, 200, 1), iamKey(4, 2, true, 5, 2)))),
			want: check.Fail, wantMsg: "user ci-deploy has 2 active access keys",
			wantEv: []string{"access key 1 is active, created or rotated 2024-11-13T11:00:00Z (200 days before collection) @ " + iamTestReport + ":4 access_key_1_active",
				"access key 2 is active"}},
		{name: "one active one inactive", inv: withUsers(iamTestUser("ci-deploy", 4, withKeys(iamKey(4, 1, true, 20, 1), iamKey(4, 2, false, 200, 150)))),
			want: check.Pass},
		{name: "none", inv: withUsers(iamTestUser("alice", 2)), want: check.Pass},
		{name: "report not collected", inv: withUsers(iamTestUser("ci-deploy", 4, withoutReport)), want: check.Unknown},
	})
}

func TestIAMUserChecksDoNotAllocateOnPass(t *testing.T) {
	u := iamTestUser("alice", 2, withPassword(1, 30), withMFA, withKeys(iamKey(2, 1, true, 10, 1)))
	inv := withUsers(u)
	for _, c := range []*check.Check{iamUserConsoleMFAMissing, iamAccessKeyNotRotated, iamAccessKeyUnused,
		iamUserPasswordUnused, iamUserMultipleActiveKeys, iamUserDirectPolicies} {
		if got := c.Evaluate(inv); len(got) != 1 || got[0].Status != check.Pass {
			t.Fatalf("%s: want PASS, got %+v", c.ID, got)
		}
		n := testing.AllocsPerRun(50, func() { c.Evaluate(inv) })
		// Evaluate itself allocates the env, the bound list and the findings slice.
		if n > 3 {
			t.Errorf("%s: %v allocations per evaluation on the PASS path", c.ID, n)
		}
	}
}

func TestIAMPlural(t *testing.T) {
	for in, want := range map[string]string{"1 policy": "1 policy", "2 policy": "2 policies", "2 access key": "2 access keys", "3 more path": "3 more paths"} {
		var n int
		var word string
		for i := range in {
			if in[i] == ' ' {
				n, word = int(in[0]-'0'), in[i+1:]
				break
			}
		}
		if got := iamPlural(n, word); got != want {
			t.Errorf("iamPlural(%d, %q) = %q, want %q", n, word, got, want)
		}
	}
}
