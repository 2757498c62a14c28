package terraform

import (
	"fmt"
	"time"

	"github.com/zclconf/go-cty/cty"
	ctyjson "github.com/zclconf/go-cty/cty/json"

	"github.com/cloudward/cloudward/internal/model"
	awsm "github.com/cloudward/cloudward/internal/model/aws"
)

const (
	allUsersURI       = "http://acs.amazonaws.com/groups/global/AllUsers"
	authUsersURI      = "http://acs.amazonaws.com/groups/global/AuthenticatedUsers"
	logDeliveryURI    = "http://acs.amazonaws.com/groups/s3/LogDelivery"
	defaultSSE        = "AES256"
	bucketNameLater   = "the bucket name is chosen at apply (no bucket attribute)"
	ownerAfterApply   = "the owner is known only after apply"
	createdAfterApply = "the creation date is known only after apply"
)

// bucket maps aws_s3_bucket with the defaults AWS applies to a new bucket:
// Block Public Access all on and SSE-S3 default encryption (both AWS
// defaults for new buckets since 2023), no policy, a private ACL,
// versioning and logging off. Companions and legacy inline arguments
// override them.
func (m *mapper) bucket(in *instance) {
	r := m.reader(in)
	name := r.strAbsent("bucket", bucketNameLater)
	n, _ := name.Get()
	b := &awsm.Bucket{Identity: m.identity(in, n)}
	if n != "" {
		b.ARN = "arn:aws:s3:::" + n
	}
	blk := r.block()
	on := model.Known(true, blk)
	b.PublicAccessBlock = awsm.PublicAccessBlock{Configured: on, BlockPublicAcls: on, IgnorePublicAcls: on,
		BlockPublicPolicy: on, RestrictPublicBuckets: on}
	b.Encryption = model.Known(&awsm.BucketEncryption{SSEAlgorithm: defaultSSE, Source: blk}, blk)
	b.Policy = model.Known[*awsm.PolicyDocument](nil, blk)
	b.ACL = model.Known(cannedGrants("private", blk), blk)
	b.Versioning = model.Known("", blk)
	b.MFADelete = model.Known("", blk)
	b.LoggingTarget = model.Known("", blk)
	b.Owner = model.Unknown[string](ownerAfterApply, blk)
	b.CreationDate = awsm.Time(model.Unknown[time.Time](createdAfterApply, blk))

	// Inline arguments of AWS provider v3 (deprecated, still common).
	if r.has("policy") {
		b.Policy = m.policy(r, "policy")
	}
	if r.has("acl") {
		b.ACL = aclValue(r.str("acl", "private"))
	}
	if v, ok, reason := r.first("versioning"); ok {
		b.Versioning = enabledString(v.boolean("enabled", false), "Enabled", "Suspended")
		b.MFADelete = enabledString(v.boolean("mfa_delete", false), "Enabled", "Disabled")
	} else if reason != "" {
		b.Versioning = model.Unknown[string](reason, blk)
	}
	if lg, ok, reason := r.first("logging"); ok {
		b.LoggingTarget = lg.str("target_bucket", "")
	} else if reason != "" {
		b.LoggingTarget = model.Unknown[string](reason, blk)
	}
	if sse, ok, reason := r.first("server_side_encryption_configuration"); ok {
		b.Encryption = sseValue(sse)
	} else if reason != "" {
		b.Encryption = model.Unknown[*awsm.BucketEncryption](reason, blk)
	}
	m.inv.Buckets = append(m.inv.Buckets, b)
	m.buckets[in.key] = b
	m.remember(in, "bucket", n)
}

func enabledString(v model.Bool, on, off string) model.String {
	b, ok := v.Get()
	if !ok {
		return model.Unknown[string](v.Reason(), v.Source())
	}
	if b {
		return model.Known(on, v.Source())
	}
	return model.Known(off, v.Source())
}

// sseValue reads a server_side_encryption_configuration body (inline or
// the aws_s3_bucket_server_side_encryption_configuration resource).
func sseValue(sse rd) model.Value[*awsm.BucketEncryption] {
	rule, ok, reason := sse.first("rule")
	if !ok {
		if reason != "" {
			return model.Unknown[*awsm.BucketEncryption](reason, sse.block())
		}
		return model.Known[*awsm.BucketEncryption](nil, sse.block())
	}
	def, ok, reason := rule.first("apply_server_side_encryption_by_default")
	if !ok {
		if reason != "" {
			return model.Unknown[*awsm.BucketEncryption](reason, rule.block())
		}
		return model.Known[*awsm.BucketEncryption](nil, rule.block())
	}
	alg := def.strAbsent("sse_algorithm", "sse_algorithm is not set")
	a, known := alg.Get()
	if !known {
		return model.Unknown[*awsm.BucketEncryption](alg.Reason(), alg.Source())
	}
	enc := &awsm.BucketEncryption{SSEAlgorithm: a, KMSMasterKeyID: def.plain("kms_master_key_id"),
		BucketKeyEnabled: rule.boolean("bucket_key_enabled", false).Or(false), Source: def.block()}
	return model.Known(enc, def.block())
}

