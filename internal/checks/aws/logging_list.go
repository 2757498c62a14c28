package aws

import "github.com/cloudward/cloudward/internal/check"

// loggingChecks lists the logging checks.
func loggingChecks() []*check.Check {
	return []*check.Check{}
}
