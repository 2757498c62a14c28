package snapshot

import (
	"strings"
	"testing"
	"testing/fstest"

	"github.com/cloudward/cloudward/internal/model"
	awsm "github.com/cloudward/cloudward/internal/model/aws"
)

// complianceFS is a two-region account with the compliance operations in
// their real CLI shapes: an Identity Center and an Okta SAML provider,
// Macie enabled in us-east-1 and "not enabled" in eu-west-1.
func complianceFS() fstest.MapFS {
	return fstest.MapFS{
		metaFile: {Data: []byte(`{"collected_at": "2026-11-20T09:30:00Z", "account_id": "111122223333", "partition": "aws", "regions": ["us-east-1", "eu-west-1"]}`)},
		"global/iam/list-saml-providers.json": {Data: []byte(`{
    "SAMLProviderList": [
        {
            "Arn": "arn:aws:iam::111122223333:saml-provider/okta",
            "ValidUntil": "2125-03-14T09:12:44+00:00",
            "CreateDate": "2025-03-14T09:12:44+00:00"
        },
        {
            "Arn": "arn:aws:iam::111122223333:saml-provider/AWSSSO_0123456789abcdef_DO_NOT_DELETE",
            "ValidUntil": "2125-01-02T10:00:00+00:00",
            "CreateDate": "2025-01-02T10:00:00+00:00"
        }
    ]
}
`)},
		"us-east-1/macie2/get-macie-session.json": {Data: []byte(`{
    "createdAt": "2025-06-02T14:21:07.512000+00:00",
    "findingPublishingFrequency": "FIFTEEN_MINUTES",
    "serviceRole": "arn:aws:iam::111122223333:role/aws-service-role/macie.amazonaws.com/AWSServiceRoleForAmazonMacie",
    "status": "ENABLED",
    "updatedAt": "2025-06-02T14:21:07.512000+00:00"
}
`)},
		"eu-west-1/macie2/get-macie-session.error.json": {Data: []byte(`{"Code": "AccessDeniedException", "Message": "Macie is not enabled."}`)},
	}
}

func TestLoadComplianceOps(t *testing.T) {
	res, err := LoadFS(complianceFS())
	if err != nil {
		t.Fatal(err)
	}
	inv := res.Inventory
	saml, ok := inv.Compliance.SAMLProviders.Get()
	if !ok || len(saml) != 2 || saml[0].Name != "AWSSSO_0123456789abcdef_DO_NOT_DELETE" || saml[1].Name != "okta" ||
		saml[1].Source.Path != "SAMLProviderList[0]" || saml[1].Source.File != "global/iam/list-saml-providers.json" {
		t.Errorf("SAML providers = %+v (known %v)", saml, ok)
	}
	for region, want := range map[string]obs{
		"us-east-1": {known: true, value: "ENABLED", src: model.Source{File: "us-east-1/macie2/get-macie-session.json", Path: "status"}},
		"eu-west-1": {known: true, value: awsm.MacieDisabled, src: model.Source{File: "eu-west-1/macie2/get-macie-session.error.json", Path: "Message"}},
	} {
		if got := view(inv.Compliance.Macie[region]); got != want {
			t.Errorf("%s Macie = %+v, want %+v", region, got, want)
		}
	}
	for _, op := range []struct{ region, service, op string }{
		{"global", "iam", "list-saml-providers"}, {"us-east-1", "macie2", "get-macie-session"}, {"eu-west-1", "macie2", "get-macie-session"},
	} {
		// "Macie is not enabled" is an answer, not a failure.
		if c, ok := coverageOf(inv, op.region, op.service, op.op); !ok || c.Status != awsm.CoverageRead {
			t.Errorf("coverage %v = %+v (%v)", op, c, ok)
		}
	}
	if len(res.Warnings) != 0 {
		t.Errorf("warnings %v", res.Warnings)
	}
}

func TestLoadComplianceOpsUnknown(t *testing.T) {
	fsys := complianceFS()
	delete(fsys, "global/iam/list-saml-providers.json")
	fsys["global/iam/list-saml-providers.error.json"] = &fstest.MapFile{Data: []byte(`{"Code": "AccessDenied", "Message": "User: arn:aws:iam::111122223333:user/audit is not authorized to perform: iam:ListSAMLProviders"}`)}
	// A real permission problem looks the same as "not enabled" but for
	// its message: it must stay unknown.
	fsys["eu-west-1/macie2/get-macie-session.error.json"] = &fstest.MapFile{Data: []byte(`{"Code": "AccessDeniedException", "Message": "User: arn:aws:iam::111122223333:user/audit is not authorized to perform: macie2:GetMacieSession"}`)}
	delete(fsys, "us-east-1/macie2/get-macie-session.json")
	res, err := LoadFS(fsys)
	if err != nil {
		t.Fatal(err)
	}
	inv := res.Inventory
	if v := view(inv.Compliance.SAMLProviders); v.known || !strings.Contains(v.reason, "iam:ListSAMLProviders") {
		t.Errorf("SAML providers = %+v", v)
	}
	if v := view(inv.Compliance.Macie["eu-west-1"]); v.known || !strings.Contains(v.reason, "macie2:GetMacieSession") {
		t.Errorf("eu-west-1 Macie = %+v", v)
	}
	if v := view(inv.Compliance.Macie["us-east-1"]); v.known || !strings.Contains(v.reason, "not collected: us-east-1/macie2/get-macie-session.json missing") {
		t.Errorf("us-east-1 Macie = %+v", v)
	}
	if c, _ := coverageOf(inv, "eu-west-1", "macie2", "get-macie-session"); c.Status != awsm.CoverageError {
		t.Errorf("eu-west-1 coverage %+v", c)
	}
}

