package aws

import (
	"fmt"
	"sort"
	"strconv"
	"strings"

	"github.com/cloudward/cloudward/internal/check"
	"github.com/cloudward/cloudward/internal/iam"
	"github.com/cloudward/cloudward/internal/model"
	awsm "github.com/cloudward/cloudward/internal/model/aws"
)

// Resource-policy exposure checks: for each service whose resources carry
// a resource-based policy, the policy is evaluated with the IAM engine for
// an anonymous caller and for a principal of an arbitrary other account,
// with no condition context, on the service's sensitive actions. Conditions
// (aws:PrincipalOrgID, aws:SourceVpc(e), aws:SourceArn/SourceAccount,
// kms:CallerAccount, AWS:SourceOwner, ...) that such a bare request fails
// narrow "Principal": "*" and are honoured, as are Deny statements and,
// for the services they govern, the resource control policies (RCPs) of the
// account's organization path.

// resourcePolicyChecks lists the checks of this file.
func resourcePolicyChecks() []*check.Check {
	return []*check.Check{
		kmsKeyPolicyPublic,
		sqsQueuePolicyPublic,
		snsTopicPolicyPublic,
		lambdaFunctionPolicyPublic,
		secretPolicyPublic,
		ecrRepositoryPolicyPublic,
		sqsQueueUnencrypted,
		snsTopicUnencrypted,
	}
}

// probeContext is the context AWS itself sets for some probe actions: a
// call to a function URL whose AuthType is NONE carries
// lambda:FunctionUrlAuthType "NONE", which the policy AWS writes for such
// URLs requires.
var probeContext = map[string]map[string]string{
	"lambda:InvokeFunctionUrl": {"lambda:FunctionUrlAuthType": "NONE"},
}

// publicPolicyFinding evaluates a resource policy for anonymous and
// foreign callers on actions against resource arn. label names the policy
// in messages ("key policy of ...").
func publicPolicyFinding(env *check.Env, pv awsm.Policy, label, own, arn string, actions []string) check.Result {
	doc, ok := pv.Get()
	if !ok {
		return check.UnknownOf(label, pv)
	}
	if doc == nil {
		return check.PassResult(label + ": none")
	}
	// Only an Allow to everyone or with NotPrincipal can match the probes.
	if !expAnyoneMayMatch(doc) {
		return check.PassResult("no Allow statement of the " + label + " names everyone or uses NotPrincipal")
	}
	if own == "" && env != nil && env.AWS != nil {
		own = env.AWS.AccountID
	}
	pol, err := iam.Compile(doc, iam.KindResource, label)
	if err != nil {
		return check.UnknownResult(label+" does not compile: "+err.Error(), check.Ev(doc.Source, "%v", err))
	}
	stranger := "arn:aws:iam::" + strangerAccount(own) + ":root"
	org := resourceOrgOf(env)
	found := map[int][]string{}
	rcpUncertain := false
	var unbuilt error // a probe that could not be built: no PASS then
	for _, action := range actions {
		svc, _, _ := strings.Cut(action, ":")
		var rcps []iam.Level
		if org != nil && rcpGoverned[svc] {
			rcps = org.RCPs
			rcpUncertain = rcpUncertain || org.RCPStatus.Uncertain()
		}
		for _, anon := range []bool{true, false} {
			ctx := iam.NewContext()
			if own != "" {
				ctx.Set("aws:ResourceAccount", own)
			}
			for k, v := range probeContext[action] {
				ctx.Set(k, v)
			}
			req, err := iam.NewRequest(stranger, action, arn, ctx)
			if err != nil {
				unbuilt = err
				continue
			}
			in := &iam.Input{Resource: pol, RCPs: rcps}
			who := "any AWS account"
			if anon {
				req.SetCaller(iam.AnonymousCaller())
				who = "anonymous users"
			} else {
				in.Identity = []*iam.Policy{iam.AllowAll()}
			}
			var out iam.Result
			iam.Evaluate(in, req, &out)
			if out.Decision != iam.Allow {
				continue
			}
			for _, rs := range out.Reasons {
				if rs.Kind == iam.KindResource {
					found[rs.Statement] = append(found[rs.Statement], who+": "+action)
				}
			}
		}
	}
	if len(found) == 0 && unbuilt != nil {
		return check.UnknownResult(label+" could not be evaluated: the resource has no usable ARN ("+unbuilt.Error()+")",
			check.Ev(doc.Source, "no usable ARN to evaluate the policy against (%q)", arn))
	}
	if len(found) == 0 {
		return check.PassResult(label + " admits neither anonymous users nor arbitrary accounts once its conditions are evaluated")
	}
	idx := make([]int, 0, len(found))
	for i := range found {
		idx = append(idx, i)
	}
	sort.Ints(idx)
	var ev []check.Evidence
	for _, i := range idx {
		ev = append(ev, check.Ev(doc.Source.At("Statement["+strconv.Itoa(i)+"]"), "Statement[%d] allows %s", i, strings.Join(found[i], ", ")))
	}
	msg := label + " lets anonymous users or any AWS account in"
	if rcpUncertain {
		// The message stays stable; why the RCPs are uncertain is evidence.
		msg += " (assuming no RCP denies: RCPs " + string(org.RCPStatus) + ")"
		src := env.AWS.PolicyHolders.Organization.Path.Source()
		if src.File == "" {
			// Never read: point at where the organization data belongs.
			src = model.Source{File: "global/organizations/describe-organization.json"}
		}
		ev = append(ev, check.Ev(src, "RCPs %s: %s", org.RCPStatus, org.RCPDetail))
	}
	return check.FailResult(msg, ev...)
}

