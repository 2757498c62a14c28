package suppress_test

import "testing"

// TestSuppressionSource: reports name the kind of directive; Metadata
// entries are "cloudformation-metadata" whichever tool's key they use.
func TestSuppressionSource(t *testing.T) {
	got, _, _ := scan(t, scanDay)
	const kms, ebs = "aws-kms-key-rotation-disabled", "aws-ec2-ebs-volume-unencrypted"
	for key, want := range map[string]string{
		kms + " aws_kms_key.imported":   "cloudward",
		ebs + " aws_ebs_volume.scratch": "checkov",
		ebs + " aws_ebs_volume.cache":   "tfsec",
		ebs + " aws_ebs_volume.tmp":     "trivy",
		kms + " ImportedKey":            "cloudformation-metadata", // Metadata.cloudward.ignore
		ebs + " ScratchVolume":          "cloudformation-metadata", // Metadata.checkov.skip
		ebs + " CacheVolume":            "cloudward",               // a comment in the template
	} {
		f, ok := got[key]
		if !ok || f.Mute == nil {
			t.Errorf("%s: not suppressed", key)
			continue
		}
		if f.Mute.Source != want {
			t.Errorf("%s: source %q, want %q", key, f.Mute.Source, want)
		}
	}
}