func TestLoadComplianceOpsBadInput(t *testing.T) {
	fsys := complianceFS()
	fsys["global/iam/list-saml-providers.json"] = &fstest.MapFile{Data: []byte("{\n  \"SAMLProviderList\": [\n    {\"Arn\": 42}\n  ]\n}\n")}
	fsys["us-east-1/macie2/get-macie-session.json"] = &fstest.MapFile{Data: []byte(`{"status": "ENABLED"`)}
	res, err := LoadFS(fsys)
	if err != nil {
		t.Fatal(err)
	}
	ws := warningsFor(res, "global/iam/list-saml-providers.json")
	if len(ws) != 1 || ws[0].Line != 3 || !strings.Contains(ws[0].Message, "SAMLProviderList[0].Arn") {
		t.Errorf("SAML warnings = %v", ws)
	}
	if ws := warningsFor(res, "us-east-1/macie2/get-macie-session.json"); len(ws) != 1 {
		t.Errorf("Macie warnings = %v", ws)
	}
	if res.Inventory.Compliance.SAMLProviders.Known() || res.Inventory.Compliance.Macie["us-east-1"].Known() {
		t.Error("values of unreadable files must be unknown")
	}
}

// FuzzComplianceOpsFile replaces one compliance file with arbitrary bytes:
// the import warns, never panics or fails.
func FuzzComplianceOpsFile(f *testing.F) {
	files := []string{"global/iam/list-saml-providers.json", "us-east-1/macie2/get-macie-session.json", "eu-west-1/macie2/get-macie-session.error.json"}
	base := complianceFS()
	for i, p := range files {
		f.Add(uint8(i), base[p].Data)
	}
	f.Fuzz(func(t *testing.T, which uint8, data []byte) {
		fsys := complianceFS()
		file := files[int(which)%len(files)]
		fsys[file] = &fstest.MapFile{Data: data}
		res, err := LoadFSWithOptions(fsys, Options{Workers: 1})
		if err != nil {
			t.Fatalf("replacing %s failed the import: %v", file, err)
		}
		for _, w := range res.Warnings {
			if w.File == "" || w.Message == "" {
				t.Fatalf("warning without file or message: %+v", w)
			}
		}
	})
}

func TestLoadOrgFeatures(t *testing.T) {
	const base = "global/iam/list-organizations-features"
	for _, c := range []struct {
		name, file, data string
		known, noOrg     bool
		want             string // joined features, or a reason fragment
	}{
		{"enabled", base + ".json", `{"OrganizationId": "o-a1b2c3d4e5", "EnabledFeatures": ["RootCredentialsManagement", "RootSessions"]}`, true, false, "RootCredentialsManagement,RootSessions"},
		{"none enabled", base + ".json", `{"OrganizationId": "o-a1b2c3d4e5", "EnabledFeatures": []}`, true, false, ""},
		{"trusted access off", base + ".error.json", `{"Code": "ServiceAccessNotEnabledException", "Message": "The request was rejected because trusted access is not enabled for IAM in AWS Organizations."}`, true, false, ""},
		{"no organization", base + ".error.json", `{"Code": "OrganizationNotFoundException", "Message": "The request was rejected because no organization is associated with your account."}`, true, true, ""},
		{"member account", base + ".error.json", `{"Code": "AccountNotManagementOrDelegatedAdministratorException", "Message": "The request was rejected because the account making the request is not the management account or delegated administrator account for centralized root access."}`, false, false, "AccountNotManagementOrDelegatedAdministratorException"},
		{"not collected", "", "", false, false, "not collected"},
	} {
		t.Run(c.name, func(t *testing.T) {
			fsys := fstest.MapFS{metaFile: {Data: []byte(`{"collected_at": "2026-11-20T09:30:00Z", "account_id": "111122223333", "partition": "aws", "regions": []}`)}}
			if c.file != "" {
				fsys[c.file] = &fstest.MapFile{Data: []byte(c.data)}
			}
			res, err := LoadFS(fsys)
			if err != nil {
				t.Fatal(err)
			}
			cd := res.Inventory.Compliance
			got, ok := cd.OrgFeatures.Get()
			if ok != c.known || cd.NoOrganization != c.noOrg || (ok && strings.Join(got, ",") != c.want) ||
				(!ok && !strings.Contains(cd.OrgFeatures.Reason(), c.want)) {
				t.Errorf("OrgFeatures = %v (known %v, reason %q), no organization %v", got, ok, cd.OrgFeatures.Reason(), cd.NoOrganization)
			}
			if cov, _ := coverageOf(res.Inventory, "global", "iam", "list-organizations-features"); c.known && cov.Status != awsm.CoverageRead {
				t.Errorf("coverage %+v", cov)
			}
		})
	}
}
