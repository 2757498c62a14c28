package snapshot

import (
	"strings"
	"testing"

	awsm "github.com/cloudward/cloudward/internal/model/aws"
)

const monitoringDir = "testdata/monitoring"

func TestLoadMonitoring(t *testing.T) {
	res := mustLoad(t, monitoringDir)
	inv := res.Inventory
	use1, euw1 := inv.RegionNamed("us-east-1"), inv.RegionNamed("eu-west-1")
	if use1 == nil || euw1 == nil {
		t.Fatal("regions missing")
	}
	const security = "arn:aws:sns:us-east-1:111122223333:security-alerts"
	const pager = "arn:aws:sns:us-east-1:111122223333:pager-duty"
	checkValues(t, []valueCase{
		{"filters read", view(use1.Monitoring.MetricFilters), true, anyValue, "us-east-1/logs/describe-metric-filters.json", "metricFilters"},
		{"filters AccessDenied", view(euw1.Monitoring.MetricFilters), false, "AccessDeniedException: User:", "eu-west-1/logs/describe-metric-filters.error.json", ""},
		{"alarms read", view(use1.Monitoring.Alarms), true, anyValue, "us-east-1/cloudwatch/describe-alarms.json", "MetricAlarms"},
		{"alarms wrong type", view(euw1.Monitoring.Alarms), false, "wrong type", "eu-west-1/cloudwatch/describe-alarms.json", ""},
		{"subscriptions read", view(use1.Monitoring.Subscriptions[security]), true, anyValue, "us-east-1/sns/list-subscriptions-by-topic/security-alerts.json", "Subscriptions"},
		{"subscriptions denied", view(use1.Monitoring.Subscriptions[pager]), false, "AuthorizationError", "us-east-1/sns/list-subscriptions-by-topic/pager-duty.error.json", ""},
		{"hub not subscribed", view(use1.Monitoring.SecurityHub), true, "false", "us-east-1/securityhub/describe-hub.error.json", ""},
		{"hub enabled", view(euw1.Monitoring.SecurityHub), true, "true", "eu-west-1/securityhub/describe-hub.json", "HubArn"},
	})
	filters := use1.Monitoring.MetricFilters.Or(nil)
	if len(filters) != 2 {
		t.Fatalf("%d filters, want 2", len(filters))
	}
	f := filters[0]
	if f.FilterName != "RootAccountUsage" || f.LogGroupName != "aws-cloudtrail-logs-111122223333-3f1a2b4c" ||
		!strings.Contains(f.Pattern, `$.userIdentity.invokedBy NOT EXISTS`) ||
		len(f.MetricTransformations) != 1 || f.MetricTransformations[0] != (awsm.MetricTransformation{MetricName: "RootAccountUsageCount", MetricNamespace: "CISBenchmark"}) ||
		f.Source.Path != "metricFilters[0]" {
		t.Errorf("filter = %+v", f)
	}
	alarms := use1.Monitoring.Alarms.Or(nil)
	if len(alarms) != 2 || alarms[0].Name != "cis-root-account-usage" || alarms[0].Namespace != "CISBenchmark" ||
		alarms[0].MetricName != "RootAccountUsageCount" || len(alarms[0].AlarmActions) != 2 || alarms[1].Source.Path != "MetricAlarms[1]" {
		t.Errorf("alarms = %+v", alarms)
	}
	// Only SNS topics are looked up: the scaling policy is not.
	if len(use1.Monitoring.Subscriptions) != 2 {
		t.Errorf("subscriptions looked up for %d topics, want 2", len(use1.Monitoring.Subscriptions))
	}
	subs := use1.Monitoring.Subscriptions[security].Or(nil)
	if len(subs) != 2 || !subs[0].Confirmed() || subs[1].Confirmed() || subs[0].Protocol != "email" || subs[0].TopicARN != security {
		t.Errorf("subscriptions = %+v", subs)
	}
	for _, c := range []struct {
		region, service, op string
		status              awsm.CoverageStatus
		detail              string
	}{
		{"us-east-1", "logs", "describe-metric-filters", awsm.CoverageRead, ""},
		{"eu-west-1", "logs", "describe-metric-filters", awsm.CoverageError, "AccessDeniedException"},
		{"us-east-1", "sns", "list-subscriptions-by-topic", awsm.CoverageError, "1 read, 0 missing, 1 error answers"},
		{"eu-west-1", "sns", "list-subscriptions-by-topic", awsm.CoverageRead, "no resources to read"},
		{"us-east-1", "securityhub", "describe-hub", awsm.CoverageRead, ""}, // InvalidAccessException means "off"
		{"eu-west-1", "cloudwatch", "describe-alarms", awsm.CoverageError, "wrong type"},
	} {
		got, ok := coverageOf(inv, c.region, c.service, c.op)
		if !ok || got.Status != c.status || !strings.Contains(got.Detail, c.detail) {
			t.Errorf("%s/%s/%s = %+v, want %s containing %q", c.region, c.service, c.op, got, c.status, c.detail)
		}
	}
	// The malformed alarms file is a warning naming file and position.
	ws := warningsFor(res, "eu-west-1/cloudwatch/describe-alarms.json")
	if len(ws) != 1 || ws[0].Line != 5 || !strings.Contains(ws[0].Message, "MetricAlarms[0].MetricName") {
		t.Errorf("warnings = %v", ws)
	}
}
