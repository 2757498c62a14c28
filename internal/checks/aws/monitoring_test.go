package aws

import (
	"testing"

	"github.com/cloudward/cloudward/internal/check"
	"github.com/cloudward/cloudward/internal/model"
	awsm "github.com/cloudward/cloudward/internal/model/aws"
)

const (
	monRegion  = "us-east-1"
	monGroup   = "aws-cloudtrail-logs-111122223333"
	monTopic   = "arn:aws:sns:us-east-1:111122223333:security-alerts"
	monFilters = "us-east-1/logs/describe-metric-filters.json"
	monAlarms  = "us-east-1/cloudwatch/describe-alarms.json"
	monSubs    = "us-east-1/sns/list-subscriptions-by-topic/security-alerts.json"
)

// monTrailOf is a multi-region, logging trail delivering to monGroup.
func monTrailOf(name, group string) *awsm.Trail {
	src := model.Source{File: "us-east-1/cloudtrail/describe-trails.json", Path: "trailList[0]"}
	groupARN := ""
	if group != "" {
		groupARN = "arn:aws:logs:us-east-1:111122223333:log-group:" + group + ":*"
	}
	return &awsm.Trail{
		Identity: awsm.Identity{ARN: "arn:aws:cloudtrail:us-east-1:111122223333:trail/" + name, ID: name, Name: name,
			Region: monRegion, AccountID: expTestAccount, Partition: "aws", Source: src},
		IsMultiRegion:          model.Known(true, src.At("IsMultiRegionTrail")),
		IsLogging:              model.Known(true, model.Source{File: "us-east-1/cloudtrail/get-trail-status/" + name + ".json", Path: "IsLogging"}),
		CloudWatchLogsGroupARN: model.Known(groupARN, src.At("CloudWatchLogsLogGroupArn")),
	}
}

type monFixture struct {
	trails  awsm.TrailList
	filters model.Value[[]awsm.MetricFilter]
	alarms  model.Value[[]awsm.Alarm]
	subs    map[string]model.Value[[]awsm.Subscription]
}

// monGood is a complete, passing setup for CIS 4.5 (CloudTrail changes).
func monGood() monFixture {
	trail := monTrailOf("management-events", monGroup)
	return monFixture{
		trails: model.Known([]*awsm.Trail{trail}, model.Source{File: "us-east-1/cloudtrail/describe-trails.json", Path: "trailList"}),
		filters: model.Known([]awsm.MetricFilter{
			{LogGroupName: monGroup, FilterName: "RootUsage", Pattern: `{ $.userIdentity.type = "Root" }`,
				MetricTransformations: []awsm.MetricTransformation{{MetricName: "RootUsage", MetricNamespace: "CISBenchmark"}},
				Source:                model.Source{File: monFilters, Path: "metricFilters[0]"}},
			{LogGroupName: monGroup, FilterName: "CloudTrailChanges",
				Pattern:               `{ ($.eventName = StopLogging) || ($.eventName = DeleteTrail) || ($.eventName = UpdateTrail) || ($.eventName = CreateTrail) || ($.eventName = StartLogging) }`,
				MetricTransformations: []awsm.MetricTransformation{{MetricName: "CloudTrailEventCount", MetricNamespace: "CISBenchmark"}},
				Source:                model.Source{File: monFilters, Path: "metricFilters[1]"}},
		}, model.Source{File: monFilters, Path: "metricFilters"}),
		alarms: model.Known([]awsm.Alarm{
			{Name: "cis-cloudtrail-changes", MetricName: "CloudTrailEventCount", Namespace: "CISBenchmark",
				AlarmActions: []string{monTopic}, Source: model.Source{File: monAlarms, Path: "MetricAlarms[0]"}},
		}, model.Source{File: monAlarms, Path: "MetricAlarms"}),
		subs: map[string]model.Value[[]awsm.Subscription]{
			monTopic: model.Known([]awsm.Subscription{
				{TopicARN: monTopic, Protocol: "email", SubscriptionARN: "PendingConfirmation", Source: model.Source{File: monSubs, Path: "Subscriptions[0]"}},
				{TopicARN: monTopic, Protocol: "email", SubscriptionARN: monTopic + ":5f1c0e59-63a2-4b1e-9d2f-2c0f9e8a7b61", Source: model.Source{File: monSubs, Path: "Subscriptions[1]"}},
			}, model.Source{File: monSubs, Path: "Subscriptions"}),
		},
	}
}

func (f monFixture) inventory() *awsm.Inventory {
	r := &awsm.Region{Identity: awsm.Identity{ARN: expTestAccount + "/" + monRegion, ID: monRegion, Name: monRegion,
		Region: monRegion, AccountID: expTestAccount, Partition: "aws"}}
	r.Monitoring = awsm.Monitoring{MetricFilters: f.filters, Alarms: f.alarms, Subscriptions: f.subs}
	return &awsm.Inventory{AccountID: expTestAccount, Partition: "aws", Trails: f.trails, Regions: []*awsm.Region{r}}
}

