package aws

import (
	"strings"
	"testing"

	"github.com/cloudward/cloudward/internal/check"
	"github.com/cloudward/cloudward/internal/model"
	awsm "github.com/cloudward/cloudward/internal/model/aws"
)

const credReportFile = "global/iam/get-credential-report.csv"

// fedAccount is cisIAM's account with the given console-password status
// for its one user (alice) plus a CI user without a password, the SAML
// providers (nil: not collected) and the organization membership.
func fedAccount(alicePassword awsm.Bool, saml model.Value[[]*awsm.SAMLProvider], member awsm.Bool) *awsm.Inventory {
	inv := cisIAM(nil, nil, nil)
	inv.Users[0].Credentials.PasswordEnabled = alicePassword
	ci := &awsm.User{Identity: awsm.Identity{ARN: "arn:aws:iam::" + netAccount + ":user/ci-deploy", ID: "ci-deploy", Name: "ci-deploy",
		Region: "global", AccountID: netAccount, Partition: "aws"}}
	ci.Credentials.PasswordEnabled = model.Known(false, model.Source{File: credReportFile, Path: "line 4.password_enabled"})
	inv.Users = append(inv.Users, ci)
	inv.Compliance.SAMLProviders = saml
	inv.PolicyHolders.Organization.Member = member
	if known, ok := member.Get(); ok && known {
		inv.PolicyHolders.Organization.ID = "o-a1b2c3d4e5"
	}
	return inv
}

func TestIAMFederationMissing(t *testing.T) {
	src := func(path string) model.Source { return model.Source{File: credReportFile, Path: path} }
	pwOn := model.Known(true, src("line 3.password_enabled"))
	pwOff := model.Known(false, src("line 3.password_enabled"))
	pwUnknown := model.Unknown[bool](`credential report says "not_supported"`, src("line 3.password_enabled"))
	samlFile := model.Source{File: "global/iam/list-saml-providers.json", Path: "SAMLProviderList"}
	sso := model.Known([]*awsm.SAMLProvider{{ARN: "arn:aws:iam::" + netAccount + ":saml-provider/AWSSSO_0123456789abcdef_DO_NOT_DELETE",
		Name: "AWSSSO_0123456789abcdef_DO_NOT_DELETE", Source: samlFile}}, samlFile)
	none := model.Known([]*awsm.SAMLProvider{}, samlFile)
	denied := model.Unknown[[]*awsm.SAMLProvider]("AccessDenied: not authorized to perform iam:ListSAMLProviders",
		model.Source{File: "global/iam/list-saml-providers.error.json"})
	orgFile := model.Source{File: "global/organizations/describe-organization.json"}
	inOrg, notInOrg := model.Known(true, orgFile), model.Known(false, model.Source{File: "global/organizations/describe-organization.error.json"})
	orgUnknown := model.Unknown[bool]("not collected: global/organizations/describe-organization.json missing", orgFile)

	netRun(t, iamFederationMissing, []netCase{
		{"console user even with SSO", fedAccount(pwOn, sso, inOrg), check.Fail, []string{"IAM user alice has a console password"}},
		{"console user, nothing else known", fedAccount(pwOn, denied, orgUnknown), check.Fail, []string{"alice"}},
		{"Identity Center provider", fedAccount(pwOff, sso, orgUnknown), check.Pass, nil},
		{"organization member without SAML", fedAccount(pwOff, none, inOrg), check.Pass, nil},
		{"organization member, SAML denied", fedAccount(pwOff, denied, inOrg), check.Pass, nil},
		{"standalone account without federation", fedAccount(pwOff, none, notInOrg), check.Fail,
			[]string{"list-saml-providers: none", "not a member of an organization"}},
		{"password status unknown", fedAccount(pwUnknown, sso, inOrg), check.Unknown, []string{"not_supported"}},
		{"SAML list denied, not in an organization", fedAccount(pwOff, denied, notInOrg), check.Unknown, []string{"iam:ListSAMLProviders"}},
		{"no SAML provider, organization unknown", fedAccount(pwOff, none, orgUnknown), check.Unknown, []string{"describe-organization.json missing"}},
		{"authorization details failed", cisNoAuthDetails(fedAccount(pwOff, sso, inOrg)), check.Unknown, []string{"AccessDenied"}},
	})

	// The message counts every local user; the evidence is capped.
	inv := fedAccount(pwOn, sso, inOrg)
	for i := range 30 {
		u := &awsm.User{Identity: awsm.Identity{ARN: "arn:aws:iam::" + netAccount + ":user/dev" + string(rune('a'+i%26)) + strings.Repeat("x", i/26),
			Name: "dev", Region: "global", AccountID: netAccount, Partition: "aws"}}
		u.Credentials.PasswordEnabled = pwOn
		inv.Users = append(inv.Users, u)
	}
	fs := iamFederationMissing.Evaluate(inv)
	if len(fs) != 1 || fs[0].Status != check.Fail || !strings.HasPrefix(fs[0].Message, "31 IAM users sign in") || len(fs[0].Evidence) != maxEvidence {
		t.Errorf("31 console users: %d findings %+v", len(fs), fs)
	}
	if fs := iamFederationMissing.Evaluate(fedAccount(pwOff, sso, orgUnknown)); len(fs) != 1 ||
		!strings.Contains(fs[0].Message, "SAML provider(s) AWSSSO_0123456789abcdef_DO_NOT_DELETE") {
		t.Errorf("pass message: %+v", fs)
	}
}

