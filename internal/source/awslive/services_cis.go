package awslive

import (
	"context"
	"net/url"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/accessanalyzer"
	"github.com/aws/aws-sdk-go-v2/service/account"
	accounttypes "github.com/aws/aws-sdk-go-v2/service/account/types"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatch"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs"
	"github.com/aws/aws-sdk-go-v2/service/configservice"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	"github.com/aws/aws-sdk-go-v2/service/efs"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	iamtypes "github.com/aws/aws-sdk-go-v2/service/iam/types"
	"github.com/aws/aws-sdk-go-v2/service/macie2"
	"github.com/aws/aws-sdk-go-v2/service/securityhub"
	"github.com/aws/aws-sdk-go-v2/service/sns"
	snstypes "github.com/aws/aws-sdk-go-v2/service/sns/types"
)

// cisServices are collected for issue 4's extra operations; the group's
// collectors live in this file. The CIS operations of IAM (virtual MFA
// devices, server certificates) and EC2 (route tables, peering) run with
// those services: collectIAMCIS and collectEC2CIS.
var cisServices = []service{
	{"account", true, func(c *collector, ctx context.Context, _ string, goDo func(func())) {
		c.collectAccountContacts(ctx, goDo)
	}},
	{"monitoring", false, (*collector).collectMonitoring},
	{"securityhub", false, (*collector).collectSecurityHub},
	{"accessanalyzer", false, (*collector).collectAccessAnalyzer},
	{"config", false, (*collector).collectConfig},
	{"efs", false, (*collector).collectEFS},
	{"federation", true, func(c *collector, ctx context.Context, _ string, goDo func(func())) {
		c.collectSAMLProviders(ctx, goDo)
	}},
	{"macie", false, (*collector).collectMacie},
}

// cisPermissions are the IAM actions of cisServices (and of the CIS
// operations of iam and ec2).
var cisPermissions = []string{
	"iam:ListVirtualMFADevices",
	"iam:ListServerCertificates",
	"ec2:DescribeRouteTables",
	"ec2:DescribeVpcPeeringConnections",
	"account:GetAlternateContact",
	"logs:DescribeMetricFilters",
	"logs:DescribeLogGroups",
	"cloudwatch:DescribeAlarms",
	"sns:ListSubscriptionsByTopic",
	"securityhub:DescribeHub",
	"access-analyzer:ListAnalyzers",
	"config:DescribeConfigurationRecorders",
	"config:DescribeConfigurationRecorderStatus",
	"elasticfilesystem:DescribeFileSystems",
	"iam:ListSAMLProviders",
	"iam:ListOrganizationsFeatures",
	"macie2:GetMacieSession",
}

// collectIAMCIS lists virtual MFA devices (root hardware MFA, CIS 1.6) and
// server certificates (CIS 1.19); called by collectIAM.
func (c *collector) collectIAMCIS(ctx context.Context, cl *iam.Client, goDo func(func())) {
	goDo(func() {
		c.do(ctx, "global/iam/list-virtual-mfa-devices", false, func(ctx context.Context) (any, error) {
			p := iam.NewListVirtualMFADevicesPaginator(cl, &iam.ListVirtualMFADevicesInput{})
			out, err := paged(ctx, p.HasMorePages, func(ctx context.Context) (*iam.ListVirtualMFADevicesOutput, error) { return p.NextPage(ctx) },
				func(a, b *iam.ListVirtualMFADevicesOutput) {
					a.VirtualMFADevices = append(a.VirtualMFADevices, b.VirtualMFADevices...)
				})
			if err != nil {
				return nil, err
			}
			// Merged like the CLI: the pagination members are gone.
			return struct{ VirtualMFADevices []iamtypes.VirtualMFADevice }{out.VirtualMFADevices}, nil
		})
	})
	goDo(func() {
		c.do(ctx, "global/iam/list-server-certificates", false, func(ctx context.Context) (any, error) {
			p := iam.NewListServerCertificatesPaginator(cl, &iam.ListServerCertificatesInput{})
			out, err := paged(ctx, p.HasMorePages, func(ctx context.Context) (*iam.ListServerCertificatesOutput, error) { return p.NextPage(ctx) },
				func(a, b *iam.ListServerCertificatesOutput) {
					a.ServerCertificateMetadataList = append(a.ServerCertificateMetadataList, b.ServerCertificateMetadataList...)
				})
			if err != nil {
				return nil, err
			}
			return struct {
				ServerCertificateMetadataList []iamtypes.ServerCertificateMetadata
			}{out.ServerCertificateMetadataList}, nil
		})
	})
}

