package snapshot

import (
	"bytes"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"testing/fstest"

	awsm "github.com/cloudward/cloudward/internal/model/aws"
)

const policyDir = "testdata/policy"

// leakedEnvValues are the environment variable values of the fixture's
// orders-api function: they must appear nowhere in the model.
var leakedEnvValues = []string{"hunter2-DoNotLeak-7f3a", "sk_live_DoNotLeak4242"}

func TestLoadPolicyResources(t *testing.T) {
	res := mustLoad(t, policyDir)
	if len(res.Warnings) > 0 {
		t.Fatalf("warnings: %v", res.Warnings)
	}
	inv := res.Inventory
	p := &inv.PolicyHolders

	// Lambda: a public policy, a service grant, ResourceNotFoundException.
	if len(p.Functions) != 3 {
		t.Fatalf("functions = %d, want 3", len(p.Functions))
	}
	byName := map[string]*awsm.LambdaFunction{}
	for _, f := range p.Functions {
		byName[f.Name] = f
	}
	orders, thumb, nightly := byName["orders-api"], byName["thumbnailer"], byName["nightly-report"]
	if orders == nil || thumb == nil || nightly == nil {
		t.Fatalf("functions %v", byName)
	}
	if got := strings.Join(orders.EnvironmentVariableNames, ","); got != "DB_PASSWORD,STRIPE_API_KEY" {
		t.Errorf("env var names = %q", got)
	}
	checkValues(t, []valueCase{
		{"lambda runtime", view(orders.Runtime), true, "python3.12", "us-east-1/lambda/list-functions.json", "Functions[0].Runtime"},
		{"image function runtime", view(thumb.Runtime), true, "", "", ""},
		{"lambda role", view(orders.Role), true, "arn:aws:iam::111122223333:role/orders-api-exec", "", ""},
		{"lambda policy", view(orders.Policy), true, anyValue, "us-east-1/lambda/get-policy/orders-api.json", "Policy"},
		{"lambda no policy", view(nightly.Policy), true, "<nil>", "us-east-1/lambda/get-policy/nightly-report.error.json", ""},
	})
	doc := orders.Policy.Or(nil)
	if doc == nil || len(doc.Statements) != 1 || !doc.Statements[0].Principal.IsEveryone() || doc.Statements[0].Sid != "public-invoke" {
		t.Errorf("orders-api policy = %+v", doc)
	}
	if d := thumb.Policy.Or(nil); d == nil || len(d.Statements[0].Condition) != 2 {
		t.Errorf("thumbnailer policy = %+v", d)
	}
	if orders.Ref().Type != awsm.TypeLambdaFunction || orders.ARN != "arn:aws:lambda:us-east-1:111122223333:function:orders-api" {
		t.Errorf("ref = %+v", orders.Ref())
	}
	assertNoEnvValues(t, fmt.Sprintf("%+v", *orders))

	// Secrets Manager: names with "/" are escaped file keys; the default
	// key and no rotation are omitted by list-secrets.
	if len(p.Secrets) != 2 {
		t.Fatalf("secrets = %d", len(p.Secrets))
	}
	partner, db := p.Secrets[0], p.Secrets[1]
	if partner.Name != "partner-api-token" || db.Name != "prod/orders/db" {
		t.Fatalf("secrets order: %s, %s", partner.Name, db.Name)
	}
	checkValues(t, []valueCase{
		{"secret policy escaped key", view(db.Policy), true, anyValue, "us-east-1/secretsmanager/get-resource-policy/prod%2Forders%2Fdb.json", "ResourcePolicy"},
		{"secret kms default", view(partner.KMSKeyID), true, "", "", ""},
		{"secret rotation omitted", view(partner.RotationEnabled), true, "false", "", ""},
		{"secret rotation on", view(db.RotationEnabled), true, "true", "", ""},
	})
	if tags := db.Tags.Or(nil); tags["data-classification"] != "confidential" {
		t.Errorf("secret tags = %v", tags)
	}

	// SQS: ARN from QueueArn, policy attribute, encryption attributes; an
	// empty list-queues output (eu-west-1) is "no queues".
	if len(p.Queues) != 2 {
		t.Fatalf("queues = %d", len(p.Queues))
	}
	oq, wq := p.Queues[0], p.Queues[1]
	if oq.ARN != "arn:aws:sqs:us-east-1:111122223333:orders-queue" || oq.URL != "https://sqs.us-east-1.amazonaws.com/111122223333/orders-queue" {
		t.Errorf("queue = %+v", oq.Identity)
	}
	checkValues(t, []valueCase{
		{"queue policy", view(oq.Policy), true, anyValue, "us-east-1/sqs/get-queue-attributes/orders-queue.json", "Attributes.Policy"},
		{"queue sse", view(oq.SQSManagedSSE), true, "true", "", ""},
		{"queue kms none", view(oq.KMSMasterKeyID), true, "", "", ""},
		{"queue sse off", view(wq.SQSManagedSSE), true, "false", "", ""},
	})
	if tags := oq.Tags.Or(nil); tags["data-classification"] != "confidential" || oq.Tags.Source().File != "us-east-1/sqs/list-queue-tags/orders-queue.json" {
		t.Errorf("queue tags = %v (%s)", tags, oq.Tags.Reason())
	}
	if tags, ok := wq.Tags.Get(); !ok || len(tags) != 0 {
		t.Errorf("untagged queue (empty CLI output) tags = %v, %v", tags, ok)
	}
	if c, ok := coverageOf(inv, "eu-west-1", "sqs", "list-queues"); !ok || c.Status != awsm.CoverageRead {
		t.Errorf("eu-west-1 list-queues coverage = %+v", c)
	}

	// SNS: the default topic policy and the KMS attribute.
	if len(p.Topics) != 2 || p.Topics[0].Name != "orders-events" {
		t.Fatalf("topics = %+v", p.Topics)
	}
	checkValues(t, []valueCase{
		{"topic kms", view(p.Topics[0].KMSMasterKeyID), true, "alias/aws/sns", "", "Attributes.KmsMasterKeyId"},
		{"topic kms none", view(p.Topics[1].KMSMasterKeyID), true, "", "", ""},
		{"topic policy", view(p.Topics[1].Policy), true, anyValue, "us-east-1/sns/get-topic-attributes/public-alerts.json", "Attributes.Policy"},
	})

	// ECR: RepositoryPolicyNotFoundException is "no policy".
	if len(p.Repositories) != 2 {
		t.Fatalf("repositories = %d", len(p.Repositories))
	}
	api, base := p.Repositories[0], p.Repositories[1]
	if api.Name != "orders-api" || base.Name != "team/base-images" {
		t.Fatalf("repositories order %s %s", api.Name, base.Name)
	}
	checkValues(t, []valueCase{
		{"repo no policy", view(api.Policy), true, "<nil>", "us-east-1/ecr/get-repository-policy/orders-api.error.json", ""},
		{"repo policy", view(base.Policy), true, anyValue, "us-east-1/ecr/get-repository-policy/team%2Fbase-images.json", "policyText"},
		{"repo scan", view(api.ScanOnPush), true, "false", "", ""},
		{"repo mutability", view(base.ImageTagMutability), true, "IMMUTABLE", "", ""},
	})

	// KMS key policies complete the keys of the KMS loader.
	if len(inv.KMSKeys) != 2 {
		t.Fatalf("keys = %d", len(inv.KMSKeys))
	}
	for _, k := range inv.KMSKeys {
		d, ok := k.Policy.Get()
		if !ok || d == nil || len(d.Statements) != 2 || k.Policy.Source().File != "us-east-1/kms/get-key-policy/"+k.ID+".json" {
			t.Errorf("key %s policy = %+v (%s)", k.ID, d, k.Policy.Reason())
		}
	}
	if c, ok := coverageOf(inv, "eu-west-1", "kms", "get-key-policy"); !ok || c.Status != awsm.CoverageRead {
		t.Errorf("eu-west-1 get-key-policy coverage (no keys) = %+v", c)
	}

	// Organization: member, every SCP/RCP, the path root -> OU -> account.
	o := p.Organization
	if !o.Member.Or(false) || o.ID != "o-a1b2c3d4e5" || o.ManagementAccountID != "999988887777" || o.FeatureSet != "ALL" {
		t.Errorf("organization = %+v", o)
	}
	scps := o.SCPs.Or(nil)
	if len(scps) != 2 || scps[0].ID != "p-FullAWSAccess" || !scps[0].AWSManaged || scps[1].Name != "DenyLeaveOrgAndRegionLock" {
		t.Fatalf("SCPs = %+v", scps)
	}
	deny := scps[1].Document.Or(nil)
	if deny == nil || len(deny.Statements) != 2 || deny.Statements[1].NotAction == nil || scps[1].Document.Source().Path != "Policy.Content" {
		t.Errorf("SCP document = %+v", deny)
	}
	if rcps := o.RCPs.Or(nil); len(rcps) != 1 || rcps[0].Type != awsm.OrgPolicyRCP || rcps[0].Document.Or(nil) == nil {
		t.Errorf("RCPs = %+v", rcps)
	}
	path := o.Path.Or(nil)
	if len(path) != 3 || path[0].ID != "r-ab12" || path[0].Type != "ROOT" || path[1].ID != "ou-ab12-prod0001" ||
		path[2].ID != "111122223333" || path[2].Type != "ACCOUNT" {
		t.Fatalf("path = %+v", path)
	}
	ou := path[1].SCPs.Or(nil)
	if len(ou) != 2 || ou[1] != scps[1] || ou[0] != scps[0] {
		t.Errorf("OU SCPs = %+v (want the same policies as the organization's list)", ou)
	}
	if len(path[2].RCPs.Or(nil)) != 1 {
		t.Errorf("account RCPs = %+v", path[2].RCPs)
	}
	for _, op := range []string{"describe-organization", "list-policies", "describe-policy", "list-parents", "list-policies-for-target"} {
		if c, ok := coverageOf(inv, "global", "organizations", op); !ok || c.Status != awsm.CoverageRead {
			t.Errorf("coverage %s = %+v", op, c)
		}
	}
}

