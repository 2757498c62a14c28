package snapshot

import (
	"fmt"
	"sort"
	"time"

	"github.com/cloudward/cloudward/internal/model"
	awsm "github.com/cloudward/cloudward/internal/model/aws"
)

// at builds a source: a file and a JSON path in it.
func at(file, path string) model.Source { return model.Source{File: file, Path: path} }

func idx(list string, i int) string { return fmt.Sprintf("%s[%d]", list, i) }

// str is a known string.
func str(s string, src model.Source) awsm.String { return model.Known(s, src) }

// unknown is an unknown value of any type.
func unknown[T any](reason string, src model.Source) model.Value[T] {
	return model.Unknown[T](reason, src)
}

// optBool is known when the field is present; absent fields are unknown
// because these are fields AWS always returns.
func optBool(p *bool, src model.Source) awsm.Bool {
	if p == nil {
		return unknown[bool](fmt.Sprintf("%s absent from %s", src.Path, src.File), src)
	}
	return model.Known(*p, src)
}

// boolOr is known in any case: AWS omits the field when it is def.
func boolOr(p *bool, def bool, src model.Source) awsm.Bool {
	if p == nil {
		return model.Known(def, src)
	}
	return model.Known(*p, src)
}

func optInt(p *int64, src model.Source) awsm.Int {
	if p == nil {
		return unknown[int64](fmt.Sprintf("%s absent from %s", src.Path, src.File), src)
	}
	return model.Known(*p, src)
}

func intOr(p *int64, def int64, src model.Source) awsm.Int {
	if p == nil {
		return model.Known(def, src)
	}
	return model.Known(*p, src)
}

// optStr is known when present; absent is unknown.
func optStr(p *string, src model.Source) awsm.String {
	if p == nil {
		return unknown[string](fmt.Sprintf("%s absent from %s", src.Path, src.File), src)
	}
	return model.Known(*p, src)
}

// strOr is known "" (or def) when AWS omits the field to say "none".
func strOr(p *string, def string, src model.Source) awsm.String {
	if p == nil {
		return model.Known(def, src)
	}
	return model.Known(*p, src)
}

// timeLayouts are the timestamp forms the AWS CLI prints.
var timeLayouts = []string{time.RFC3339Nano, "2006-01-02T15:04:05.999999999Z0700", "2006-01-02T15:04:05", "2006-01-02"}

func parseTime(s string) (time.Time, bool) {
	for _, layout := range timeLayouts {
		if t, err := time.Parse(layout, s); err == nil {
			return t.UTC(), true
		}
	}
	return time.Time{}, false
}

// optTime parses a CLI timestamp; absent or unparseable is unknown.
func (l *loader) optTime(s string, src model.Source) awsm.Time {
	if s == "" {
		return unknown[time.Time](fmt.Sprintf("%s absent from %s", src.Path, src.File), src)
	}
	t, ok := parseTime(s)
	if !ok {
		l.warn(src.File, 0, "%s: %q is not a timestamp; value unknown", src.Path, s)
		return unknown[time.Time](fmt.Sprintf("%q is not a timestamp", s), src)
	}
	return model.Known(t, src)
}

// tag is the EC2/IAM/RDS tag shape.
type tag struct {
	Key   string `json:"Key"`
	Value string `json:"Value"`
}

// tagsOf converts a tag list; a missing list means no tags for APIs that
// omit empty lists.
func tagsOf(tags []tag, src model.Source) model.Tags {
	m := make(map[string]string, len(tags))
	for _, t := range tags {
		m[t.Key] = t.Value
	}
	return model.Known(m, src)
}

// nameTag returns the Name tag or def.
func nameTag(tags []tag, def string) string {
	for _, t := range tags {
		if t.Key == "Name" && t.Value != "" {
			return t.Value
		}
	}
	return def
}

func notCollectedTags(reason string, src model.Source) model.Tags {
	return model.Unknown[map[string]string](reason, src)
}

// sortByARN sorts any resource list by ARN for deterministic evaluation.
func sortByARN[T any](list []T, arn func(T) string) {
	sort.Slice(list, func(i, j int) bool { return arn(list[i]) < arn(list[j]) })
}

// regionalARN builds an ARN for resources whose API returns none.
func (l *loader) regionalARN(service, region, resource string) string {
	return "arn:" + l.partition() + ":" + service + ":" + region + ":" + l.account() + ":" + resource
}

// regionalIdentity is the identity of a named regional resource. An empty
// arn (not in the answer) is built from service and resource, the ARN's
// resource part ("function:NAME").
func (l *loader) regionalIdentity(region, service, arn, resource, name string, src model.Source, tags model.Tags) awsm.Identity {
	if arn == "" {
		arn = l.regionalARN(service, region, resource)
	}
	return awsm.Identity{ARN: arn, ID: name, Name: name, Region: region, AccountID: l.account(),
		Partition: l.partition(), Source: src, Tags: tags}
}