// rcpGoverned are the services of this file whose resources resource
// control policies govern (AWS Organizations documentation); Lambda and SNS
// are not among them.
var rcpGoverned = map[string]bool{"kms": true, "sqs": true, "secretsmanager": true, "ecr": true}

// resourceOrgKey keys the account's organization policies among the
// inventory's derived values.
type resourceOrgKey struct{}

// resourceOrgOf is the account's RCP levels (and SCPs) from its
// organization path, built once per inventory; nil without an inventory.
func resourceOrgOf(env *check.Env) *iam.OrgPolicies {
	if env == nil || env.AWS == nil {
		return nil
	}
	inv := env.AWS
	return inv.Derived(resourceOrgKey{}, func() any {
		org := iam.NewAccount(inv).Org
		return &org
	}).(*iam.OrgPolicies)
}

// publicPolicyMeta builds the metadata shared by the checks of this file.
func publicPolicyMeta(id, title, service, resType string, sev check.Severity, what, console, cli, tf string, refs ...string) check.Meta {
	return check.Meta{
		ID:           id,
		Title:        title,
		Severity:     sev,
		Domain:       check.Exposure,
		Service:      service,
		ResourceType: resType,
		Rationale: "The " + what + " is evaluated with cloudward's IAM engine for an anonymous request and for a principal of an " +
			"arbitrary other account, with no condition context. If AWS would allow such a request, anyone (or anyone with an AWS " +
			"account) can use the resource. Conditions that a bare request fails (aws:PrincipalOrgID, aws:SourceVpc/aws:SourceVpce, " +
			"aws:SourceArn/aws:SourceAccount, service-specific keys such as kms:CallerAccount) count as restrictions, and Deny " +
			"statements are honoured, so a \"Principal\": \"*\" narrowed to your organization passes. For KMS, SQS, Secrets Manager " +
			"and ECR the resource control policies (RCPs) of the account's organization path apply too: an RCP that denies " +
			"principals outside the organization makes the resource pass; RCPs not collected are assumed to allow, and the " +
			"message says so.",
		Remediation: check.Remediation{Console: console, CLI: cli, Terraform: tf},
		References: append(refs,
			"https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html#condition-keys-principalorgid"),
		Frameworks: map[string][]string{},
	}
}

// ownAccount is the account of a resource, or the inventory's.
func ownAccount(env *check.Env, id awsm.Identity) string {
	if id.AccountID != "" {
		return id.AccountID
	}
	if env != nil && env.AWS != nil {
		return env.AWS.AccountID
	}
	return ""
}

