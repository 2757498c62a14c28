package aws

import (
	"testing"

	"github.com/cloudward/cloudward/internal/check"
	"github.com/cloudward/cloudward/internal/model"
	awsm "github.com/cloudward/cloudward/internal/model/aws"
)

// Functions, topics, repositories and queues are judged by the tags read
// with lambda list-tags, sns/ecr list-tags-for-resource and sqs
// list-queue-tags; tags that could not be read make the store UNKNOWN.
func TestSensitiveDataAccessTaggedHolders(t *testing.T) {
	inv := engInv()
	engUser(inv, "alice", nil, engPolicy(t, inv, "AdministratorAccess", engAdmin, true))
	engUser(inv, "deployer", nil, engPolicy(t, inv, "deploy-orders", `{"Version":"2012-10-17","Statement":[
		{"Effect":"Allow","Action":["lambda:UpdateFunctionCode","lambda:GetFunction"],"Resource":"arn:aws:lambda:us-east-1:`+engAcct+`:function:orders-*"},
		{"Effect":"Allow","Action":["ecr:PutImage","ecr:BatchGetImage"],"Resource":"*"}]}`, false))
	engUser(inv, "ops", nil, engPolicy(t, inv, "ops-read", `{"Version":"2012-10-17","Statement":[
		{"Effect":"Allow","Action":["sns:ListTopics","sqs:ListQueues"],"Resource":"*"}]}`, false))
	none := model.Known[*awsm.PolicyDocument](nil, model.Source{})
	tagged := func(file string, kv ...string) model.Tags {
		m := map[string]string{}
		for i := 0; i+1 < len(kv); i += 2 {
			m[kv[i]] = kv[i+1]
		}
		return model.Known(m, model.Source{File: file, Path: "Tags"})
	}
	id := func(arn, name string, tags model.Tags) awsm.Identity {
		return awsm.Identity{ARN: arn, ID: name, Name: name, Region: "us-east-1", AccountID: engAcct, Partition: "aws", Tags: tags}
	}
	fnARN := "arn:aws:lambda:us-east-1:" + engAcct + ":function:"
	inv.PolicyHolders.Functions = []*awsm.LambdaFunction{
		{Identity: id(fnARN+"orders-api", "orders-api", tagged("us-east-1/lambda/list-tags/orders-api.json", "data-classification", "confidential")), Policy: none},
		{Identity: id(fnARN+"thumbnailer", "thumbnailer", tagged("us-east-1/lambda/list-tags/thumbnailer.json")), Policy: none},
		{Identity: id(fnARN+"nightly-report", "nightly-report", model.Unknown[map[string]string]("AccessDeniedException: lambda:ListTags",
			model.Source{File: "us-east-1/lambda/list-tags/nightly-report.error.json"})), Policy: none},
	}
	// The topic policy lets a partner account subscribe.
	topicARN := "arn:aws:sns:us-east-1:" + engAcct + ":orders-events"
	inv.PolicyHolders.Topics = []*awsm.Topic{{Identity: id(topicARN, "orders-events", tagged("us-east-1/sns/list-tags-for-resource/orders-events.json", "Sensitivity", "PII")),
		Policy: engDoc(t, `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::444455556666:root"},
			"Action":"sns:Subscribe","Resource":"`+topicARN+`"}]}`)}}
	inv.PolicyHolders.Repositories = []*awsm.ECRRepository{{Identity: id("arn:aws:ecr:us-east-1:"+engAcct+":repository/orders-api", "orders-api",
		tagged("us-east-1/ecr/list-tags-for-resource/orders-api.json", "contains-pii", "true")), Policy: none}}
	inv.PolicyHolders.Queues = []*awsm.Queue{{Identity: id("arn:aws:sqs:us-east-1:"+engAcct+":audit-events", "audit-events",
		model.Unknown[map[string]string]("not collected: us-east-1/sqs/list-queue-tags/audit-events.json missing", model.Source{})), Policy: none}}
	inv.Index()

	engRun(t, iamSensitiveDataAccess, inv, map[string]engWant{
		fnARN + "orders-api":     {check.Fail, "user/deployer: read+write (lambda:GetFunction, lambda:UpdateFunctionCode)"},
		fnARN + "thumbnailer":    {check.NotApplicable, ""},
		fnARN + "nightly-report": {check.Unknown, "AccessDeniedException"},
		topicARN:                 {check.Fail, "444455556666"},
		"arn:aws:ecr:us-east-1:" + engAcct + ":repository/orders-api": {check.Fail, "user/deployer"},
		"arn:aws:sqs:us-east-1:" + engAcct + ":audit-events":          {check.Unknown, "list-queue-tags"},
	})
}