// macieAccount has regions us-east-1 and eu-west-1, the given Macie status
// per region (absent: not read) and buckets in the given regions.
func macieAccount(status map[string]awsm.String, bucketRegions ...string) *awsm.Inventory {
	inv := &awsm.Inventory{AccountID: netAccount, Partition: "aws", Compliance: awsm.ComplianceData{Macie: status}}
	for _, r := range []string{"us-east-1", "eu-west-1"} {
		inv.Regions = append(inv.Regions, &awsm.Region{Identity: awsm.Identity{ARN: netAccount + "/" + r,
			ID: r, Name: r, Region: r, AccountID: netAccount, Partition: "aws"}})
	}
	for i, r := range bucketRegions {
		name := "acme-data-" + string(rune('a'+i))
		inv.Buckets = append(inv.Buckets, &awsm.Bucket{Identity: awsm.Identity{ARN: "arn:aws:s3:::" + name, ID: name, Name: name, Region: r,
			AccountID: netAccount, Partition: "aws", Source: model.Source{File: "global/s3api/list-buckets.json", Path: "Buckets[" + string(rune('0'+i)) + "]"}}})
	}
	return inv
}

// regionFinding evaluates the Macie check and returns the finding of one
// region (nil when the region was skipped).
func regionFinding(t *testing.T, inv *awsm.Inventory, region string) *check.Finding {
	t.Helper()
	for _, f := range macieDisabled.Evaluate(inv) {
		if f.Resource.Region == region {
			return &f
		}
	}
	return nil
}