func monCheck(t *testing.T, control string) *check.Check {
	t.Helper()
	for _, c := range monitoringChecks() {
		if c.Frameworks[CIS][0] == control {
			return c
		}
	}
	t.Fatalf("no check for CIS %s", control)
	return nil
}

func TestMonitoringCloudTrailChangesAlarm(t *testing.T) {
	c := monCheck(t, "4.5")
	if c.ID != "aws-cloudwatch-cloudtrail-changes-alarm-missing" {
		t.Fatalf("ID %s", c.ID)
	}
	tests := []struct {
		name   string
		modify func(*monFixture)
		want   check.Status
		ev     []string
	}{
		{"filter, alarm and confirmed subscriber", func(*monFixture) {}, check.Pass, nil},
		{"second trail without CloudWatch Logs does not matter", func(f *monFixture) {
			list := f.trails.Or(nil)
			f.trails = model.Known(append([]*awsm.Trail{monTrailOf("data-events", "")}, list...), f.trails.Source())
		}, check.Pass, nil},
		{"no trail", func(f *monFixture) { f.trails = model.Known([]*awsm.Trail(nil), f.trails.Source()) }, check.Fail,
			[]string{"describe-trails lists no trail"}},
		{"trail not delivering to CloudWatch Logs", func(f *monFixture) {
			f.trails = model.Known([]*awsm.Trail{monTrailOf("management-events", "")}, f.trails.Source())
		}, check.Fail, []string{"does not deliver to CloudWatch Logs (no CloudWatchLogsLogGroupArn) @ us-east-1/cloudtrail/describe-trails.json trailList[0].CloudWatchLogsLogGroupArn"}},
		{"single-region trail", func(f *monFixture) {
			tr := monTrailOf("management-events", monGroup)
			tr.IsMultiRegion = model.Known(false, tr.IsMultiRegion.Source())
			f.trails = model.Known([]*awsm.Trail{tr}, f.trails.Source())
		}, check.Fail, []string{"is not multi-region"}},
		{"filter misses StopLogging", func(f *monFixture) {
			list := f.filters.Or(nil)
			list[1].Pattern = `{ ($.eventName = CreateTrail) || ($.eventName = UpdateTrail) || ($.eventName = DeleteTrail) || ($.eventName = StartLogging) }`
		}, check.Fail, []string{`filter "CloudTrailChanges" on ` + monGroup + ` does not match StopLogging @ ` + monFilters + ` metricFilters[1]`}},
		{"filter on another log group", func(f *monFixture) {
			list := f.filters.Or(nil)
			list[1].LogGroupName = "/aws/lambda/audit"
		}, check.Fail, []string{"no metric filter on log group " + monGroup + " (of trail management-events"}},
		{"pattern that does not parse", func(f *monFixture) {
			list := f.filters.Or(nil)
			list[1].Pattern = `{ ($.eventName = StopLogging) || ($.eventName = DeleteTrail) `
		}, check.Fail, []string{`filter "CloudTrailChanges" on ` + monGroup + ` has a pattern that does not parse: filter pattern: column 62: missing closing "}"`}},
		{"unrelated filter is not reported as a near miss", func(f *monFixture) {
			f.filters = model.Known(f.filters.Or(nil)[:1], f.filters.Source())
		}, check.Fail, []string{"no metric filter on log group " + monGroup + " (of trail management-events"}},
		{"log group in a region not collected", func(f *monFixture) {
			tr := monTrailOf("management-events", monGroup)
			tr.CloudWatchLogsGroupARN = model.Known("arn:aws:logs:ap-south-1:111122223333:log-group:"+monGroup+":*", tr.CloudWatchLogsGroupARN.Source())
			f.trails = model.Known([]*awsm.Trail{tr}, f.trails.Source())
		}, check.Unknown, []string{"region ap-south-1 is not in the snapshot"}},
		{"no alarm on the metric", func(f *monFixture) {
			a := f.alarms.Or(nil)
			a[0].Namespace = "LogMetrics"
		}, check.Fail, []string{`filter "CloudTrailChanges"`, "no alarm on CISBenchmark/CloudTrailEventCount"}},
		{"subscription pending confirmation", func(f *monFixture) {
			s := f.subs[monTopic].Or(nil)
			f.subs[monTopic] = model.Known(s[:1], f.subs[monTopic].Source())
		}, check.Fail, []string{`alarm "cis-cloudtrail-changes" notifies ` + monTopic + " (1 subscription(s), none confirmed)"}},
		{"alarm without SNS action", func(f *monFixture) {
			a := f.alarms.Or(nil)
			a[0].AlarmActions = []string{"arn:aws:automate:us-east-1:ec2:stop"}
		}, check.Fail, []string{"no SNS topic in AlarmActions"}},
		{"trails not collected", func(f *monFixture) {
			f.trails = model.Unknown[[]*awsm.Trail]("not collected: us-east-1/cloudtrail/describe-trails.json missing", model.Source{File: "us-east-1/cloudtrail/describe-trails.json"})
		}, check.Unknown, []string{"describe-trails.json missing"}},
		{"metric filters not collected", func(f *monFixture) {
			f.filters = model.Unknown[[]awsm.MetricFilter]("AccessDeniedException: not authorized to perform logs:DescribeMetricFilters", model.Source{File: "us-east-1/logs/describe-metric-filters.error.json"})
		}, check.Unknown, []string{"AccessDeniedException"}},
		{"alarms not collected", func(f *monFixture) {
			f.alarms = model.Unknown[[]awsm.Alarm]("not collected: "+monAlarms+" missing", model.Source{File: monAlarms})
		}, check.Unknown, []string{"describe-alarms.json missing"}},
		{"subscriptions not collected", func(f *monFixture) { delete(f.subs, monTopic) }, check.Unknown,
			[]string{"subscriptions of topic " + monTopic + ": not collected"}},
		{"logging state unknown", func(f *monFixture) {
			tr := monTrailOf("management-events", monGroup)
			tr.IsLogging = model.Unknown[bool]("not collected: get-trail-status missing", model.Source{File: "us-east-1/cloudtrail/get-trail-status/management-events.json"})
			f.trails = model.Known([]*awsm.Trail{tr}, f.trails.Source())
		}, check.Unknown, []string{"is logging unknown"}},
		{"unknown path beats a failing one", func(f *monFixture) {
			bad := monTrailOf("old-trail", "")
			f.trails = model.Known(append(f.trails.Or(nil), bad), f.trails.Source())
			f.alarms = model.Unknown[[]awsm.Alarm]("not collected", model.Source{File: monAlarms})
		}, check.Unknown, []string{"not collected"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := monGood()
			tt.modify(&f)
			got := c.Evaluate(f.inventory())
			expAssert(t, got, expTestAccount, tt.want, tt.ev)
		})
	}
}

