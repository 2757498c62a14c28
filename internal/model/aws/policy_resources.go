package aws

import "github.com/cloudward/cloudward/internal/model"

// Resource types of the policy group.
const (
	TypeLambdaFunction = "AWS::Lambda::Function"
	TypeSecret         = "AWS::SecretsManager::Secret"
	TypeQueue          = "AWS::SQS::Queue"
	TypeTopic          = "AWS::SNS::Topic"
	TypeECRRepository  = "AWS::ECR::Repository"
)

// PolicyResources are the resources that carry a resource-based policy
// (Lambda functions, Secrets Manager secrets, SQS queues, SNS topics, ECR
// repositories) and the organization's policies (SCPs, RCPs). Each list
// holds the resources of every region where it was read, sorted by ARN.
// KMS key policies are on KMSKey.Policy.
type PolicyResources struct {
	Functions    []*LambdaFunction
	Secrets      []*Secret
	Queues       []*Queue
	Topics       []*Topic
	Repositories []*ECRRepository
	// Organization is the account's place in AWS Organizations and the
	// SCPs/RCPs that apply to it.
	Organization Organization
}

// cacheRefs caches the Ref of every resource of the group (see Index).
func (p *PolicyResources) cacheRefs() {
	cacheRefs(p.Functions)
	cacheRefs(p.Secrets)
	cacheRefs(p.Queues)
	cacheRefs(p.Topics)
	cacheRefs(p.Repositories)
}

// LambdaFunction is a Lambda function (lambda list-functions) with its
// resource-based policy (lambda get-policy). Environment variable values are
// never kept by any source: they often hold secrets.
type LambdaFunction struct {
	Identity
	Runtime String
	Role    String // execution role ARN
	// EnvironmentVariableNames are the names of the function's environment
	// variables (sorted); their values are dropped on reading.
	EnvironmentVariableNames []string
	// Policy is known nil when the function has no resource-based policy
	// (ResourceNotFoundException); unknown when get-policy was not read.
	Policy Policy
}

// Ref identifies the function by ARN.
func (f *LambdaFunction) Ref() *model.Ref { return f.refOf(TypeLambdaFunction) }

// Secret is a Secrets Manager secret (secretsmanager list-secrets) with its
// resource policy (get-resource-policy). Secret values are never read.
type Secret struct {
	Identity
	KMSKeyID        String // known "" when encrypted with aws/secretsmanager
	RotationEnabled Bool
	// Policy is known nil when the secret has no resource policy.
	Policy Policy
}

// Ref identifies the secret by ARN.
func (s *Secret) Ref() *model.Ref { return s.refOf(TypeSecret) }

// Queue is an SQS queue (sqs list-queues + get-queue-attributes).
type Queue struct {
	Identity
	URL string
	// Policy is known nil when the queue has no Policy attribute.
	Policy Policy
	// KMSMasterKeyID is known "" when the queue has no KMS key.
	KMSMasterKeyID String
	// SQSManagedSSE is SqsManagedSseEnabled; known false when absent.
	SQSManagedSSE Bool
}

// Ref identifies the queue by ARN.
func (q *Queue) Ref() *model.Ref { return q.refOf(TypeQueue) }

// Topic is an SNS topic (sns list-topics + get-topic-attributes).
type Topic struct {
	Identity
	// Policy is known nil when the topic has no Policy attribute.
	Policy Policy
	// KMSMasterKeyID is known "" when the topic is not encrypted.
	KMSMasterKeyID String
}

// Ref identifies the topic by ARN.
func (t *Topic) Ref() *model.Ref { return t.refOf(TypeTopic) }

// ECRRepository is an ECR repository (ecr describe-repositories) with its
// repository policy (get-repository-policy).
type ECRRepository struct {
	Identity
	URI                string
	ImageTagMutability String
	ScanOnPush         Bool
	// Policy is known nil on RepositoryPolicyNotFoundException.
	Policy Policy
}

// Ref identifies the repository by ARN.
func (r *ECRRepository) Ref() *model.Ref { return r.refOf(TypeECRRepository) }

// Organization is the account's membership of AWS Organizations.
//
// Member is known true when describe-organization answered, known false on
// AWSOrganizationsNotInUseException, unknown when not collected or denied
// (a member account usually may call describe-organization but not the
// rest). The other fields are meaningful only when Member is known true.
type Organization struct {
	Member              Bool
	ID                  string
	ARN                 string
	ManagementAccountID string
	FeatureSet          string // ALL or CONSOLIDATED_BILLING
	// SCPs and RCPs are every policy of that type in the organization
	// (list-policies + describe-policy), sorted by ID; unknown when not
	// collected (e.g. AccessDenied from a member account).
	SCPs model.Value[[]*OrgPolicy]
	RCPs model.Value[[]*OrgPolicy]
	// Path is the account's path from the root: the root first, then each
	// OU, the account itself last (list-parents walked upwards). Unknown
	// when list-parents was not collected.
	Path model.Value[[]*OrgTarget]
}

// OrgPolicy is one SCP or RCP.
type OrgPolicy struct {
	ID         string
	ARN        string
	Name       string
	Type       string // SERVICE_CONTROL_POLICY or RESOURCE_CONTROL_POLICY
	AWSManaged bool
	// Document is unknown when describe-policy was not read for it.
	Document Policy
	Source   model.Source
}

// Policy types of AWS Organizations used here.
const (
	OrgPolicySCP = "SERVICE_CONTROL_POLICY"
	OrgPolicyRCP = "RESOURCE_CONTROL_POLICY"
)

// OrgTarget is one level of the account's organization path and the
// policies attached to it (list-policies-for-target).
type OrgTarget struct {
	ID   string // r-..., ou-..., or the 12-digit account ID
	Type string // ROOT, ORGANIZATIONAL_UNIT, ACCOUNT
	// SCPs and RCPs are the policies attached directly to this target,
	// sorted by ID; each points to the same OrgPolicy as Organization.SCPs
	// / RCPs when that was read. Unknown when list-policies-for-target was
	// not collected for this target and type.
	SCPs   model.Value[[]*OrgPolicy]
	RCPs   model.Value[[]*OrgPolicy]
	Source model.Source
}
