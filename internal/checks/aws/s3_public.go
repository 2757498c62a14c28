package aws

import (
	"fmt"
	"strings"

	"github.com/cloudward/cloudward/internal/check"
	"github.com/cloudward/cloudward/internal/model"
	awsm "github.com/cloudward/cloudward/internal/model/aws"
)

// S3 ACL group grantees that make a bucket public: everyone, and every
// authenticated AWS principal of any account.
const (
	expAllUsersURI           = "http://acs.amazonaws.com/groups/global/AllUsers"
	expAuthenticatedUsersURI = "http://acs.amazonaws.com/groups/global/AuthenticatedUsers"
)

// s3BucketPublicPolicy fails when a bucket policy grants access to everyone
// and neither the bucket's nor the account's Block Public Access restricts it.
var s3BucketPublicPolicy = check.AWS(check.Meta{
	ID:           "aws-s3-bucket-public-policy",
	Title:        "S3 bucket policy grants public access",
	Severity:     check.Critical,
	Domain:       check.Exposure,
	Service:      "s3",
	ResourceType: awsm.TypeBucket,
	Rationale: "A bucket policy statement that allows Principal \"*\" without a condition restricting the caller " +
		"(source VPC endpoint, source account, organization, IP range) lets anyone on the internet use the granted actions; " +
		"public buckets are the most common source of large data leaks. RestrictPublicBuckets (bucket or account level) " +
		"limits such a policy to AWS service principals and the bucket owner's account.",
	Remediation: check.Remediation{
		Console: "S3 console > the bucket > Permissions > Bucket policy > Edit: remove the statements with Principal \"*\" " +
			"or add a condition (aws:SourceVpce, aws:PrincipalOrgID, aws:SourceAccount); then Permissions > Block public access > " +
			"Edit: turn on all four settings. To serve content publicly use CloudFront with origin access control.",
		CLI: "aws s3api put-public-access-block --bucket <bucket> " +
			"--public-access-block-configuration BlockPublicAcls=true,IgnorePublicAcls=true,BlockPublicPolicy=true,RestrictPublicBuckets=true",
		Terraform: "resource \"aws_s3_bucket_public_access_block\" \"this\" {\n  bucket                  = aws_s3_bucket.this.id\n" +
			"  block_public_acls       = true\n  ignore_public_acls      = true\n" +
			"  block_public_policy     = true\n  restrict_public_buckets = true\n}",
	},
	References: []string{
		"https://docs.aws.amazon.com/AmazonS3/latest/userguide/access-control-block-public-access.html#access-control-block-public-access-policy-status",
		"https://docs.aws.amazon.com/AmazonS3/latest/userguide/bucket-policies.html",
	},
}, expBucketList, func(env *check.Env, b *awsm.Bucket) check.Result {
	return expBucketPolicyPublic(b, expAccountPAB(env.AWS))
})

// s3BucketPublicACL fails when a bucket ACL grants AllUsers or
// AuthenticatedUsers and IgnorePublicAcls is off at both levels.
var s3BucketPublicACL = check.AWS(check.Meta{
	ID:           "aws-s3-bucket-public-acl",
	Title:        "S3 bucket ACL grants access to all users or all authenticated AWS users",
	Severity:     check.High,
	Domain:       check.Exposure,
	Service:      "s3",
	ResourceType: awsm.TypeBucket,
	Rationale: "An ACL grant to the AllUsers group gives anyone on the internet the granted permission; a grant to " +
		"AuthenticatedUsers gives it to any AWS account in the world, not only yours. IgnorePublicAcls (bucket or account " +
		"level) makes S3 ignore such grants.",
	Remediation: check.Remediation{
		Console: "S3 console > the bucket > Permissions > Object Ownership > Edit: choose \"ACLs disabled (Bucket owner enforced)\"; " +
			"or Access control list > Edit: remove the Everyone and Authenticated users group grants. Then turn on Block public access.",
		CLI: "aws s3api put-bucket-acl --bucket <bucket> --acl private && " +
			"aws s3api put-bucket-ownership-controls --bucket <bucket> --ownership-controls 'Rules=[{ObjectOwnership=BucketOwnerEnforced}]'",
		Terraform: "resource \"aws_s3_bucket_ownership_controls\" \"this\" {\n  bucket = aws_s3_bucket.this.id\n" +
			"  rule {\n    object_ownership = \"BucketOwnerEnforced\" # disables ACLs\n  }\n}",
	},
	References: []string{
		"https://docs.aws.amazon.com/AmazonS3/latest/userguide/acl-overview.html#specifying-grantee-predefined-groups",
		"https://docs.aws.amazon.com/AmazonS3/latest/userguide/about-object-ownership.html",
		"https://docs.aws.amazon.com/AmazonS3/latest/userguide/access-control-block-public-access.html",
	},
}, expBucketList, func(env *check.Env, b *awsm.Bucket) check.Result {
	return expBucketACLPublic(b, expAccountPAB(env.AWS))
})