// collectEC2CIS reads route tables and VPC peering connections (CIS 6.x
// least-access routing); called by collectEC2.
func (c *collector) collectEC2CIS(ctx context.Context, cl *ec2.Client, dir string, goDo func(func())) {
	goDo(func() {
		c.do(ctx, dir+"describe-route-tables", false, func(ctx context.Context) (any, error) {
			p := ec2.NewDescribeRouteTablesPaginator(cl, &ec2.DescribeRouteTablesInput{})
			out, err := paged(ctx, p.HasMorePages, func(ctx context.Context) (*ec2.DescribeRouteTablesOutput, error) { return p.NextPage(ctx) },
				func(a, b *ec2.DescribeRouteTablesOutput) { a.RouteTables = append(a.RouteTables, b.RouteTables...) })
			if out != nil {
				out.NextToken = nil
			}
			return out, err
		})
	})
	goDo(func() {
		c.do(ctx, dir+"describe-vpc-peering-connections", false, func(ctx context.Context) (any, error) {
			p := ec2.NewDescribeVpcPeeringConnectionsPaginator(cl, &ec2.DescribeVpcPeeringConnectionsInput{})
			out, err := paged(ctx, p.HasMorePages, func(ctx context.Context) (*ec2.DescribeVpcPeeringConnectionsOutput, error) { return p.NextPage(ctx) },
				func(a, b *ec2.DescribeVpcPeeringConnectionsOutput) {
					a.VpcPeeringConnections = append(a.VpcPeeringConnections, b.VpcPeeringConnections...)
				})
			if out != nil {
				out.NextToken = nil
			}
			return out, err
		})
	})
}

// collectAccountContacts reads the security alternate contact (CIS 1.2).
// ResourceNotFoundException (no such contact) is an answer, written as an
// error file like any other.
func (c *collector) collectAccountContacts(ctx context.Context, goDo func(func())) {
	cl := client(c, "account", c.cfg.Region, func(cfg aws.Config) *account.Client { return account.NewFromConfig(cfg) })
	goDo(func() {
		c.do(ctx, "global/account/get-alternate-contact/SECURITY", false, func(ctx context.Context) (any, error) {
			return cl.GetAlternateContact(ctx, &account.GetAlternateContactInput{AlternateContactType: accounttypes.AlternateContactTypeSecurity})
		})
	})
}

