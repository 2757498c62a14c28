package aws

import (
	"fmt"
	"sort"
	"strings"

	"github.com/cloudward/cloudward/internal/check"
	"github.com/cloudward/cloudward/internal/cwfilter"
	"github.com/cloudward/cloudward/internal/model"
	awsm "github.com/cloudward/cloudward/internal/model/aws"
)

// monitoringChecks lists the CIS section 4 monitoring checks: one metric
// filter + alarm + subscribed SNS topic per control, and Security Hub.
func monitoringChecks() []*check.Check {
	out := make([]*check.Check, 0, len(monSpecs)+1)
	for i := range monSpecs {
		out = append(out, monSpecs[i].check())
	}
	return append(out, securityhubDisabled)
}

// monSpec is one CIS 4.x control: the events its metric filter must count.
type monSpec struct {
	short    string // ID part: aws-cloudwatch-<short>-alarm-missing
	control  string // CIS v4.0.1 control ID
	what     string // "unauthorized API calls"
	severity check.Severity
	metric   string // metric name used in the remediation
	pattern  string // a pattern that covers the events, for the remediation
	why      string
	events   []cwfilter.Event
}

var monSpecs = []monSpec{
	{"unauthorized-api-calls", "4.1", "unauthorized API calls", check.Medium, "UnauthorizedAPICalls",
		`{ ($.errorCode = "*UnauthorizedOperation") || ($.errorCode = "AccessDenied*") && ($.sourceIPAddress != "delivery.logs.amazonaws.com") && ($.eventName != "HeadBucket") }`,
		"A burst of denied calls is how a stolen key or an over-curious insider shows up first: they probe what the credentials can do.",
		monUnauthorizedEvents},
	{"console-signin-without-mfa", "4.2", "console sign-ins without MFA", check.Medium, "ConsoleSigninWithoutMFA",
		`{ ($.eventName = "ConsoleLogin") && ($.additionalEventData.MFAUsed != "Yes") && ($.userIdentity.type = "IAMUser") && ($.responseElements.ConsoleLogin = "Success") }`,
		"A console sign-in with only a password is one phished password away from an account takeover; each one should be seen.",
		monConsoleNoMFAEvents},
	{"root-usage", "4.3", "use of the root user", check.High, "RootAccountUsage",
		`{ $.userIdentity.type = "Root" && $.userIdentity.invokedBy NOT EXISTS && $.eventType != "AwsServiceEvent" }`,
		"The root user cannot be restricted by IAM policies; any use of it outside the rare tasks that need it is a red flag.",
		monRootEvents},
	{"iam-policy-changes", "4.4", "IAM policy changes", check.Medium, "IAMPolicyChanges",
		`{ ($.eventSource = iam.amazonaws.com) && (($.eventName = DeleteGroupPolicy) || ($.eventName = DeleteRolePolicy) || ($.eventName = DeleteUserPolicy) || ($.eventName = PutGroupPolicy) || ($.eventName = PutRolePolicy) || ($.eventName = PutUserPolicy) || ($.eventName = CreatePolicy) || ($.eventName = DeletePolicy) || ($.eventName = CreatePolicyVersion) || ($.eventName = DeletePolicyVersion) || ($.eventName = AttachRolePolicy) || ($.eventName = DetachRolePolicy) || ($.eventName = AttachUserPolicy) || ($.eventName = DetachUserPolicy) || ($.eventName = AttachGroupPolicy) || ($.eventName = DetachGroupPolicy)) }`,
		"Privilege escalation and persistence go through IAM policy changes; they should never happen unnoticed.",
		monIAMPolicyEvents},
	{"cloudtrail-changes", "4.5", "CloudTrail configuration changes", check.Medium, "CloudTrailConfigChanges",
		`{ ($.eventName = CreateTrail) || ($.eventName = UpdateTrail) || ($.eventName = DeleteTrail) || ($.eventName = StartLogging) || ($.eventName = StopLogging) }`,
		"Stopping or redirecting the trail is the first step of an intruder covering their tracks.",
		monCloudTrailEvents},
	{"console-auth-failures", "4.6", "failed console authentications", check.Medium, "ConsoleSigninFailures",
		`{ ($.eventName = ConsoleLogin) && ($.errorMessage = "Failed authentication") }`,
		"Repeated failed sign-ins are password guessing or credential stuffing against the console.",
		monAuthFailureEvents},
	{"cmk-disable-deletion", "4.7", "disabling or scheduled deletion of customer managed KMS keys", check.Medium, "DisableOrDeleteCMK",
		`{ ($.eventSource = kms.amazonaws.com) && (($.eventName = DisableKey) || ($.eventName = ScheduleKeyDeletion)) }`,
		"Data encrypted under a deleted key is lost for good; disabling a key is also a ransom technique.",
		monCMKEvents},
	{"s3-bucket-policy-changes", "4.8", "S3 bucket policy changes", check.Medium, "S3BucketPolicyChanges",
		`{ ($.eventSource = s3.amazonaws.com) && (($.eventName = PutBucketAcl) || ($.eventName = PutBucketPolicy) || ($.eventName = PutBucketCors) || ($.eventName = PutBucketLifecycle) || ($.eventName = PutBucketReplication) || ($.eventName = DeleteBucketPolicy) || ($.eventName = DeleteBucketCors) || ($.eventName = DeleteBucketLifecycle) || ($.eventName = DeleteBucketReplication)) }`,
		"A bucket policy or ACL change is how data becomes public or readable from another account.",
		monS3PolicyEvents},
	{"config-changes", "4.9", "AWS Config configuration changes", check.Medium, "AWSConfigChanges",
		`{ ($.eventSource = config.amazonaws.com) && (($.eventName = StopConfigurationRecorder) || ($.eventName = DeleteDeliveryChannel) || ($.eventName = PutDeliveryChannel) || ($.eventName = PutConfigurationRecorder)) }`,
		"Stopping the Config recorder blinds the configuration history that audits and investigations rely on.",
		monConfigEvents},
	{"security-group-changes", "4.10", "security group changes", check.Medium, "SecurityGroupChanges",
		`{ ($.eventName = AuthorizeSecurityGroupIngress) || ($.eventName = AuthorizeSecurityGroupEgress) || ($.eventName = RevokeSecurityGroupIngress) || ($.eventName = RevokeSecurityGroupEgress) || ($.eventName = CreateSecurityGroup) || ($.eventName = DeleteSecurityGroup) }`,
		"Opening a security group is the usual way a service ends up exposed to the internet.",
		monSGEvents},
	{"nacl-changes", "4.11", "network ACL changes", check.Medium, "NACLChanges",
		`{ ($.eventName = CreateNetworkAcl) || ($.eventName = CreateNetworkAclEntry) || ($.eventName = DeleteNetworkAcl) || ($.eventName = DeleteNetworkAclEntry) || ($.eventName = ReplaceNetworkAclEntry) || ($.eventName = ReplaceNetworkAclAssociation) }`,
		"Network ACLs are the subnet-wide filter; a change can open whole subnets at once.",
		monNACLEvents},
	{"network-gateway-changes", "4.12", "network gateway changes", check.Medium, "NetworkGatewayChanges",
		`{ ($.eventName = CreateCustomerGateway) || ($.eventName = DeleteCustomerGateway) || ($.eventName = AttachInternetGateway) || ($.eventName = CreateInternetGateway) || ($.eventName = DeleteInternetGateway) || ($.eventName = DetachInternetGateway) }`,
		"A new internet or customer gateway creates a path into or out of the network.",
		monGatewayEvents},
	{"route-table-changes", "4.13", "route table changes", check.Medium, "RouteTableChanges",
		`{ ($.eventSource = ec2.amazonaws.com) && (($.eventName = CreateRoute) || ($.eventName = CreateRouteTable) || ($.eventName = ReplaceRoute) || ($.eventName = ReplaceRouteTableAssociation) || ($.eventName = DeleteRouteTable) || ($.eventName = DeleteRoute) || ($.eventName = DisassociateRouteTable)) }`,
		"A route change can send private traffic through an attacker-controlled path or to the internet.",
		monRouteEvents},
	{"vpc-changes", "4.14", "VPC changes", check.Medium, "VPCChanges",
		`{ ($.eventName = CreateVpc) || ($.eventName = DeleteVpc) || ($.eventName = ModifyVpcAttribute) || ($.eventName = AcceptVpcPeeringConnection) || ($.eventName = CreateVpcPeeringConnection) || ($.eventName = DeleteVpcPeeringConnection) || ($.eventName = RejectVpcPeeringConnection) || ($.eventName = AttachClassicLinkVpc) || ($.eventName = DetachClassicLinkVpc) || ($.eventName = DisableVpcClassicLink) || ($.eventName = EnableVpcClassicLink) }`,
		"VPC and peering changes alter which networks can reach each other.",
		monVPCEvents},
	{"organizations-changes", "4.15", "AWS Organizations changes", check.Medium, "OrganizationsChanges",
		`{ ($.eventSource = organizations.amazonaws.com) && (($.eventName = AcceptHandshake) || ($.eventName = AttachPolicy) || ($.eventName = CreateAccount) || ($.eventName = CreateOrganizationalUnit) || ($.eventName = CreatePolicy) || ($.eventName = DeclineHandshake) || ($.eventName = DeleteOrganization) || ($.eventName = DeleteOrganizationalUnit) || ($.eventName = DeletePolicy) || ($.eventName = DetachPolicy) || ($.eventName = DisablePolicyType) || ($.eventName = EnablePolicyType) || ($.eventName = InviteAccountToOrganization) || ($.eventName = LeaveOrganization) || ($.eventName = MoveAccount) || ($.eventName = RemoveAccountFromOrganization) || ($.eventName = UpdatePolicy) || ($.eventName = UpdateOrganizationalUnit)) }`,
		"Organizations changes move accounts, detach SCPs or leave the organization, removing its guardrails.",
		monOrganizationsEvents},
}

