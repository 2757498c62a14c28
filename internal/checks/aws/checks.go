// Package aws holds cloudward's built-in AWS checks, one file per service.
// Checks read only the model (internal/model/aws); the list below is
// explicit, with no init() registration.
package aws

import (
	"github.com/cloudward/cloudward/internal/check"
	awsm "github.com/cloudward/cloudward/internal/model/aws"
)

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
		logsChecks(),
		cisModelChecks(),
		cisNewOpsChecks(),
		resourcePolicyChecks(),
		complianceOpsChecks(),
		networkOpsChecks(),
		rdsSubnetChecks(),
	} {
		all = append(all, group...)
	}
	return all
}

// accountList lists the account as the one resource of account-level checks.
// Without account data (a source that fills none) a bare account built from
// the inventory's ID stands in, every setting unknown, so that account-level
// checks report UNKNOWN instead of silently reporting nothing.
func accountList(inv *awsm.Inventory) []*awsm.Account {
	if inv.Account != nil {
		return []*awsm.Account{inv.Account}
	}
	if inv.AccountID == "" {
		return nil
	}
	return []*awsm.Account{{Identity: awsm.Identity{ARN: inv.AccountID, ID: inv.AccountID, Name: inv.AccountID,
		Region: "global", AccountID: inv.AccountID, Partition: inv.Partition}}}
}