// collectMonitoring reads the CIS 4.x monitoring chain of a region: metric
// filters and log groups (logs), alarms (cloudwatch), and the subscriptions
// of every SNS topic of this region an alarm notifies.
func (c *collector) collectMonitoring(ctx context.Context, r string, goDo func(func())) {
	logs := client(c, "logs", r, func(cfg aws.Config) *cloudwatchlogs.Client { return cloudwatchlogs.NewFromConfig(cfg) })
	dir := r + "/"
	goDo(func() {
		c.do(ctx, dir+"logs/describe-metric-filters", false, func(ctx context.Context) (any, error) {
			p := cloudwatchlogs.NewDescribeMetricFiltersPaginator(logs, &cloudwatchlogs.DescribeMetricFiltersInput{})
			out, err := paged(ctx, p.HasMorePages, func(ctx context.Context) (*cloudwatchlogs.DescribeMetricFiltersOutput, error) { return p.NextPage(ctx) },
				func(a, b *cloudwatchlogs.DescribeMetricFiltersOutput) {
					a.MetricFilters = append(a.MetricFilters, b.MetricFilters...)
				})
			if err != nil {
				return nil, err
			}
			out.NextToken = nil
			return schemaCLI{out}, nil
		})
	})
	goDo(func() {
		c.do(ctx, dir+"logs/describe-log-groups", false, func(ctx context.Context) (any, error) {
			p := cloudwatchlogs.NewDescribeLogGroupsPaginator(logs, &cloudwatchlogs.DescribeLogGroupsInput{})
			out, err := paged(ctx, p.HasMorePages, func(ctx context.Context) (*cloudwatchlogs.DescribeLogGroupsOutput, error) { return p.NextPage(ctx) },
				func(a, b *cloudwatchlogs.DescribeLogGroupsOutput) { a.LogGroups = append(a.LogGroups, b.LogGroups...) })
			if err != nil {
				return nil, err
			}
			out.NextToken = nil
			return schemaCLI{out}, nil
		})
	})
	cw := client(c, "cloudwatch", r, func(cfg aws.Config) *cloudwatch.Client { return cloudwatch.NewFromConfig(cfg) })
	var alarms *cloudwatch.DescribeAlarmsOutput
	c.do(ctx, dir+"cloudwatch/describe-alarms", false, func(ctx context.Context) (any, error) {
		p := cloudwatch.NewDescribeAlarmsPaginator(cw, &cloudwatch.DescribeAlarmsInput{})
		out, err := paged(ctx, p.HasMorePages, func(ctx context.Context) (*cloudwatch.DescribeAlarmsOutput, error) { return p.NextPage(ctx) },
			func(a, b *cloudwatch.DescribeAlarmsOutput) {
				a.MetricAlarms = append(a.MetricAlarms, b.MetricAlarms...)
				a.CompositeAlarms = append(a.CompositeAlarms, b.CompositeAlarms...)
				a.LogAlarms = append(a.LogAlarms, b.LogAlarms...)
			})
		if err != nil {
			return nil, err
		}
		out.NextToken = nil
		alarms = out
		return schemaCLI{out}, nil
	})
	if alarms == nil {
		return
	}
	cl := client(c, "sns", r, func(cfg aws.Config) *sns.Client { return sns.NewFromConfig(cfg) })
	for _, topic := range alarmTopics(alarms, r) {
		name := topic[strings.LastIndexByte(topic, ':')+1:]
		if !validKey(name) {
			continue
		}
		goDo(func() {
			c.do(ctx, dir+"sns/list-subscriptions-by-topic/"+name, false, func(ctx context.Context) (any, error) {
				p := sns.NewListSubscriptionsByTopicPaginator(cl, &sns.ListSubscriptionsByTopicInput{TopicArn: &topic})
				out, err := paged(ctx, p.HasMorePages, func(ctx context.Context) (*sns.ListSubscriptionsByTopicOutput, error) { return p.NextPage(ctx) },
					func(a, b *sns.ListSubscriptionsByTopicOutput) {
						a.Subscriptions = append(a.Subscriptions, b.Subscriptions...)
					})
				if err != nil {
					return nil, err
				}
				out.NextToken = nil
				redactEndpoints(out.Subscriptions)
				return schemaCLI{out}, nil
			})
		})
	}
}

// redactEndpoints keeps only the scheme and host of HTTP(S) subscription
// endpoints: webhook URLs (Slack, PagerDuty, Teams...) carry their secret in
// the path or query, and a snapshot must not store secrets. The model never
// reads endpoints; the host still tells a reader who is notified.
func redactEndpoints(subs []snstypes.Subscription) {
	for i, s := range subs {
		p := strings.ToLower(aws.ToString(s.Protocol))
		if (p != "http" && p != "https") || s.Endpoint == nil {
			continue
		}
		u, err := url.Parse(*s.Endpoint)
		if err != nil || u.Host == "" {
			subs[i].Endpoint = aws.String(p + "://redacted")
			continue
		}
		subs[i].Endpoint = aws.String(u.Scheme + "://" + u.Hostname())
	}
}

// alarmTopics are the SNS topics of region r that metric alarms notify, the
// same the importer looks up (docs/snapshot-format.md, Monitoring).
func alarmTopics(out *cloudwatch.DescribeAlarmsOutput, r string) []string {
	var topics []string
	seen := map[string]bool{}
	for _, a := range out.MetricAlarms {
		for _, action := range a.AlarmActions {
			parts := strings.Split(action, ":")
			if len(parts) == 6 && parts[0] == "arn" && parts[2] == "sns" && parts[3] == r && !seen[action] {
				seen[action] = true
				topics = append(topics, action)
			}
		}
	}
	return topics
}

func (c *collector) collectSecurityHub(ctx context.Context, r string, goDo func(func())) {
	cl := client(c, "securityhub", r, func(cfg aws.Config) *securityhub.Client { return securityhub.NewFromConfig(cfg) })
	goDo(func() {
		c.do(ctx, r+"/securityhub/describe-hub", false, func(ctx context.Context) (any, error) {
			return cl.DescribeHub(ctx, &securityhub.DescribeHubInput{})
		})
	})
}