func (s *monSpec) id() string { return "aws-cloudwatch-" + s.short + "-alarm-missing" }

func (s *monSpec) check() *check.Check {
	cliPattern := strings.ReplaceAll(s.pattern, `'`, `'\''`)
	return check.AWS(check.Meta{
		ID:           s.id(),
		Title:        "No CloudWatch alarm with a subscribed SNS topic watches " + s.what,
		Severity:     s.severity,
		Domain:       check.Detection,
		Service:      "cloudwatch",
		ResourceType: awsm.TypeAccount,
		Rationale: s.why + " CIS asks for a metric filter on the CloudTrail log group of a multi-region trail that counts " +
			"these events, an alarm on that metric, and an SNS topic with at least one confirmed subscriber. cloudward " +
			"judges the filter by what it matches (any filter that matches every such event passes, however it is written).",
		Remediation: check.Remediation{
			Console: "CloudWatch console > Log groups > the log group of the multi-region trail > Metric filters > Create metric filter: " +
				"paste the filter pattern, metric namespace CISBenchmark, metric name " + s.metric + ", value 1 > then Create alarm on " +
				"that metric (Sum >= 1 over 5 minutes) notifying an SNS topic, and confirm the topic's subscription.",
			CLI: "aws logs put-metric-filter --log-group-name <trail-log-group> --filter-name " + s.metric +
				" --metric-transformations metricName=" + s.metric + ",metricNamespace=CISBenchmark,metricValue=1 --filter-pattern '" + cliPattern + "' && " +
				"aws cloudwatch put-metric-alarm --alarm-name " + s.metric + " --metric-name " + s.metric + " --namespace CISBenchmark " +
				"--statistic Sum --period 300 --threshold 1 --comparison-operator GreaterThanOrEqualToThreshold --evaluation-periods 1 " +
				"--alarm-actions <sns-topic-arn> && aws sns subscribe --topic-arn <sns-topic-arn> --protocol email --notification-endpoint <address>",
			Terraform: "resource \"aws_cloudwatch_log_metric_filter\" \"" + s.metric + "\" {\n  name           = \"" + s.metric + "\"\n" +
				"  log_group_name = aws_cloudwatch_log_group.trail.name\n  pattern        = " + fmt.Sprintf("%q", s.pattern) + "\n" +
				"  metric_transformation {\n    name      = \"" + s.metric + "\"\n    namespace = \"CISBenchmark\"\n    value     = \"1\"\n  }\n}\n" +
				"resource \"aws_cloudwatch_metric_alarm\" \"" + s.metric + "\" {\n  alarm_name          = \"" + s.metric + "\"\n" +
				"  metric_name         = \"" + s.metric + "\"\n  namespace           = \"CISBenchmark\"\n  statistic           = \"Sum\"\n" +
				"  period              = 300\n  threshold           = 1\n  comparison_operator = \"GreaterThanOrEqualToThreshold\"\n" +
				"  evaluation_periods  = 1\n  alarm_actions       = [aws_sns_topic.security_alerts.arn]\n}",
		},
		References: []string{
			"https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/FilterAndPatternSyntax.html",
			"https://docs.aws.amazon.com/awscloudtrail/latest/userguide/cloudwatch-alarms-for-cloudtrail.html",
		},
		Frameworks: map[string][]string{CIS: {s.control}},
	}, accountList, func(env *check.Env, _ *awsm.Account) check.Result {
		return monEvaluate(env.AWS, s)
	})
}