func expBucketList(inv *awsm.Inventory) []*awsm.Bucket { return inv.Buckets }

// expAccountPAB returns the account-level Block Public Access; all unknown
// when the inventory has no account data.
func expAccountPAB(inv *awsm.Inventory) awsm.PublicAccessBlock {
	if inv != nil && inv.IaC && inv.Account == nil {
		return iacUndeclaredAccountPAB
	}
	if inv == nil || inv.Account == nil {
		return awsm.PublicAccessBlock{}
	}
	return inv.Account.S3PublicAccessBlock
}

// iacUndeclaredAccountPAB is the account-level Block Public Access of an IaC
// scan that does not declare it (docs/iac.md): it is set outside the
// configuration, so it stays unknown and a bucket that opens itself to the
// public is UNKNOWN, never FAIL (it may be blocked) nor PASS.
var iacUndeclaredAccountPAB = func() awsm.PublicAccessBlock {
	u := model.Unknown[bool]("not declared in the scanned code (Terraform: aws_s3_account_public_access_block; "+
		"CloudFormation has no such resource): it is set on the account, outside this code", model.Source{})
	return awsm.PublicAccessBlock{Configured: u, BlockPublicAcls: u, IgnorePublicAcls: u, BlockPublicPolicy: u, RestrictPublicBuckets: u}
}()

// expEffective combines a bucket-level and an account-level Block Public
// Access setting. S3 applies the most restrictive of the two, so one known
// "on" is enough; "off" needs both known off. level names where the answer
// came from ("bucket", "account"), for evidence.
func expEffective(bucket, account model.Bool) (v model.Bool, level string) {
	switch {
	case model.IsTrue(bucket):
		return bucket, "bucket"
	case model.IsTrue(account):
		return account, "account"
	case !bucket.Known():
		return bucket, "bucket"
	case !account.Known():
		return account, "account"
	}
	return bucket, "bucket"
}

// expPublicStatement reports whether an Allow statement applies to anyone:
// Principal "*" / {"AWS": "*"}, or NotPrincipal (everyone but a few),
// without a condition narrowing the caller.
func expPublicStatement(st awsm.Statement) bool {
	if !st.IsAllow() {
		return false
	}
	if !st.Principal.IsEveryone() && st.NotPrincipal == nil {
		return false
	}
	return !policyConditionRestricts(st)
}

func expBucketPolicyPublic(b *awsm.Bucket, account awsm.PublicAccessBlock) check.Result {
	restrict, level := expEffective(b.PublicAccessBlock.RestrictPublicBuckets, account.RestrictPublicBuckets)
	doc, known := b.Policy.Get()
	if !known {
		// Whatever the policy says, RestrictPublicBuckets on makes it non-public.
		if model.IsTrue(restrict) {
			return check.PassResult("public access through the bucket policy is restricted by "+level+"-level RestrictPublicBuckets",
				check.Ev(restrict.Source(), "RestrictPublicBuckets is on at the %s level; bucket policy: %s", level, b.Policy.Reason()))
		}
		return check.UnknownOf("bucket policy", b.Policy)
	}
	if doc == nil {
		return check.PassResult("bucket has no bucket policy")
	}
	first := -1
	for i := range doc.Statements {
		if expPublicStatement(doc.Statements[i]) {
			first = i
			break
		}
	}
	if first < 0 {
		return check.PassResult("no bucket policy statement grants access to everyone without a restricting condition")
	}
	var ev []check.Evidence
	for _, st := range doc.Statements[first:] {
		if expPublicStatement(st) {
			ev = append(ev, check.Ev(doc.Source.At(fmt.Sprintf("Statement[%d]", st.Index)),
				"statement %s allows everyone: %s", expStatementName(st), st))
		}
	}
	switch {
	case model.IsTrue(restrict):
		ev = append(ev, check.Ev(restrict.Source(), "RestrictPublicBuckets is on at the %s level: only AWS service principals and this account can use these statements", level))
		return check.PassResult("the bucket policy grants public access but "+level+"-level RestrictPublicBuckets restricts it", ev...)
	case !restrict.Known():
		ev = append(ev, check.Ev(restrict.Source(), "%s-level RestrictPublicBuckets: %s", level, restrict.Reason()))
		return check.UnknownResult("the bucket policy grants public access; whether Block Public Access restricts it is unknown: "+
			level+"-level RestrictPublicBuckets "+restrict.Reason(), ev...)
	}
	ev = append(ev, expOffEvidence(b.PublicAccessBlock, b.PublicAccessBlock.RestrictPublicBuckets, "RestrictPublicBuckets", "bucket"),
		expOffEvidence(account, account.RestrictPublicBuckets, "RestrictPublicBuckets", "account"))
	return check.FailResult("the bucket policy grants access to everyone and Block Public Access does not restrict it", ev...)
}

