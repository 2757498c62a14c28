package aws

import (
	"testing"

	"github.com/cloudward/cloudward/internal/check"
	"github.com/cloudward/cloudward/internal/model"
	awsm "github.com/cloudward/cloudward/internal/model/aws"
)

// iamRoleWith is a role of account 111122223333 whose
// AssumeRolePolicyDocument is trust ("" = not collected).
func iamRoleWith(t testing.TB, name, path, trust string) *awsm.Inventory {
	src := model.Source{File: iamTestDetails, Path: "RoleDetailList[0].AssumeRolePolicyDocument"}
	r := &awsm.Role{
		Identity: awsm.Identity{ARN: "arn:aws:iam::" + iamTestAccount + ":role" + path + name, ID: "AROA" + name, Name: name,
			Region: "global", AccountID: iamTestAccount, Partition: "aws"},
		Path: path,
	}
	if trust == "" {
		r.TrustPolicy = model.Unknown[*awsm.PolicyDocument]("not collected: global/iam/get-account-authorization-details.json missing", src)
	} else {
		doc, err := awsm.ParsePolicy([]byte(trust), src)
		if err != nil {
			t.Fatal(err)
		}
		r.TrustPolicy = model.Known(doc, src)
	}
	inv := iamTestInventory()
	inv.Roles = []*awsm.Role{r}
	return inv
}

func trustDoc(statements string) string {
	return `{"Version":"2012-10-17","Statement":[` + statements + `]}`
}

