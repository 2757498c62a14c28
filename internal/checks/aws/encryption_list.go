package aws

import "github.com/cloudward/cloudward/internal/check"

// encryptionChecks lists the encryption checks.
func encryptionChecks() []*check.Check {
	return []*check.Check{
		ebsVolumeUnencrypted,
		ebsDefaultEncryptionOff,
		s3DefaultEncryptionMissing,
		s3TLSNotEnforced,
		rdsStorageUnencrypted,
		rdsTLSNotEnforced,
		kmsKeyRotationDisabled,
	}
}
