// Package aws holds cloudward's built-in AWS checks, one file per service.
// Checks read only the model (internal/model/aws); the list below is
// explicit, with no init() registration.
package aws

import "github.com/cloudward/cloudward/internal/check"

// CIS is the framework ID of CIS AWS Foundations Benchmark v4.0.1 mappings.
const CIS = "cis-aws-4.0"

// Checks returns every built-in AWS check.
func Checks() []*check.Check {
	var all []*check.Check
	for _, group := range [][]*check.Check{
		identityChecks(),
		networkChecks(),
		encryptionChecks(),
		exposureChecks(),
		loggingChecks(),
		iamEngineChecks(),
		monitoringChecks(),
		cisModelChecks(),
		cisNewOpsChecks(),
	} {
		all = append(all, group...)
	}
	return all
}
