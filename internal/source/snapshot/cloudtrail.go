package snapshot

import (
	"github.com/cloudward/cloudward/internal/model"
	awsm "github.com/cloudward/cloudward/internal/model/aws"
)

type trailJSON struct {
	Name                       string  `json:"Name"`
	TrailARN                   string  `json:"TrailARN"`
	HomeRegion                 string  `json:"HomeRegion"`
	S3BucketName               *string `json:"S3BucketName"`
	IncludeGlobalServiceEvents *bool   `json:"IncludeGlobalServiceEvents"`
	IsMultiRegionTrail         *bool   `json:"IsMultiRegionTrail"`
	IsOrganizationTrail        *bool   `json:"IsOrganizationTrail"`
	LogFileValidationEnabled   *bool   `json:"LogFileValidationEnabled"`
	KmsKeyID                   *string `json:"KmsKeyId"`
	CloudWatchLogsLogGroupArn  *string `json:"CloudWatchLogsLogGroupArn"`
}

// trailCopy is one trail as describe-trails printed it in one region.
// Multi-region trails appear in every region (shadow copies).
type trailCopy struct {
	region string
	t      trailJSON
	src    model.Source
}

func (l *loader) loadTrailList(region string, out *regionOut) {
	a := l.fetch(region + "/cloudtrail/describe-trails")
	var v struct {
		TrailList []trailJSON `json:"trailList"`
	}
	if l.decode(&a, &v) {
		out.trailsRead = true
		for i, t := range v.TrailList {
			out.trails = append(out.trails, trailCopy{region: region, t: t, src: at(a.file, idx("trailList", i))})
		}
	}
	out.trailsAnswer = a
	l.done(region, "cloudtrail", "describe-trails", &a, false)
}

// mergeTrails de-duplicates trails by ARN (keeping the home-region copy)
// and reads each trail's status and event selectors from its home region,
// falling back to any region that has them.
func (l *loader) mergeTrails(outs []*regionOut) {
	var copies []trailCopy
	read := false
	var firstAnswer *answer
	for _, o := range outs {
		read = read || o.trailsRead
		copies = append(copies, o.trails...)
		if firstAnswer == nil {
			firstAnswer = &o.trailsAnswer
		}
	}
	if !read {
		reason, src := "not collected: cloudtrail describe-trails: no regions in snapshot.json", at(metaFile, "regions")
		if firstAnswer != nil {
			reason, src = firstAnswer.reason(), firstAnswer.src()
		}
		l.inv.Trails = unknown[[]*awsm.Trail](reason, src)
		return
	}
	byARN := map[string]int{}
	var unique []trailCopy
	for _, c := range copies {
		key := c.t.TrailARN
		if key == "" {
			key = c.region + "/" + c.t.Name
		}
		if i, ok := byARN[key]; ok {
			if c.region == c.t.HomeRegion && unique[i].region != unique[i].t.HomeRegion {
				unique[i] = c
			}
			continue
		}
		byARN[key] = len(unique)
		unique = append(unique, c)
	}
	trails := make([]*awsm.Trail, len(unique))
	l.parallel(len(unique), func(i int) { trails[i] = l.buildTrail(unique[i]) })
	if len(trails) == 0 {
		for _, r := range l.inv.RegionNames {
			l.coverNone(r, "cloudtrail", "get-trail-status")
			l.coverNone(r, "cloudtrail", "get-event-selectors")
		}
	}
	sortByARN(trails, func(t *awsm.Trail) string { return t.ARN })
	l.inv.Trails = model.Known(trails, at(copies0File(copies, outs), "trailList"))
}

func copies0File(copies []trailCopy, outs []*regionOut) string {
	if len(copies) > 0 {
		return copies[0].src.File
	}
	for _, o := range outs {
		if o.trailsRead {
			return o.trailsAnswer.file
		}
	}
	return ""
}

