package aws

import (
	"strconv"
	"strings"

	"github.com/cloudward/cloudward/internal/check"
	awsm "github.com/cloudward/cloudward/internal/model/aws"
)

var s3DefaultEncryptionMissing = check.AWS(check.Meta{
	ID:           "aws-s3-bucket-default-encryption-missing",
	Title:        "S3 bucket has no default encryption configuration",
	Severity:     check.Medium,
	Domain:       check.Encryption,
	Service:      "s3",
	ResourceType: awsm.TypeBucket,
	Rationale: "A default encryption configuration states how objects are encrypted at rest when the writer asks for nothing. " +
		"Since January 2023 Amazon S3 applies SSE-S3 to every new object and get-bucket-encryption reports that configuration, " +
		"so a bucket for which AWS answers ServerSideEncryptionConfigurationNotFoundError (no configuration in the snapshot) " +
		"predates that change in an unusual state, or the snapshot was edited: it fails here. Choosing SSE-KMS with a customer " +
		"managed key adds a key policy and CloudTrail records of every decrypt.",
	Remediation: check.Remediation{
		Console: "S3 console > the bucket > Properties > Default encryption > Edit: choose SSE-KMS (with a customer managed key) " +
			"or SSE-S3, enable Bucket Key for SSE-KMS, Save.",
		CLI: "aws s3api put-bucket-encryption --bucket example-bucket --server-side-encryption-configuration " +
			"'{\"Rules\":[{\"ApplyServerSideEncryptionByDefault\":{\"SSEAlgorithm\":\"aws:kms\",\"KMSMasterKeyID\":\"alias/s3-data\"},\"BucketKeyEnabled\":true}]}'",
		Terraform: "resource \"aws_s3_bucket_server_side_encryption_configuration\" \"this\" {\n  bucket = aws_s3_bucket.this.id\n" +
			"  rule {\n    apply_server_side_encryption_by_default {\n      sse_algorithm     = \"aws:kms\"\n" +
			"      kms_master_key_id = aws_kms_key.s3.arn\n    }\n    bucket_key_enabled = true\n  }\n}",
	},
	References: []string{
		"https://docs.aws.amazon.com/AmazonS3/latest/userguide/default-bucket-encryption.html",
		"https://docs.aws.amazon.com/AmazonS3/latest/userguide/default-encryption-faq.html",
	},
	Frameworks: map[string][]string{},
}, encBuckets, evalS3DefaultEncryption)

func encBuckets(inv *awsm.Inventory) []*awsm.Bucket { return inv.Buckets }

func evalS3DefaultEncryption(_ *check.Env, b *awsm.Bucket) check.Result {
	enc, ok := b.Encryption.Get()
	switch {
	case !ok:
		return check.UnknownOf("default encryption", b.Encryption)
	case enc != nil:
		return check.PassResult("the bucket has a default encryption configuration")
	}
	return check.FailResult("the bucket has no default encryption configuration",
		check.Ev(b.Encryption.Source(), "get-bucket-encryption answered ServerSideEncryptionConfigurationNotFoundError for %s", b.Name))
}

var s3TLSNotEnforced = check.AWS(check.Meta{
	ID:           "aws-s3-bucket-tls-not-enforced",
	Title:        "S3 bucket policy does not deny requests without TLS",
	Severity:     check.Medium,
	Domain:       check.Encryption,
	Service:      "s3",
	ResourceType: awsm.TypeBucket,
	Rationale: "S3 accepts plain HTTP requests unless the bucket policy denies them. Without a Deny on aws:SecureTransport \"false\" " +
		"for everyone, a misconfigured client or SDK endpoint can send credentials-signed requests and object data in clear text, " +
		"open to interception and tampering on the network path.",
	Remediation: check.Remediation{
		Console: "S3 console > the bucket > Permissions > Bucket policy > Edit: add a statement with Effect Deny, Principal \"*\", " +
			"Action \"s3:*\", Resource the bucket ARN and the bucket ARN followed by /*, and Condition {\"Bool\": {\"aws:SecureTransport\": \"false\"}}. " +
			"Keep the existing statements.",
		CLI: "aws s3api put-bucket-policy --bucket example-bucket --policy '{\"Version\":\"2012-10-17\",\"Statement\":[{\"Sid\":\"DenyInsecureTransport\"," +
			"\"Effect\":\"Deny\",\"Principal\":\"*\",\"Action\":\"s3:*\",\"Resource\":[\"arn:aws:s3:::example-bucket\",\"arn:aws:s3:::example-bucket/*\"]," +
			"\"Condition\":{\"Bool\":{\"aws:SecureTransport\":\"false\"}}}]}'  # merge with the bucket's existing statements",
		Terraform: "data \"aws_iam_policy_document\" \"tls_only\" {\n  statement {\n    sid     = \"DenyInsecureTransport\"\n    effect  = \"Deny\"\n" +
			"    actions = [\"s3:*\"]\n    resources = [aws_s3_bucket.this.arn, \"${aws_s3_bucket.this.arn}/*\"]\n" +
			"    principals {\n      type        = \"*\"\n      identifiers = [\"*\"]\n    }\n" +
			"    condition {\n      test     = \"Bool\"\n      variable = \"aws:SecureTransport\"\n      values   = [\"false\"]\n    }\n  }\n}\n" +
			"resource \"aws_s3_bucket_policy\" \"this\" {\n  bucket = aws_s3_bucket.this.id\n  policy = data.aws_iam_policy_document.tls_only.json\n}",
	},
	References: []string{
		"https://docs.aws.amazon.com/AmazonS3/latest/userguide/security-best-practices.html",
		"https://repost.aws/knowledge-center/s3-bucket-policy-for-config-rule",
		"https://docs.aws.amazon.com/AmazonS3/latest/userguide/amazon-s3-policy-keys.html",
	},
	Frameworks: map[string][]string{CIS: {"2.1.1"}},
}, encBuckets, evalS3TLSNotEnforced)

