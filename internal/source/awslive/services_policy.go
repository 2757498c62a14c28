package awslive

import (
	"context"
	"net/url"
	"strings"
	"sync"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecr"
	"github.com/aws/aws-sdk-go-v2/service/kms"
	"github.com/aws/aws-sdk-go-v2/service/lambda"
	lambdatypes "github.com/aws/aws-sdk-go-v2/service/lambda/types"
	"github.com/aws/aws-sdk-go-v2/service/organizations"
	orgtypes "github.com/aws/aws-sdk-go-v2/service/organizations/types"
	"github.com/aws/aws-sdk-go-v2/service/secretsmanager"
	"github.com/aws/aws-sdk-go-v2/service/sns"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
	sqstypes "github.com/aws/aws-sdk-go-v2/service/sqs/types"
)

// policyServices are collected for issue 4's extra operations; the group's
// collectors live in this file. KMS key policies are read with the kms
// service (collectKeyPolicy, called by collectKMS).
var policyServices = []service{
	{"lambda", false, (*collector).collectLambda},
	{"secretsmanager", false, (*collector).collectSecrets},
	{"sqs", false, (*collector).collectSQS},
	{"sns", false, (*collector).collectSNS},
	{"ecr", false, (*collector).collectECR},
	{"organizations", true, func(c *collector, ctx context.Context, _ string, goDo func(func())) { c.collectOrganization(ctx, goDo) }},
}

// policyPermissions are the IAM actions of policyServices. None reads a
// secret value or a function's code.
var policyPermissions = []string{
	"lambda:ListFunctions",
	"lambda:GetPolicy",
	"lambda:ListTags",
	"secretsmanager:ListSecrets",
	"secretsmanager:GetResourcePolicy",
	"sqs:ListQueues",
	"sqs:GetQueueAttributes",
	"sqs:ListQueueTags",
	"sns:ListTopics",
	"sns:GetTopicAttributes",
	"sns:ListTagsForResource",
	"ecr:DescribeRepositories",
	"ecr:GetRepositoryPolicy",
	"ecr:ListTagsForResource",
	"kms:GetKeyPolicy",
	"organizations:DescribeOrganization",
	"organizations:ListPolicies",
	"organizations:DescribePolicy",
	"organizations:ListParents",
	"organizations:ListPoliciesForTarget",
}

// redacted replaces every Lambda environment variable value before
// anything is written: values often hold secrets. The names are kept.
const redacted = "REDACTED"

// policyFileKey is the file key of a name that may contain "/" (secrets,
// ECR repositories): one escaped path segment, as the importer expects.
func policyFileKey(name string) string { return url.PathEscape(name) }

func (c *collector) lambda(r string) *lambda.Client {
	return client(c, "lambda", r, func(cfg aws.Config) *lambda.Client { return lambda.NewFromConfig(cfg) })
}
func (c *collector) secretsmanager(r string) *secretsmanager.Client {
	return client(c, "secretsmanager", r, func(cfg aws.Config) *secretsmanager.Client { return secretsmanager.NewFromConfig(cfg) })
}
func (c *collector) sqs(r string) *sqs.Client {
	return client(c, "sqs", r, func(cfg aws.Config) *sqs.Client { return sqs.NewFromConfig(cfg) })
}
func (c *collector) sns(r string) *sns.Client {
	return client(c, "sns", r, func(cfg aws.Config) *sns.Client { return sns.NewFromConfig(cfg) })
}
func (c *collector) ecr(r string) *ecr.Client {
	return client(c, "ecr", r, func(cfg aws.Config) *ecr.Client { return ecr.NewFromConfig(cfg) })
}
func (c *collector) organizations() *organizations.Client {
	return client(c, "organizations", c.cfg.Region, func(cfg aws.Config) *organizations.Client { return organizations.NewFromConfig(cfg) })
}

