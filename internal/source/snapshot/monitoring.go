package snapshot

import (
	"sort"
	"strings"

	"github.com/cloudward/cloudward/internal/model"
	awsm "github.com/cloudward/cloudward/internal/model/aws"
)

// loadMonitoring reads a region's metric filters, alarms, the subscriptions
// of the SNS topics the alarms notify, and Security Hub.
func (l *loader) loadMonitoring(region string, out *regionOut) {
	m := &out.region.Monitoring
	m.MetricFilters = l.loadMetricFilters(region)
	m.Alarms = l.loadAlarms(region)
	m.Subscriptions = l.loadTopicSubscriptions(region, m.Alarms)
	m.SecurityHub = l.loadSecurityHub(region)
	m.LogGroups = l.loadLogGroups(region)
}

func (l *loader) loadMetricFilters(region string) model.Value[[]awsm.MetricFilter] {
	a := l.fetch(region + "/logs/describe-metric-filters")
	var v struct {
		MetricFilters []struct {
			FilterName            string `json:"filterName"`
			FilterPattern         string `json:"filterPattern"`
			LogGroupName          string `json:"logGroupName"`
			MetricTransformations []struct {
				MetricName      string `json:"metricName"`
				MetricNamespace string `json:"metricNamespace"`
			} `json:"metricTransformations"`
		} `json:"metricFilters"`
	}
	defer l.done(region, "logs", "describe-metric-filters", &a, false)
	if !l.decode(&a, &v) {
		return unknown[[]awsm.MetricFilter](a.reason(), a.src())
	}
	list := make([]awsm.MetricFilter, 0, len(v.MetricFilters))
	for i, f := range v.MetricFilters {
		mf := awsm.MetricFilter{LogGroupName: f.LogGroupName, FilterName: f.FilterName, Pattern: f.FilterPattern,
			Source: at(a.file, idx("metricFilters", i))}
		for _, t := range f.MetricTransformations {
			mf.MetricTransformations = append(mf.MetricTransformations,
				awsm.MetricTransformation{MetricName: t.MetricName, MetricNamespace: t.MetricNamespace})
		}
		list = append(list, mf)
	}
	return model.Known(list, at(a.file, "metricFilters"))
}

func (l *loader) loadAlarms(region string) model.Value[[]awsm.Alarm] {
	a := l.fetch(region + "/cloudwatch/describe-alarms")
	var v struct {
		MetricAlarms []struct {
			AlarmName    string   `json:"AlarmName"`
			MetricName   string   `json:"MetricName"`
			Namespace    string   `json:"Namespace"`
			AlarmActions []string `json:"AlarmActions"`
		} `json:"MetricAlarms"`
	}
	defer l.done(region, "cloudwatch", "describe-alarms", &a, false)
	if !l.decode(&a, &v) {
		return unknown[[]awsm.Alarm](a.reason(), a.src())
	}
	list := make([]awsm.Alarm, 0, len(v.MetricAlarms))
	for i, al := range v.MetricAlarms {
		list = append(list, awsm.Alarm{Name: al.AlarmName, MetricName: al.MetricName, Namespace: al.Namespace,
			AlarmActions: al.AlarmActions, Source: at(a.file, idx("MetricAlarms", i))})
	}
	return model.Known(list, at(a.file, "MetricAlarms"))
}

// loadTopicSubscriptions reads list-subscriptions-by-topic for every SNS
// topic of this region that an alarm notifies. The file key is the topic
// name: names are unique per account and region, and need no escaping.
func (l *loader) loadTopicSubscriptions(region string, alarms model.Value[[]awsm.Alarm]) map[string]model.Value[[]awsm.Subscription] {
	var topics []string
	seen := map[string]bool{}
	for _, al := range alarms.Or(nil) {
		for _, action := range al.AlarmActions {
			if strings.HasPrefix(action, "arn:") && strings.Contains(action, ":sns:") &&
				awsm.RegionOfARN(action) == region && !seen[action] {
				seen[action] = true
				topics = append(topics, action)
			}
		}
	}
	sort.Strings(topics)
	if len(topics) == 0 {
		l.coverNone(region, "sns", "list-subscriptions-by-topic")
		return nil
	}
	subs := make(map[string]model.Value[[]awsm.Subscription], len(topics))
	for _, topic := range topics {
		name := topic[strings.LastIndexByte(topic, ':')+1:]
		a := l.fetch(region + "/sns/list-subscriptions-by-topic/" + name)
		var v struct {
			Subscriptions []struct {
				SubscriptionArn string `json:"SubscriptionArn"`
				Protocol        string `json:"Protocol"`
				TopicArn        string `json:"TopicArn"`
			} `json:"Subscriptions"`
		}
		if l.decode(&a, &v) {
			list := make([]awsm.Subscription, 0, len(v.Subscriptions))
			for i, s := range v.Subscriptions {
				list = append(list, awsm.Subscription{TopicARN: topic, Protocol: s.Protocol,
					SubscriptionARN: s.SubscriptionArn, Source: at(a.file, idx("Subscriptions", i))})
			}
			subs[topic] = model.Known(list, at(a.file, "Subscriptions"))
		} else {
			subs[topic] = unknown[[]awsm.Subscription](a.reason(), a.src())
		}
		l.done(region, "sns", "list-subscriptions-by-topic", &a, false)
	}
	return subs
}

// loadSecurityHub reads describe-hub: a hub ARN means enabled, and
// InvalidAccessException means the account is not subscribed.
func (l *loader) loadSecurityHub(region string) model.Bool {
	a := l.fetch(region + "/securityhub/describe-hub")
	notEnabled := a.kind == ansAWS && a.code == "InvalidAccessException"
	defer l.done(region, "securityhub", "describe-hub", &a, notEnabled)
	if notEnabled {
		return model.Known(false, a.src())
	}
	var v struct {
		HubArn *string `json:"HubArn"`
	}
	if !l.decode(&a, &v) {
		return unknown[bool](a.reason(), a.src())
	}
	return model.Known(v.HubArn != nil && *v.HubArn != "", at(a.file, "HubArn"))
}