func expBucketACLPublic(b *awsm.Bucket, account awsm.PublicAccessBlock) check.Result {
	ignore, level := expEffective(b.PublicAccessBlock.IgnorePublicAcls, account.IgnorePublicAcls)
	grants, known := b.ACL.Get()
	if !known {
		// Whatever the ACL says, IgnorePublicAcls on makes S3 ignore public grants.
		if model.IsTrue(ignore) {
			return check.PassResult("public ACL grants are ignored because of "+level+"-level IgnorePublicAcls",
				check.Ev(ignore.Source(), "IgnorePublicAcls is on at the %s level; bucket ACL: %s", level, b.ACL.Reason()))
		}
		return check.UnknownOf("bucket ACL", b.ACL)
	}
	first := -1
	for i := range grants {
		if expPublicGrantee(grants[i].URI) != "" {
			first = i
			break
		}
	}
	if first < 0 {
		return check.PassResult("the bucket ACL grants nothing to AllUsers or AuthenticatedUsers")
	}
	var ev []check.Evidence
	for _, g := range grants[first:] {
		if who := expPublicGrantee(g.URI); who != "" {
			src := g.Source
			if src.IsZero() {
				src = b.ACL.Source()
			}
			ev = append(ev, check.Ev(src, "grant %s to %s (%s)", g.Permission, who, g.URI))
		}
	}
	switch {
	case model.IsTrue(ignore):
		ev = append(ev, check.Ev(ignore.Source(), "IgnorePublicAcls is on at the %s level: S3 ignores these grants", level))
		return check.PassResult("the bucket ACL has public grants but "+level+"-level IgnorePublicAcls makes S3 ignore them", ev...)
	case !ignore.Known():
		ev = append(ev, check.Ev(ignore.Source(), "%s-level IgnorePublicAcls: %s", level, ignore.Reason()))
		return check.UnknownResult("the bucket ACL has public grants; whether Block Public Access ignores them is unknown: "+
			level+"-level IgnorePublicAcls "+ignore.Reason(), ev...)
	}
	ev = append(ev, expOffEvidence(b.PublicAccessBlock, b.PublicAccessBlock.IgnorePublicAcls, "IgnorePublicAcls", "bucket"),
		expOffEvidence(account, account.IgnorePublicAcls, "IgnorePublicAcls", "account"))
	return check.FailResult("the bucket ACL grants access to all users or all authenticated AWS users", ev...)
}

// expOffEvidence says that a Block Public Access setting is off at a level,
// and why: set to false, or no configuration at all.
func expOffEvidence(pab awsm.PublicAccessBlock, setting model.Bool, name, level string) check.Evidence {
	if model.IsFalse(pab.Configured) {
		return check.Ev(setting.Source(), "%s is off at the %s level (no Block Public Access configuration)", name, level)
	}
	return check.Ev(setting.Source(), "%s is off at the %s level", name, level)
}

// expPublicGrantee names a public ACL group grantee, or returns "".
func expPublicGrantee(uri string) string {
	// AWS writes these URIs with http://; tolerate https:// from other tools.
	if rest, ok := strings.CutPrefix(uri, "https://"); ok {
		uri = "http://" + rest
	}
	switch uri {
	case expAllUsersURI:
		return "AllUsers"
	case expAuthenticatedUsersURI:
		return "AuthenticatedUsers"
	}
	return ""
}

// expStatementName names a statement for evidence: its Sid, or its index.
func expStatementName(st awsm.Statement) string {
	if st.Sid != "" {
		return fmt.Sprintf("%q", st.Sid)
	}
	return fmt.Sprintf("#%d", st.Index)
}
