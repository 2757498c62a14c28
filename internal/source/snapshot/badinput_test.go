package snapshot

import (
	"encoding/base64"
	"os"
	"path/filepath"
	"strings"
	"testing"

	awsm "github.com/cloudward/cloudward/internal/model/aws"
)

const goodMeta = `{"collected_at": "2024-06-01T00:00:00Z", "account_id": "111122223333", "partition": "aws", "regions": ["us-east-1", "eu-west-1"]}`

// TestLoadFatal covers the inputs that stop the import: no usable
// snapshot directory or snapshot.json. Each error names the file and field.
func TestLoadFatal(t *testing.T) {
	notDir := filepath.Join(t.TempDir(), "file")
	if err := os.WriteFile(notDir, []byte("x"), 0o644); err != nil {
		t.Fatal(err)
	}
	onlyOther := t.TempDir()
	if err := writeFile(filepath.Join(onlyOther, "us-east-1/ec2/describe-volumes.json"), []byte(`{"Volumes": []}`)); err != nil {
		t.Fatal(err)
	}
	metaDir := func(content string) string {
		return variant(t, map[string]string{"snapshot.json": content})
	}
	cases := []struct {
		name string
		dir  string
		want []string
	}{
		{"missing directory", filepath.Join(t.TempDir(), "nope"), []string{"nope", "does not exist"}},
		{"not a directory", notDir, []string{"not a directory"}},
		{"empty directory", t.TempDir(), []string{"empty snapshot"}},
		{"no snapshot.json", onlyOther, []string{"snapshot.json missing"}},
		{"malformed", metaDir("{\n  \"collected_at\": \"2024-06-01T00:00:00Z\"\n  \"account_id\": \"111122223333\"\n}"), []string{"snapshot.json:3:3", "malformed JSON"}},
		{"truncated", metaDir(`{"collected_at": "2024-06-01T00:00:00Z", "acc`), []string{"snapshot.json:1:", "truncated"}},
		{"empty", metaDir(" "), []string{"snapshot.json", "unexpected end of JSON input"}},
		{"wrong type", metaDir("{\n \"collected_at\": \"2024-06-01T00:00:00Z\",\n \"account_id\": 111122223333}"), []string{"snapshot.json:3:", "at account_id", "wrong type"}},
		{"regions wrong type", metaDir(`{"collected_at": "2024-06-01T00:00:00Z", "account_id": "111122223333", "partition": "aws", "regions": ["us-east-1", 7]}`), []string{"at regions[1]"}},
		{"missing collected_at", metaDir(`{"account_id": "111122223333", "partition": "aws", "regions": []}`), []string{`field "collected_at": missing`}},
		{"missing partition", metaDir(`{"collected_at": "2024-06-01T00:00:00Z", "account_id": "111122223333", "regions": []}`), []string{`field "partition": missing`}},
		{"missing regions", metaDir(`{"collected_at": "2024-06-01T00:00:00Z", "account_id": "111122223333", "partition": "aws"}`), []string{`field "regions": missing`}},
		{"bad time", metaDir(strings.Replace(goodMeta, "2024-06-01T00:00:00Z", "June 1st", 1)), []string{`field "collected_at"`, "RFC 3339"}},
		{"bad account", metaDir(strings.Replace(goodMeta, "111122223333", "1234", 1)), []string{`field "account_id"`, `"1234"`}},
		{"bad partition", metaDir(strings.Replace(goodMeta, `"aws"`, `"AWS"`, 1)), []string{`field "partition"`}},
		{"bad region", metaDir(strings.Replace(goodMeta, `"eu-west-1"`, `"global"`, 1)), []string{`field "regions"`, `[1] "global"`}},
		{"duplicate region", metaDir(strings.Replace(goodMeta, `"eu-west-1"`, `"us-east-1"`, 1)), []string{"listed twice"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			res, err := Load(c.dir)
			if err == nil {
				t.Fatalf("Load succeeded with %d warnings; want an error", len(res.Warnings))
			}
			for _, w := range c.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not contain %q", err, w)
				}
			}
		})
	}
}