func (c *collector) collectLambda(ctx context.Context, r string, goDo func(func())) {
	cl := c.lambda(r)
	out, _ := c.do(ctx, r+"/lambda/list-functions", false, func(ctx context.Context) (any, error) {
		p := lambda.NewListFunctionsPaginator(cl, &lambda.ListFunctionsInput{})
		out, err := paged(ctx, p.HasMorePages, func(ctx context.Context) (*lambda.ListFunctionsOutput, error) { return p.NextPage(ctx) },
			func(a, b *lambda.ListFunctionsOutput) { a.Functions = append(a.Functions, b.Functions...) })
		if out == nil {
			return out, err
		}
		out.NextMarker = nil
		redactEnvironment(out.Functions)
		return out, err
	}).(*lambda.ListFunctionsOutput)
	if out == nil {
		return
	}
	for _, f := range out.Functions {
		name := aws.ToString(f.FunctionName)
		if !validKey(name) {
			continue
		}
		goDo(func() {
			c.do(ctx, r+"/lambda/get-policy/"+name, false, func(ctx context.Context) (any, error) {
				return cl.GetPolicy(ctx, &lambda.GetPolicyInput{FunctionName: &name})
			})
		})
		if arn := aws.ToString(f.FunctionArn); arn != "" {
			goDo(func() {
				c.do(ctx, r+"/lambda/list-tags/"+name, false, func(ctx context.Context) (any, error) {
					return cl.ListTags(ctx, &lambda.ListTagsInput{Resource: &arn})
				})
			})
		}
	}
}

// redactEnvironment replaces environment variable values in place, so
// that they never reach a writer.
func redactEnvironment(fns []lambdatypes.FunctionConfiguration) {
	for i := range fns {
		env := fns[i].Environment
		if env == nil {
			continue
		}
		for k := range env.Variables {
			env.Variables[k] = redacted
		}
		// An error decrypting the variables can echo parts of them.
		env.Error = nil
	}
}

func (c *collector) collectSecrets(ctx context.Context, r string, goDo func(func())) {
	cl := c.secretsmanager(r)
	out, _ := c.do(ctx, r+"/secretsmanager/list-secrets", false, func(ctx context.Context) (any, error) {
		p := secretsmanager.NewListSecretsPaginator(cl, &secretsmanager.ListSecretsInput{})
		out, err := paged(ctx, p.HasMorePages, func(ctx context.Context) (*secretsmanager.ListSecretsOutput, error) { return p.NextPage(ctx) },
			func(a, b *secretsmanager.ListSecretsOutput) { a.SecretList = append(a.SecretList, b.SecretList...) })
		if out != nil {
			out.NextToken = nil
		}
		return out, err
	}).(*secretsmanager.ListSecretsOutput)
	if out == nil {
		return
	}
	for _, s := range out.SecretList {
		name, id := aws.ToString(s.Name), aws.ToString(s.ARN)
		key := policyFileKey(name)
		if !validKey(key) {
			continue
		}
		if id == "" {
			id = name
		}
		goDo(func() {
			// By ARN: a name ending in "-" and six characters could be
			// taken for a partial ARN.
			c.do(ctx, r+"/secretsmanager/get-resource-policy/"+key, false, func(ctx context.Context) (any, error) {
				return cl.GetResourcePolicy(ctx, &secretsmanager.GetResourcePolicyInput{SecretId: &id})
			})
		})
	}
}

func (c *collector) collectSQS(ctx context.Context, r string, goDo func(func())) {
	cl := c.sqs(r)
	out, _ := c.do(ctx, r+"/sqs/list-queues", false, func(ctx context.Context) (any, error) {
		p := sqs.NewListQueuesPaginator(cl, &sqs.ListQueuesInput{})
		out, err := paged(ctx, p.HasMorePages, func(ctx context.Context) (*sqs.ListQueuesOutput, error) { return p.NextPage(ctx) },
			func(a, b *sqs.ListQueuesOutput) { a.QueueUrls = append(a.QueueUrls, b.QueueUrls...) })
		if out != nil {
			out.NextToken = nil
		}
		return out, err
	}).(*sqs.ListQueuesOutput)
	if out == nil {
		return
	}
	for _, u := range out.QueueUrls {
		name := u[strings.LastIndexByte(u, '/')+1:]
		if !validKey(name) {
			continue
		}
		goDo(func() {
			c.do(ctx, r+"/sqs/get-queue-attributes/"+name, false, func(ctx context.Context) (any, error) {
				return cl.GetQueueAttributes(ctx, &sqs.GetQueueAttributesInput{QueueUrl: &u,
					AttributeNames: []sqstypes.QueueAttributeName{sqstypes.QueueAttributeNameQueueArn, sqstypes.QueueAttributeNamePolicy,
						sqstypes.QueueAttributeNameKmsMasterKeyId, sqstypes.QueueAttributeNameSqsManagedSseEnabled}})
			})
		})
		goDo(func() {
			c.do(ctx, r+"/sqs/list-queue-tags/"+name, false, func(ctx context.Context) (any, error) {
				return cl.ListQueueTags(ctx, &sqs.ListQueueTagsInput{QueueUrl: &u})
			})
		})
	}
}

