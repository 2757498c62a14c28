package aws

import (
	"strings"

	"github.com/cloudward/cloudward/internal/model"
)

// Monitoring is one region's CloudWatch Logs metric filters, CloudWatch
// alarms, the subscriptions of the SNS topics those alarms notify, and the
// Security Hub state. The zero value is "nothing collected".
type Monitoring struct {
	// MetricFilters is logs describe-metric-filters (all log groups).
	MetricFilters model.Value[[]MetricFilter]
	// Alarms is cloudwatch describe-alarms (metric alarms).
	Alarms model.Value[[]Alarm]
	// Subscriptions maps an SNS topic ARN to its subscriptions (sns
	// list-subscriptions-by-topic). A topic absent from the map was not
	// collected.
	Subscriptions map[string]model.Value[[]Subscription]
	// SecurityHub is securityhub describe-hub: known false when AWS answers
	// InvalidAccessException (the account is not subscribed).
	SecurityHub model.Bool
	// LogGroups is logs describe-log-groups (loggroups.go).
	LogGroups model.Value[[]LogGroup]
}

// LogGroup is a CloudWatch Logs log group and how long it keeps events.
type LogGroup struct {
	Name string
	ARN  string // without the trailing ":*" describe-log-groups prints
	// RetentionInDays is known 0 when the group never expires events (AWS
	// omits retentionInDays then).
	RetentionInDays model.Int
	KMSKeyID        string // "" when encrypted with the service key
	Source          model.Source
}

// MetricFilter turns matching log events of a log group into a metric.
type MetricFilter struct {
	LogGroupName          string
	FilterName            string
	Pattern               string
	MetricTransformations []MetricTransformation
	Source                model.Source
}

// MetricTransformation is the metric a filter publishes.
type MetricTransformation struct {
	MetricName      string
	MetricNamespace string
}

// Alarm is a CloudWatch metric alarm.
type Alarm struct {
	Name         string
	MetricName   string
	Namespace    string
	AlarmActions []string // ARNs: SNS topics, Auto Scaling, SSM...
	Source       model.Source
}

// Subscription is one subscription of an SNS topic. The endpoint (an
// address or URL) is not kept: checks need only whether it is confirmed.
type Subscription struct {
	TopicARN        string
	Protocol        string
	SubscriptionARN string // "PendingConfirmation" until the endpoint confirms
	Source          model.Source
}

// Confirmed reports whether the endpoint confirmed the subscription.
func (s Subscription) Confirmed() bool {
	return strings.HasPrefix(s.SubscriptionARN, "arn:")
}

// RegionOfARN returns the region field of an ARN ("" when it has none).
func RegionOfARN(arn string) string {
	parts := strings.SplitN(arn, ":", 5)
	if len(parts) < 5 || parts[0] != "arn" {
		return ""
	}
	return parts[3]
}

// RegionNamed returns the region with the given name, or nil.
func (inv *Inventory) RegionNamed(name string) *Region {
	for _, r := range inv.Regions {
		if r.Region == name {
			return r
		}
	}
	return nil
}