// evalS3TLSNotEnforced passes when Deny statements for everyone on every S3
// action, conditioned only on insecure transport, cover both the bucket ARN
// and all its objects (one statement or several together). Statements with
// extra conditions, NotAction, NotResource or NotPrincipal narrow the deny in
// ways a static check cannot bound, so they do not count.
func evalS3TLSNotEnforced(_ *check.Env, b *awsm.Bucket) check.Result {
	doc, ok := b.Policy.Get()
	if !ok {
		return check.UnknownOf("bucket policy", b.Policy)
	}
	if doc == nil {
		return check.FailResult("the bucket has no policy, so requests over plain HTTP are accepted",
			check.Ev(b.Policy.Source(), "get-bucket-policy answered NoSuchBucketPolicy for %s", b.Name))
	}
	arn := b.ARN
	if arn == "" {
		arn = "arn:" + encOr(b.Partition, "aws") + ":s3:::" + b.Name
	}
	// The objects resource is the bucket ARN + "/*"; build it on the stack.
	var buf [192]byte
	objects := append(append(buf[:0], arn...), "/*"...)
	bucket := objects[:len(arn)]

	var bucketCovered, objectsCovered bool
	for i := range doc.Statements {
		st := &doc.Statements[i]
		if !encIsTLSDeny(st) {
			continue
		}
		for _, r := range st.Resource {
			bucketCovered = bucketCovered || encGlob(r, bucket)
			objectsCovered = objectsCovered || encGlob(r, objects)
		}
	}
	if bucketCovered && objectsCovered {
		return check.PassResult("the bucket policy denies requests that do not use TLS")
	}
	var missing []string
	if !bucketCovered {
		missing = append(missing, string(bucket))
	}
	if !objectsCovered {
		missing = append(missing, string(objects))
	}
	return check.FailResult("the bucket policy does not deny requests without TLS",
		check.Ev(doc.Source, "no Deny statement for Principal \"*\" on s3:* with Condition Bool aws:SecureTransport \"false\" "+
			"(or NumericLessThan s3:TlsVersion 1.2) covers %s (%d statement(s) examined)", strings.Join(missing, " and "), len(doc.Statements)))
}

// encIsTLSDeny reports whether st denies every S3 action to everyone on
// insecure requests, with no other condition.
func encIsTLSDeny(st *awsm.Statement) bool {
	if st.Effect != "Deny" || st.NotPrincipal != nil || !st.Principal.IsEveryone() || len(st.Condition) != 1 {
		return false
	}
	allActions := false
	for _, a := range st.Action {
		if a == "*" || a == "s3:*" || strings.EqualFold(a, "s3:*") {
			allActions = true
			break
		}
	}
	return allActions && encIsTLSCondition(&st.Condition[0])
}

// encIsTLSCondition accepts {"Bool"|"BoolIfExists": {"aws:SecureTransport":
// "false"}} and {"NumericLessThan"[IfExists]: {"s3:TlsVersion": >= 1.2}}.
// Note: a plain-HTTP request carries no s3:TlsVersion, so NumericLessThan
// (without IfExists) does not deny it; AWS documents this form to enforce a
// minimum TLS version and the brief accepts it, so we do too.
func encIsTLSCondition(c *awsm.Condition) bool {
	switch {
	case (strings.EqualFold(c.Operator, "Bool") || strings.EqualFold(c.Operator, "BoolIfExists")) &&
		strings.EqualFold(c.Key, "aws:SecureTransport"):
		for _, v := range c.Values {
			if strings.EqualFold(v, "false") {
				return true
			}
		}
	case (strings.EqualFold(c.Operator, "NumericLessThan") || strings.EqualFold(c.Operator, "NumericLessThanIfExists")) &&
		strings.EqualFold(c.Key, "s3:TlsVersion"):
		for _, v := range c.Values {
			if f, err := strconv.ParseFloat(v, 64); err == nil && f >= 1.2 {
				return true
			}
		}
	}
	return false
}

// encGlob matches an IAM resource pattern ('*' any run, '?' one character,
// case-sensitive) against subject. A '*' in subject stands for "any object":
// only a pattern '*' may match it, never '?' or a literal.
func encGlob(pattern string, subject []byte) bool {
	p, s := 0, 0
	starP, starS := -1, 0
	for s < len(subject) {
		switch {
		case p < len(pattern) && pattern[p] == '*':
			starP, starS = p, s
			p++
		case p < len(pattern) && subject[s] != '*' && (pattern[p] == '?' || pattern[p] == subject[s]):
			p++
			s++
		case starP >= 0:
			p = starP + 1
			starS++
			s = starS
		default:
			return false
		}
	}
	for p < len(pattern) && pattern[p] == '*' {
		p++
	}
	return p == len(pattern)
}

func encOr(s, def string) string {
	if s == "" {
		return def
	}
	return s
}
