package aws

import (
	"strings"
	"testing"

	"github.com/cloudward/cloudward/internal/check"
	"github.com/cloudward/cloudward/internal/model"
	awsm "github.com/cloudward/cloudward/internal/model/aws"
)

const rpAccount = "111122223333"

// rpPolicy parses a policy as the importer would; "" is "not collected"
// and "none" is "no policy".
func rpPolicy(t *testing.T, file, doc string) awsm.Policy {
	t.Helper()
	src := model.Source{File: file, Path: "Policy"}
	switch doc {
	case "":
		return model.Unknown[*awsm.PolicyDocument]("AccessDeniedException: not authorized", model.Source{File: file})
	case "none":
		return model.Known[*awsm.PolicyDocument](nil, model.Source{File: file})
	}
	d, err := awsm.ParsePolicy([]byte(doc), src)
	if err != nil {
		t.Fatal(err)
	}
	return model.Known(d, src)
}

func rpID(arn, name, region string) awsm.Identity {
	return awsm.Identity{ARN: arn, ID: name, Name: name, Region: region, AccountID: rpAccount, Partition: "aws"}
}

const (
	qARN = "arn:aws:sqs:us-east-1:111122223333:orders"
	tARN = "arn:aws:sns:us-east-1:111122223333:events"
)

func rpQueue(t *testing.T, doc string) *awsm.Inventory {
	q := &awsm.Queue{Identity: rpID(qARN, "orders", "us-east-1"), Policy: rpPolicy(t, "us-east-1/sqs/get-queue-attributes/orders.json", doc)}
	return &awsm.Inventory{AccountID: rpAccount, PolicyHolders: awsm.PolicyResources{Queues: []*awsm.Queue{q}}}
}

func TestSQSQueuePolicyPublic(t *testing.T) {
	stmt := func(principal, cond string) string {
		s := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":` + principal + `,"Action":"sqs:SendMessage","Resource":"` + qARN + `"`
		if cond != "" {
			s += `,"Condition":` + cond
		}
		return s + `}]}`
	}
	netRun(t, sqsQueuePolicyPublic, []netCase{
		{"anyone may send", rpQueue(t, stmt(`"*"`, "")), check.Fail, []string{"Statement[0] allows", "sqs:SendMessage", "anonymous users"}},
		{"AWS * with a NotIpAddress that a bare request passes", rpQueue(t, stmt(`{"AWS":"*"}`, `{"NotIpAddress":{"aws:SourceIp":"10.0.0.0/8"}}`)), check.Fail, []string{"any AWS account"}},
		{"narrowed to the SNS topic", rpQueue(t, stmt(`{"AWS":"*"}`, `{"ArnEquals":{"aws:SourceArn":"`+tARN+`"}}`)), check.Pass, nil},
		{"narrowed to the organization", rpQueue(t, stmt(`"*"`, `{"StringEquals":{"aws:PrincipalOrgID":"o-a1b2c3d4e5"}}`)), check.Pass, nil},
		{"narrowed to a VPC endpoint", rpQueue(t, stmt(`"*"`, `{"StringEquals":{"aws:SourceVpce":"vpce-0a1b2c3d"}}`)), check.Pass, nil},
		{"named account only", rpQueue(t, stmt(`{"AWS":"arn:aws:iam::444455556666:root"}`, "")), check.Pass, nil},
		{"public grant denied again", rpQueue(t, `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"sqs:*","Resource":"*"},`+
			`{"Effect":"Deny","Principal":"*","Action":"sqs:*","Resource":"*","Condition":{"StringNotEquals":{"aws:PrincipalAccount":"111122223333"}}}]}`), check.Pass, nil},
		{"no policy", rpQueue(t, "none"), check.Pass, nil},
		{"policy not collected", rpQueue(t, ""), check.Unknown, []string{"AccessDeniedException"}},
		{"public policy on a queue without an ARN is not a pass", func() *awsm.Inventory {
			inv := rpQueue(t, stmt(`"*"`, ""))
			inv.PolicyHolders.Queues[0].ARN = ""
			return inv
		}(), check.Unknown, []string{"no usable ARN"}},
	})
}