func TestMacieDisabled(t *testing.T) {
	st := func(region, s string) awsm.String {
		return model.Known(s, model.Source{File: region + "/macie2/get-macie-session.json", Path: "status"})
	}
	notEnabled := model.Known(awsm.MacieDisabled, model.Source{File: "eu-west-1/macie2/get-macie-session.error.json", Path: "Message"})
	denied := model.Unknown[string]("AccessDeniedException: User is not authorized to perform: macie2:GetMacieSession",
		model.Source{File: "eu-west-1/macie2/get-macie-session.error.json"})
	for _, tt := range []struct {
		name    string
		inv     *awsm.Inventory
		want    check.Status // NotApplicable: no finding for eu-west-1
		message string
	}{
		{"enabled", macieAccount(map[string]awsm.String{"eu-west-1": st("eu-west-1", "ENABLED")}, "eu-west-1"), check.Pass, "Macie is enabled in eu-west-1"},
		{"enabled without buckets", macieAccount(map[string]awsm.String{"eu-west-1": st("eu-west-1", "ENABLED")}), check.Pass, ""},
		{"not enabled with buckets", macieAccount(map[string]awsm.String{"eu-west-1": notEnabled}, "eu-west-1", "eu-west-1", "us-east-1"), check.Fail,
			"Macie is disabled in eu-west-1, which holds 2 S3 buckets (e.g. acme-data-a)"},
		{"paused", macieAccount(map[string]awsm.String{"eu-west-1": st("eu-west-1", "PAUSED")}, "eu-west-1"), check.Fail, "Macie is paused in eu-west-1"},
		{"not enabled, no bucket in the region", macieAccount(map[string]awsm.String{"eu-west-1": notEnabled}, "us-east-1"), check.NotApplicable, ""},
		{"denied with buckets", macieAccount(map[string]awsm.String{"eu-west-1": denied}, "eu-west-1"), check.Unknown, "macie2:GetMacieSession"},
		{"denied without buckets", macieAccount(map[string]awsm.String{"eu-west-1": denied}), check.NotApplicable, ""},
		{"not read", macieAccount(nil, "eu-west-1"), check.Unknown, "Macie status not read in eu-west-1"},
		{"bucket region unknown", macieAccount(map[string]awsm.String{"eu-west-1": notEnabled}, ""), check.Unknown, "region of bucket acme-data-a is unknown"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			f := regionFinding(t, tt.inv, "eu-west-1")
			if tt.want == check.NotApplicable {
				if f != nil {
					t.Fatalf("want eu-west-1 skipped, got %s: %s", f.Status, f.Message)
				}
				return
			}
			if f == nil || f.Status != tt.want || !strings.Contains(f.Message, tt.message) {
				t.Fatalf("got %+v, want %s %q", f, tt.want, tt.message)
			}
			if f.Status == check.Fail && (len(f.Evidence) == 0 || f.Evidence[0].Source.File != "eu-west-1/macie2/get-macie-session.error.json" &&
				f.Evidence[0].Source.File != "eu-west-1/macie2/get-macie-session.json") {
				t.Errorf("evidence %+v", f.Evidence)
			}
		})
	}
	// list-buckets failed: every region without Macie is unknown, not skipped.
	inv := macieAccount(map[string]awsm.String{"eu-west-1": notEnabled})
	inv.Coverage = []awsm.Coverage{{Region: "global", Service: "s3api", Operation: "list-buckets", Status: awsm.CoverageError,
		Detail: "AccessDenied: s3:ListAllMyBuckets"}}
	if f := regionFinding(t, inv, "eu-west-1"); f == nil || f.Status != check.Unknown || !strings.Contains(f.Message, "list-buckets error") {
		t.Errorf("list-buckets failed: %+v", f)
	}
}

func TestOrgRootAccessNotCentralized(t *testing.T) {
	file := model.Source{File: "global/iam/list-organizations-features.json", Path: "EnabledFeatures"}
	errFile := model.Source{File: "global/iam/list-organizations-features.error.json", Path: "Code"}
	acct := func(features model.Value[[]string], noOrg bool) *awsm.Inventory {
		inv := cisIAM(nil, nil, nil)
		inv.Compliance.OrgFeatures, inv.Compliance.NoOrganization = features, noOrg
		return inv
	}
	netRun(t, orgRootAccessNotCentralized, []netCase{
		{"both features", acct(model.Known([]string{"RootSessions", "RootCredentialsManagement"}, file), false), check.Pass, nil},
		{"credentials only", acct(model.Known([]string{"RootCredentialsManagement"}, file), false), check.Pass, nil},
		{"sessions only", acct(model.Known([]string{"RootSessions"}, file), false), check.Fail,
			[]string{"enabled features: RootSessions"}},
		{"trusted access off", acct(model.Known([]string{}, errFile), false), check.Fail, []string{"enabled features: none"}},
		{"no organization", acct(model.Known([]string{}, errFile), true), check.Fail, []string{"OrganizationNotFoundException"}},
		{"member account", acct(model.Unknown[[]string]("AccessDenied: not authorized to perform iam:ListOrganizationsFeatures",
			model.Source{File: "global/iam/list-organizations-features.error.json"}), false), check.Unknown, []string{"iam:ListOrganizationsFeatures"}},
	})
	fs := orgRootAccessNotCentralized.Evaluate(acct(model.Known([]string{"RootSessions"}, file), false))
	if len(fs) != 1 || fs[0].Message != "centralized root access is not enabled: RootCredentialsManagement missing" {
		t.Errorf("message: %+v", fs)
	}
}