func TestMetaOverSizeLimitIsFatal(t *testing.T) {
	_, err := LoadWithOptions(basicDir, Options{MaxFileSize: 16})
	if err == nil || !strings.Contains(err.Error(), "snapshot.json: file is") || !strings.Contains(err.Error(), "16-byte limit") {
		t.Fatalf("err = %v", err)
	}
}

// TestBadOperationFiles covers bad per-operation files: each is a warning
// naming the file (and line and JSON path where there is one), the
// operation's coverage is an error, its values are unknown or absent, and
// the rest of the snapshot is still imported.
func TestBadOperationFiles(t *testing.T) {
	vols := "{\n    \"Volumes\": [\n        {\"VolumeId\": \"vol-1\", \"Encrypted\": false},\n        {\"VolumeId\": \"vol-2\", \"Encrypted\": \"yes\"}\n    ]\n}\n"
	basicVols, err := os.ReadFile(filepath.Join(basicDir, volF))
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name     string
		file     string
		content  string
		warnLine int
		want     []string
	}{
		{"malformed", volF, "{\n  \"Volumes\": [\n    {\"VolumeId\": \"vol-1\",, }\n  ]\n}", 3, []string{volF + ":3:", "malformed JSON", "invalid character ','"}},
		{"wrong type", volF, vols, 4, []string{volF + ":4:", "at Volumes[1].Encrypted", "wrong type: want bool, got string"}},
		{"truncated", volF, string(basicVols[:len(basicVols)/2]), 0, []string{"truncated file?"}},
		{"empty", volF, "\n", 0, []string{"empty file (truncated?)"}},
		{"not an object", volF, `["vol-1"]`, 1, []string{"wrong type"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			res := mustLoad(t, variant(t, map[string]string{c.file: c.content}))
			ws := warningsFor(res, c.file)
			if len(ws) != 1 {
				t.Fatalf("warnings for %s = %v, want one", c.file, res.Warnings)
			}
			for _, w := range c.want {
				if !strings.Contains(ws[0].Message, w) {
					t.Errorf("warning %q does not contain %q", ws[0].Message, w)
				}
			}
			if c.warnLine != 0 && ws[0].Line != c.warnLine {
				t.Errorf("warning line = %d, want %d", ws[0].Line, c.warnLine)
			}
			inv := res.Inventory
			cov, _ := coverageOf(inv, "us-east-1", "ec2", "describe-volumes")
			if cov.Status != awsm.CoverageError || !strings.Contains(cov.Detail, "unreadable") {
				t.Errorf("coverage = %+v, want error", cov)
			}
			for _, v := range inv.Volumes {
				if v.Region == "us-east-1" {
					t.Errorf("volume %s imported from a bad file", v.ID)
				}
			}
			if len(inv.SecurityGroups) != 3 || len(inv.Buckets) != 3 {
				t.Error("a bad file stopped the rest of the import")
			}
		})
	}
}

// TestOverSizeFile uses a sparse 300 MiB file: it must be refused from its
// size alone (no read, so the test stays fast) with a warning naming it.
func TestOverSizeFile(t *testing.T) {
	dir := variant(t, nil)
	p := filepath.Join(dir, volF)
	if err := os.Truncate(p, 300<<20); err != nil {
		t.Fatal(err)
	}
	res := mustLoad(t, dir)
	ws := warningsFor(res, volF)
	if len(ws) != 1 || !strings.Contains(ws[0].Message, "file is 314572800 bytes, over the 268435456-byte limit") {
		t.Fatalf("warnings = %v", ws)
	}
	if cov, _ := coverageOf(res.Inventory, "us-east-1", "ec2", "describe-volumes"); cov.Status != awsm.CoverageError {
		t.Errorf("coverage = %+v", cov)
	}
	// A configurable limit applies to every file.
	res, err := LoadWithOptions(basicDir, Options{MaxFileSize: 3000})
	if err != nil {
		t.Fatal(err)
	}
	if ws := warningsFor(res, sgF); len(ws) != 1 || !strings.Contains(ws[0].Message, "over the 3000-byte limit") {
		t.Errorf("warnings for %s = %v", sgF, ws)
	}
}

