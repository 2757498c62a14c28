package aws

import (
	"testing"

	"github.com/cloudward/cloudward/internal/check"
	"github.com/cloudward/cloudward/internal/model"
	awsm "github.com/cloudward/cloudward/internal/model/aws"
)

// logTrail builds a trail as the importer fills it from describe-trails,
// get-trail-status and get-event-selectors: by default a well-configured
// multi-region trail recording all management events.
func logTrail(name string, mod ...func(*awsm.Trail)) *awsm.Trail {
	const region = "us-east-1"
	desc := model.Source{File: region + "/cloudtrail/describe-trails.json", Path: "trailList[0]"}
	status := model.Source{File: region + "/cloudtrail/get-trail-status/" + name + ".json"}
	sel := model.Source{File: region + "/cloudtrail/get-event-selectors/" + name + ".json"}
	t := &awsm.Trail{
		Identity: awsm.Identity{ARN: "arn:aws:cloudtrail:us-east-1:111122223333:trail/" + name, ID: name, Name: name,
			Region: region, AccountID: expTestAccount, Partition: "aws", Source: desc},
		HomeRegion:          region,
		IsMultiRegion:       model.Known(true, desc.At("IsMultiRegionTrail")),
		IsOrganizationTrail: model.Known(false, desc.At("IsOrganizationTrail")),
		LogFileValidation:   model.Known(true, desc.At("LogFileValidationEnabled")),
		IncludeGlobalEvents: model.Known(true, desc.At("IncludeGlobalServiceEvents")),
		KMSKeyID:            model.Known("arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab", desc.At("KmsKeyId")),
		S3BucketName:        model.Known("acme-cloudtrail-logs", desc.At("S3BucketName")),
		IsLogging:           model.Known(true, status.At("IsLogging")),
		EventSelectors: model.Known([]awsm.EventSelector{{ReadWriteType: "All", IncludeManagementEvents: true,
			Source: sel.At("EventSelectors[0]")}}, sel.At("EventSelectors")),
		AdvancedSelectors: model.Known[[]awsm.AdvancedEventSelector](nil, sel.At("AdvancedEventSelectors")),
	}
	for _, m := range mod {
		m(t)
	}
	return t
}

func logSingleRegion(t *awsm.Trail) {
	t.IsMultiRegion = model.Known(false, t.Source.At("IsMultiRegionTrail"))
}
func logNotLogging(t *awsm.Trail) { t.IsLogging = model.Known(false, t.IsLogging.Source()) }
func logStatusUnknown(t *awsm.Trail) {
	t.IsLogging = model.Unknown[bool]("not collected: us-east-1/cloudtrail/get-trail-status/"+t.Name+".json missing", t.IsLogging.Source())
}
func logSelectorsUnknown(t *awsm.Trail) {
	src := model.Source{File: "us-east-1/cloudtrail/get-event-selectors/" + t.Name + ".error.json"}
	t.EventSelectors = model.Unknown[[]awsm.EventSelector]("AccessDenied: User is not authorized to perform cloudtrail:GetEventSelectors", src)
	t.AdvancedSelectors = model.Unknown[[]awsm.AdvancedEventSelector]("AccessDenied: User is not authorized to perform cloudtrail:GetEventSelectors", src)
}
func logBasic(rw string, management bool) func(*awsm.Trail) {
	return func(t *awsm.Trail) {
		s := t.EventSelectors.Source()
		t.EventSelectors = model.Known([]awsm.EventSelector{{ReadWriteType: rw, IncludeManagementEvents: management,
			DataResources: []awsm.DataResource{{Type: "AWS::S3::Object", Values: []string{"arn:aws:s3"}}}, Source: s.At("[0]")}}, s)
	}
}

// logAdvanced replaces the basic selectors with advanced ones, as
// get-event-selectors answers for a trail that uses them.
func logAdvanced(sels ...awsm.AdvancedEventSelector) func(*awsm.Trail) {
	return func(t *awsm.Trail) {
		src := model.Source{File: "us-east-1/cloudtrail/get-event-selectors/" + t.Name + ".json", Path: "AdvancedEventSelectors"}
		t.EventSelectors = model.Known[[]awsm.EventSelector](nil, src)
		t.AdvancedSelectors = model.Known(sels, src)
	}
}

