package fakeaws

import (
	"encoding/json"
	"net/url"
	"strings"

	"github.com/aws/aws-sdk-go-v2/service/ecr"
	"github.com/aws/aws-sdk-go-v2/service/kms"
	"github.com/aws/aws-sdk-go-v2/service/lambda"
	"github.com/aws/aws-sdk-go-v2/service/organizations"
	"github.com/aws/aws-sdk-go-v2/service/secretsmanager"
	"github.com/aws/aws-sdk-go-v2/service/sns"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
)

// opsPolicy maps "service:Action" to the operations of issue 4's policy group.
var opsPolicy = map[string]op{
	"lambda:ListFunctions": {cli: "lambda/list-functions", out: func() any { return &lambda.ListFunctionsOutput{} },
		page: &pager{lists: []string{"Functions"}, in: "Marker", out: "NextMarker"}},
	"lambda:GetPolicy": {cli: "lambda/get-policy", out: func() any { return &lambda.GetPolicyOutput{} }, key: lambdaFunctionKey},
	"lambda:ListTags":  {cli: "lambda/list-tags", out: func() any { return &lambda.ListTagsOutput{} }, key: lambdaTagsKey},

	"secretsmanager:ListSecrets": {cli: "secretsmanager/list-secrets", out: func() any { return &secretsmanager.ListSecretsOutput{} },
		page: &pager{lists: []string{"SecretList"}, in: "NextToken", out: "NextToken"}},
	"secretsmanager:GetResourcePolicy": {cli: "secretsmanager/get-resource-policy", out: func() any { return &secretsmanager.GetResourcePolicyOutput{} }, key: secretKey},

	"sqs:ListQueues": {cli: "sqs/list-queues", out: func() any { return &sqs.ListQueuesOutput{} },
		page: &pager{lists: []string{"QueueUrls"}, in: "NextToken", out: "NextToken"}},
	"sqs:GetQueueAttributes": {cli: "sqs/get-queue-attributes", out: func() any { return &sqs.GetQueueAttributesOutput{} }, key: queueKey},
	"sqs:ListQueueTags":      {cli: "sqs/list-queue-tags", out: func() any { return &sqs.ListQueueTagsOutput{} }, key: queueKey},

	"sns:ListTopics": {cli: "sns/list-topics", out: func() any { return &sns.ListTopicsOutput{} },
		page: &pager{lists: []string{"Topics"}, in: "NextToken", out: "NextToken"}},
	"sns:GetTopicAttributes": {cli: "sns/get-topic-attributes", out: func() any { return &sns.GetTopicAttributesOutput{} }, key: topicNameKey},
	"sns:ListTagsForResource": {cli: "sns/list-tags-for-resource", out: func() any { return &sns.ListTagsForResourceOutput{} },
		key: func(c *call) string { return arnName(c.r.Form.Get("ResourceArn"), ":") }},

	"ecr:DescribeRepositories": {cli: "ecr/describe-repositories", out: func() any { return &ecr.DescribeRepositoriesOutput{} },
		page: &pager{lists: []string{"repositories"}, in: "nextToken", out: "nextToken"}},
	"ecr:GetRepositoryPolicy": {cli: "ecr/get-repository-policy", out: func() any { return &ecr.GetRepositoryPolicyOutput{} },
		key: func(c *call) string { return url.PathEscape(bodyString(c, "repositoryName")) }},
	"ecr:ListTagsForResource": {cli: "ecr/list-tags-for-resource", out: func() any { return &ecr.ListTagsForResourceOutput{} },
		key: func(c *call) string { return url.PathEscape(arnName(bodyString(c, "resourceArn"), ":repository/")) }},

	"kms:GetKeyPolicy": {cli: "kms/get-key-policy", out: func() any { return &kms.GetKeyPolicyOutput{} }, key: jsonKey("KeyId", "key/")},

	"organizations:ListPolicies": {cli: "organizations/list-policies", out: func() any { return &organizations.ListPoliciesOutput{} },
		key: func(c *call) string { return bodyString(c, "Filter") }, page: &pager{lists: []string{"Policies"}, in: "NextToken", out: "NextToken"}},
	"organizations:DescribePolicy": {cli: "organizations/describe-policy", out: func() any { return &organizations.DescribePolicyOutput{} },
		key: func(c *call) string { return bodyString(c, "PolicyId") }},
	"organizations:ListParents": {cli: "organizations/list-parents", out: func() any { return &organizations.ListParentsOutput{} },
		key: func(c *call) string { return bodyString(c, "ChildId") }},
	"organizations:ListPoliciesForTarget": {cli: "organizations/list-policies-for-target", out: func() any { return &organizations.ListPoliciesForTargetOutput{} },
		key:  func(c *call) string { return bodyString(c, "TargetId") + "." + bodyString(c, "Filter") },
		page: &pager{lists: []string{"Policies"}, in: "NextToken", out: "NextToken"}},
}

// bodyString reads a string member of a JSON request body.
func bodyString(c *call, field string) string {
	var m map[string]any
	_ = json.Unmarshal(c.body, &m)
	s, _ := m[field].(string)
	return s
}

// lambdaTagsPath is the prefix of Lambda's ListTags: /2017-03-31/tags/ARN.
const lambdaTagsPath = "/2017-03-31/tags/"

// lambdaTagsKey is the function name of the ARN ListTags names.
func lambdaTagsKey(c *call) string {
	arn, err := url.PathUnescape(strings.TrimPrefix(c.r.URL.EscapedPath(), lambdaTagsPath))
	if err != nil {
		return ""
	}
	return arnName(arn, ":function:")
}

// arnName is what follows the last sep of an ARN ("" when not an ARN).
func arnName(arn, sep string) string {
	i := strings.LastIndex(arn, sep)
	if !strings.HasPrefix(arn, "arn:") || i < 0 {
		return ""
	}
	return arn[i+len(sep):]
}

// lambdaFunctionKey is the function name of /2015-03-31/functions/NAME/policy.
func lambdaFunctionKey(c *call) string {
	p := strings.TrimSuffix(strings.TrimPrefix(c.r.URL.EscapedPath(), lambdaFunctionsPath), "/policy")
	name, err := url.PathUnescape(p)
	if err != nil {
		return ""
	}
	// A function ARN names the function after "function:".
	if i := strings.LastIndex(name, ":function:"); i >= 0 {
		name = name[i+len(":function:"):]
	}
	return name
}

// secretKey is the file key of the secret a SecretId names: the name, from
// an ARN without its 6-character random suffix, escaped like the layout.
func secretKey(c *call) string {
	id := bodyString(c, "SecretId")
	if i := strings.Index(id, ":secret:"); strings.HasPrefix(id, "arn:") && i >= 0 {
		id = id[i+len(":secret:"):]
		if len(id) > 7 && id[len(id)-7] == '-' {
			id = id[:len(id)-7]
		}
	}
	return url.PathEscape(id)
}

// queueKey is the queue name: the last segment of the QueueUrl.
func queueKey(c *call) string {
	u := bodyString(c, "QueueUrl")
	return u[strings.LastIndexByte(u, '/')+1:]
}
