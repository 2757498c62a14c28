package awslive_test

import (
	"encoding/json"
	"io/fs"
	"os"
	"slices"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/cloudward/cloudward/internal/fakeaws"
	"github.com/cloudward/cloudward/internal/source/awslive"
)

// complianceFixture is the basic fixture plus the compliance operations in
// their CLI shapes: two SAML providers, both root access features, Macie on
// in us-east-1 and "not enabled" in eu-west-1.
func complianceFixture(t *testing.T) fstest.MapFS {
	t.Helper()
	m := fstest.MapFS{}
	base := os.DirFS(basicDir)
	err := fs.WalkDir(base, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := fs.ReadFile(base, p)
		m[p] = &fstest.MapFile{Data: b}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	m["global/iam/list-saml-providers.json"] = &fstest.MapFile{Data: []byte(`{
    "SAMLProviderList": [
        {
            "Arn": "arn:aws:iam::111122223333:saml-provider/AWSSSO_0123456789abcdef_DO_NOT_DELETE",
            "ValidUntil": "2125-01-02T10:00:00+00:00",
            "CreateDate": "2025-01-02T10:00:00+00:00"
        },
        {
            "Arn": "arn:aws:iam::111122223333:saml-provider/okta",
            "ValidUntil": "2125-03-14T09:12:44+00:00",
            "CreateDate": "2025-03-14T09:12:44+00:00"
        }
    ]
}
`)}
	m["global/iam/list-organizations-features.json"] = &fstest.MapFile{Data: []byte(`{
    "OrganizationId": "o-a1b2c3d4e5",
    "EnabledFeatures": [
        "RootCredentialsManagement",
        "RootSessions"
    ]
}
`)}
	m["us-east-1/macie2/get-macie-session.json"] = &fstest.MapFile{Data: []byte(`{
    "createdAt": "2025-06-02T14:21:07.512000+00:00",
    "findingPublishingFrequency": "FIFTEEN_MINUTES",
    "serviceRole": "arn:aws:iam::111122223333:role/aws-service-role/macie.amazonaws.com/AWSServiceRoleForAmazonMacie",
    "status": "ENABLED",
    "updatedAt": "2025-06-02T14:21:07.512000+00:00"
}
`)}
	m["eu-west-1/macie2/get-macie-session.error.json"] = &fstest.MapFile{Data: []byte(`{"Code": "AccessDeniedException", "Message": "Macie is not enabled."}`)}
	return m
}

// TestCollectComplianceOps: the SDK clients read the compliance operations
// from the fake over the wire (IAM query/XML, Macie REST-JSON) and the
// collector writes what the CLI would, including Macie's "not enabled"
// error answer.
func TestCollectComplianceOps(t *testing.T) {
	want := complianceFixture(t)
	srv := startFake(t, fakeaws.Scenario{Snapshot: want})
	w, _ := collect(t, srv, awslive.Options{Services: []string{"federation", "macie"}})
	got := w.FS()
	for _, p := range []string{"global/iam/list-saml-providers.json", "global/iam/list-organizations-features.json",
		"us-east-1/macie2/get-macie-session.json"} {
		gb, err := fs.ReadFile(got, p)
		if err != nil {
			t.Errorf("%s not collected: %v", p, err)
			continue
		}
		var gv, wv any
		if err := json.Unmarshal(gb, &gv); err != nil {
			t.Fatalf("%s: %v", p, err)
		}
		_ = json.Unmarshal(want[p].Data, &wv)
		if d := diffJSON(normalize(gv), normalize(wv), ""); d != "" {
			t.Errorf("%s: collected differs from the fixture:\n%s", p, d)
		}
	}
	eb, err := fs.ReadFile(got, "eu-west-1/macie2/get-macie-session.error.json")
	if err != nil || !strings.Contains(string(eb), `"AccessDeniedException"`) || !strings.Contains(string(eb), `"Macie is not enabled."`) {
		t.Errorf("eu-west-1 Macie error answer = %s (%v)", eb, err)
	}
	for _, a := range []string{"macie2:GetMacieSession", "iam:ListSAMLProviders", "iam:ListOrganizationsFeatures"} {
		if !slices.Contains(awslive.Permissions, a) {
			t.Errorf("the collector's permissions lack %s", a)
		}
	}
}
