package aws

import (
	"strings"
	"testing"

	"github.com/cloudward/cloudward/internal/check"
	"github.com/cloudward/cloudward/internal/model"
	awsm "github.com/cloudward/cloudward/internal/model/aws"
)

func TestAccountS3PublicAccessBlockOff(t *testing.T) {
	partial := expPAB(expAccountPABFile, true, true, true, true)
	partial.RestrictPublicBuckets = model.Unknown[bool]("AccessDenied: User is not authorized to perform s3:GetAccountPublicAccessBlock", model.Source{File: "global/s3control/get-public-access-block.error.json"})
	offAndUnknown := partial
	offAndUnknown.BlockPublicAcls = model.Known(false, model.Source{File: expAccountPABFile, Path: "PublicAccessBlockConfiguration.BlockPublicAcls"})

	tests := []struct {
		name  string
		acct  *awsm.Account // nil: inventory without account data
		want  check.Status
		ev    []string
		notEv []string
	}{
		{name: "all four on", acct: expAccountWith(expPAB(expAccountPABFile, true, true, true, true)), want: check.Pass},
		{name: "not configured", acct: expAccountWith(expPABNotConfigured("global/s3control/get-public-access-block.error.json")), want: check.Fail,
			ev: []string{"(NoSuchPublicAccessBlockConfiguration) @ global/s3control/get-public-access-block.error.json"}},
		{name: "ACL settings off", acct: expAccountWith(expPAB(expAccountPABFile, false, false, true, true)), want: check.Fail,
			ev:    []string{"BlockPublicAcls is off @ " + expAccountPABFile + " PublicAccessBlockConfiguration.BlockPublicAcls", "IgnorePublicAcls is off"},
			notEv: []string{"BlockPublicPolicy", "RestrictPublicBuckets"}},
		{name: "only RestrictPublicBuckets off", acct: expAccountWith(expPAB(expAccountPABFile, true, true, true, false)), want: check.Fail,
			ev: []string{"RestrictPublicBuckets is off"}, notEv: []string{"BlockPublicAcls"}},
		{name: "one setting unknown", acct: expAccountWith(partial), want: check.Unknown, ev: []string{"RestrictPublicBuckets: AccessDenied"}},
		{name: "one off, one unknown: off is enough", acct: expAccountWith(offAndUnknown), want: check.Fail, ev: []string{"BlockPublicAcls is off"}},
		{name: "not collected", acct: expAccountWith(awsm.PublicAccessBlock{}), want: check.Unknown, ev: []string{"not collected"}},
		{name: "no account data at all", acct: nil, want: check.Unknown, ev: []string{"not collected"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			inv := &awsm.Inventory{AccountID: expTestAccount, Partition: "aws", Account: tt.acct}
			got := accountS3PublicAccessBlockOff.Evaluate(inv)
			expAssert(t, got, expTestAccount, tt.want, tt.ev)
			for _, e := range got[0].Evidence {
				for _, s := range tt.notEv {
					if strings.Contains(e.Detail, s) {
						t.Errorf("evidence %q names %s, which is on", e.Detail, s)
					}
				}
			}
		})
	}
}

func TestExpAccountListWithoutAnyAccount(t *testing.T) {
	if got := accountList(&awsm.Inventory{}); len(got) != 0 {
		t.Fatalf("inventory without account ID listed %d accounts", len(got))
	}
}
