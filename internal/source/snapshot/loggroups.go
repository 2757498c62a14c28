package snapshot

import (
	"strings"

	"github.com/cloudward/cloudward/internal/model"
	awsm "github.com/cloudward/cloudward/internal/model/aws"
)

// loadLogGroups reads logs describe-log-groups: each group's retention
// (absent retentionInDays means the group never expires events).
func (l *loader) loadLogGroups(region string) model.Value[[]awsm.LogGroup] {
	a := l.fetch(region + "/logs/describe-log-groups")
	var v struct {
		LogGroups []struct {
			LogGroupName    string `json:"logGroupName"`
			Arn             string `json:"arn"`
			RetentionInDays *int64 `json:"retentionInDays"`
			KmsKeyID        string `json:"kmsKeyId"`
		} `json:"logGroups"`
	}
	defer l.done(region, "logs", "describe-log-groups", &a, false)
	if !l.decode(&a, &v) {
		return unknown[[]awsm.LogGroup](a.reason(), a.src())
	}
	list := make([]awsm.LogGroup, 0, len(v.LogGroups))
	for i, g := range v.LogGroups {
		src := at(a.file, idx("logGroups", i))
		list = append(list, awsm.LogGroup{Name: g.LogGroupName, ARN: strings.TrimSuffix(g.Arn, ":*"),
			RetentionInDays: intOr(g.RetentionInDays, 0, src.At("retentionInDays")), KMSKeyID: g.KmsKeyID, Source: src})
	}
	return model.Known(list, at(a.file, "logGroups"))
}