func TestSNSTopicPolicyPublic(t *testing.T) {
	topic := func(doc string) *awsm.Inventory {
		tp := &awsm.Topic{Identity: rpID(tARN, "events", "us-east-1"), Policy: rpPolicy(t, "us-east-1/sns/get-topic-attributes/events.json", doc)}
		return &awsm.Inventory{AccountID: rpAccount, PolicyHolders: awsm.PolicyResources{Topics: []*awsm.Topic{tp}}}
	}
	// The policy SNS writes for a new topic: "*" narrowed by AWS:SourceOwner.
	def := `{"Version":"2008-10-17","Id":"__default_policy_ID","Statement":[{"Sid":"__default_statement_ID","Effect":"Allow","Principal":{"AWS":"*"},` +
		`"Action":["SNS:GetTopicAttributes","SNS:SetTopicAttributes","SNS:AddPermission","SNS:RemovePermission","SNS:DeleteTopic","SNS:Subscribe","SNS:ListSubscriptionsByTopic","SNS:Publish"],` +
		`"Resource":"` + tARN + `","Condition":{"StringEquals":{"AWS:SourceOwner":"111122223333"}}}]}`
	open := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"*"},"Action":["SNS:Subscribe","SNS:Publish"],"Resource":"` + tARN + `"}]}`
	netRun(t, snsTopicPolicyPublic, []netCase{
		{"publish and subscribe for everyone (upper-case actions)", topic(open), check.Fail, []string{"sns:Publish", "sns:Subscribe"}},
		{"default policy", topic(def), check.Pass, nil},
		{"not collected", topic(""), check.Unknown, nil},
	})
}

func TestKMSKeyPolicyPublic(t *testing.T) {
	key := func(manager, doc string) *awsm.Inventory {
		inv := encKey(manager, "Enabled", "SYMMETRIC_DEFAULT", "AWS_KMS", "true")
		inv.KMSKeys[0].Policy = rpPolicy(t, "us-east-1/kms/get-key-policy/"+encKeyID+".json", doc)
		return inv
	}
	root := `{"Sid":"Enable IAM User Permissions","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::` + netAccount + `:root"},"Action":"kms:*","Resource":"*"}`
	netRun(t, kmsKeyPolicyPublic, []netCase{
		{"default key policy", key("CUSTOMER", `{"Version":"2012-10-17","Statement":[`+root+`]}`), check.Pass, nil},
		{"use by any account", key("CUSTOMER", `{"Version":"2012-10-17","Statement":[`+root+`,{"Effect":"Allow","Principal":{"AWS":"*"},"Action":["kms:Decrypt","kms:GenerateDataKey*"],"Resource":"*"}]}`),
			check.Fail, []string{"Statement[1] allows", "kms:Decrypt", "kms:GenerateDataKey"}},
		{"via S3 from the own account only", key("CUSTOMER", `{"Version":"2012-10-17","Statement":[`+root+`,{"Effect":"Allow","Principal":{"AWS":"*"},"Action":"kms:Decrypt","Resource":"*",`+
			`"Condition":{"StringEquals":{"kms:CallerAccount":"`+netAccount+`","kms:ViaService":"s3.us-east-1.amazonaws.com"}}}]}`), check.Pass, nil},
		{"AWS managed key skipped", key("AWS", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"kms:*","Resource":"*"}]}`), check.NotApplicable, nil},
		{"key policy denied", key("CUSTOMER", ""), check.Unknown, []string{"AccessDeniedException"}},
	})
}