var kmsKeyPolicyPublic = check.AWS(publicPolicyMeta("aws-kms-key-policy-public",
	"KMS key policy lets anonymous users or any AWS account use or manage the key, once its conditions are evaluated",
	"kms", awsm.TypeKMSKey, check.Critical, "key policy",
	"KMS console > Customer managed keys > the key > Key policy > Edit: replace \"Principal\": {\"AWS\": \"*\"} with the accounts or "+
		"roles that need the key, or add a condition such as kms:CallerAccount or aws:PrincipalOrgID.",
	"aws kms put-key-policy --key-id <key-id> --policy-name default --policy file://key-policy.json",
	"data \"aws_iam_policy_document\" \"key\" {\n  statement {\n    actions   = [\"kms:Decrypt\", \"kms:GenerateDataKey*\"]\n"+
		"    resources = [\"*\"]\n    principals {\n      type        = \"AWS\"\n      identifiers = [\"*\"]\n    }\n"+
		"    condition {\n      test     = \"StringEquals\"\n      variable = \"kms:CallerAccount\"\n"+
		"      values   = [data.aws_caller_identity.current.account_id]\n    }\n  }\n}",
	"https://docs.aws.amazon.com/kms/latest/developerguide/key-policy-overview.html"),
	func(inv *awsm.Inventory) []*awsm.KMSKey {
		// AWS managed keys' policies are AWS's and always scoped.
		var out []*awsm.KMSKey
		for _, k := range inv.KMSKeys {
			if m, ok := k.Manager.Get(); ok && m == "AWS" {
				continue
			}
			out = append(out, k)
		}
		return out
	},
	func(env *check.Env, k *awsm.KMSKey) check.Result {
		return publicPolicyFinding(env, k.Policy, "key policy of "+k.ID, ownAccount(env, k.Identity), k.ARN,
			[]string{"kms:Decrypt", "kms:Encrypt", "kms:GenerateDataKey", "kms:ReEncryptFrom", "kms:CreateGrant", "kms:PutKeyPolicy", "kms:ScheduleKeyDeletion"})
	})

var sqsQueuePolicyPublic = check.AWS(publicPolicyMeta("aws-sqs-queue-policy-public",
	"SQS queue policy lets anonymous users or any AWS account send, receive or manage messages, once its conditions are evaluated",
	"sqs", awsm.TypeQueue, check.High, "queue policy",
	"SQS console > Queues > the queue > Access policy > Edit: name the principals that need access, or restrict \"*\" with "+
		"aws:SourceArn (the SNS topic or S3 bucket that sends) or aws:PrincipalOrgID.",
	"aws sqs set-queue-attributes --queue-url <url> --attributes file://policy-attribute.json",
	"resource \"aws_sqs_queue_policy\" \"this\" {\n  queue_url = aws_sqs_queue.this.id\n  policy    = data.aws_iam_policy_document.queue.json\n}\n"+
		"# with a condition { test = \"ArnEquals\" variable = \"aws:SourceArn\" values = [aws_sns_topic.events.arn] }",
	"https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-basic-examples-of-sqs-policies.html"),
	func(inv *awsm.Inventory) []*awsm.Queue { return inv.PolicyHolders.Queues },
	func(env *check.Env, q *awsm.Queue) check.Result {
		return publicPolicyFinding(env, q.Policy, "queue policy of "+q.Name, ownAccount(env, q.Identity), q.ARN,
			[]string{"sqs:SendMessage", "sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:PurgeQueue", "sqs:SetQueueAttributes"})
	})

var snsTopicPolicyPublic = check.AWS(publicPolicyMeta("aws-sns-topic-policy-public",
	"SNS topic policy lets anonymous users or any AWS account publish, subscribe or manage the topic, once its conditions are evaluated",
	"sns", awsm.TypeTopic, check.High, "topic policy",
	"SNS console > Topics > the topic > Edit > Access policy: keep the default AWS:SourceOwner condition, or name the principals "+
		"that need access, or restrict \"*\" with aws:SourceArn or aws:PrincipalOrgID.",
	"aws sns set-topic-attributes --topic-arn <arn> --attribute-name Policy --attribute-value file://topic-policy.json",
	"resource \"aws_sns_topic_policy\" \"this\" {\n  arn    = aws_sns_topic.this.arn\n  policy = data.aws_iam_policy_document.topic.json\n}",
	"https://docs.aws.amazon.com/sns/latest/dg/sns-security-best-practices.html#ensure-topics-not-publicly-accessible"),
	func(inv *awsm.Inventory) []*awsm.Topic { return inv.PolicyHolders.Topics },
	func(env *check.Env, t *awsm.Topic) check.Result {
		return publicPolicyFinding(env, t.Policy, "topic policy of "+t.Name, ownAccount(env, t.Identity), t.ARN,
			[]string{"sns:Publish", "sns:Subscribe", "sns:SetTopicAttributes", "sns:AddPermission", "sns:DeleteTopic"})
	})