// monOutcome is the verdict on one path (trail → filter → alarm → topic),
// with how far along the path it got, so that the most complete failing
// path explains the FAIL.
type monOutcome struct {
	status check.Status
	stage  int
	msg    string
	ev     []check.Evidence
}

// Stages of the path, in order.
const (
	monStageTrail = iota
	monStageFilter
	monStageAlarm
	monStageTopic
)

// monCombine keeps PASS if any path passes, else UNKNOWN if any path is
// unknown (it might pass), else the FAIL that got furthest.
func monCombine(outs []monOutcome) monOutcome {
	best := -1
	for i, o := range outs {
		switch {
		case o.status == check.Pass:
			return o
		case best < 0:
			best = i
		case o.status == check.Unknown && outs[best].status != check.Unknown:
			best = i
		case o.status == outs[best].status && o.stage > outs[best].stage:
			best = i
		}
	}
	b := outs[best]
	for i, o := range outs {
		if i != best {
			b.ev = append(b.ev, o.ev...)
		}
	}
	return b
}

func (o monOutcome) result() check.Result {
	return check.Result{Status: o.status, Message: o.msg, Evidence: o.ev}
}

func monEvaluate(inv *awsm.Inventory, s *monSpec) check.Result {
	trails, ok := inv.Trails.Get()
	if !ok {
		return check.UnknownOf("CloudTrail trail list (describe-trails)", inv.Trails)
	}
	var outs []monOutcome
	for _, t := range trails {
		outs = append(outs, monTrail(inv, s, t))
	}
	if len(outs) == 0 {
		return check.FailResult("no CloudTrail trail: no events reach CloudWatch Logs, so none can raise an alarm",
			check.Ev(inv.Trails.Source(), "describe-trails lists no trail"))
	}
	return monCombine(outs).result()
}