var (
	logAdvManagementAll = awsm.AdvancedEventSelector{Name: "Log all management events",
		FieldSelectors: []awsm.FieldSelector{{Field: "eventCategory", Equals: []string{"Management"}}}}
	logAdvManagementNoKMS = awsm.AdvancedEventSelector{Name: "Management events except KMS",
		FieldSelectors: []awsm.FieldSelector{{Field: "eventCategory", Equals: []string{"Management"}},
			{Field: "eventSource", NotEquals: []string{"kms.amazonaws.com"}}}}
	logAdvManagementWriteOnly = awsm.AdvancedEventSelector{Name: "Management write events",
		FieldSelectors: []awsm.FieldSelector{{Field: "eventCategory", Equals: []string{"Management"}}, {Field: "readOnly", Equals: []string{"false"}}}}
	logAdvS3Data = awsm.AdvancedEventSelector{Name: "S3 data events",
		FieldSelectors: []awsm.FieldSelector{{Field: "eventCategory", Equals: []string{"Data"}}, {Field: "resources.type", Equals: []string{"AWS::S3::Object"}}}}
)

func TestCloudTrailMultiRegionMissing(t *testing.T) {
	trails := func(ts ...*awsm.Trail) awsm.TrailList {
		return model.Known(ts, model.Source{File: "us-east-1/cloudtrail/describe-trails.json", Path: "trailList"})
	}
	tests := []struct {
		name   string
		trails awsm.TrailList
		want   check.Status
		ev     []string
	}{
		{"multi-region, logging, basic selector All", trails(logTrail("management-events")), check.Pass, nil},
		{"advanced selector: all management events", trails(logTrail("management-events", logAdvanced(logAdvS3Data, logAdvManagementAll))), check.Pass, nil},
		{"advanced selector: management without KMS events", trails(logTrail("management-events", logAdvanced(logAdvManagementNoKMS))), check.Pass, nil},
		{"one good trail among bad and unknown ones", trails(logTrail("app-trail", logSingleRegion), logTrail("dr-trail", logStatusUnknown), logTrail("org-trail")), check.Pass, nil},
		{"no trails", trails(), check.Fail, []string{"describe-trails lists no trails"}},
		{"single-region trail", trails(logTrail("app-trail", logSingleRegion)), check.Fail,
			[]string{"trail app-trail (arn:aws:cloudtrail:us-east-1:111122223333:trail/app-trail) does not qualify: not multi-region"}},
		{"multi-region trail stopped", trails(logTrail("management-events", logNotLogging)), check.Fail,
			[]string{"management-events", "not logging (IsLogging false)"}},
		{"write-only management events", trails(logTrail("management-events", logBasic("WriteOnly", true))), check.Fail,
			[]string{"event selectors do not record all management events, read and write"}},
		{"data events only", trails(logTrail("management-events", logBasic("All", false))), check.Fail,
			[]string{"event selectors do not record all management events"}},
		{"advanced selector with readOnly restriction", trails(logTrail("management-events", logAdvanced(logAdvManagementWriteOnly))), check.Fail,
			[]string{"event selectors do not record all management events"}},
		{"advanced selector: data events only", trails(logTrail("management-events", logAdvanced(logAdvS3Data))), check.Fail,
			[]string{"event selectors do not record"}},
		{"every trail has a reason", trails(logTrail("app-trail", logSingleRegion, logNotLogging), logTrail("audit", logBasic("ReadOnly", true))), check.Fail,
			[]string{"app-trail (arn:aws:cloudtrail:us-east-1:111122223333:trail/app-trail) does not qualify: not multi-region; not logging", "audit (arn:aws:cloudtrail:us-east-1:111122223333:trail/audit) does not qualify: event selectors"}},
		{"known-bad trail beats unknown status", trails(logTrail("app-trail", logSingleRegion, logStatusUnknown)), check.Fail,
			[]string{"not multi-region"}},
		{"trail list not collected", model.Unknown[[]*awsm.Trail]("not collected: us-east-1/cloudtrail/describe-trails.json missing", model.Source{File: "us-east-1/cloudtrail/describe-trails.json"}),
			check.Unknown, []string{"describe-trails.json missing"}},
		{"only candidate: status unknown", trails(logTrail("management-events", logStatusUnknown)), check.Unknown,
			[]string{"management-events (arn:aws:cloudtrail:us-east-1:111122223333:trail/management-events) cannot be assessed: trail status (IsLogging) not collected"}},
		{"only candidate: selectors unknown", trails(logTrail("management-events", logSelectorsUnknown)), check.Unknown,
			[]string{"cannot be assessed: event selectors AccessDenied"}},
		{"bad trail and unknown candidate", trails(logTrail("app-trail", logSingleRegion), logTrail("management-events", logStatusUnknown)), check.Unknown,
			[]string{"app-trail (arn:aws:cloudtrail:us-east-1:111122223333:trail/app-trail) does not qualify: not multi-region", "management-events (arn:aws:cloudtrail:us-east-1:111122223333:trail/management-events) cannot be assessed"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			inv := &awsm.Inventory{AccountID: expTestAccount, Account: expAccountWith(awsm.PublicAccessBlock{}), Trails: tt.trails}
			got := cloudtrailMultiRegionMissing.Evaluate(inv)
			expAssert(t, got, expTestAccount, tt.want, tt.ev)
			if tt.want == check.Fail {
				list, _ := tt.trails.Get()
				if len(list) > 0 && len(got[0].Evidence) != len(list) {
					t.Errorf("%d evidence items for %d trails", len(got[0].Evidence), len(list))
				}
			}
		})
	}
}

