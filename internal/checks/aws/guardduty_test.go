package aws

import (
	"testing"

	"github.com/cloudward/cloudward/internal/check"
	"github.com/cloudward/cloudward/internal/model"
	awsm "github.com/cloudward/cloudward/internal/model/aws"
)

func logRegion(name string, detectors model.Value[[]*awsm.Detector]) *awsm.Region {
	return &awsm.Region{
		Identity:           awsm.Identity{ARN: expTestAccount + "/" + name, ID: name, Name: name, Region: name, AccountID: expTestAccount, Partition: "aws"},
		GuardDutyDetectors: detectors,
	}
}

func logDetector(region, id, status string) *awsm.Detector {
	src := model.Source{File: region + "/guardduty/get-detector/" + id + ".json", Path: "Status"}
	st := model.Known(status, src)
	if status == "" {
		st = model.Unknown[string]("not collected: "+src.File+" missing", model.Source{File: src.File})
	}
	return &awsm.Detector{
		Identity: awsm.Identity{ARN: "arn:aws:guardduty:" + region + ":111122223333:detector/" + id, ID: id, Name: id, Region: region, AccountID: expTestAccount, Partition: "aws"},
		Status:   st,
	}
}

func TestGuardDutyDisabled(t *testing.T) {
	const region = "ap-southeast-2"
	listSrc := model.Source{File: region + "/guardduty/list-detectors.json", Path: "DetectorIds"}
	known := func(d ...*awsm.Detector) model.Value[[]*awsm.Detector] { return model.Known(d, listSrc) }
	enabled := logDetector(region, "12abc34d567e8fa901bc2d34e56789f0", "ENABLED")
	disabled := logDetector(region, "a4bf8d2e61c3f9e07b5d21c8e4f6a903", "DISABLED")
	statusUnknown := logDetector(region, "c2b7e4f1a9d8c6b5a4f3e2d1c0b9a8f7", "")
	tests := []struct {
		name      string
		detectors model.Value[[]*awsm.Detector]
		want      check.Status
		ev        []string
	}{
		{"enabled detector", known(enabled), check.Pass, nil},
		{"disabled and enabled", known(disabled, enabled), check.Pass, nil},
		{"no detector", known(), check.Fail, []string{"list-detectors returns no detector @ " + region + "/guardduty/list-detectors.json DetectorIds"}},
		{"suspended detector", known(disabled), check.Fail,
			[]string{"detector a4bf8d2e61c3f9e07b5d21c8e4f6a903 status DISABLED @ " + region + "/guardduty/get-detector/a4bf8d2e61c3f9e07b5d21c8e4f6a903.json Status"}},
		{"detector status not collected", known(statusUnknown), check.Unknown, []string{"get-detector/c2b7e4f1a9d8c6b5a4f3e2d1c0b9a8f7.json missing"}},
		{"disabled and status unknown", known(disabled, statusUnknown), check.Unknown, []string{"c2b7e4f1a9d8c6b5a4f3e2d1c0b9a8f7"}},
		{"detector list not collected", model.Unknown[[]*awsm.Detector]("AccessDenied: User is not authorized to perform guardduty:ListDetectors",
			model.Source{File: region + "/guardduty/list-detectors.error.json"}), check.Unknown, []string{"GuardDuty detector list: AccessDenied"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := logRegion(region, tt.detectors)
			got := guarddutyDisabled.Evaluate(&awsm.Inventory{AccountID: expTestAccount, Regions: []*awsm.Region{r}})
			expAssert(t, got, expTestAccount+"/"+region, tt.want, tt.ev)
			if got[0].Resource.Region != region {
				t.Errorf("finding region %q, want %s", got[0].Resource.Region, region)
			}
		})
	}
}