// monTrail follows one trail to its log group's filters.
func monTrail(inv *awsm.Inventory, s *monSpec, t *awsm.Trail) monOutcome {
	name := logTrailName(t)
	unknown := func(what string, reason string, src model.Source) monOutcome {
		return monOutcome{status: check.Unknown, stage: monStageTrail, msg: "cannot tell whether trail " + name + " " + what + ": " + reason,
			ev: []check.Evidence{check.Ev(src, "trail %s: %s unknown (%s)", name, what, reason)}}
	}
	fail := func(why string, src model.Source) monOutcome {
		return monOutcome{status: check.Fail, stage: monStageTrail,
			msg: "no multi-region, logging trail delivers to CloudWatch Logs, so " + s.what + " raise no alarm",
			ev:  []check.Evidence{check.Ev(src, "trail %s %s", name, why)}}
	}
	switch logTriOf(t.IsMultiRegion) {
	case logNo:
		return fail("is not multi-region", t.IsMultiRegion.Source())
	case logUnknown:
		return unknown("is multi-region", t.IsMultiRegion.Reason(), t.IsMultiRegion.Source())
	}
	switch logTriOf(t.IsLogging) {
	case logNo:
		return fail("is not logging", t.IsLogging.Source())
	case logUnknown:
		return unknown("is logging", t.IsLogging.Reason(), t.IsLogging.Source())
	}
	groupARN, ok := t.CloudWatchLogsGroupARN.Get()
	if !ok {
		return unknown("delivers to CloudWatch Logs", t.CloudWatchLogsGroupARN.Reason(), t.CloudWatchLogsGroupARN.Source())
	}
	if groupARN == "" {
		return fail("does not deliver to CloudWatch Logs (no CloudWatchLogsLogGroupArn)", t.CloudWatchLogsGroupARN.Source())
	}
	group, region := monLogGroup(groupARN)
	r := inv.RegionNamed(region)
	if r == nil {
		return unknown("has metric filters", "its log group's region "+region+" is not in the snapshot", t.CloudWatchLogsGroupARN.Source())
	}
	filters, ok := r.Monitoring.MetricFilters.Get()
	if !ok {
		return unknown("has metric filters", r.Monitoring.MetricFilters.Reason(), r.Monitoring.MetricFilters.Source())
	}
	var outs []monOutcome
	type nearMiss struct {
		missing int
		ev      check.Evidence
	}
	var near []nearMiss
	for i := range filters {
		f := &filters[i]
		if f.LogGroupName != group {
			continue
		}
		p, err := cwfilter.Parse(f.Pattern)
		if err != nil {
			near = append(near, nearMiss{len(s.events), check.Ev(f.Source, "filter %q on %s has a pattern that does not parse: %v", f.FilterName, group, err)})
			continue
		}
		missing := p.Missing(s.events)
		if len(missing) == 0 {
			outs = append(outs, monFilter(inv, r, s, f, name))
			continue
		}
		// Report the filters meant for these events (they match at least
		// half of them); a filter for other events is noise here.
		if 2*len(missing) <= len(s.events) {
			near = append(near, nearMiss{len(missing), check.Ev(f.Source, "filter %q on %s does not match %s",
				f.FilterName, group, strings.Join(missing, ", "))})
		}
	}
	sort.SliceStable(near, func(i, j int) bool { return near[i].missing < near[j].missing })
	if len(outs) == 0 {
		var ev []check.Evidence
		for i := 0; i < len(near) && i < 3; i++ {
			ev = append(ev, near[i].ev)
		}
		if len(ev) == 0 {
			ev = []check.Evidence{check.Ev(r.Monitoring.MetricFilters.Source(), "no metric filter on log group %s (of trail %s) matches %s", group, name, s.what)}
		}
		return monOutcome{status: check.Fail, stage: monStageFilter,
			msg: "no metric filter on log group " + group + " covers " + s.what, ev: ev}
	}
	return monCombine(outs)
}

