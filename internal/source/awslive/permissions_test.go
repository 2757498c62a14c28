package awslive_test

import (
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"testing"

	"github.com/cloudward/cloudward/internal/fakeaws"
	"github.com/cloudward/cloudward/internal/source/awslive"
)

// iamAction maps what the fake sees (signing name and wire operation) to
// the IAM action that authorizes it.
var iamAction = map[string]string{
	"s3:ListBuckets":                 "s3:ListAllMyBuckets",
	"s3:GetPublicAccessBlock":        "s3:GetBucketPublicAccessBlock",
	"s3:GetBucketEncryption":         "s3:GetEncryptionConfiguration",
	"s3:GetPublicAccessBlockControl": "s3:GetAccountPublicAccessBlock",
	"monitoring:DescribeAlarms":      "cloudwatch:DescribeAlarms", // CloudWatch signs as "monitoring"
}

func docPolicy(t *testing.T) []string {
	t.Helper()
	doc, err := os.ReadFile(filepath.Join("..", "..", "..", "docs", "aws-permissions.md"))
	if err != nil {
		t.Fatal(err)
	}
	m := regexp.MustCompile("(?s)## The policy.*?```json\n(.*?)```").FindSubmatch(doc)
	if m == nil {
		t.Fatal("docs/aws-permissions.md: no JSON block under \"## The policy\"")
	}
	var pol struct {
		Statement []struct {
			Effect   string
			Action   []string
			Resource string
		}
	}
	if err := json.Unmarshal(m[1], &pol); err != nil {
		t.Fatalf("docs/aws-permissions.md: policy JSON: %v", err)
	}
	var actions []string
	for _, st := range pol.Statement {
		if st.Effect != "Allow" {
			t.Errorf("statement effect %q", st.Effect)
		}
		actions = append(actions, st.Action...)
	}
	return actions
}

// TestPolicyDocMatchesCollector: the documented policy grants exactly the
// collector's Permissions, and every call a full collection makes (with an
// assumed role and pagination, so every code path runs) is among them.
func TestPolicyDocMatchesCollector(t *testing.T) {
	doc := docPolicy(t)
	perms := slices.Clone(awslive.Permissions)
	sort.Strings(doc)
	sort.Strings(perms)
	if !slices.Equal(doc, perms) {
		t.Errorf("docs/aws-permissions.md policy:\n%q\nawslive.Permissions:\n%q", doc, perms)
	}

	srv := startFake(t, fakeaws.Scenario{PageSize: 2})
	collect(t, srv, awslive.Options{RoleARN: "arn:aws:iam::111122223333:role/audit"})
	seen := map[string]bool{}
	for call := range srv.Calls() {
		if call == "sts:AssumeRole" {
			continue // made with the base credentials, before the audit role
		}
		action := call
		if a, ok := iamAction[call]; ok {
			action = a
		}
		if !slices.Contains(doc, action) {
			t.Errorf("the collector called %s (IAM action %s), which the documented policy does not grant", call, action)
		}
		seen[action] = true
	}
	for _, p := range perms {
		if !seen[p] {
			t.Errorf("the policy grants %s, which a full collection never used", p)
		}
	}
}