func TestUnknownAndConflictingFiles(t *testing.T) {
	res := mustLoad(t, variant(t, map[string]string{
		"us-east-1/ec2/describe-volumes.error.json":        `{"Code": "AccessDenied", "Message": "stale"}`,
		"ap-south-1/ec2/describe-volumes.json":             `{"Volumes": []}`,
		"global/s3api/get-bucket-policy/other-bucket.json": `{"Policy": "{}"}`,
		"README.txt": "notes",
		"us-east-1/kms/get-key-rotation-status/" + k3 + ".error.json": `{"Message": "no code"}`,
	}))
	want := map[string]string{
		"us-east-1/ec2/describe-volumes.error.json":        "using the data file",
		"ap-south-1/ec2/describe-volumes.json":             "unknown file",
		"global/s3api/get-bucket-policy/other-bucket.json": "unknown file",
		"README.txt":                         "unknown file",
		"us-east-1/ec2/describe-images.json": "unknown file",
		"us-east-1/kms/get-key-rotation-status/" + k3 + ".error.json": `no "Code"`,
	}
	for file, msg := range want {
		ws := warningsFor(res, file)
		if len(ws) != 1 || !strings.Contains(ws[0].Message, msg) {
			t.Errorf("warnings for %s = %v, want one containing %q", file, ws, msg)
		}
	}
	if len(res.Warnings) != len(want) {
		t.Errorf("warnings = %v", res.Warnings)
	}
	inv := res.Inventory
	if len(inv.Volumes) != 2 {
		t.Errorf("data file not used when an error file is also there: %d volumes", len(inv.Volumes))
	}
	rsa := find(t, inv.KMSKeys, func(k *awsm.KMSKey) bool { return k.ID == k3 })
	checkValues(t, []valueCase{{"error file without Code", view(rsa.RotationEnabled), false, "unreadable", "", ""}})
}

// TestErrorAnswers covers AWS error answers that mean something, and ones
// that leave values unknown.
func TestErrorAnswers(t *testing.T) {
	res := mustLoad(t, variant(t, map[string]string{
		"global/iam/get-account-password-policy.json":            "",
		"global/iam/get-account-password-policy.error.json":      `{"Code": "NoSuchEntity", "Message": "The Password Policy with domain name 111122223333 cannot be found."}`,
		"global/s3control/get-public-access-block.json":          "",
		"global/s3control/get-public-access-block.error.json":    `{"Code": "NoSuchPublicAccessBlockConfiguration", "Message": "The public access block configuration was not found"}`,
		"global/iam/get-account-summary.json":                    "",
		"global/iam/get-account-summary.error.json":              `{"Error": {"Code": "AccessDenied", "Message": "User: arn:aws:iam::111122223333:user/auditor is not authorized to perform: iam:GetAccountSummary"}}`,
		"us-east-1/ec2/get-ebs-encryption-by-default.json":       "",
		"us-east-1/ec2/get-ebs-encryption-by-default.error.json": `{"Code": "UnauthorizedOperation", "Message": "You are not authorized to perform this operation."}`,
	}))
	inv := res.Inventory
	pp := inv.Account.PasswordPolicy
	use1 := find(t, inv.Regions, func(r *awsm.Region) bool { return r.Name == "us-east-1" })
	checkValues(t, []valueCase{
		{"NoSuchEntity: no password policy", view(pp.Exists), true, "false", "global/iam/get-account-password-policy.error.json", ""},
		{"NoSuchEntity: length unknown", view(pp.MinimumPasswordLength), false, "no password policy", "", ""},
		{"account BPA not configured", view(inv.Account.S3PublicAccessBlock.Configured), true, "false", "global/s3control/get-public-access-block.error.json", ""},
		{"account BPA off", view(inv.Account.S3PublicAccessBlock.AllOn()), true, "false", "", ""},
		{"AccessDenied (nested Error form)", view(inv.Account.Summary), false, "AccessDenied: User: arn:aws:iam::111122223333:user/auditor is not authorized", "global/iam/get-account-summary.error.json", ""},
		{"UnauthorizedOperation", view(use1.EBSEncryptionByDefault), false, "UnauthorizedOperation", "", ""},
	})
	if cov, _ := coverageOf(inv, "global", "iam", "get-account-password-policy"); cov.Status != awsm.CoverageRead {
		t.Errorf("NoSuchEntity is a meaningful answer; coverage = %+v", cov)
	}
	if cov, _ := coverageOf(inv, "global", "iam", "get-account-summary"); cov.Status != awsm.CoverageError {
		t.Errorf("AccessDenied coverage = %+v", cov)
	}
}