// monLogGroup splits arn:aws:logs:REGION:ACCOUNT:log-group:NAME[:*].
func monLogGroup(arn string) (name, region string) {
	region = awsm.RegionOfARN(arn)
	_, rest, ok := strings.Cut(arn, ":log-group:")
	if !ok {
		return arn, region
	}
	return strings.TrimSuffix(rest, ":*"), region
}

// monFilter follows a covering filter to the alarms on its metrics.
func monFilter(inv *awsm.Inventory, r *awsm.Region, s *monSpec, f *awsm.MetricFilter, trail string) monOutcome {
	alarms, ok := r.Monitoring.Alarms.Get()
	if !ok {
		return monOutcome{status: check.Unknown, stage: monStageAlarm,
			msg: "filter " + f.FilterName + " covers " + s.what + " but the alarms are unknown: " + r.Monitoring.Alarms.Reason(),
			ev:  []check.Evidence{check.Ev(r.Monitoring.Alarms.Source(), "alarms (describe-alarms): %s", r.Monitoring.Alarms.Reason())}}
	}
	var outs []monOutcome
	var metrics []string
	for _, m := range f.MetricTransformations {
		metrics = append(metrics, m.MetricNamespace+"/"+m.MetricName)
		for i := range alarms {
			a := &alarms[i]
			if a.MetricName == m.MetricName && a.Namespace == m.MetricNamespace {
				outs = append(outs, monAlarm(inv, s, f, a))
			}
		}
	}
	if len(outs) == 0 {
		return monOutcome{status: check.Fail, stage: monStageAlarm,
			msg: fmt.Sprintf("metric filter %q covers %s, but no alarm watches its metric %s", f.FilterName, s.what, strings.Join(metrics, ", ")),
			ev: []check.Evidence{check.Ev(f.Source, "filter %q on the log group of trail %s covers %s; no alarm on %s",
				f.FilterName, trail, s.what, strings.Join(metrics, ", "))}}
	}
	return monCombine(outs)
}