func TestLambdaFunctionPolicyPublic(t *testing.T) {
	const arn = "arn:aws:lambda:us-east-1:111122223333:function:thumbs"
	fn := func(doc string) *awsm.Inventory {
		f := &awsm.LambdaFunction{Identity: rpID(arn, "thumbs", "us-east-1"), Policy: rpPolicy(t, "us-east-1/lambda/get-policy/thumbs.json", doc)}
		return &awsm.Inventory{AccountID: rpAccount, PolicyHolders: awsm.PolicyResources{Functions: []*awsm.LambdaFunction{f}}}
	}
	netRun(t, lambdaFunctionPolicyPublic, []netCase{
		{"public invoke", fn(`{"Version":"2012-10-17","Id":"default","Statement":[{"Sid":"pub","Effect":"Allow","Principal":"*","Action":"lambda:InvokeFunction","Resource":"` + arn + `"}]}`),
			check.Fail, []string{"lambda:InvokeFunction"}},
		{"function URL without auth", fn(`{"Version":"2012-10-17","Id":"default","Statement":[{"Sid":"url","Effect":"Allow","Principal":"*","Action":"lambda:InvokeFunctionUrl","Resource":"` + arn + `","Condition":{"StringEquals":{"lambda:FunctionUrlAuthType":"NONE"}}}]}`),
			check.Fail, []string{"anonymous users: lambda:InvokeFunctionUrl"}},
		{"function URL with IAM auth", fn(`{"Version":"2012-10-17","Id":"default","Statement":[{"Sid":"url","Effect":"Allow","Principal":"*","Action":"lambda:InvokeFunctionUrl","Resource":"` + arn + `","Condition":{"StringEquals":{"lambda:FunctionUrlAuthType":"AWS_IAM"}}}]}`),
			check.Pass, nil},
		{"S3 with source account and ARN", fn(`{"Version":"2012-10-17","Id":"default","Statement":[{"Sid":"s3","Effect":"Allow","Principal":{"Service":"s3.amazonaws.com"},"Action":"lambda:InvokeFunction","Resource":"` + arn + `",` +
			`"Condition":{"StringEquals":{"AWS:SourceAccount":"111122223333"},"ArnLike":{"AWS:SourceArn":"arn:aws:s3:::photos"}}}]}`), check.Pass, nil},
		{"any principal narrowed by source account", fn(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"lambda:InvokeFunction","Resource":"` + arn + `",` +
			`"Condition":{"StringEquals":{"AWS:SourceAccount":"111122223333"}}}]}`), check.Pass, nil},
		{"ResourceNotFoundException", fn("none"), check.Pass, nil},
		{"not collected", fn(""), check.Unknown, nil},
	})
}

func TestSecretPolicyPublic(t *testing.T) {
	const arn = "arn:aws:secretsmanager:us-east-1:111122223333:secret:prod/db-AbCdEf"
	sec := func(doc string) *awsm.Inventory {
		s := &awsm.Secret{Identity: rpID(arn, "prod/db", "us-east-1"), Policy: rpPolicy(t, "us-east-1/secretsmanager/get-resource-policy/prod%2Fdb.json", doc)}
		return &awsm.Inventory{AccountID: rpAccount, PolicyHolders: awsm.PolicyResources{Secrets: []*awsm.Secret{s}}}
	}
	netRun(t, secretPolicyPublic, []netCase{
		{"any account reads", sec(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"*"},"Action":"secretsmanager:GetSecretValue","Resource":"*"}]}`),
			check.Fail, []string{"secretsmanager:GetSecretValue"}},
		{"organization only", sec(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"*"},"Action":"secretsmanager:GetSecretValue","Resource":"*","Condition":{"StringEquals":{"aws:PrincipalOrgID":"o-a1b2c3d4e5"}}}]}`),
			check.Pass, nil},
		{"one partner account", sec(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::444455556666:role/reader"},"Action":"secretsmanager:GetSecretValue","Resource":"*"}]}`),
			check.Pass, nil},
		{"no policy", sec("none"), check.Pass, nil},
		{"not collected", sec(""), check.Unknown, nil},
	})
}

func TestECRRepositoryPolicyPublic(t *testing.T) {
	const arn = "arn:aws:ecr:us-east-1:111122223333:repository/team/base"
	repo := func(doc string) *awsm.Inventory {
		r := &awsm.ECRRepository{Identity: rpID(arn, "team/base", "us-east-1"), Policy: rpPolicy(t, "us-east-1/ecr/get-repository-policy/team%2Fbase.json", doc)}
		return &awsm.Inventory{AccountID: rpAccount, PolicyHolders: awsm.PolicyResources{Repositories: []*awsm.ECRRepository{r}}}
	}
	netRun(t, ecrRepositoryPolicyPublic, []netCase{
		// Repository policies have no Resource element.
		{"public pull", repo(`{"Version":"2012-10-17","Statement":[{"Sid":"pull","Effect":"Allow","Principal":"*","Action":["ecr:BatchGetImage","ecr:GetDownloadUrlForLayer"]}]}`),
			check.Fail, []string{"ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer"}},
		{"organization pull", repo(`{"Version":"2012-10-17","Statement":[{"Sid":"pull","Effect":"Allow","Principal":"*","Action":["ecr:BatchGetImage"],"Condition":{"StringEquals":{"aws:PrincipalOrgID":"o-a1b2c3d4e5"}}}]}`),
			check.Pass, nil},
		{"RepositoryPolicyNotFoundException", repo("none"), check.Pass, nil},
		{"not collected", repo(""), check.Unknown, nil},
	})
}

