package aws

// PolicyResources are the resources that carry a resource-based policy
// (Lambda functions, Secrets Manager secrets, SQS queues, SNS topics, ECR
// repositories) and the organization's policies (SCPs, RCPs).
type PolicyResources struct{}

// cacheRefs caches the Ref of every resource of the group (see Index).
func (p *PolicyResources) cacheRefs() {}
