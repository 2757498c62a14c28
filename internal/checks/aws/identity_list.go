package aws

import "github.com/cloudward/cloudward/internal/check"

// identityChecks lists the identity checks.
func identityChecks() []*check.Check {
	return []*check.Check{}
}
