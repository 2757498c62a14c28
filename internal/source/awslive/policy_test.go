package awslive_test

import (
	"bytes"
	"encoding/json"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/cloudward/cloudward/internal/fakeaws"
	"github.com/cloudward/cloudward/internal/source/awslive"
)

// policyFixture is the importer's example of the policy group: Lambda
// (with environment variable values that must never be written), Secrets
// Manager, SQS, SNS, ECR, KMS key policies and an organization path.
var policyFixture = filepath.Join("..", "snapshot", "testdata", "policy")

var policyServiceNames = []string{"lambda", "secretsmanager", "sqs", "sns", "ecr", "kms", "organizations"}

// envSecrets are the fixture's Lambda environment variable values.
var envSecrets = []string{"hunter2-DoNotLeak-7f3a", "sk_live_DoNotLeak4242"}

// TestCollectPolicyReproducesSnapshot: the fake serves the policy fixture
// over the wire (REST-JSON Lambda, JSON 1.0 SQS, JSON 1.1 Secrets Manager,
// ECR, KMS and Organizations, query SNS) and the collector writes every
// file back, except that Lambda environment values are redacted.
func TestCollectPolicyReproducesSnapshot(t *testing.T) {
	srv := startFake(t, fakeaws.Scenario{Snapshot: os.DirFS(policyFixture)})
	w, _ := collect(t, srv, awslive.Options{Services: policyServiceNames, Regions: []string{"us-east-1", "eu-west-1"}})
	got := w.FS()
	want := os.DirFS(policyFixture)
	n := 0
	err := fs.WalkDir(want, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || p == "snapshot.json" {
			return err
		}
		if strings.Contains(p, "/kms/describe-key/") || strings.Contains(p, "/kms/get-key-rotation-status/") || strings.HasSuffix(p, "/kms/list-keys.json") {
			return nil // core KMS operations: the main round trip's business
		}
		n++
		wb, _ := fs.ReadFile(want, p)
		gb, err := fs.ReadFile(got, p)
		if err != nil {
			t.Errorf("%s: not collected: %v", p, err)
			return nil
		}
		if len(bytes.TrimSpace(wb)) == 0 {
			if len(bytes.TrimSpace(gb)) != 0 {
				t.Errorf("%s: collected %q, want nothing", p, gb)
			}
			return nil
		}
		var gv, wv any
		if err := json.Unmarshal(gb, &gv); err != nil {
			t.Errorf("%s: collected invalid JSON: %v", p, err)
			return nil
		}
		_ = json.Unmarshal(wb, &wv)
		if strings.HasSuffix(p, "/lambda/list-functions.json") {
			redactWant(wv)
		}
		if strings.HasSuffix(p, "/ecr/describe-repositories.json") {
			// The SDK drops a false scanOnPush (a plain bool); the
			// importer reads an absent one as false, as the CLI's.
			for _, r := range wv.(map[string]any)["repositories"].([]any) {
				sc := r.(map[string]any)["imageScanningConfiguration"].(map[string]any)
				if sc["scanOnPush"] == false {
					delete(sc, "scanOnPush")
				}
			}
		}
		if d := diffJSON(normalize(gv), normalize(wv), ""); d != "" {
			t.Errorf("%s: collected differs from the snapshot:\n%s", p, d)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if n < 30 {
		t.Fatalf("compared only %d files", n)
	}
	// No environment value anywhere in what was written.
	_ = fs.WalkDir(got, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, _ := fs.ReadFile(got, p)
		for _, s := range envSecrets {
			if bytes.Contains(b, []byte(s)) {
				t.Errorf("%s holds the environment value %q", p, s)
			}
		}
		return nil
	})
	// The calls made, and none that reads a secret value.
	calls := srv.Calls()
	for _, c := range []string{"lambda:ListFunctions", "lambda:GetPolicy", "secretsmanager:ListSecrets", "secretsmanager:GetResourcePolicy",
		"sqs:ListQueues", "sqs:GetQueueAttributes", "sns:ListTopics", "sns:GetTopicAttributes", "ecr:DescribeRepositories",
		"ecr:GetRepositoryPolicy", "kms:GetKeyPolicy", "organizations:DescribeOrganization", "organizations:ListPolicies",
		"organizations:DescribePolicy", "organizations:ListParents", "organizations:ListPoliciesForTarget"} {
		if calls[c] == 0 {
			t.Errorf("%s never called", c)
		}
	}
	for c := range calls {
		if strings.Contains(c, "GetSecretValue") || strings.Contains(c, "GetFunction") && c != "lambda:GetPolicy" {
			t.Errorf("forbidden call %s", c)
		}
	}
	// Findings of the live collection equal the fixture's.
	live, _ := findings(t, got)
	direct, _ := findings(t, want)
	if d := diffLines(live, direct); d != "" {
		t.Errorf("live findings differ from the snapshot's:\n%s", d)
	}
}

func redactWant(v any) {
	m, _ := v.(map[string]any)
	fns, _ := m["Functions"].([]any)
	for _, f := range fns {
		env, _ := f.(map[string]any)["Environment"].(map[string]any)
		vars, _ := env["Variables"].(map[string]any)
		for k := range vars {
			vars[k] = "REDACTED"
		}
	}
}

// TestCollectPolicyMemberAccount: from a member account, Organizations
// denies everything but describe-organization; the denials are written as
// error answers and the collection goes on. Lambda without a policy answers
// ResourceNotFoundException, which is written as such.
func TestCollectPolicyMemberAccount(t *testing.T) {
	denied := fakeaws.Error{Code: "AccessDeniedException", Message: "You don't have permissions to access this resource."}
	srv := startFake(t, fakeaws.Scenario{Snapshot: os.DirFS(policyFixture), Errors: map[string]fakeaws.Error{
		"organizations/list-policies": denied, "organizations/list-parents": denied,
	}, PageSize: 1})
	w, _ := collect(t, srv, awslive.Options{Services: policyServiceNames, Regions: []string{"us-east-1"}})
	got := w.FS()
	for _, f := range []string{"global/organizations/list-policies/SERVICE_CONTROL_POLICY.error.json",
		"global/organizations/list-parents/111122223333.error.json",
		"us-east-1/lambda/get-policy/nightly-report.error.json",
		"us-east-1/ecr/get-repository-policy/orders-api.error.json"} {
		if _, err := fs.Stat(got, f); err != nil {
			t.Errorf("%s not written: %v", f, err)
		}
	}
	if _, err := fs.Stat(got, "global/organizations/describe-policy/p-denyleave1.json"); err == nil {
		t.Error("describe-policy called although nothing listed the policy")
	}
	// Paged lists (one item a page) are merged.
	b, _ := fs.ReadFile(got, "us-east-1/sqs/list-queues.json")
	if !bytes.Contains(b, []byte("orders-queue")) || !bytes.Contains(b, []byte("webhooks-inbox")) || bytes.Contains(b, []byte("NextToken")) {
		t.Errorf("list-queues = %s", b)
	}
}
