package aws

import (
	"fmt"
	"testing"

	"github.com/cloudward/cloudward/internal/check"
	"github.com/cloudward/cloudward/internal/model"
	awsm "github.com/cloudward/cloudward/internal/model/aws"
)

const logGroupsFile = "us-east-1/logs/describe-log-groups.json"

// logGroupOf is a describe-log-groups entry; days < 0 leaves retentionInDays
// absent (never expire).
func logGroupOf(i int, name string, days int64) awsm.LogGroup {
	src := model.Source{File: logGroupsFile, Path: fmt.Sprintf("logGroups[%d]", i)}
	if days < 0 {
		days = 0
	}
	return awsm.LogGroup{Name: name, ARN: "arn:aws:logs:us-east-1:111122223333:log-group:" + name,
		RetentionInDays: model.Known(days, src.At("retentionInDays")), Source: src}
}

func TestLogsRetentionShort(t *testing.T) {
	if logsRetentionShort.ID != "aws-logs-retention-short" || logsRetentionShort.ResourceType != awsm.TypeTrail {
		t.Fatalf("meta %s %s", logsRetentionShort.ID, logsRetentionShort.ResourceType)
	}
	groups := func(list ...awsm.LogGroup) model.Value[[]awsm.LogGroup] {
		return model.Known(list, model.Source{File: logGroupsFile, Path: "logGroups"})
	}
	tests := []struct {
		name   string
		modify func(f *monFixture, r *awsm.Region)
		want   check.Status
		ev     []string
	}{
		{"90 days", func(_ *monFixture, r *awsm.Region) {
			r.Monitoring.LogGroups = groups(logGroupOf(0, "/aws/lambda/orders-api", -1), logGroupOf(1, monGroup, 90))
		}, check.Fail, []string{"retentionInDays 90 @ " + logGroupsFile + " logGroups[1].retentionInDays"}},
		{"a year", func(_ *monFixture, r *awsm.Region) {
			r.Monitoring.LogGroups = groups(logGroupOf(0, monGroup, 365))
		}, check.Pass, nil},
		{"never expires", func(_ *monFixture, r *awsm.Region) {
			r.Monitoring.LogGroups = groups(logGroupOf(0, monGroup, -1))
		}, check.Pass, nil},
		{"another group is short, the trail's is not", func(_ *monFixture, r *awsm.Region) {
			r.Monitoring.LogGroups = groups(logGroupOf(0, "/aws/lambda/orders-api", 7), logGroupOf(1, monGroup, 3653))
		}, check.Pass, nil},
		{"the trail's group does not exist", func(_ *monFixture, r *awsm.Region) {
			r.Monitoring.LogGroups = groups(logGroupOf(0, "/aws/lambda/orders-api", 7))
		}, check.Fail, []string{"CloudWatchLogsLogGroupArn arn:aws:logs:us-east-1:111122223333:log-group:" + monGroup + ":*", "log groups of us-east-1 @ " + logGroupsFile}},
		{"log groups denied", func(_ *monFixture, r *awsm.Region) {
			r.Monitoring.LogGroups = model.Unknown[[]awsm.LogGroup]("AccessDeniedException: not authorized to perform: logs:DescribeLogGroups",
				model.Source{File: "us-east-1/logs/describe-log-groups.error.json"})
		}, check.Unknown, []string{"AccessDeniedException"}},
		{"log groups not collected (zero value)", func(*monFixture, *awsm.Region) {}, check.Unknown, nil},
		{"trail's log group in a region not read", func(f *monFixture, r *awsm.Region) {
			tr := monTrailOf("management-events", monGroup)
			tr.CloudWatchLogsGroupARN = model.Known("arn:aws:logs:ap-south-1:111122223333:log-group:"+monGroup+":*", tr.CloudWatchLogsGroupARN.Source())
			f.trails = model.Known([]*awsm.Trail{tr}, f.trails.Source())
			r.Monitoring.LogGroups = groups(logGroupOf(0, monGroup, 30))
		}, check.Unknown, []string{"ap-south-1"}},
		{"trail's log group unknown", func(f *monFixture, r *awsm.Region) {
			tr := monTrailOf("management-events", monGroup)
			tr.CloudWatchLogsGroupARN = model.Unknown[string]("describe-trails denied", tr.CloudWatchLogsGroupARN.Source())
			f.trails = model.Known([]*awsm.Trail{tr}, f.trails.Source())
			r.Monitoring.LogGroups = groups(logGroupOf(0, monGroup, 30))
		}, check.Unknown, []string{"describe-trails denied"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := monGood()
			inv := f.inventory()
			tt.modify(&f, inv.Regions[0])
			inv.Trails = f.trails
			got := logsRetentionShort.Evaluate(inv)
			expAssert(t, got, "arn:aws:cloudtrail:us-east-1:111122223333:trail/management-events", tt.want, tt.ev)
		})
	}

	// A trail that does not deliver to CloudWatch Logs has nothing to judge.
	f := monGood()
	f.trails = model.Known([]*awsm.Trail{monTrailOf("s3-only", "")}, f.trails.Source())
	inv := f.inventory()
	inv.Regions[0].Monitoring.LogGroups = groups(logGroupOf(0, monGroup, 1))
	for _, got := range logsRetentionShort.Evaluate(inv) {
		if got.Status != check.NotApplicable {
			t.Errorf("trail without CloudWatch Logs: %s %s", got.Status, got.Message)
		}
	}
}
