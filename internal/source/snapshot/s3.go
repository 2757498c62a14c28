package snapshot

import (
	"encoding/json"

	"github.com/cloudward/cloudward/internal/model"
	awsm "github.com/cloudward/cloudward/internal/model/aws"
)

// bucketOps are the per-bucket calls, stored under global/s3api/<op>/<bucket>.json.
var bucketOps = []string{
	"get-bucket-location", "get-bucket-policy", "get-bucket-acl", "get-public-access-block",
	"get-bucket-encryption", "get-bucket-versioning", "get-bucket-logging", "get-bucket-tagging",
}

type listBucketsJSON struct {
	Buckets []struct {
		Name         string `json:"Name"`
		CreationDate string `json:"CreationDate"`
		BucketRegion string `json:"BucketRegion"`
	} `json:"Buckets"`
	Owner *struct {
		ID string `json:"ID"`
	} `json:"Owner"`
}

func (l *loader) loadBuckets() {
	a := l.fetch("global/s3api/list-buckets")
	var v listBucketsJSON
	ok := l.decode(&a, &v)
	l.done(global, "s3api", "list-buckets", &a, false)
	if !ok {
		// Without the list there are no buckets to ask about; the coverage
		// entry and any warning say so.
		for _, op := range bucketOps {
			l.coverNone(global, "s3api", op)
		}
		return
	}
	buckets := make([]*awsm.Bucket, len(v.Buckets))
	l.parallel(len(v.Buckets), func(i int) {
		b := v.Buckets[i]
		src := at(a.file, idx("Buckets", i))
		bucket := &awsm.Bucket{
			Identity: awsm.Identity{
				ARN: "arn:" + l.partition() + ":s3:::" + b.Name, ID: b.Name, Name: b.Name,
				Region: b.BucketRegion, AccountID: l.account(), Partition: l.partition(), Source: src,
			},
			CreationDate: l.optTime(b.CreationDate, src.At("CreationDate")),
		}
		if v.Owner != nil {
			bucket.Owner = model.Known(v.Owner.ID, at(a.file, "Owner.ID"))
		} else {
			bucket.Owner = unknown[string]("Owner absent from "+a.file, at(a.file, "Owner"))
		}
		l.loadBucket(bucket)
		buckets[i] = bucket
	})
	if len(v.Buckets) == 0 {
		for _, op := range bucketOps {
			l.coverNone(global, "s3api", op)
		}
	}
	sortByARN(buckets, func(b *awsm.Bucket) string { return b.ARN })
	l.inv.Buckets = buckets
}