var lambdaFunctionPolicyPublic = check.AWS(publicPolicyMeta("aws-lambda-function-policy-public",
	"Lambda function policy lets anonymous users or any AWS account invoke or change the function, once its conditions are evaluated",
	"lambda", awsm.TypeLambdaFunction, check.High, "function's resource-based policy",
	"Lambda console > Functions > the function > Configuration > Permissions > Resource-based policy statements: delete the "+
		"statement with principal \"*\", or add a source ARN/account (service principals) or an organization condition.",
	"aws lambda remove-permission --function-name <name> --statement-id <sid>\n"+
		"aws lambda add-permission --function-name <name> --statement-id s3-invoke --action lambda:InvokeFunction "+
		"--principal s3.amazonaws.com --source-arn arn:aws:s3:::<bucket> --source-account <account-id>",
	"resource \"aws_lambda_permission\" \"s3\" {\n  action         = \"lambda:InvokeFunction\"\n  function_name  = aws_lambda_function.this.function_name\n"+
		"  principal      = \"s3.amazonaws.com\"\n  source_arn     = aws_s3_bucket.uploads.arn\n  source_account = data.aws_caller_identity.current.account_id\n}",
	"https://docs.aws.amazon.com/lambda/latest/dg/access-control-resource-based.html"),
	func(inv *awsm.Inventory) []*awsm.LambdaFunction { return inv.PolicyHolders.Functions },
	func(env *check.Env, f *awsm.LambdaFunction) check.Result {
		return publicPolicyFinding(env, f.Policy, "function policy of "+f.Name, ownAccount(env, f.Identity), f.ARN,
			[]string{"lambda:InvokeFunction", "lambda:InvokeFunctionUrl", "lambda:GetFunction", "lambda:UpdateFunctionCode", "lambda:AddPermission"})
	})

var secretPolicyPublic = check.AWS(publicPolicyMeta("aws-secretsmanager-secret-policy-public",
	"Secrets Manager secret policy lets anonymous users or any AWS account read or change the secret, once its conditions are evaluated",
	"secretsmanager", awsm.TypeSecret, check.Critical, "secret's resource policy",
	"Secrets Manager console > Secrets > the secret > Overview > Resource permissions > Edit permissions: name the principals "+
		"that need the secret, or restrict \"*\" with aws:PrincipalOrgID; turn on Block Public Policy.",
	"aws secretsmanager put-resource-policy --secret-id <name> --resource-policy file://secret-policy.json --block-public-policy",
	"resource \"aws_secretsmanager_secret_policy\" \"this\" {\n  secret_arn          = aws_secretsmanager_secret.this.arn\n"+
		"  policy              = data.aws_iam_policy_document.secret.json\n  block_public_policy = true\n}",
	"https://docs.aws.amazon.com/secretsmanager/latest/userguide/auth-and-access_resource-policies.html"),
	func(inv *awsm.Inventory) []*awsm.Secret { return inv.PolicyHolders.Secrets },
	func(env *check.Env, s *awsm.Secret) check.Result {
		return publicPolicyFinding(env, s.Policy, "resource policy of secret "+s.Name, ownAccount(env, s.Identity), s.ARN,
			[]string{"secretsmanager:GetSecretValue", "secretsmanager:PutSecretValue", "secretsmanager:PutResourcePolicy", "secretsmanager:DeleteSecret"})
	})

var ecrRepositoryPolicyPublic = check.AWS(publicPolicyMeta("aws-ecr-repository-policy-public",
	"ECR repository policy lets anonymous users or any AWS account pull or push images, once its conditions are evaluated",
	"ecr", awsm.TypeECRRepository, check.High, "repository policy",
	"ECR console > Repositories > the repository > Permissions > Edit policy JSON: name the accounts that pull, or restrict "+
		"\"*\" with aws:PrincipalOrgID; publish public images through ECR Public instead.",
	"aws ecr set-repository-policy --repository-name <name> --policy-text file://repo-policy.json",
	"resource \"aws_ecr_repository_policy\" \"this\" {\n  repository = aws_ecr_repository.this.name\n  policy     = data.aws_iam_policy_document.pull.json\n}",
	"https://docs.aws.amazon.com/AmazonECR/latest/userguide/repository-policies.html"),
	func(inv *awsm.Inventory) []*awsm.ECRRepository { return inv.PolicyHolders.Repositories },
	func(env *check.Env, r *awsm.ECRRepository) check.Result {
		return publicPolicyFinding(env, r.Policy, "repository policy of "+r.Name, ownAccount(env, r.Identity), r.ARN,
			[]string{"ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer", "ecr:PutImage", "ecr:InitiateLayerUpload", "ecr:SetRepositoryPolicy", "ecr:DeleteRepository"})
	})

