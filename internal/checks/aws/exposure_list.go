package aws

import "github.com/cloudward/cloudward/internal/check"

// exposureChecks lists the exposure checks.
func exposureChecks() []*check.Check {
	return []*check.Check{}
}
