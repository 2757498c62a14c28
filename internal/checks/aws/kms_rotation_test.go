package aws

import (
	"testing"

	"github.com/cloudward/cloudward/internal/check"
	"github.com/cloudward/cloudward/internal/model"
	awsm "github.com/cloudward/cloudward/internal/model/aws"
)

const encKeyID = "1234abcd-12ab-34cd-56ef-1234567890ab"

// encKey is a key as describe-key and get-key-rotation-status print it; an
// empty string (or rotation "?") stands for a value the test wants unknown.
func encKey(manager, state, spec, origin, rotation string) *awsm.Inventory {
	desc := "us-east-1/kms/describe-key/" + encKeyID + ".json"
	str := func(v, field string) model.String {
		src := model.Source{File: desc, Path: "KeyMetadata." + field}
		if v == "" {
			return model.Unknown[string]("not collected: "+desc+" missing", src)
		}
		return model.Known(v, src)
	}
	rotSrc := model.Source{File: "us-east-1/kms/get-key-rotation-status/" + encKeyID + ".json", Path: "KeyRotationEnabled"}
	var rot model.Bool
	switch rotation {
	case "true":
		rot = model.Known(true, rotSrc)
	case "false":
		rot = model.Known(false, rotSrc)
	default:
		rot = model.Unknown[bool]("AccessDeniedException: not authorized to perform kms:GetKeyRotationStatus", rotSrc)
	}
	k := &awsm.KMSKey{
		Identity: awsm.Identity{ARN: "arn:aws:kms:us-east-1:" + netAccount + ":key/" + encKeyID, ID: encKeyID,
			Region: "us-east-1", AccountID: netAccount, Partition: "aws"},
		Manager:         str(manager, "KeyManager"),
		State:           str(state, "KeyState"),
		KeySpec:         str(spec, "KeySpec"),
		KeyUsage:        str("ENCRYPT_DECRYPT", "KeyUsage"),
		Origin:          str(origin, "Origin"),
		RotationEnabled: rot,
	}
	return &awsm.Inventory{AccountID: netAccount, KMSKeys: []*awsm.KMSKey{k}}
}

func TestKMSKeyRotationDisabled(t *testing.T) {
	netRun(t, kmsKeyRotationDisabled, []netCase{
		{"customer key without rotation", encKey("CUSTOMER", "Enabled", "SYMMETRIC_DEFAULT", "AWS_KMS", "false"), check.Fail,
			[]string{"KeyRotationEnabled is false for customer managed symmetric key " + encKeyID}},
		{"origin unknown still judged", encKey("CUSTOMER", "Enabled", "SYMMETRIC_DEFAULT", "", "false"), check.Fail, nil},
		{"customer key rotating", encKey("CUSTOMER", "Enabled", "SYMMETRIC_DEFAULT", "AWS_KMS", "true"), check.Pass, nil},
		{"AWS managed", encKey("AWS", "Enabled", "SYMMETRIC_DEFAULT", "AWS_KMS", "true"), check.NotApplicable, nil},
		{"asymmetric RSA", encKey("CUSTOMER", "Enabled", "RSA_2048", "AWS_KMS", "false"), check.NotApplicable, nil},
		{"HMAC", encKey("CUSTOMER", "Enabled", "HMAC_256", "AWS_KMS", "false"), check.NotApplicable, nil},
		{"disabled", encKey("CUSTOMER", "Disabled", "SYMMETRIC_DEFAULT", "AWS_KMS", "false"), check.NotApplicable, nil},
		{"pending deletion", encKey("CUSTOMER", "PendingDeletion", "SYMMETRIC_DEFAULT", "AWS_KMS", "false"), check.NotApplicable, nil},
		{"imported key material", encKey("CUSTOMER", "Enabled", "SYMMETRIC_DEFAULT", "EXTERNAL", "false"), check.NotApplicable, nil},
		{"manager unknown", encKey("", "Enabled", "SYMMETRIC_DEFAULT", "AWS_KMS", "false"), check.Unknown, []string{"KeyManager"}},
		{"state unknown", encKey("CUSTOMER", "", "SYMMETRIC_DEFAULT", "AWS_KMS", "false"), check.Unknown, []string{"KeyState"}},
		{"spec unknown", encKey("CUSTOMER", "Enabled", "", "AWS_KMS", "false"), check.Unknown, []string{"KeySpec"}},
		{"rotation status denied", encKey("CUSTOMER", "Enabled", "SYMMETRIC_DEFAULT", "AWS_KMS", "?"), check.Unknown,
			[]string{"AccessDeniedException"}},
	})
}