var sqsQueueUnencrypted = check.AWS(check.Meta{
	ID:           "aws-sqs-queue-unencrypted",
	Title:        "SQS queue is not encrypted at rest (neither SSE-SQS nor SSE-KMS)",
	Severity:     check.Medium,
	Domain:       check.Encryption,
	Service:      "sqs",
	ResourceType: awsm.TypeQueue,
	Rationale: "Messages can carry personal or business data. A queue with neither SqsManagedSseEnabled nor a KmsMasterKeyId " +
		"stores them unencrypted at rest. New queues get SSE-SQS by default since 2022; older queues, and queues created " +
		"with encryption explicitly off, do not.",
	Remediation: check.Remediation{
		Console:   "SQS console > Queues > the queue > Edit > Encryption: enable server-side encryption (SSE-SQS, or SSE-KMS with a customer managed key).",
		CLI:       "aws sqs set-queue-attributes --queue-url <url> --attributes SqsManagedSseEnabled=true",
		Terraform: "resource \"aws_sqs_queue\" \"this\" {\n  name                    = \"orders\"\n  sqs_managed_sse_enabled = true\n}",
	},
	References: []string{"https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-server-side-encryption.html"},
	Frameworks: map[string][]string{},
}, func(inv *awsm.Inventory) []*awsm.Queue { return inv.PolicyHolders.Queues },
	func(_ *check.Env, q *awsm.Queue) check.Result {
		key, kok := q.KMSMasterKeyID.Get()
		if kok && key != "" {
			return check.PassResult("SSE-KMS with " + key)
		}
		sse, sok := q.SQSManagedSSE.Get()
		switch {
		case sok && sse:
			return check.PassResult("SSE-SQS is enabled")
		case !kok:
			return check.UnknownOf("KmsMasterKeyId", q.KMSMasterKeyID)
		case !sok:
			return check.UnknownOf("SqsManagedSseEnabled", q.SQSManagedSSE)
		}
		return check.FailResult(fmt.Sprintf("queue %s is not encrypted at rest", q.Name),
			check.Ev(q.SQSManagedSSE.Source(), "SqsManagedSseEnabled is false and KmsMasterKeyId is not set"))
	})

var snsTopicUnencrypted = check.AWS(check.Meta{
	ID:           "aws-sns-topic-unencrypted",
	Title:        "SNS topic is not encrypted at rest with KMS",
	Severity:     check.Low,
	Domain:       check.Encryption,
	Service:      "sns",
	ResourceType: awsm.TypeTopic,
	Rationale: "SNS stores published messages until they are delivered. Without a KmsMasterKeyId they are stored without " +
		"server-side encryption under a key you control; with alias/aws/sns or a customer managed key they are encrypted " +
		"and every use of the key is logged in CloudTrail.",
	Remediation: check.Remediation{
		Console:   "SNS console > Topics > the topic > Edit > Encryption: enable encryption and choose a KMS key.",
		CLI:       "aws sns set-topic-attributes --topic-arn <arn> --attribute-name KmsMasterKeyId --attribute-value alias/aws/sns",
		Terraform: "resource \"aws_sns_topic\" \"this\" {\n  name              = \"alerts\"\n  kms_master_key_id = \"alias/aws/sns\"\n}",
	},
	References: []string{"https://docs.aws.amazon.com/sns/latest/dg/sns-server-side-encryption.html"},
	Frameworks: map[string][]string{},
}, func(inv *awsm.Inventory) []*awsm.Topic { return inv.PolicyHolders.Topics },
	func(_ *check.Env, t *awsm.Topic) check.Result {
		key, ok := t.KMSMasterKeyID.Get()
		switch {
		case !ok:
			return check.UnknownOf("KmsMasterKeyId", t.KMSMasterKeyID)
		case key != "":
			return check.PassResult("encrypted with " + key)
		}
		return check.FailResult(fmt.Sprintf("topic %s is not encrypted with KMS", t.Name),
			check.Ev(t.KMSMasterKeyID.Source(), "KmsMasterKeyId is not set"))
	})
