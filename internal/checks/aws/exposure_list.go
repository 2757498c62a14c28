package aws

import "github.com/cloudward/cloudward/internal/check"

// exposureChecks lists the exposure checks.
func exposureChecks() []*check.Check {
	return []*check.Check{
		accountS3PublicAccessBlockOff,
		s3BucketPublicPolicy,
		s3BucketPublicACL,
		rdsInstancePublic,
	}
}