func TestIAMRoleTrustUnrestricted(t *testing.T) {
	role := func(trust string) *awsm.Inventory { return iamRoleWith(t, "partner-access", "/", trust) }
	runIAMCases(t, iamRoleTrustUnrestricted, []iamCase{
		{name: "other account root, no condition", inv: role(trustDoc(`{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::444455556666:root"},"Action":"sts:AssumeRole"}`)),
			want: check.Fail, wantMsg: "role partner-access can be assumed by account 444455556666 without an sts:ExternalId, MFA or organization condition",
			wantEv: []string{"Statement[0] lets account 444455556666 (arn:aws:iam::444455556666:root) assume the role without an sts:ExternalId, MFA or organization condition @ " + iamTestDetails +
				" RoleDetailList[0].AssumeRolePolicyDocument.Statement[0]"}},
		{name: "bare account ID", inv: role(trustDoc(`{"Effect":"Allow","Principal":{"AWS":["444455556666"]},"Action":"sts:AssumeRole"}`)),
			want: check.Fail, wantEv: []string{"account 444455556666 (444455556666)"}},
		{name: "other account role, sts:*", inv: role(trustDoc(`{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::777788889999:role/ci"},"Action":"sts:*"}`)),
			want: check.Fail, wantMsg: "account 777788889999"},
		{name: "everyone", inv: role(trustDoc(`{"Effect":"Allow","Principal":"*","Action":"sts:AssumeRole"}`)),
			want: check.Fail, wantMsg: "can be assumed by anyone", wantEv: []string{`Statement[0] lets any AWS principal ("*") assume the role`}},
		{name: "AWS star with ExternalId wildcard", inv: role(trustDoc(`{"Effect":"Allow","Principal":{"AWS":"*"},"Action":"sts:AssumeRole*","Condition":{"StringLike":{"sts:ExternalId":"*"}}}`)),
			want: check.Fail, wantMsg: "anyone"},
		{name: "other account with external id", inv: role(trustDoc(`{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::444455556666:root"},"Action":"sts:AssumeRole","Condition":{"StringEquals":{"sts:ExternalId":"d2f8a1c4-7b3e-4e59-9a61-0c5b8e2f7d93"}}}`)),
			want: check.Pass},
		{name: "other account with MFA", inv: role(trustDoc(`{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::444455556666:root"},"Action":"sts:AssumeRole","Condition":{"Bool":{"aws:MultiFactorAuthPresent":"true"}}}`)),
			want: check.Pass},
		{name: "other account with MFA if exists", inv: role(trustDoc(`{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::444455556666:root"},"Action":"sts:AssumeRole","Condition":{"BoolIfExists":{"aws:MultiFactorAuthPresent":"true"}}}`)),
			want: check.Fail},
		{name: "other account with source IP only", inv: role(trustDoc(`{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::444455556666:root"},"Action":"sts:AssumeRole","Condition":{"IpAddress":{"aws:SourceIp":"203.0.113.0/24"}}}`)),
			want: check.Fail},
		{name: "everyone within the organization", inv: role(trustDoc(`{"Effect":"Allow","Principal":{"AWS":"*"},"Action":"sts:AssumeRole","Condition":{"StringEquals":{"aws:PrincipalOrgID":"o-a1b2c3d4e5"}}}`)),
			want: check.Pass},
		{name: "everyone pinned to one principal ARN", inv: role(trustDoc(`{"Effect":"Allow","Principal":"*","Action":"sts:AssumeRole","Condition":{"ArnEquals":{"aws:PrincipalArn":"arn:aws:iam::111122223333:role/admin"}}}`)),
			want: check.Pass},
		{name: "same account", inv: role(trustDoc(`{"Effect":"Allow","Principal":{"AWS":["arn:aws:iam::111122223333:root","arn:aws:iam::111122223333:role/admin"]},"Action":"sts:AssumeRole"}`)),
			want: check.Pass},
		{name: "service principal", inv: role(trustDoc(`{"Effect":"Allow","Principal":{"Service":"ec2.amazonaws.com"},"Action":"sts:AssumeRole"}`)),
			want: check.Pass},
		{name: "federated OIDC", inv: role(trustDoc(`{"Effect":"Allow","Principal":{"Federated":"arn:aws:iam::111122223333:oidc-provider/token.actions.githubusercontent.com"},"Action":"sts:AssumeRoleWithWebIdentity","Condition":{"StringEquals":{"token.actions.githubusercontent.com:aud":"sts.amazonaws.com"}}}`)),
			want: check.Pass},
		{name: "other account but only TagSession", inv: role(trustDoc(`{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::444455556666:root"},"Action":"sts:TagSession"}`)),
			want: check.Pass},
		{name: "deny statement", inv: role(trustDoc(`{"Effect":"Deny","Principal":"*","Action":"sts:AssumeRole"}`)), want: check.Pass},
		{name: "deleted principal left as unique ID", inv: role(trustDoc(`{"Effect":"Allow","Principal":{"AWS":"AROA3XFRBF535PLBIFPI4"},"Action":"sts:AssumeRole"}`)),
			want: check.Pass},
		{name: "service-linked role skipped", inv: iamRoleWith(t, "AWSServiceRoleForSupport", "/aws-service-role/support.amazonaws.com/",
			trustDoc(`{"Effect":"Allow","Principal":"*","Action":"sts:AssumeRole"}`)), want: check.NotApplicable},
		{name: "trust policy not collected", inv: role(""), want: check.Unknown, wantMsg: "trust policy of role partner-access is unknown"},
	})
}

func TestIAMPrincipalAccount(t *testing.T) {
	tests := map[string]string{
		"444455556666":                                     "444455556666",
		"arn:aws:iam::444455556666:root":                   "444455556666",
		"arn:aws-cn:iam::444455556666:user/path/bob":       "444455556666",
		"arn:aws:sts::444455556666:assumed-role/ci/runner": "444455556666",
		"AROA3XFRBF535PLBIFPI4":                            "",
		"*":                                                "",
		"arn:aws:iam":                                      "",
	}
	for in, want := range tests {
		if got := iamPrincipalAccount(in); got != want {
			t.Errorf("iamPrincipalAccount(%q) = %q, want %q", in, got, want)
		}
	}
}