// cannedGrants expands a canned ACL into the grants S3 applies.
func cannedGrants(acl string, src model.Source) []awsm.Grant {
	owner := awsm.Grant{GranteeType: "CanonicalUser", DisplayName: "owner", Permission: "FULL_CONTROL", Source: src}
	group := func(uri, perm string) awsm.Grant {
		return awsm.Grant{GranteeType: "Group", URI: uri, Permission: perm, Source: src}
	}
	switch acl {
	case "public-read":
		return []awsm.Grant{owner, group(allUsersURI, "READ")}
	case "public-read-write":
		return []awsm.Grant{owner, group(allUsersURI, "READ"), group(allUsersURI, "WRITE")}
	case "authenticated-read":
		return []awsm.Grant{owner, group(authUsersURI, "READ")}
	case "log-delivery-write":
		return []awsm.Grant{owner, group(logDeliveryURI, "WRITE"), group(logDeliveryURI, "READ_ACP")}
	}
	return []awsm.Grant{owner}
}

func aclValue(acl model.String) model.Value[[]awsm.Grant] {
	a, ok := acl.Get()
	if !ok {
		return model.Unknown[[]awsm.Grant](acl.Reason(), acl.Source())
	}
	return model.Known(cannedGrants(a, acl.Source()), acl.Source())
}

// policy reads a policy attribute (jsonencode(...), a heredoc, or a data
// source's json) into a document. An unknown policy stays unknown; an
// invalid one is unknown and reported.
func (m *mapper) policy(r rd, name string) awsm.Policy {
	v, reason, ok := r.raw(name)
	src := r.src(name)
	switch {
	case !ok:
		return model.Known[*awsm.PolicyDocument](nil, r.block())
	case reason != "":
		return model.Unknown[*awsm.PolicyDocument](reason, src)
	}
	var data []byte
	if v.Type() == cty.String {
		data = []byte(v.AsString())
	} else {
		b, err := ctyjson.Marshal(v, v.Type())
		if err != nil {
			return model.Unknown[*awsm.PolicyDocument](name+" is not a policy document", src)
		}
		data = b
	}
	doc, err := awsm.ParsePolicy(data, src)
	if err != nil {
		m.l.warn(r.inst.decl.Filename, src.StartLine, 0, fmt.Sprintf("%s: %s is not a valid policy document: %v", r.inst.addr, name, err))
		return model.Unknown[*awsm.PolicyDocument](name+" is not a valid policy document: "+err.Error(), src)
	}
	return model.Known(doc, src)
}

// bucketCompanion applies an aws_s3_bucket_* resource to its bucket.
func (m *mapper) bucketCompanion(in *instance) {
	r := m.reader(in)
	key, ok := m.find(r, "bucket", "bucket", has(m.buckets))
	if !ok {
		return
	}
	b := m.buckets[key]
	switch in.typ {
	case "aws_s3_bucket_policy":
		b.Policy = m.policy(r, "policy")
	case "aws_s3_bucket_public_access_block":
		b.PublicAccessBlock = awsm.PublicAccessBlock{Configured: model.Known(true, r.block()),
			BlockPublicAcls: r.boolean("block_public_acls", false), IgnorePublicAcls: r.boolean("ignore_public_acls", false),
			BlockPublicPolicy: r.boolean("block_public_policy", false), RestrictPublicBuckets: r.boolean("restrict_public_buckets", false)}
	case "aws_s3_bucket_server_side_encryption_configuration":
		b.Encryption = sseValue(r)
	case "aws_s3_bucket_versioning":
		vc, ok, reason := r.first("versioning_configuration")
		switch {
		case ok:
			b.Versioning = vc.str("status", "")
			if s, known := b.Versioning.Get(); known && s == "Disabled" {
				b.Versioning = model.Known("", b.Versioning.Source())
			}
			b.MFADelete = vc.str("mfa_delete", "")
		case reason != "":
			b.Versioning = model.Unknown[string](reason, r.block())
		}
	case "aws_s3_bucket_logging":
		b.LoggingTarget = r.str("target_bucket", "")
	case "aws_s3_bucket_acl":
		if r.has("acl") {
			b.ACL = aclValue(r.str("acl", "private"))
			return
		}
		acp, ok, reason := r.first("access_control_policy")
		switch {
		case reason != "":
			b.ACL = model.Unknown[[]awsm.Grant](reason, r.block())
		case ok:
			b.ACL = grantsOf(acp)
		}
	}
}

// grantsOf reads access_control_policy { grant { grantee {...} permission } }.
func grantsOf(acp rd) model.Value[[]awsm.Grant] {
	gs, reason := acp.blocks("grant")
	if reason != "" {
		return model.Unknown[[]awsm.Grant](reason, acp.block())
	}
	var out []awsm.Grant
	for _, g := range gs {
		ge, _, reason := g.first("grantee")
		if reason != "" {
			return model.Unknown[[]awsm.Grant](reason, g.block())
		}
		typ, uri := ge.str("type", ""), ge.str("uri", "")
		if !typ.Known() || !uri.Known() {
			return model.Unknown[[]awsm.Grant](typ.Reason()+uri.Reason(), g.block())
		}
		out = append(out, awsm.Grant{GranteeType: typ.Or(""), URI: uri.Or(""), ID: ge.plain("id"),
			DisplayName: ge.plain("display_name"), Permission: g.plain("permission"), Source: g.block()})
	}
	return model.Known(out, acp.block())
}