func assertNoEnvValues(t *testing.T, s string) {
	t.Helper()
	for _, v := range leakedEnvValues {
		if strings.Contains(s, v) {
			t.Errorf("environment variable value %q kept: %s", v, s)
		}
	}
}

// policyVariant copies the policy fixture with edits (path => content, ""
// deletes).
func policyVariant(t testing.TB, edits map[string]string) fs.FS {
	t.Helper()
	m := fstest.MapFS{}
	err := filepath.WalkDir(policyDir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(policyDir, p)
		data, err := os.ReadFile(p)
		m[filepath.ToSlash(rel)] = &fstest.MapFile{Data: data, Mode: 0o644}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	for p, c := range edits {
		if c == "" {
			delete(m, p)
			continue
		}
		m[p] = &fstest.MapFile{Data: []byte(c), Mode: 0o644}
	}
	return m
}

func TestPolicyResourcesMemberAccount(t *testing.T) {
	// From a member account: describe-organization works, the rest is
	// denied. SCPs and the path are unknown, never "none".
	denied := `{"Code": "AccessDeniedException", "Message": "You don't have permissions to access this resource."}`
	edits := map[string]string{}
	m := policyVariant(t, nil).(fstest.MapFS)
	for p := range m {
		if strings.HasPrefix(p, "global/organizations/") && p != "global/organizations/describe-organization.json" {
			edits[p] = ""
		}
	}
	edits["global/organizations/list-policies/SERVICE_CONTROL_POLICY.error.json"] = denied
	edits["global/organizations/list-policies/RESOURCE_CONTROL_POLICY.error.json"] = denied
	edits["global/organizations/list-parents/111122223333.error.json"] = denied
	res, err := LoadFS(policyVariant(t, edits))
	if err != nil {
		t.Fatal(err)
	}
	o := res.Inventory.PolicyHolders.Organization
	checkValues(t, []valueCase{
		{"member", view(o.Member), true, "true", "", ""},
		{"scps", view(o.SCPs), false, "AccessDeniedException", "global/organizations/list-policies/SERVICE_CONTROL_POLICY.error.json", ""},
		{"path", view(o.Path), false, "AccessDeniedException", "global/organizations/list-parents/111122223333.error.json", ""},
	})
	if c, _ := coverageOf(res.Inventory, "global", "organizations", "list-parents"); c.Status != awsm.CoverageError {
		t.Errorf("list-parents coverage = %+v", c)
	}

	// Not in an organization: known, no SCPs and an empty path.
	edits = map[string]string{"global/organizations/describe-organization.json": "",
		"global/organizations/describe-organization.error.json": `{"Code": "AWSOrganizationsNotInUseException", "Message": "Your account is not a member of an organization."}`}
	for p := range m {
		if strings.HasPrefix(p, "global/organizations/") && p != "global/organizations/describe-organization.json" {
			edits[p] = ""
		}
	}
	res, err = LoadFS(policyVariant(t, edits))
	if err != nil {
		t.Fatal(err)
	}
	o = res.Inventory.PolicyHolders.Organization
	if o.Member.Or(true) || !o.SCPs.Known() || len(o.SCPs.Or(nil)) != 0 || !o.Path.Known() {
		t.Errorf("not in an organization: %+v", o)
	}
	if len(res.Warnings) > 0 {
		t.Errorf("warnings: %v", res.Warnings)
	}
}

func TestPolicyResourcesNotCollected(t *testing.T) {
	// A snapshot that predates these operations: nothing is invented, key
	// policies and the organization are unknown.
	edits := map[string]string{}
	for p := range policyVariant(t, nil).(fstest.MapFS) {
		for _, dir := range []string{"/lambda/", "/secretsmanager/", "/sqs/", "/sns/", "/ecr/", "/organizations/", "/kms/get-key-policy/"} {
			if strings.Contains(p, dir) {
				edits[p] = ""
			}
		}
	}
	res, err := LoadFS(policyVariant(t, edits))
	if err != nil {
		t.Fatal(err)
	}
	p := res.Inventory.PolicyHolders
	if n := len(p.Functions) + len(p.Secrets) + len(p.Queues) + len(p.Topics) + len(p.Repositories); n != 0 {
		t.Errorf("%d resources invented", n)
	}
	if p.Organization.Member.Known() || p.Organization.SCPs.Known() || p.Organization.Path.Known() {
		t.Errorf("organization invented: %+v", p.Organization)
	}
	if len(res.Inventory.KMSKeys) != 2 {
		t.Fatalf("keys = %d", len(res.Inventory.KMSKeys))
	}
	for _, k := range res.Inventory.KMSKeys {
		if k.Policy.Known() || !strings.Contains(k.Policy.Reason(), "not collected") {
			t.Errorf("key %s policy = %v", k.ID, k.Policy)
		}
	}
	if c, _ := coverageOf(res.Inventory, "us-east-1", "lambda", "list-functions"); c.Status != awsm.CoverageMissing {
		t.Errorf("list-functions coverage = %+v", c)
	}
}

func TestPolicyResourcesBadInput(t *testing.T) {
	cases := []struct {
		file, content, wantWarn string
		check                   func(*awsm.Inventory) string
	}{
		{"us-east-1/lambda/get-policy/orders-api.json", `{"Policy": "{\"Statement\": [{\"Effect\": \"Allow\", \"Principal\": 5}]}"}`,
			"Principal", func(inv *awsm.Inventory) string {
				for _, f := range inv.PolicyHolders.Functions {
					if f.Name == "orders-api" && f.Policy.Known() {
						return "bad policy became known"
					}
				}
				return ""
			}},
		{"us-east-1/sqs/get-queue-attributes/orders-queue.json", `{"Attributes": {"Policy": 7}}`, "wrong type",
			func(inv *awsm.Inventory) string {
				if q := inv.PolicyHolders.Queues[0]; q.Policy.Known() || q.SQSManagedSSE.Known() {
					return "attributes known after a bad file"
				}
				return ""
			}},
		{"us-east-1/ecr/describe-repositories.json", `{"repositories": [{"repositoryName": "x"`, "truncated",
			func(inv *awsm.Inventory) string {
				if len(inv.PolicyHolders.Repositories) != 0 {
					return "repositories from a truncated file"
				}
				return ""
			}},
		{"global/organizations/list-parents/ou-ab12-prod0001.json", `{"Parents": []}`, "exactly one",
			func(inv *awsm.Inventory) string {
				if inv.PolicyHolders.Organization.Path.Known() {
					return "path known without its parent"
				}
				return ""
			}},
		{"us-east-1/lambda/list-functions.json", `{"Functions": [{"FunctionName": "f", "Environment": {"Variables": {"K": "do-not-keep"}}, "Runtime": 3}]}`,
			"Functions[0].Runtime", nil},
	}
	for _, c := range cases {
		t.Run(c.file, func(t *testing.T) {
			res, err := LoadFS(policyVariant(t, map[string]string{c.file: c.content}))
			if err != nil {
				t.Fatal(err)
			}
			ws := warningsFor(res, c.file)
			if len(ws) == 0 || !strings.Contains(ws[0].String(), c.wantWarn) {
				t.Fatalf("warnings for %s = %v, want one mentioning %q", c.file, ws, c.wantWarn)
			}
			if c.check != nil {
				if msg := c.check(res.Inventory); msg != "" {
					t.Error(msg)
				}
			}
		})
	}
}

// TestLambdaEnvironmentValuesIgnored: whatever shape the values have, the
// import never keeps them and never fails on them.
func TestLambdaEnvironmentValuesIgnored(t *testing.T) {
	fn := `{"Functions": [{"FunctionName": "f", "Runtime": "go1.x", "Role": "arn:aws:iam::111122223333:role/r", "Environment": {"Variables": {"A": "hunter2-DoNotLeak-7f3a", "B": {"nested": "sk_live_DoNotLeak4242"}, "C": 12}}}]}`
	res, err := LoadFS(policyVariant(t, map[string]string{"us-east-1/lambda/list-functions.json": fn}))
	if err != nil {
		t.Fatal(err)
	}
	fs := res.Inventory.PolicyHolders.Functions
	if len(fs) != 1 || strings.Join(fs[0].EnvironmentVariableNames, ",") != "A,B,C" {
		t.Fatalf("functions = %+v", fs)
	}
	var b bytes.Buffer
	fmt.Fprintf(&b, "%+v %v", *fs[0], res.Warnings)
	assertNoEnvValues(t, b.String())
}

// FuzzPolicyResourceFile replaces one file of the policy fixture with
// arbitrary bytes: a warning and unknown values, never a panic or a failed
// import.
func FuzzPolicyResourceFile(f *testing.F) {
	base := policyVariant(f, nil).(fstest.MapFS)
	var files []string
	for p := range base {
		if p != metaFile {
			files = append(files, p)
		}
	}
	sort.Strings(files)
	for i, p := range files {
		f.Add(uint16(i), base[p].Data)
	}
	f.Add(uint16(0), []byte(`{"Policy": {"Statement": "x"}}`))
	f.Add(uint16(1), []byte(`{"Parents": [{"Id": "111122223333", "Type": "ACCOUNT"}]}`))
	f.Fuzz(func(t *testing.T, which uint16, data []byte) {
		fsys := make(fstest.MapFS, len(base))
		for k, v := range base {
			fsys[k] = v
		}
		file := files[int(which)%len(files)]
		fsys[file] = &fstest.MapFile{Data: data, Mode: 0o644}
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