func TestMissingOperations(t *testing.T) {
	res := mustLoad(t, variant(t, map[string]string{
		"global/iam/get-credential-report.csv":                     "",
		"global/iam/get-account-password-policy.json":              "",
		"us-east-1/cloudtrail/describe-trails.json":                "",
		"eu-west-1/cloudtrail/describe-trails.json":                "",
		"us-east-1/cloudtrail/get-trail-status/main-trail.json":    "",
		"us-east-1/cloudtrail/get-event-selectors/main-trail.json": "",
	}))
	inv := res.Inventory
	alice := find(t, inv.Users, func(u *awsm.User) bool { return u.Name == "alice" })
	checkValues(t, []valueCase{
		{"report missing: user MFA", view(alice.Credentials.MFAActive), false, "not collected: global/iam/get-credential-report.csv missing", "global/iam/get-credential-report.csv", ""},
		{"report missing: in report unknown", view(alice.Credentials.InReport), false, "not collected", "", ""},
		{"report missing: root keys", view(inv.Root.Credentials.AccessKeys[0].Active), false, "not collected", "", ""},
		{"root MFA falls back to the summary", view(inv.Root.MFAEnabled), true, "false", "global/iam/get-account-summary.json", "SummaryMap.AccountMFAEnabled"},
		{"password policy not collected", view(inv.Account.PasswordPolicy.Exists), false, "not collected: global/iam/get-account-password-policy.json missing", "", ""},
		{"trails not collected", view(inv.Trails), false, "not collected", "", ""},
	})
	if len(res.Warnings) != 1 {
		t.Errorf("missing files are not warnings (coverage says it): %v", res.Warnings)
	}
}

func TestTrailStatusFallsBackToAnotherRegion(t *testing.T) {
	status, _ := os.ReadFile(filepath.Join(basicDir, "us-east-1/cloudtrail/get-trail-status/main-trail.json"))
	res := mustLoad(t, variant(t, map[string]string{
		"us-east-1/cloudtrail/get-trail-status/main-trail.json": "",
		"eu-west-1/cloudtrail/get-trail-status/main-trail.json": string(status),
		// A copy beside the home-region answer is used silently, not read.
		"eu-west-1/cloudtrail/get-event-selectors/main-trail.json": `{"TrailARN": "x", "EventSelectors": []}`,
	}))
	tr := res.Inventory.Trails.Or(nil)[0]
	checkValues(t, []valueCase{
		{"status from eu-west-1", view(tr.IsLogging), true, "true", "eu-west-1/cloudtrail/get-trail-status/main-trail.json", "IsLogging"},
		{"selectors from home", view(tr.EventSelectors), true, anyValue, "us-east-1/cloudtrail/get-event-selectors/main-trail.json", ""},
	})
	if len(res.Warnings) != 1 {
		t.Errorf("warnings = %v", res.Warnings)
	}
}

func TestAdvancedEventSelectors(t *testing.T) {
	res := mustLoad(t, variant(t, map[string]string{"us-east-1/cloudtrail/get-event-selectors/main-trail.json": `{
    "TrailARN": "arn:aws:cloudtrail:us-east-1:111122223333:trail/main-trail",
    "AdvancedEventSelectors": [
        {"Name": "Management events selector", "FieldSelectors": [{"Field": "eventCategory", "Equals": ["Management"]}]},
        {"Name": "S3 writes", "FieldSelectors": [{"Field": "eventCategory", "Equals": ["Data"]}, {"Field": "resources.type", "Equals": ["AWS::S3::Object"]}, {"Field": "readOnly", "Equals": ["false"]}]}
    ]
}`}))
	tr := res.Inventory.Trails.Or(nil)[0]
	adv := tr.AdvancedSelectors.Or(nil)
	if len(adv) != 2 || adv[1].Name != "S3 writes" || len(adv[1].FieldSelectors) != 3 || adv[1].FieldSelectors[2].Field != "readOnly" ||
		adv[1].Source.Path != "AdvancedEventSelectors[1]" {
		t.Errorf("advanced selectors = %+v", adv)
	}
	if sel, ok := tr.EventSelectors.Get(); !ok || len(sel) != 0 {
		t.Errorf("basic selectors should be known empty: %v %v", sel, ok)
	}
}

