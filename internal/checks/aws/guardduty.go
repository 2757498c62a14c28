package aws

import (
	"github.com/cloudward/cloudward/internal/check"
	awsm "github.com/cloudward/cloudward/internal/model/aws"
)

// guarddutyDisabled is region-level: GuardDuty only watches the regions where
// it has an enabled detector.
var guarddutyDisabled = check.AWS(check.Meta{
	ID:           "aws-guardduty-disabled",
	Title:        "GuardDuty is not enabled in the region",
	Severity:     check.High,
	Domain:       check.Detection,
	Service:      "guardduty",
	ResourceType: awsm.TypeRegion,
	Rationale: "GuardDuty analyses CloudTrail, VPC flow logs and DNS logs for compromised credentials, crypto-mining " +
		"and reconnaissance. It is regional: a region without an enabled detector is a blind spot that attackers use, " +
		"including regions the account does not otherwise use.",
	Remediation: check.Remediation{
		Console: "GuardDuty console > select the region > Get started > Enable GuardDuty (or Settings > " +
			"\"Suspend GuardDuty\" off for a suspended detector). Better: delegate a GuardDuty administrator in " +
			"AWS Organizations and auto-enable it for all accounts and regions.",
		CLI:       "aws guardduty create-detector --enable --region <region>  # or: aws guardduty update-detector --detector-id <id> --enable --region <region>",
		Terraform: "resource \"aws_guardduty_detector\" \"this\" {\n  enable = true\n}  # one per region (provider alias per region)",
	},
	References: []string{
		"https://docs.aws.amazon.com/guardduty/latest/ug/guardduty_settingup.html",
		"https://docs.aws.amazon.com/guardduty/latest/ug/guardduty_regions.html",
	},
}, func(inv *awsm.Inventory) []*awsm.Region { return inv.Regions }, logGuardDuty)

func logGuardDuty(_ *check.Env, r *awsm.Region) check.Result {
	detectors, ok := r.GuardDutyDetectors.Get()
	if !ok {
		return check.UnknownOf("GuardDuty detector list", r.GuardDutyDetectors)
	}
	if len(detectors) == 0 {
		return check.FailResult("GuardDuty has no detector in "+r.Region,
			check.Ev(r.GuardDutyDetectors.Source(), "list-detectors returns no detector"))
	}
	unknown := -1
	for i, d := range detectors {
		status, known := d.Status.Get()
		if status == "ENABLED" {
			return check.PassResult("an enabled GuardDuty detector watches the region")
		}
		if !known && unknown < 0 {
			unknown = i
		}
	}
	if unknown >= 0 {
		return check.UnknownOf("status of GuardDuty detector "+detectors[unknown].ID, detectors[unknown].Status)
	}
	ev := make([]check.Evidence, 0, len(detectors))
	for _, d := range detectors {
		ev = append(ev, check.Ev(d.Status.Source(), "detector %s status %s", d.ID, d.Status.Or("")))
	}
	return check.FailResult("no GuardDuty detector in "+r.Region+" is enabled", ev...)
}