// monAlarm passes when one of the alarm's SNS topics has a confirmed
// subscription.
func monAlarm(inv *awsm.Inventory, s *monSpec, f *awsm.MetricFilter, a *awsm.Alarm) monOutcome {
	var topics []string
	var unknownEv []check.Evidence
	var pending []string
	for _, action := range a.AlarmActions {
		if !strings.Contains(action, ":sns:") {
			continue
		}
		topics = append(topics, action)
		subs, ok := monSubscriptions(inv.RegionNamed(awsm.RegionOfARN(action)), action)
		if !ok {
			unknownEv = append(unknownEv, check.Ev(a.Source, "subscriptions of topic %s: not collected (list-subscriptions-by-topic)", action))
			continue
		}
		list, known := subs.Get()
		if !known {
			unknownEv = append(unknownEv, check.Ev(subs.Source(), "subscriptions of topic %s: %s", action, subs.Reason()))
			continue
		}
		for _, sub := range list {
			if sub.Confirmed() {
				return monOutcome{status: check.Pass, stage: monStageTopic,
					msg: fmt.Sprintf("metric filter %q covers %s; alarm %q notifies SNS topic %s, which has a confirmed %s subscription",
						f.FilterName, s.what, a.Name, action, sub.Protocol),
					ev: []check.Evidence{check.Ev(f.Source, "filter %q covers %s", f.FilterName, s.what),
						check.Ev(a.Source, "alarm %q on %s/%s", a.Name, a.Namespace, a.MetricName),
						check.Ev(sub.Source, "confirmed %s subscription to %s", sub.Protocol, action)}}
			}
		}
		pending = append(pending, fmt.Sprintf("%s (%d subscription(s), none confirmed)", action, len(list)))
	}
	if len(unknownEv) > 0 {
		return monOutcome{status: check.Unknown, stage: monStageTopic,
			msg: fmt.Sprintf("alarm %q watches %s, but the subscriptions of its SNS topic(s) are unknown", a.Name, s.what), ev: unknownEv}
	}
	if len(topics) == 0 {
		return monOutcome{status: check.Fail, stage: monStageTopic,
			msg: fmt.Sprintf("alarm %q watches %s but notifies no SNS topic", a.Name, s.what),
			ev:  []check.Evidence{check.Ev(a.Source, "alarm %q has no SNS topic in AlarmActions", a.Name)}}
	}
	sort.Strings(pending)
	return monOutcome{status: check.Fail, stage: monStageTopic,
		msg: fmt.Sprintf("alarm %q watches %s, but no one is subscribed to its SNS topic(s)", a.Name, s.what),
		ev:  []check.Evidence{check.Ev(a.Source, "alarm %q notifies %s", a.Name, strings.Join(pending, "; "))}}
}

func monSubscriptions(r *awsm.Region, topic string) (model.Value[[]awsm.Subscription], bool) {
	if r == nil {
		return model.Value[[]awsm.Subscription]{}, false
	}
	v, ok := r.Monitoring.Subscriptions[topic]
	return v, ok
}

// securityhubDisabled is region-level (CIS 4.16).
var securityhubDisabled = check.AWS(check.Meta{
	ID:           "aws-securityhub-disabled",
	Title:        "Security Hub is not enabled in the region",
	Severity:     check.Medium,
	Domain:       check.Detection,
	Service:      "securityhub",
	ResourceType: awsm.TypeRegion,
	Rationale: "Security Hub gathers GuardDuty, Inspector, Macie, IAM Access Analyzer and Config findings of a region in " +
		"one place and runs the AWS security standards continuously; without it, findings stay scattered per service.",
	Remediation: check.Remediation{
		Console:   "Security Hub console > select the region > Go to Security Hub > Enable Security Hub (or enable it for all accounts and regions from the delegated administrator).",
		CLI:       "aws securityhub enable-security-hub --enable-default-standards --region <region>",
		Terraform: "resource \"aws_securityhub_account\" \"this\" {}  # one per region (provider alias per region)",
	},
	References: []string{"https://docs.aws.amazon.com/securityhub/latest/userguide/securityhub-settingup.html"},
	Frameworks: map[string][]string{CIS: {"4.16"}},
}, func(inv *awsm.Inventory) []*awsm.Region { return inv.Regions }, func(_ *check.Env, r *awsm.Region) check.Result {
	hub := r.Monitoring.SecurityHub
	enabled, ok := hub.Get()
	switch {
	case !ok:
		return check.UnknownOf("Security Hub state (describe-hub)", hub)
	case !enabled:
		return check.FailResult("Security Hub is not enabled in "+r.Region,
			check.Ev(hub.Source(), "describe-hub answers InvalidAccessException: the account is not subscribed to Security Hub"))
	}
	return check.PassResult("Security Hub is enabled in "+r.Region, check.Ev(hub.Source(), "describe-hub returns a hub"))
})
