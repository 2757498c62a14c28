package fakeaws

import (
	"strings"

	"github.com/aws/aws-sdk-go-v2/service/cloudwatch"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs"
	"github.com/aws/aws-sdk-go-v2/service/configservice"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/sns"
)

// opsCIS maps "service:Action" to the operations of issue 4's cis group.
// Keys use the SigV4 signing name: CloudWatch signs as "monitoring", Access
// Analyzer as "access-analyzer", EFS as "elasticfilesystem".
var opsCIS = map[string]op{
	"iam:ListVirtualMFADevices": {cli: "iam/list-virtual-mfa-devices", out: func() any { return &iam.ListVirtualMFADevicesOutput{} },
		page: &pager{lists: []string{"VirtualMFADevices"}, in: "Marker", out: "Marker", truncated: "IsTruncated"}},
	"iam:ListServerCertificates": {cli: "iam/list-server-certificates", out: func() any { return &iam.ListServerCertificatesOutput{} },
		page: &pager{lists: []string{"ServerCertificateMetadataList"}, in: "Marker", out: "Marker", truncated: "IsTruncated"}},
	"account:GetAlternateContact": {cli: "account/get-alternate-contact", out: func() any { return &rawJSON{} },
		key: jsonKey("AlternateContactType", "")},

	"ec2:DescribeRouteTables":                    {cli: "ec2/describe-route-tables", out: func() any { return &ec2.DescribeRouteTablesOutput{} }, page: ec2Page("RouteTables")},
	"ec2:DescribeVpcPeeringConnections":          {cli: "ec2/describe-vpc-peering-connections", out: func() any { return &ec2.DescribeVpcPeeringConnectionsOutput{} }, page: ec2Page("VpcPeeringConnections")},
	"logs:DescribeMetricFilters":                 {cli: "logs/describe-metric-filters", out: func() any { return &cloudwatchlogs.DescribeMetricFiltersOutput{} }, page: &pager{lists: []string{"metricFilters"}, in: "nextToken", out: "nextToken"}},
	"logs:DescribeLogGroups":                     {cli: "logs/describe-log-groups", out: func() any { return &cloudwatchlogs.DescribeLogGroupsOutput{} }, page: &pager{lists: []string{"logGroups"}, in: "nextToken", out: "nextToken"}},
	"monitoring:DescribeAlarms":                  {cli: "cloudwatch/describe-alarms", out: func() any { return &cloudwatch.DescribeAlarmsOutput{} }, page: &pager{lists: []string{"MetricAlarms", "CompositeAlarms", "LogAlarms"}, in: "NextToken", out: "NextToken"}},
	"sns:ListSubscriptionsByTopic":               {cli: "sns/list-subscriptions-by-topic", out: func() any { return &sns.ListSubscriptionsByTopicOutput{} }, key: topicNameKey, page: &pager{lists: []string{"Subscriptions"}, in: "NextToken", out: "NextToken"}},
	"securityhub:DescribeHub":                    {cli: "securityhub/describe-hub", out: func() any { return &rawJSON{} }},
	"access-analyzer:ListAnalyzers":              {cli: "accessanalyzer/list-analyzers", out: func() any { return &rawJSON{} }, page: &pager{lists: []string{"analyzers"}, in: "nextToken", out: "nextToken"}},
	"config:DescribeConfigurationRecorders":      {cli: "configservice/describe-configuration-recorders", out: func() any { return &configservice.DescribeConfigurationRecordersOutput{} }},
	"config:DescribeConfigurationRecorderStatus": {cli: "configservice/describe-configuration-recorder-status", out: func() any { return &configservice.DescribeConfigurationRecorderStatusOutput{} }},
	"elasticfilesystem:DescribeFileSystems": {cli: "efs/describe-file-systems", out: func() any { return &rawJSON{epoch: true} },
		page: &pager{lists: []string{"FileSystems"}, in: "Marker", out: "NextMarker"}},
	// Compliance operations (issue 6): SAML providers (CIS 1.21), Macie (CIS 2.1.3).
	"iam:ListSAMLProviders":         {cli: "iam/list-saml-providers", out: func() any { return &iam.ListSAMLProvidersOutput{} }},
	"iam:ListOrganizationsFeatures": {cli: "iam/list-organizations-features", out: func() any { return &iam.ListOrganizationsFeaturesOutput{} }},
	"macie2:GetMacieSession":        {cli: "macie2/get-macie-session", out: func() any { return &rawJSON{} }},
}

// topicNameKey is the snapshot key of list-subscriptions-by-topic: the
// topic's name, the last field of its ARN.
func topicNameKey(c *call) string {
	arn := c.r.Form.Get("TopicArn")
	if !strings.HasPrefix(arn, "arn:") {
		return ""
	}
	return arn[strings.LastIndexByte(arn, ':')+1:]
}