func (l *loader) buildTrail(c trailCopy) *awsm.Trail {
	t, src := c.t, c.src
	home := t.HomeRegion
	if home == "" {
		home = c.region
	}
	arn := t.TrailARN
	if arn == "" {
		arn = l.regionalARN("cloudtrail", home, "trail/"+t.Name)
	}
	tr := &awsm.Trail{
		Identity: awsm.Identity{ARN: arn, ID: t.Name, Name: t.Name, Region: home, AccountID: l.account(),
			Partition: l.partition(), Source: src,
			Tags: notCollectedTags("not collected: cloudtrail list-tags is not part of the snapshot", src)},
		HomeRegion:          home,
		IsMultiRegion:       optBool(t.IsMultiRegionTrail, src.At("IsMultiRegionTrail")),
		IsOrganizationTrail: boolOr(t.IsOrganizationTrail, false, src.At("IsOrganizationTrail")),
		LogFileValidation:   optBool(t.LogFileValidationEnabled, src.At("LogFileValidationEnabled")),
		IncludeGlobalEvents: optBool(t.IncludeGlobalServiceEvents, src.At("IncludeGlobalServiceEvents")),
		// KmsKeyId and CloudWatchLogsLogGroupArn are omitted when unset.
		KMSKeyID:               strOr(t.KmsKeyID, "", src.At("KmsKeyId")),
		S3BucketName:           optStr(t.S3BucketName, src.At("S3BucketName")),
		CloudWatchLogsGroupARN: strOr(t.CloudWatchLogsLogGroupArn, "", src.At("CloudWatchLogsLogGroupArn")),
	}

	// Status.
	sa, region := l.fetchTrailCall(home, "get-trail-status", t.Name)
	var sv struct {
		IsLogging *bool `json:"IsLogging"`
	}
	if l.decode(&sa, &sv) {
		tr.IsLogging = optBool(sv.IsLogging, at(sa.file, "IsLogging"))
	} else {
		tr.IsLogging = unknown[bool](sa.reason(), sa.src())
	}
	l.done(region, "cloudtrail", "get-trail-status", &sa, false)

	// Event selectors: a trail has basic or advanced selectors; the other
	// kind is then known empty.
	ea, region := l.fetchTrailCall(home, "get-event-selectors", t.Name)
	var ev struct {
		EventSelectors []struct {
			ReadWriteType           string `json:"ReadWriteType"`
			IncludeManagementEvents *bool  `json:"IncludeManagementEvents"`
			DataResources           []struct {
				Type   string   `json:"Type"`
				Values []string `json:"Values"`
			} `json:"DataResources"`
		} `json:"EventSelectors"`
		AdvancedEventSelectors []struct {
			Name           string `json:"Name"`
			FieldSelectors []struct {
				Field         string   `json:"Field"`
				Equals        []string `json:"Equals"`
				NotEquals     []string `json:"NotEquals"`
				StartsWith    []string `json:"StartsWith"`
				NotStartsWith []string `json:"NotStartsWith"`
				EndsWith      []string `json:"EndsWith"`
				NotEndsWith   []string `json:"NotEndsWith"`
			} `json:"FieldSelectors"`
		} `json:"AdvancedEventSelectors"`
	}
	if l.decode(&ea, &ev) {
		basic := make([]awsm.EventSelector, 0, len(ev.EventSelectors))
		for i, s := range ev.EventSelectors {
			es := awsm.EventSelector{ReadWriteType: s.ReadWriteType,
				// IncludeManagementEvents defaults to true in the API.
				IncludeManagementEvents: s.IncludeManagementEvents == nil || *s.IncludeManagementEvents,
				Source:                  at(ea.file, idx("EventSelectors", i))}
			for _, d := range s.DataResources {
				es.DataResources = append(es.DataResources, awsm.DataResource{Type: d.Type, Values: d.Values})
			}
			basic = append(basic, es)
		}
		adv := make([]awsm.AdvancedEventSelector, 0, len(ev.AdvancedEventSelectors))
		for i, s := range ev.AdvancedEventSelectors {
			as := awsm.AdvancedEventSelector{Name: s.Name, Source: at(ea.file, idx("AdvancedEventSelectors", i))}
			for _, f := range s.FieldSelectors {
				as.FieldSelectors = append(as.FieldSelectors, awsm.FieldSelector{Field: f.Field, Equals: f.Equals,
					NotEquals: f.NotEquals, StartsWith: f.StartsWith, NotStartsWith: f.NotStartsWith,
					EndsWith: f.EndsWith, NotEndsWith: f.NotEndsWith})
			}
			adv = append(adv, as)
		}
		tr.EventSelectors = model.Known(basic, at(ea.file, "EventSelectors"))
		tr.AdvancedSelectors = model.Known(adv, at(ea.file, "AdvancedEventSelectors"))
	} else {
		tr.EventSelectors = unknown[[]awsm.EventSelector](ea.reason(), ea.src())
		tr.AdvancedSelectors = unknown[[]awsm.AdvancedEventSelector](ea.reason(), ea.src())
	}
	l.done(region, "cloudtrail", "get-event-selectors", &ea, false)
	return tr
}

// fetchTrailCall finds a per-trail call in the home region, else in any
// listed region. Copies in other regions are claimed so they are not
// reported as unknown files. It returns the answer and the region used.
func (l *loader) fetchTrailCall(home, op, name string) (answer, string) {
	base := func(r string) string { return r + "/cloudtrail/" + op + "/" + name }
	found := l.fetch(base(home))
	region := home
	for _, r := range l.inv.RegionNames {
		if r == home {
			continue
		}
		if found.kind == ansMissing {
			if a := l.fetch(base(r)); a.kind != ansMissing {
				found, region = a, r
			}
			continue
		}
		l.claim(base(r) + ".json")
		l.claim(base(r) + ".error.json")
	}
	return found, region
}
