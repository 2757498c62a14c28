package aws

import (
	"fmt"

	"github.com/cloudward/cloudward/internal/check"
	awsm "github.com/cloudward/cloudward/internal/model/aws"
)

// logsRetentionDays is the retention a trail's log group must keep: a year,
// the usual baseline for audit logs (incidents are often found months late).
const logsRetentionDays = 365

// logsChecks lists the CloudWatch Logs checks (logs describe-log-groups).
func logsChecks() []*check.Check {
	return []*check.Check{logsRetentionShort}
}

// logsRetentionShort fails for a trail whose CloudWatch Logs log group
// expires events before a year.
var logsRetentionShort = check.AWS(check.Meta{
	ID:           "aws-logs-retention-short",
	Title:        "CloudTrail's CloudWatch Logs log group keeps events for less than 365 days",
	Severity:     check.Low,
	Domain:       check.Logging,
	Service:      "logs",
	ResourceType: awsm.TypeTrail,
	Rationale: "A trail that delivers to CloudWatch Logs is what the CIS monitoring alarms and most log searches run " +
		"on. Intrusions are often discovered months after they began; when the log group expires events after " +
		"30 or 90 days, the trail's history is gone from CloudWatch by the time someone looks. The S3 copy of the " +
		"trail is governed by the bucket's lifecycle, not by this setting. A log group without a retention setting " +
		"never expires events and passes.",
	Remediation: check.Remediation{
		Console: "CloudWatch console > Logs > Log groups > the trail's log group > Actions > Edit retention setting: " +
			"choose 1 year (365 days) or more, or Never expire.",
		CLI:       "aws logs put-retention-policy --log-group-name <trail-log-group> --retention-in-days 365",
		Terraform: "resource \"aws_cloudwatch_log_group\" \"trail\" {\n  name              = \"<trail-log-group>\"\n  retention_in_days = 365\n}",
	},
	References: []string{
		"https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/Working-with-log-groups-and-streams.html#SettingLogRetention",
		"https://docs.aws.amazon.com/awscloudtrail/latest/userguide/send-cloudtrail-events-to-cloudwatch-logs.html",
	},
}, logTrailList, logsRetentionEval)

func logsRetentionEval(env *check.Env, t *awsm.Trail) check.Result {
	groupARN, ok := t.CloudWatchLogsGroupARN.Get()
	switch {
	case !ok:
		return check.UnknownOf("CloudWatchLogsLogGroupArn", t.CloudWatchLogsGroupARN)
	case groupARN == "":
		// Nothing kept in CloudWatch Logs: the S3 copy is another matter.
		return check.Skip()
	}
	name, region := monLogGroup(groupARN)
	r := env.AWS.RegionNamed(region)
	if r == nil {
		return check.UnknownResult(fmt.Sprintf("the log group %s is in %s, a region the scan did not read", name, region),
			check.Ev(t.CloudWatchLogsGroupARN.Source(), "CloudWatchLogsLogGroupArn %s", groupARN))
	}
	groups, ok := r.Monitoring.LogGroups.Get()
	if !ok {
		return check.UnknownOf("the log groups of "+region, r.Monitoring.LogGroups)
	}
	for _, g := range groups {
		if g.Name != name {
			continue
		}
		days, ok := g.RetentionInDays.Get()
		switch {
		case !ok:
			return check.UnknownOf("the retention of log group "+name, g.RetentionInDays)
		case days == 0:
			return check.PassResult(fmt.Sprintf("log group %s never expires events", name),
				check.Ev(g.Source, "no retentionInDays: never expire"))
		case days < logsRetentionDays:
			return check.FailResult(fmt.Sprintf("log group %s keeps the trail's events for %d days (less than %d)", name, days, logsRetentionDays),
				check.Ev(g.RetentionInDays.Source(), "retentionInDays %d", days))
		}
		return check.PassResult(fmt.Sprintf("log group %s keeps events for %d days", name, days),
			check.Ev(g.RetentionInDays.Source(), "retentionInDays %d", days))
	}
	return check.FailResult(fmt.Sprintf("the trail delivers to log group %s, which %s does not list: it keeps nothing", name, region),
		check.Ev(t.CloudWatchLogsGroupARN.Source(), "CloudWatchLogsLogGroupArn %s", groupARN),
		check.Ev(r.Monitoring.LogGroups.Source(), "log groups of %s", region))
}