func (c *collector) collectSNS(ctx context.Context, r string, goDo func(func())) {
	cl := c.sns(r)
	out, _ := c.do(ctx, r+"/sns/list-topics", false, func(ctx context.Context) (any, error) {
		p := sns.NewListTopicsPaginator(cl, &sns.ListTopicsInput{})
		out, err := paged(ctx, p.HasMorePages, func(ctx context.Context) (*sns.ListTopicsOutput, error) { return p.NextPage(ctx) },
			func(a, b *sns.ListTopicsOutput) { a.Topics = append(a.Topics, b.Topics...) })
		if out != nil {
			out.NextToken = nil
		}
		return out, err
	}).(*sns.ListTopicsOutput)
	if out == nil {
		return
	}
	for _, t := range out.Topics {
		arn := aws.ToString(t.TopicArn)
		name := arn[strings.LastIndexByte(arn, ':')+1:]
		if !validKey(name) {
			continue
		}
		goDo(func() {
			c.do(ctx, r+"/sns/get-topic-attributes/"+name, false, func(ctx context.Context) (any, error) {
				return cl.GetTopicAttributes(ctx, &sns.GetTopicAttributesInput{TopicArn: &arn})
			})
		})
		goDo(func() {
			c.do(ctx, r+"/sns/list-tags-for-resource/"+name, false, func(ctx context.Context) (any, error) {
				return cl.ListTagsForResource(ctx, &sns.ListTagsForResourceInput{ResourceArn: &arn})
			})
		})
	}
}

func (c *collector) collectECR(ctx context.Context, r string, goDo func(func())) {
	cl := c.ecr(r)
	// ECR's members are lowerCamel: rendered through the runtime schema.
	var out *ecr.DescribeRepositoriesOutput
	c.do(ctx, r+"/ecr/describe-repositories", false, func(ctx context.Context) (any, error) {
		p := ecr.NewDescribeRepositoriesPaginator(cl, &ecr.DescribeRepositoriesInput{})
		all, err := paged(ctx, p.HasMorePages, func(ctx context.Context) (*ecr.DescribeRepositoriesOutput, error) { return p.NextPage(ctx) },
			func(a, b *ecr.DescribeRepositoriesOutput) { a.Repositories = append(a.Repositories, b.Repositories...) })
		if err != nil {
			return nil, err
		}
		all.NextToken = nil
		out = all
		return schemaCLI{all}, nil
	})
	if out == nil {
		return
	}
	for _, repo := range out.Repositories {
		name := aws.ToString(repo.RepositoryName)
		key := policyFileKey(name)
		if !validKey(key) {
			continue
		}
		goDo(func() {
			c.do(ctx, r+"/ecr/get-repository-policy/"+key, false, func(ctx context.Context) (any, error) {
				out, err := cl.GetRepositoryPolicy(ctx, &ecr.GetRepositoryPolicyInput{RepositoryName: &name})
				if err != nil {
					return nil, err
				}
				return schemaCLI{out}, nil
			})
		})
		if arn := aws.ToString(repo.RepositoryArn); arn != "" {
			goDo(func() {
				c.do(ctx, r+"/ecr/list-tags-for-resource/"+key, false, func(ctx context.Context) (any, error) {
					out, err := cl.ListTagsForResource(ctx, &ecr.ListTagsForResourceInput{ResourceArn: &arn})
					if err != nil {
						return nil, err
					}
					return schemaCLI{out}, nil
				})
			})
		}
	}
}

// collectKeyPolicy reads one key's policy; called by collectKMS.
func (c *collector) collectKeyPolicy(ctx context.Context, cl *kms.Client, r, id string, goDo func(func())) {
	goDo(func() {
		c.do(ctx, r+"/kms/get-key-policy/"+id, false, func(ctx context.Context) (any, error) {
			return cl.GetKeyPolicy(ctx, &kms.GetKeyPolicyInput{KeyId: &id, PolicyName: aws.String("default")})
		})
	})
}