func TestCredentialReportForms(t *testing.T) {
	orig, err := os.ReadFile(filepath.Join(basicDir, credF))
	if err != nil {
		t.Fatal(err)
	}
	// Columns found by name: reverse the column order of every line.
	var reordered []string
	for _, line := range strings.Split(strings.TrimSpace(string(orig)), "\n") {
		f := strings.Split(line, ",")
		for i, j := 0, len(f)-1; i < j; i, j = i+1, j-1 {
			f[i], f[j] = f[j], f[i]
		}
		reordered = append(reordered, strings.Join(f, ","))
	}
	jsonForm := `{"Content": "` + base64.StdEncoding.EncodeToString(orig) + `", "ReportFormat": "text/csv", "GeneratedTime": "2024-05-31T23:59:00+00:00"}`
	cases := []struct {
		name  string
		edits map[string]string
		file  string
	}{
		{"reordered columns", map[string]string{credF: strings.Join(reordered, "\n") + "\n"}, credF},
		{"CLI JSON with base64 Content", map[string]string{credF: "", "global/iam/get-credential-report.json": jsonForm}, "global/iam/get-credential-report.json"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			res := mustLoad(t, variant(t, c.edits))
			inv := res.Inventory
			bot := find(t, inv.Users, func(u *awsm.User) bool { return u.Name == "ci-bot" })
			checkValues(t, []valueCase{
				{"root key active", view(inv.Root.Credentials.AccessKeys[0].Active), true, "true", c.file, "access_key_1_active"},
				{"bot key 2 rotated", view(bot.Credentials.AccessKeys[1].LastRotated), true, "2023-11-02 00:00:00 +0000 UTC", c.file, ""},
				{"bot password", view(bot.Credentials.PasswordEnabled), true, "false", "", ""},
			})
			if len(res.Warnings) != 1 {
				t.Errorf("warnings = %v", res.Warnings)
			}
		})
	}
}

func TestBadCredentialReport(t *testing.T) {
	hdr := "user,arn,password_enabled,mfa_active\n"
	cases := []struct {
		name, content string
		want          []string
	}{
		{"bare quote", hdr + "alice,arn:aws:iam::111122223333:user/alice,tr\"ue,true\n", []string{credF + ":2:", "malformed CSV"}},
		{"short row", hdr + "alice,arn:aws:iam::111122223333:user/alice,true\n", []string{credF + ":2:", "wrong number of fields"}},
		{"not a report", "hello,world\n1,2\n", []string{`no "user" column`}},
		{"duplicate user", hdr + "alice,a,true,true\nalice,a,true,true\n", []string{"already listed on line 2"}},
		{"empty", "\n", []string{"empty credential report"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			res := mustLoad(t, variant(t, map[string]string{credF: c.content}))
			ws := warningsFor(res, credF)
			if len(ws) != 1 {
				t.Fatalf("warnings = %v", res.Warnings)
			}
			for _, w := range c.want {
				if !strings.Contains(ws[0].Message, w) {
					t.Errorf("warning %q does not contain %q", ws[0].Message, w)
				}
			}
			alice := find(t, res.Inventory.Users, func(u *awsm.User) bool { return u.Name == "alice" })
			checkValues(t, []valueCase{{"credentials unknown", view(alice.Credentials.MFAActive), false, "credential report unreadable", "", ""}})
		})
	}
	// Odd cell values are unknown, not guessed.
	res := mustLoad(t, variant(t, map[string]string{credF: hdr + "alice,arn:aws:iam::111122223333:user/alice,maybe,true\n"}))
	alice := find(t, res.Inventory.Users, func(u *awsm.User) bool { return u.Name == "alice" })
	checkValues(t, []valueCase{
		{"odd value", view(alice.Credentials.PasswordEnabled), false, `credential report says "maybe"`, credF, "password_enabled"},
		{"missing column", view(alice.Credentials.PasswordLastUsed), false, "column password_last_used absent", "", ""},
		{"good value", view(alice.Credentials.MFAActive), true, "true", credF, "mfa_active"},
	})
}

