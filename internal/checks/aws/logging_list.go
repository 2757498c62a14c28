package aws

import "github.com/cloudward/cloudward/internal/check"

// loggingChecks lists the logging and detection checks.
func loggingChecks() []*check.Check {
	return []*check.Check{
		cloudtrailMultiRegionMissing,
		cloudtrailLogValidationDisabled,
		cloudtrailKMSEncryptionMissing,
		guarddutyDisabled,
	}
}