func TestCloudTrailPerTrailChecks(t *testing.T) {
	descFile := "us-east-1/cloudtrail/describe-trails.json"
	notCollected := model.Source{File: descFile}
	tests := []struct {
		name  string
		check *check.Check
		trail *awsm.Trail
		want  check.Status
		ev    []string
	}{
		{"validation on", cloudtrailLogValidationDisabled, logTrail("management-events"), check.Pass, nil},
		{"validation off", cloudtrailLogValidationDisabled, logTrail("app-trail", func(t *awsm.Trail) {
			t.LogFileValidation = model.Known(false, t.Source.At("LogFileValidationEnabled"))
		}), check.Fail, []string{"LogFileValidationEnabled is false @ " + descFile + " trailList[0].LogFileValidationEnabled"}},
		{"validation unknown", cloudtrailLogValidationDisabled, logTrail("app-trail", func(t *awsm.Trail) {
			t.LogFileValidation = model.Unknown[bool]("field absent from describe-trails output", notCollected)
		}), check.Unknown, []string{"LogFileValidationEnabled: field absent"}},
		{"KMS key set", cloudtrailKMSEncryptionMissing, logTrail("management-events"), check.Pass, nil},
		{"no KMS key", cloudtrailKMSEncryptionMissing, logTrail("app-trail", func(t *awsm.Trail) {
			t.KMSKeyID = model.Known("", t.Source.At("KmsKeyId"))
		}), check.Fail, []string{"the trail has no KmsKeyId @ " + descFile + " trailList[0].KmsKeyId"}},
		{"KMS key unknown", cloudtrailKMSEncryptionMissing, logTrail("app-trail", func(t *awsm.Trail) {
			t.KMSKeyID = model.Unknown[string]("AccessDenied: not authorized to perform cloudtrail:DescribeTrails", notCollected)
		}), check.Unknown, []string{"KmsKeyId: AccessDenied"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			inv := &awsm.Inventory{AccountID: expTestAccount, Trails: model.Known([]*awsm.Trail{tt.trail}, model.Source{File: descFile})}
			expAssert(t, tt.check.Evaluate(inv), tt.trail.ARN, tt.want, tt.ev)
		})
	}
	// Without a trail list there are no trails to judge; the account-level
	// check reports the gap as UNKNOWN.
	inv := &awsm.Inventory{AccountID: expTestAccount}
	for _, c := range []*check.Check{cloudtrailLogValidationDisabled, cloudtrailKMSEncryptionMissing} {
		if got := c.Evaluate(inv); len(got) != 0 {
			t.Errorf("%s: %d findings without a trail list", c.ID, len(got))
		}
	}
}

// TestLoggingPassPathsDoNotAllocate covers the per-resource checks; the
// account-level trail check runs once per account and names the good trail.
func TestLoggingPassPathsDoNotAllocate(t *testing.T) {
	tr := logTrail("management-events")
	region := logRegion("us-east-1", model.Known([]*awsm.Detector{logDetector("us-east-1", "12abc34d567e8fa901bc2d34e56789f0", "ENABLED")}, model.Source{}))
	var r check.Result
	for name, f := range map[string]func(){
		"validation": func() { r = logTrailValidation(nil, tr) },
		"kms":        func() { r = logTrailKMS(nil, tr) },
		"guardduty":  func() { r = logGuardDuty(nil, region) },
	} {
		if n := testing.AllocsPerRun(100, f); n != 0 || r.Status != check.Pass {
			t.Errorf("%s PASS path: %v allocations, status %s", name, n, r.Status)
		}
	}
}