func TestSQSQueueUnencrypted(t *testing.T) {
	file := "us-east-1/sqs/get-queue-attributes/orders.json"
	q := func(kms, sse string) *awsm.Inventory {
		inv := rpQueue(t, "none")
		qq := inv.PolicyHolders.Queues[0]
		qq.KMSMasterKeyID = model.Known(kms, model.Source{File: file, Path: "Attributes.KmsMasterKeyId"})
		switch sse {
		case "?":
			qq.SQSManagedSSE = model.Unknown[bool]("AccessDenied: not authorized", model.Source{File: file})
			qq.KMSMasterKeyID = model.Unknown[string]("AccessDenied: not authorized", model.Source{File: file})
		default:
			qq.SQSManagedSSE = model.Known(sse == "true", model.Source{File: file, Path: "Attributes.SqsManagedSseEnabled"})
		}
		return inv
	}
	netRun(t, sqsQueueUnencrypted, []netCase{
		{"no encryption", q("", "false"), check.Fail, []string{"SqsManagedSseEnabled is false"}},
		{"SSE-SQS", q("", "true"), check.Pass, nil},
		{"SSE-KMS", q("alias/orders", "false"), check.Pass, nil},
		{"attributes denied", q("", "?"), check.Unknown, []string{"AccessDenied"}},
	})
}

func TestSNSTopicUnencrypted(t *testing.T) {
	file := "us-east-1/sns/get-topic-attributes/events.json"
	topic := func(kms model.String) *awsm.Inventory {
		tp := &awsm.Topic{Identity: rpID(tARN, "events", "us-east-1"), KMSMasterKeyID: kms}
		return &awsm.Inventory{AccountID: rpAccount, PolicyHolders: awsm.PolicyResources{Topics: []*awsm.Topic{tp}}}
	}
	src := model.Source{File: file, Path: "Attributes.KmsMasterKeyId"}
	netRun(t, snsTopicUnencrypted, []netCase{
		{"no key", topic(model.Known("", src)), check.Fail, []string{"KmsMasterKeyId is not set"}},
		{"AWS managed key", topic(model.Known("alias/aws/sns", src)), check.Pass, nil},
		{"not collected", topic(model.Unknown[string]("not collected: "+file+" missing", src)), check.Unknown, []string{"not collected"}},
	})
}

// TestResourcePolicyRCP: an RCP on the organization path that denies
// principals outside the organization neutralises a public queue policy;
// without organization data the FAIL says it assumes no RCP denies.
func TestResourcePolicyRCP(t *testing.T) {
	public := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"sqs:SendMessage","Resource":"` + qARN + `"}]}`
	rcpDoc := func(doc string) *awsm.OrgPolicy {
		d, err := awsm.ParsePolicy([]byte(doc), model.Source{File: "global/organizations/describe-policy/p-rcp.json", Path: "Policy.Content"})
		if err != nil {
			t.Fatal(err)
		}
		return &awsm.OrgPolicy{ID: "p-rcp", Name: "rcp", Type: awsm.OrgPolicyRCP, Document: model.Known(d, d.Source)}
	}
	full := rcpDoc(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"*","Resource":"*"}]}`)
	perimeter := rcpDoc(`{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Principal":"*","Action":["sqs:*","kms:*"],"Resource":"*",` +
		`"Condition":{"StringNotEqualsIfExists":{"aws:PrincipalOrgID":"o-a1b2c3d4e5"},"BoolIfExists":{"aws:PrincipalIsAWSService":"false"}}}]}`)
	withOrg := func(rcps ...*awsm.OrgPolicy) *awsm.Inventory {
		inv := rpQueue(t, public)
		src := model.Source{File: "global/organizations/list-parents/" + rpAccount + ".json"}
		lvl := func(id, typ string, p []*awsm.OrgPolicy) *awsm.OrgTarget {
			return &awsm.OrgTarget{ID: id, Type: typ, SCPs: model.Known([]*awsm.OrgPolicy{}, src), RCPs: model.Known(p, src)}
		}
		inv.PolicyHolders.Organization = awsm.Organization{Member: model.Known(true, src), ID: "o-a1b2c3d4e5", ManagementAccountID: "999988887777",
			Path: model.Known([]*awsm.OrgTarget{lvl("r-ab12", "ROOT", []*awsm.OrgPolicy{full}), lvl(rpAccount, "ACCOUNT", rcps)}, src)}
		return inv
	}
	netRun(t, sqsQueuePolicyPublic, []netCase{
		{"perimeter RCP", withOrg(full, perimeter), check.Pass, nil},
		{"only the default RCP", withOrg(full), check.Fail, nil},
		{"organization not collected", rpQueue(t, public), check.Fail, nil},
	})
	f := sqsQueuePolicyPublic.Evaluate(rpQueue(t, public))
	if len(f) != 1 || !strings.Contains(f[0].Message, "assuming no RCP denies") {
		t.Errorf("message without organization data: %+v", f)
	}
	f = sqsQueuePolicyPublic.Evaluate(withOrg(full))
	if len(f) != 1 || strings.Contains(f[0].Message, "assuming") {
		t.Errorf("message with the organization collected: %+v", f)
	}
}
