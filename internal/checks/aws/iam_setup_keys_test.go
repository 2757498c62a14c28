package aws

import (
	"testing"

	"github.com/cloudward/cloudward/internal/check"
	"github.com/cloudward/cloudward/internal/model"
)

func TestIAMUserSetupKeyUnused(t *testing.T) {
	unknownUse := iamKey(6, 1, true, 300, -1)
	unknownUse.NeverUsed = model.Unknown[bool](`credential report says "no_information"`, reportSrc(6, "access_key_1_last_used_date"))
	runIAMCases(t, iamUserSetupKeyUnused, []iamCase{
		{name: "console user with a never-used key", inv: withUsers(iamTestUser("dave", 5, withPassword(3, 300), withKeys(iamKey(5, 1, true, 300, -1)))),
			want: check.Fail, wantMsg: "console user dave has 1 active access key that was never used",
			wantEv: []string{"access key 1 is active and was never used (created "}},
		{name: "console user whose key is used", inv: withUsers(iamTestUser("carol", 4, withPassword(1, 30), withKeys(iamKey(4, 1, true, 200, 1)))),
			want: check.Pass},
		{name: "console user without keys", inv: withUsers(iamTestUser("alice", 2, withPassword(1, 30))), want: check.Pass},
		{name: "inactive never-used key", inv: withUsers(iamTestUser("erin", 7, withPassword(1, 30), withKeys(iamKey(7, 1, false, 300, -1)))),
			want: check.Pass},
		{name: "no console password: not a setup key", inv: withUsers(iamTestUser("ci-deploy", 8, withKeys(iamKey(8, 1, true, 300, -1)))),
			want: check.NotApplicable},
		{name: "last use unknown", inv: withUsers(iamTestUser("frank", 6, withPassword(1, 30), withKeys(unknownUse))), want: check.Unknown,
			wantMsg: "last use of access key 1 of user frank"},
		{name: "report not collected", inv: withUsers(iamTestUser("gina", 9, withoutReport)), want: check.Unknown},
	})
}