func TestBadPolicyDocumentIsUnknown(t *testing.T) {
	auth, err := os.ReadFile(filepath.Join(basicDir, authF))
	if err != nil {
		t.Fatal(err)
	}
	bad := strings.Replace(string(auth), `"Effect": "Deny",`, `"Effect": "Maybe",`, 1)
	if bad == string(auth) {
		t.Fatal("fixture edit did not apply")
	}
	res := mustLoad(t, variant(t, map[string]string{authF: bad}))
	ws := warningsFor(res, authF)
	if len(ws) != 1 || !strings.Contains(ws[0].Message, "GroupDetailList[0].GroupPolicyList[0].PolicyDocument: Statement[0]: Effect") {
		t.Fatalf("warnings = %v", ws)
	}
	g := res.Inventory.Group("Admins")
	checkValues(t, []valueCase{{"bad inline policy", view(g.InlinePolicies[0].Document), false, "unparseable policy document", authF, "GroupDetailList[0].GroupPolicyList[0].PolicyDocument"}})
	if len(res.Inventory.Users) != 3 {
		t.Error("one bad policy dropped the IAM data")
	}
}

func TestCallerIdentityMismatchWarns(t *testing.T) {
	res := mustLoad(t, variant(t, map[string]string{"global/sts/get-caller-identity.json": `{"UserId": "AIDA", "Account": "999988887777", "Arn": "arn:aws:iam::999988887777:user/x"}`}))
	if ws := warningsFor(res, "global/sts/get-caller-identity.json"); len(ws) != 1 || !strings.Contains(ws[0].Message, `"999988887777" differs`) {
		t.Errorf("warnings = %v", res.Warnings)
	}
}

func TestTruncatedPaginationWarns(t *testing.T) {
	res := mustLoad(t, variant(t, map[string]string{authF: `{"UserDetailList": [], "GroupDetailList": [], "RoleDetailList": [], "Policies": [], "IsTruncated": true, "Marker": "abc"}`}))
	if ws := warningsFor(res, authF); len(ws) != 1 || !strings.Contains(ws[0].Message, "IsTruncated") {
		t.Errorf("warnings = %v", res.Warnings)
	}
}

func TestWarningString(t *testing.T) {
	if got := (Warning{File: "a.json", Line: 3, Message: "bad"}).String(); got != "a.json:3: bad" {
		t.Errorf("String() = %q", got)
	}
	if got := (Warning{File: "a.json", Message: "bad"}).String(); got != "a.json: bad" {
		t.Errorf("String() = %q", got)
	}
}

// Without get-account-authorization-details, users still come from the
// credential report (so MFA and key checks judge them) and the coverage
// entry says their permissions are unknown.
func TestUsersFromCredentialReportAlone(t *testing.T) {
	res := mustLoad(t, variant(t, map[string]string{authF: ""}))
	inv := res.Inventory
	if len(inv.Users) == 0 {
		t.Fatal("no users imported from the credential report")
	}
	alice := find(t, inv.Users, func(u *awsm.User) bool { return u.Name == "alice" })
	if !alice.Credentials.MFAActive.Known() || alice.ARN == "" || alice.Credentials.MFAActive.Source().File != "global/iam/get-credential-report.csv" {
		t.Errorf("alice from report: ARN %q, MFA %v", alice.ARN, alice.Credentials.MFAActive)
	}
	if alice.PermissionsBoundary.Known() {
		t.Error("permissions boundary must be unknown without authorization details")
	}
	for _, u := range inv.Users {
		if u.Name == "<root_account>" {
			t.Error("root row imported as a user")
		}
	}
	if c, ok := inv.CoverageOf("iam", "get-account-authorization-details"); !ok || c.Status != awsm.CoverageMissing {
		t.Errorf("coverage = %+v, %v", c, ok)
	}
	if len(inv.Roles) != 0 || len(inv.Policies) != 0 {
		t.Error("roles or policies invented without authorization details")
	}
}