// TestMonitoringEveryControl runs each of the 15 checks on a setup whose one
// filter uses the control's own recommended pattern: it passes, and the
// other 14 fail on it (each needs its own events).
func TestMonitoringEveryControl(t *testing.T) {
	checks := monitoringChecks()
	if len(checks) != 16 {
		t.Fatalf("%d monitoring checks, want 15 + Security Hub", len(checks))
	}
	for i := range monSpecs {
		s := &monSpecs[i]
		f := monGood()
		f.filters = model.Known([]awsm.MetricFilter{{LogGroupName: monGroup, FilterName: s.metric, Pattern: s.pattern,
			MetricTransformations: []awsm.MetricTransformation{{MetricName: s.metric, MetricNamespace: "CISBenchmark"}},
			Source:                model.Source{File: monFilters, Path: "metricFilters[0]"}}}, f.filters.Source())
		f.alarms = model.Known([]awsm.Alarm{{Name: s.metric, MetricName: s.metric, Namespace: "CISBenchmark",
			AlarmActions: []string{monTopic}, Source: model.Source{File: monAlarms, Path: "MetricAlarms[0]"}}}, f.alarms.Source())
		inv := f.inventory()
		for j, c := range checks[:len(monSpecs)] {
			got := c.Evaluate(inv)
			want := check.Fail
			if i == j {
				want = check.Pass
			}
			if len(got) != 1 || got[0].Status != want {
				t.Errorf("filter %s: %s = %v, want %s", s.metric, c.ID, got[0].Status, want)
			}
		}
	}
}

func TestSecurityHubDisabled(t *testing.T) {
	src := model.Source{File: "eu-west-1/securityhub/describe-hub.json", Path: "HubArn"}
	errSrc := model.Source{File: "eu-west-1/securityhub/describe-hub.error.json"}
	tests := []struct {
		name string
		hub  model.Bool
		want check.Status
		ev   []string
	}{
		{"enabled", model.Known(true, src), check.Pass, nil},
		{"not subscribed", model.Known(false, errSrc), check.Fail, []string{"not subscribed to Security Hub @ eu-west-1/securityhub/describe-hub.error.json"}},
		{"not collected", model.Unknown[bool]("not collected: eu-west-1/securityhub/describe-hub.json missing", src), check.Unknown, []string{"describe-hub.json missing"}},
		{"access denied", model.Unknown[bool]("AccessDeniedException: not authorized", errSrc), check.Unknown, []string{"AccessDeniedException"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := &awsm.Region{Identity: awsm.Identity{ARN: expTestAccount + "/eu-west-1", ID: "eu-west-1", Name: "eu-west-1",
				Region: "eu-west-1", AccountID: expTestAccount, Partition: "aws"}}
			r.Monitoring.SecurityHub = tt.hub
			got := securityhubDisabled.Evaluate(&awsm.Inventory{AccountID: expTestAccount, Regions: []*awsm.Region{r}})
			expAssert(t, got, expTestAccount+"/eu-west-1", tt.want, tt.ev)
		})
	}
}