// orgPolicyTypes are the organization policy types read.
var orgPolicyTypes = []orgtypes.PolicyType{orgtypes.PolicyTypeServiceControlPolicy, orgtypes.PolicyTypeResourceControlPolicy}

// collectOrganization reads the organization, its SCPs and RCPs, and the
// policies on the account's path to the root. From a member account most
// calls are denied; the error answers say so.
func (c *collector) collectOrganization(ctx context.Context, goDo func(func())) {
	cl := c.organizations()
	const dir = "global/organizations/"
	org := c.do(ctx, dir+"describe-organization", false, func(ctx context.Context) (any, error) {
		return cl.DescribeOrganization(ctx, &organizations.DescribeOrganizationInput{})
	})
	if org == nil {
		// Not in an organization, or not allowed to know.
		return
	}
	described := newOnce()
	describe := func(id string) {
		if !validKey(id) || !described.first(id) {
			return
		}
		goDo(func() {
			c.do(ctx, dir+"describe-policy/"+id, false, func(ctx context.Context) (any, error) {
				return cl.DescribePolicy(ctx, &organizations.DescribePolicyInput{PolicyId: &id})
			})
		})
	}
	for _, t := range orgPolicyTypes {
		goDo(func() {
			out, _ := c.do(ctx, dir+"list-policies/"+string(t), false, func(ctx context.Context) (any, error) {
				p := organizations.NewListPoliciesPaginator(cl, &organizations.ListPoliciesInput{Filter: t})
				out, err := paged(ctx, p.HasMorePages, func(ctx context.Context) (*organizations.ListPoliciesOutput, error) { return p.NextPage(ctx) },
					func(a, b *organizations.ListPoliciesOutput) { a.Policies = append(a.Policies, b.Policies...) })
				if out != nil {
					out.NextToken = nil
				}
				return out, err
			}).(*organizations.ListPoliciesOutput)
			if out != nil {
				for _, p := range out.Policies {
					describe(aws.ToString(p.Id))
				}
			}
		})
	}
	// The account's path: each parent up to the root, and the policies
	// attached to every level.
	child := c.account
	for depth := 0; depth <= 10 && validKey(child); depth++ {
		c.policiesForTarget(ctx, cl, dir, child, describe, goDo)
		out, _ := c.do(ctx, dir+"list-parents/"+child, false, func(ctx context.Context) (any, error) {
			return cl.ListParents(ctx, &organizations.ListParentsInput{ChildId: &child})
		}).(*organizations.ListParentsOutput)
		if out == nil || len(out.Parents) != 1 {
			return
		}
		child = aws.ToString(out.Parents[0].Id)
		if out.Parents[0].Type == orgtypes.ParentTypeRoot {
			if validKey(child) {
				c.policiesForTarget(ctx, cl, dir, child, describe, goDo)
			}
			return
		}
	}
}

func (c *collector) policiesForTarget(ctx context.Context, cl *organizations.Client, dir, target string, describe func(string), goDo func(func())) {
	for _, t := range orgPolicyTypes {
		goDo(func() {
			out, _ := c.do(ctx, dir+"list-policies-for-target/"+target+"."+string(t), false, func(ctx context.Context) (any, error) {
				p := organizations.NewListPoliciesForTargetPaginator(cl, &organizations.ListPoliciesForTargetInput{TargetId: &target, Filter: t})
				out, err := paged(ctx, p.HasMorePages, func(ctx context.Context) (*organizations.ListPoliciesForTargetOutput, error) { return p.NextPage(ctx) },
					func(a, b *organizations.ListPoliciesForTargetOutput) { a.Policies = append(a.Policies, b.Policies...) })
				if out != nil {
					out.NextToken = nil
				}
				return out, err
			}).(*organizations.ListPoliciesForTargetOutput)
			if out != nil {
				for _, p := range out.Policies {
					describe(aws.ToString(p.Id))
				}
			}
		})
	}
}

// onceSet remembers keys across goroutines.
type onceSet struct {
	mu   sync.Mutex
	seen map[string]bool
}

func newOnce() *onceSet { return &onceSet{seen: map[string]bool{}} }

// first reports whether key is seen for the first time.
func (o *onceSet) first(key string) bool {
	o.mu.Lock()
	defer o.mu.Unlock()
	if o.seen[key] {
		return false
	}
	o.seen[key] = true
	return true
}