func (c *collector) collectAccessAnalyzer(ctx context.Context, r string, goDo func(func())) {
	cl := client(c, "accessanalyzer", r, func(cfg aws.Config) *accessanalyzer.Client { return accessanalyzer.NewFromConfig(cfg) })
	goDo(func() {
		c.do(ctx, r+"/accessanalyzer/list-analyzers", false, func(ctx context.Context) (any, error) {
			p := accessanalyzer.NewListAnalyzersPaginator(cl, &accessanalyzer.ListAnalyzersInput{})
			out, err := paged(ctx, p.HasMorePages, func(ctx context.Context) (*accessanalyzer.ListAnalyzersOutput, error) { return p.NextPage(ctx) },
				func(a, b *accessanalyzer.ListAnalyzersOutput) { a.Analyzers = append(a.Analyzers, b.Analyzers...) })
			if err != nil {
				return nil, err
			}
			out.NextToken = nil
			return camelCLI{out}, nil
		})
	})
}

func (c *collector) collectConfig(ctx context.Context, r string, goDo func(func())) {
	cl := client(c, "config", r, func(cfg aws.Config) *configservice.Client { return configservice.NewFromConfig(cfg) })
	dir := r + "/configservice/"
	goDo(func() {
		c.do(ctx, dir+"describe-configuration-recorders", false, func(ctx context.Context) (any, error) {
			out, err := cl.DescribeConfigurationRecorders(ctx, &configservice.DescribeConfigurationRecordersInput{})
			if err != nil {
				return nil, err
			}
			return schemaCLI{out}, nil
		})
	})
	goDo(func() {
		c.do(ctx, dir+"describe-configuration-recorder-status", false, func(ctx context.Context) (any, error) {
			out, err := cl.DescribeConfigurationRecorderStatus(ctx, &configservice.DescribeConfigurationRecorderStatusInput{})
			if err != nil {
				return nil, err
			}
			return schemaCLI{out}, nil
		})
	})
}

func (c *collector) collectEFS(ctx context.Context, r string, goDo func(func())) {
	cl := client(c, "efs", r, func(cfg aws.Config) *efs.Client { return efs.NewFromConfig(cfg) })
	goDo(func() {
		c.do(ctx, r+"/efs/describe-file-systems", false, func(ctx context.Context) (any, error) {
			p := efs.NewDescribeFileSystemsPaginator(cl, &efs.DescribeFileSystemsInput{})
			out, err := paged(ctx, p.HasMorePages, func(ctx context.Context) (*efs.DescribeFileSystemsOutput, error) { return p.NextPage(ctx) },
				func(a, b *efs.DescribeFileSystemsOutput) { a.FileSystems = append(a.FileSystems, b.FileSystems...) })
			if out != nil {
				out.Marker, out.NextMarker = nil, nil
			}
			return out, err
		})
	})
}

// Compliance operations (issue 6): SAML identity providers (CIS 1.21,
// identity federation) and Macie's status per region (CIS 2.1.3).

// collectSAMLProviders lists the account's SAML providers (not paginated)
// and the organization's IAM features (root access management).
func (c *collector) collectSAMLProviders(ctx context.Context, goDo func(func())) {
	cl := c.iam()
	goDo(func() {
		c.do(ctx, "global/iam/list-saml-providers", false, func(ctx context.Context) (any, error) {
			out, err := cl.ListSAMLProviders(ctx, &iam.ListSAMLProvidersInput{})
			if err != nil {
				return nil, err
			}
			return struct {
				SAMLProviderList []iamtypes.SAMLProviderListEntry
			}{out.SAMLProviderList}, nil
		})
	})
	goDo(func() {
		c.do(ctx, "global/iam/list-organizations-features", false, func(ctx context.Context) (any, error) {
			out, err := cl.ListOrganizationsFeatures(ctx, &iam.ListOrganizationsFeaturesInput{})
			if err != nil {
				return nil, err
			}
			return struct {
				OrganizationId  *string
				EnabledFeatures []iamtypes.FeatureType
			}{out.OrganizationId, out.EnabledFeatures}, nil
		})
	})
}

// collectMacie reads Macie's session. When Macie is off the service answers
// AccessDeniedException "Macie is not enabled.", which is written as the
// error answer like any other (the importer tells the two apart).
func (c *collector) collectMacie(ctx context.Context, r string, goDo func(func())) {
	cl := client(c, "macie2", r, func(cfg aws.Config) *macie2.Client { return macie2.NewFromConfig(cfg) })
	goDo(func() {
		c.do(ctx, r+"/macie2/get-macie-session", false, func(ctx context.Context) (any, error) {
			out, err := cl.GetMacieSession(ctx, &macie2.GetMacieSessionInput{})
			if err != nil {
				return nil, err
			}
			return camelCLI{out}, nil
		})
	})
}
