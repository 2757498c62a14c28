package aws

import (
	"slices"
	"strings"
	"testing"

	"github.com/cloudward/cloudward/internal/check"
	awsm "github.com/cloudward/cloudward/internal/model/aws"
)

// TestExposureAndLoggingMetadata pins the contract of brief D's checks: IDs,
// severities, domains, resource types and CIS v4.0.1 mappings.
func TestExposureAndLoggingMetadata(t *testing.T) {
	want := []struct {
		id       string
		sev      check.Severity
		domain   check.Domain
		resource string
		cis      []string
	}{
		{"aws-s3-account-public-access-block-off", check.High, check.Exposure, awsm.TypeAccount, []string{"2.1.4"}},
		{"aws-s3-bucket-public-policy", check.Critical, check.Exposure, awsm.TypeBucket, nil},
		{"aws-s3-bucket-public-acl", check.High, check.Exposure, awsm.TypeBucket, nil},
		{"aws-rds-instance-public", check.High, check.Exposure, awsm.TypeDBInstance, []string{"2.2.3"}},
		{"aws-cloudtrail-multi-region-missing", check.Critical, check.Logging, awsm.TypeAccount, []string{"3.1"}},
		{"aws-cloudtrail-log-validation-disabled", check.Medium, check.Logging, awsm.TypeTrail, []string{"3.2"}},
		{"aws-cloudtrail-kms-encryption-missing", check.Medium, check.Logging, awsm.TypeTrail, []string{"3.5"}},
		{"aws-guardduty-disabled", check.High, check.Detection, awsm.TypeRegion, nil},
	}
	listed := append(exposureChecks(), loggingChecks()...)
	reg, err := check.NewRegistry(listed...)
	if err != nil {
		t.Fatal(err)
	}
	if len(listed) != len(want) {
		t.Errorf("exposureChecks+loggingChecks list %d checks, want %d", len(listed), len(want))
	}
	for _, w := range want {
		c := reg.Get(w.id)
		if c == nil {
			t.Errorf("%s not listed", w.id)
			continue
		}
		if c.Severity != w.sev || c.Domain != w.domain || c.ResourceType != w.resource || c.Provider != "aws" {
			t.Errorf("%s: severity %s domain %s resource %s provider %s", w.id, c.Severity, c.Domain, c.ResourceType, c.Provider)
		}
		if got := c.Frameworks[CIS]; !slices.Equal(got, w.cis) {
			t.Errorf("%s: CIS %v, want %v", w.id, got, w.cis)
		}
		for _, ref := range c.References {
			if !strings.HasPrefix(ref, "https://docs.aws.amazon.com/") {
				t.Errorf("%s: reference %q is not AWS documentation", w.id, ref)
			}
		}
		if !strings.HasPrefix(c.Remediation.CLI, "aws ") {
			t.Errorf("%s: CLI remediation %q is not an AWS CLI command", w.id, c.Remediation.CLI)
		}
		if !strings.Contains(c.Remediation.Terraform, "resource \"aws_") {
			t.Errorf("%s: Terraform remediation has no aws_ resource", w.id)
		}
	}
}
