package demo

import (
	"strings"
	"testing"

	"github.com/cloudward/cloudward/internal/check"
)

// TestDemoResourcePolicies pins the resource-policy and SQS/SNS encryption
// checks on the demo's functions, secrets, queues, topics, repositories and
// keys: one exposed and one sound resource of each kind.
func TestDemoResourcePolicies(t *testing.T) {
	byKey, _ := runDemo(t)
	P, F := check.Pass, check.Fail
	const use1 = "arn:aws:%s:us-east-1:123456789012:"
	arn := func(svc, rest string) string { return strings.Replace(use1, "%s", svc, 1) + rest }
	for _, tt := range []struct {
		check, resource string
		want            check.Status
		msg             string
	}{
		{"aws-kms-key-policy-public", arn("kms", "key/3e7b9d10-4c2a-4e8f-b6d5-7a9c0e1f2b34"), F, "any AWS account"},   // "Principal": {"AWS": "*"}, no condition
		{"aws-kms-key-policy-public", arn("kms", "key/a8f2c1d4-5b6e-4f70-9a81-2b3c4d5e6f70"), P, ""},                  // CloudTrail service with SourceArn
		{"aws-lambda-function-policy-public", arn("lambda", "function:acme-webhook-handler"), F, ""},                  // function URL, AuthType NONE
		{"aws-lambda-function-policy-public", arn("lambda", "function:thumbnail-generator"), P, ""},                   // S3 with SourceArn/SourceAccount
		{"aws-secretsmanager-secret-policy-public", arn("secretsmanager", "secret:partner/feed-token-Zx9Yw8"), F, ""}, // AWS "*"
		{"aws-secretsmanager-secret-policy-public", arn("secretsmanager", "secret:prod/web/db-credentials-Qw3rTy"), P, "none"},
		{"aws-sqs-queue-policy-public", arn("sqs", "acme-legacy-jobs"), F, ""},
		{"aws-sqs-queue-policy-public", arn("sqs", "acme-orders"), P, ""},
		{"aws-sns-topic-policy-public", arn("sns", "acme-ops-notifications"), F, ""},
		{"aws-sns-topic-policy-public", arn("sns", "acme-security-alerts"), P, ""}, // default policy: AWS:SourceOwner
		{"aws-ecr-repository-policy-public", arn("ecr", "repository/acme/base-images"), F, ""},
		{"aws-ecr-repository-policy-public", arn("ecr", "repository/acme/web"), P, "none"}, // RepositoryPolicyNotFoundException
		{"aws-sqs-queue-unencrypted", arn("sqs", "acme-legacy-jobs"), F, ""},
		{"aws-sqs-queue-unencrypted", arn("sqs", "acme-orders"), P, "SSE-SQS"},
		{"aws-sns-topic-unencrypted", arn("sns", "acme-ops-notifications"), F, ""},
		{"aws-sns-topic-unencrypted", arn("sns", "acme-security-alerts"), P, "alias/aws/sns"},
	} {
		f, ok := byKey[findingKey{tt.check, tt.resource}]
		if !ok {
			t.Errorf("%s on %s: no finding", tt.check, tt.resource)
			continue
		}
		if f.Status != tt.want || !strings.Contains(f.Message, tt.msg) {
			t.Errorf("%s on %s: %s (%s), want %s containing %q", tt.check, tt.resource, f.Status, f.Message, tt.want, tt.msg)
		}
	}
}

// TestDemoNoEnvironmentValues: the demo's functions have environment
// variables (values redacted by the collector); the model keeps names only.
func TestDemoNoEnvironmentValues(t *testing.T) {
	res := loadDemo(t)
	fns := res.Inventory.PolicyHolders.Functions
	if len(fns) != 2 || strings.Join(fns[0].EnvironmentVariableNames, ",") != "PAYMENT_WEBHOOK_SECRET" {
		t.Fatalf("functions = %+v", fns)
	}
}
