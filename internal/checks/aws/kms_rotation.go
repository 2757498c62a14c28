package aws

import (
	"github.com/cloudward/cloudward/internal/check"
	awsm "github.com/cloudward/cloudward/internal/model/aws"
)

var kmsKeyRotationDisabled = check.AWS(check.Meta{
	ID:           "aws-kms-key-rotation-disabled",
	Title:        "Customer managed KMS key does not rotate automatically",
	Severity:     check.Medium,
	Domain:       check.Encryption,
	Service:      "kms",
	ResourceType: awsm.TypeKMSKey,
	Rationale: "Automatic rotation creates new key material every year (or the period you set) while keeping old material for " +
		"decryption, so the data encrypted under any one piece of key material stays bounded and a leaked backup of old material " +
		"has a shrinking blast radius. It is transparent to applications and required by CIS and most compliance regimes.",
	Remediation: check.Remediation{
		Console: "KMS console > Customer managed keys > the key > Key rotation tab > check 'Automatically rotate this KMS key every year' " +
			"(optionally set the rotation period) > Save.",
		CLI:       "aws kms enable-key-rotation --key-id 1234abcd-12ab-34cd-56ef-1234567890ab --rotation-period-in-days 365",
		Terraform: "resource \"aws_kms_key\" \"data\" {\n  description             = \"data encryption\"\n  enable_key_rotation     = true\n  rotation_period_in_days = 365\n}",
	},
	References: []string{
		"https://docs.aws.amazon.com/kms/latest/developerguide/rotate-keys.html",
		"https://docs.aws.amazon.com/kms/latest/APIReference/API_EnableKeyRotation.html",
	},
	Frameworks: map[string][]string{CIS: {"3.6"}},
}, func(inv *awsm.Inventory) []*awsm.KMSKey { return inv.KMSKeys }, evalKMSKeyRotation)

// evalKMSKeyRotation applies to enabled, symmetric, customer managed keys
// with AWS-generated key material: AWS rotates AWS managed keys itself, and
// automatic rotation does not exist for asymmetric and HMAC keys or for
// imported (EXTERNAL) and custom-key-store material. Disabled keys and keys
// pending deletion encrypt nothing new, so they are skipped too.
func evalKMSKeyRotation(_ *check.Env, k *awsm.KMSKey) check.Result {
	manager, ok := k.Manager.Get()
	if !ok {
		return check.UnknownOf("KeyManager", k.Manager)
	}
	if manager != "CUSTOMER" {
		return check.Skip()
	}
	state, ok := k.State.Get()
	if !ok {
		return check.UnknownOf("KeyState", k.State)
	}
	if state != "Enabled" {
		return check.Skip()
	}
	spec, ok := k.KeySpec.Get()
	if !ok {
		return check.UnknownOf("KeySpec", k.KeySpec)
	}
	if spec != "SYMMETRIC_DEFAULT" {
		return check.Skip()
	}
	// Origin only narrows applicability; when it is unknown the key is
	// assumed to have AWS_KMS material, the default and by far most common.
	if origin, ok := k.Origin.Get(); ok && origin != "" && origin != "AWS_KMS" {
		return check.Skip()
	}
	rotating, ok := k.RotationEnabled.Get()
	switch {
	case !ok:
		return check.UnknownOf("KeyRotationEnabled", k.RotationEnabled)
	case rotating:
		return check.PassResult("automatic key rotation is enabled")
	}
	return check.FailResult("automatic key rotation is disabled",
		check.Ev(k.RotationEnabled.Source(), "KeyRotationEnabled is false for customer managed symmetric key %s", k.ID))
}