// loadBucket reads the per-bucket calls of one bucket.
func (l *loader) loadBucket(b *awsm.Bucket) {
	base := func(op string) string { return "global/s3api/" + op + "/" + b.Name }
	done := func(a *answer, op string, meaningful bool) { l.done(global, "s3api", op, a, meaningful) }

	// Location. LocationConstraint null or "" is us-east-1; "EU" is the
	// legacy name of eu-west-1.
	{
		a := l.fetch(base("get-bucket-location"))
		var v struct {
			LocationConstraint *string `json:"LocationConstraint"`
		}
		if l.decode(&a, &v) {
			switch r := v.LocationConstraint; {
			case r == nil || *r == "":
				b.Region = "us-east-1"
			case *r == "EU":
				b.Region = "eu-west-1"
			default:
				b.Region = *r
			}
		}
		done(&a, "get-bucket-location", false)
	}

	// Policy: NoSuchBucketPolicy is a known "no policy".
	{
		a := l.fetch(base("get-bucket-policy"))
		var v struct {
			Policy json.RawMessage `json:"Policy"`
		}
		none := a.kind == ansAWS && a.code == "NoSuchBucketPolicy"
		switch {
		case none:
			b.Policy = model.Known[*awsm.PolicyDocument](nil, a.src())
		case l.decode(&a, &v):
			b.Policy = l.policy(v.Policy, at(a.file, "Policy"))
		default:
			b.Policy = unknown[*awsm.PolicyDocument](a.reason(), a.src())
		}
		done(&a, "get-bucket-policy", none)
	}

	// ACL.
	{
		a := l.fetch(base("get-bucket-acl"))
		var v struct {
			Owner *struct {
				ID string `json:"ID"`
			} `json:"Owner"`
			Grants []struct {
				Grantee struct {
					Type         string `json:"Type"`
					ID           string `json:"ID"`
					URI          string `json:"URI"`
					DisplayName  string `json:"DisplayName"`
					EmailAddress string `json:"EmailAddress"`
				} `json:"Grantee"`
				Permission string `json:"Permission"`
			} `json:"Grants"`
		}
		if l.decode(&a, &v) {
			grants := make([]awsm.Grant, 0, len(v.Grants))
			for i, g := range v.Grants {
				grants = append(grants, awsm.Grant{
					GranteeType: g.Grantee.Type, ID: g.Grantee.ID, URI: g.Grantee.URI,
					DisplayName: g.Grantee.DisplayName, Permission: g.Permission,
					Source: at(a.file, idx("Grants", i)),
				})
			}
			b.ACL = model.Known(grants, at(a.file, "Grants"))
			if v.Owner != nil {
				b.Owner = model.Known(v.Owner.ID, at(a.file, "Owner.ID"))
			}
		} else {
			b.ACL = unknown[[]awsm.Grant](a.reason(), a.src())
		}
		done(&a, "get-bucket-acl", false)
	}

	b.PublicAccessBlock = l.loadPublicAccessBlock(global, "s3api", "get-public-access-block", base("get-public-access-block"))

	// Default encryption: ServerSideEncryptionConfigurationNotFoundError is
	// a known "none" (buckets created before January 2023 may have none).
	{
		a := l.fetch(base("get-bucket-encryption"))
		var v struct {
			ServerSideEncryptionConfiguration *struct {
				Rules []struct {
					ApplyServerSideEncryptionByDefault *struct {
						SSEAlgorithm   string `json:"SSEAlgorithm"`
						KMSMasterKeyID string `json:"KMSMasterKeyID"`
					} `json:"ApplyServerSideEncryptionByDefault"`
					BucketKeyEnabled bool `json:"BucketKeyEnabled"`
				} `json:"Rules"`
			} `json:"ServerSideEncryptionConfiguration"`
		}
		none := a.kind == ansAWS && a.code == "ServerSideEncryptionConfigurationNotFoundError"
		switch {
		case none:
			b.Encryption = model.Known[*awsm.BucketEncryption](nil, a.src())
		case l.decode(&a, &v):
			var enc *awsm.BucketEncryption
			if c := v.ServerSideEncryptionConfiguration; c != nil {
				for i, r := range c.Rules {
					if d := r.ApplyServerSideEncryptionByDefault; d != nil {
						enc = &awsm.BucketEncryption{SSEAlgorithm: d.SSEAlgorithm, KMSMasterKeyID: d.KMSMasterKeyID,
							BucketKeyEnabled: r.BucketKeyEnabled, Source: at(a.file, "ServerSideEncryptionConfiguration."+idx("Rules", i))}
						break
					}
				}
			}
			b.Encryption = model.Known(enc, at(a.file, "ServerSideEncryptionConfiguration"))
		default:
			b.Encryption = unknown[*awsm.BucketEncryption](a.reason(), a.src())
		}
		done(&a, "get-bucket-encryption", none)
	}

	// Versioning: the CLI prints nothing for a never-versioned bucket.
	{
		a := l.fetch(base("get-bucket-versioning"))
		var v struct {
			Status    *string `json:"Status"`
			MFADelete *string `json:"MFADelete"`
		}
		if l.decodeEmptyOK(&a, &v) {
			b.Versioning = strOr(v.Status, "", at(a.file, "Status"))
			b.MFADelete = strOr(v.MFADelete, "", at(a.file, "MFADelete"))
		} else {
			b.Versioning = unknown[string](a.reason(), a.src())
			b.MFADelete = unknown[string](a.reason(), a.src())
		}
		done(&a, "get-bucket-versioning", false)
	}

	// Server access logging: the CLI prints nothing when it is off.
	{
		a := l.fetch(base("get-bucket-logging"))
		var v struct {
			LoggingEnabled *struct {
				TargetBucket string `json:"TargetBucket"`
			} `json:"LoggingEnabled"`
		}
		switch {
		case !l.decodeEmptyOK(&a, &v):
			b.LoggingTarget = unknown[string](a.reason(), a.src())
		case v.LoggingEnabled == nil:
			b.LoggingTarget = model.Known("", at(a.file, "LoggingEnabled"))
		default:
			b.LoggingTarget = model.Known(v.LoggingEnabled.TargetBucket, at(a.file, "LoggingEnabled.TargetBucket"))
		}
		done(&a, "get-bucket-logging", false)
	}

	// Tags (the IAM analysis looks for data classification tags):
	// NoSuchTagSet is a known "no tags".
	{
		a := l.fetch(base("get-bucket-tagging"))
		var v struct {
			TagSet []tag `json:"TagSet"`
		}
		none := a.kind == ansAWS && a.code == "NoSuchTagSet"
		switch {
		case none:
			b.Tags = model.Known(map[string]string{}, a.src())
		case l.decode(&a, &v):
			b.Tags = tagsOf(v.TagSet, at(a.file, "TagSet"))
		default:
			b.Tags = notCollectedTags(a.reason(), a.src())
		}
		done(&a, "get-bucket-tagging", none)
	}
}
