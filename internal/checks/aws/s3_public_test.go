package aws

import (
	"strings"
	"testing"

	"github.com/cloudward/cloudward/internal/check"
	"github.com/cloudward/cloudward/internal/model"
	awsm "github.com/cloudward/cloudward/internal/model/aws"
)

const expTestAccount = "111122223333"

// expPAB builds a Block Public Access configuration as the importer fills it
// from get-public-access-block: settings in order BlockPublicAcls,
// IgnorePublicAcls, BlockPublicPolicy, RestrictPublicBuckets.
func expPAB(file string, acls, ignore, policy, restrict bool) awsm.PublicAccessBlock {
	src := model.Source{File: file, Path: "PublicAccessBlockConfiguration"}
	return awsm.PublicAccessBlock{
		Configured:            model.Known(true, src),
		BlockPublicAcls:       model.Known(acls, src.At("BlockPublicAcls")),
		IgnorePublicAcls:      model.Known(ignore, src.At("IgnorePublicAcls")),
		BlockPublicPolicy:     model.Known(policy, src.At("BlockPublicPolicy")),
		RestrictPublicBuckets: model.Known(restrict, src.At("RestrictPublicBuckets")),
	}
}

// expPABNotConfigured is the NoSuchPublicAccessBlockConfiguration answer:
// configured false, every setting known off.
func expPABNotConfigured(file string) awsm.PublicAccessBlock {
	src := model.Source{File: file}
	off := model.Known(false, src)
	return awsm.PublicAccessBlock{Configured: off, BlockPublicAcls: off, IgnorePublicAcls: off, BlockPublicPolicy: off, RestrictPublicBuckets: off}
}

// expPABUnknown is a configuration that was not collected (AccessDenied).
func expPABUnknown(file string) awsm.PublicAccessBlock {
	u := model.Unknown[bool]("AccessDenied: Access Denied", model.Source{File: file})
	return awsm.PublicAccessBlock{Configured: u, BlockPublicAcls: u, IgnorePublicAcls: u, BlockPublicPolicy: u, RestrictPublicBuckets: u}
}

const expAccountPABFile = "global/s3control/get-public-access-block.json"

func expAccountWith(pab awsm.PublicAccessBlock) *awsm.Account {
	return &awsm.Account{
		Identity:            awsm.Identity{ARN: expTestAccount, ID: expTestAccount, Name: expTestAccount, Region: "global", AccountID: expTestAccount, Partition: "aws"},
		S3PublicAccessBlock: pab,
	}
}

func expBucketPABFile(name string) string {
	return "global/s3api/get-public-access-block/" + name + ".json"
}

func expBucket(name string) *awsm.Bucket {
	return &awsm.Bucket{Identity: awsm.Identity{ARN: "arn:aws:s3:::" + name, ID: name, Name: name, Region: "eu-west-1",
		AccountID: expTestAccount, Partition: "aws", Source: model.Source{File: "global/s3api/list-buckets.json", Path: "Buckets[0]"}}}
}

// expPolicy parses a bucket policy exactly as get-bucket-policy returns it:
// the document is the JSON string inside {"Policy": "..."}.
func expPolicy(t testing.TB, bucket, doc string) awsm.Policy {
	t.Helper()
	src := model.Source{File: "global/s3api/get-bucket-policy/" + bucket + ".json", Path: "Policy"}
	p, err := awsm.ParsePolicy([]byte(doc), src)
	if err != nil {
		t.Fatalf("bad fixture policy: %v", err)
	}
	return model.Known(p, src)
}

const (
	// A static-website policy: anyone may read objects.
	expPublicReadPolicy = `{"Version":"2012-10-17","Statement":[{"Sid":"PublicReadGetObject","Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::acme-website-assets/*"}]}`
	// Same in the {"AWS": "*"} form with a list of actions.
	expPublicAWSStarPolicy = `{"Version":"2012-10-17","Statement":[{"Sid":"AllowAll","Effect":"Allow","Principal":{"AWS":["*"]},"Action":["s3:GetObject","s3:PutObject"],"Resource":"arn:aws:s3:::acme-uploads/*"}]}`
	// Everyone but one role: NotPrincipal with Allow is public.
	expNotPrincipalPolicy = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","NotPrincipal":{"AWS":"arn:aws:iam::111122223333:role/Auditor"},"Action":"s3:GetObject","Resource":"arn:aws:s3:::acme-reports/*"}]}`
	// Principal * narrowed to a VPC endpoint: not public.
	expVPCEPolicy = `{"Version":"2012-10-17","Id":"VPCe","Statement":[{"Sid":"AccessViaVpce","Effect":"Allow","Principal":"*","Action":"s3:*","Resource":["arn:aws:s3:::acme-data-lake","arn:aws:s3:::acme-data-lake/*"],"Condition":{"StringEquals":{"aws:SourceVpce":"vpce-0a1b2c3d4e5f67890"}}}]}`
	// Principal * with only a TLS condition: still public.
	expTLSOnlyPolicy = `{"Version":"2012-10-17","Statement":[{"Sid":"PublicOverTLS","Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::acme-public-docs/*","Condition":{"Bool":{"aws:SecureTransport":"true"}}}]}`
	// Deny non-TLS for everyone plus access for one role: not public.
	expPrivatePolicy = `{"Version":"2012-10-17","Statement":[{"Sid":"DenyInsecureTransport","Effect":"Deny","Principal":"*","Action":"s3:*","Resource":["arn:aws:s3:::acme-backups","arn:aws:s3:::acme-backups/*"],"Condition":{"Bool":{"aws:SecureTransport":"false"}}},{"Sid":"BackupRole","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:role/BackupRole"},"Action":["s3:PutObject","s3:GetObject"],"Resource":"arn:aws:s3:::acme-backups/*"}]}`
	// CloudTrail's documented bucket policy: a service principal with aws:SourceArn.
	expCloudTrailBucketPolicy = `{"Version":"2012-10-17","Statement":[{"Sid":"AWSCloudTrailAclCheck","Effect":"Allow","Principal":{"Service":"cloudtrail.amazonaws.com"},"Action":"s3:GetBucketAcl","Resource":"arn:aws:s3:::acme-cloudtrail-logs","Condition":{"StringEquals":{"aws:SourceArn":"arn:aws:cloudtrail:us-east-1:111122223333:trail/management-events"}}},{"Sid":"AWSCloudTrailWrite","Effect":"Allow","Principal":{"Service":"cloudtrail.amazonaws.com"},"Action":"s3:PutObject","Resource":"arn:aws:s3:::acme-cloudtrail-logs/AWSLogs/111122223333/*","Condition":{"StringEquals":{"s3:x-amz-acl":"bucket-owner-full-control","aws:SourceArn":"arn:aws:cloudtrail:us-east-1:111122223333:trail/management-events"}}}]}`
)

func TestS3BucketPublicPolicy(t *testing.T) {
	type bpa struct{ bucket, account awsm.PublicAccessBlock }
	bucketOn := func(n string) awsm.PublicAccessBlock { return expPAB(expBucketPABFile(n), true, true, true, true) }
	bucketOff := func(n string) awsm.PublicAccessBlock { return expPAB(expBucketPABFile(n), false, false, false, false) }
	accountOn := expPAB(expAccountPABFile, true, true, true, true)
	accountOff := expPAB(expAccountPABFile, false, false, false, false)
	// BlockPublicPolicy on alone does not touch an existing policy.
	accountBlockOnly := expPAB(expAccountPABFile, true, true, true, false)

	tests := []struct {
		name    string
		bucket  string
		policy  string // "" with noPolicy/unknownPolicy below
		none    bool   // NoSuchBucketPolicy
		unknown bool   // get-bucket-policy not collected
		pab     func(name string) bpa
		noAcct  bool // inventory without account data
		want    check.Status
		ev      []string // substrings the evidence must contain
	}{
		{name: "public read, BPA off at both levels", bucket: "acme-website-assets", policy: expPublicReadPolicy,
			pab:  func(n string) bpa { return bpa{bucketOff(n), accountOff} },
			want: check.Fail, ev: []string{`statement "PublicReadGetObject" allows everyone`, `"Principal":"*"`, "RestrictPublicBuckets is off at the bucket level", "RestrictPublicBuckets is off at the account level"}},
		{name: "public read, bucket BPA not configured, account off", bucket: "acme-website-assets", policy: expPublicReadPolicy,
			pab:  func(n string) bpa { return bpa{expPABNotConfigured(expBucketPABFile(n)), accountOff} },
			want: check.Fail, ev: []string{"PublicReadGetObject", "RestrictPublicBuckets is off at the bucket level (no Block Public Access configuration)"}},
		{name: "public read, bucket-level RestrictPublicBuckets on", bucket: "acme-website-assets", policy: expPublicReadPolicy,
			pab:  func(n string) bpa { return bpa{bucketOn(n), accountOff} },
			want: check.Pass, ev: []string{"RestrictPublicBuckets is on at the bucket level"}},
		{name: "public read, account-level RestrictPublicBuckets on", bucket: "acme-website-assets", policy: expPublicReadPolicy,
			pab:  func(n string) bpa { return bpa{bucketOff(n), accountOn} },
			want: check.Pass, ev: []string{"RestrictPublicBuckets is on at the account level"}},
		{name: "public read, only BlockPublicPolicy on", bucket: "acme-website-assets", policy: expPublicReadPolicy,
			pab:  func(n string) bpa { return bpa{bucketOff(n), accountBlockOnly} },
			want: check.Fail, ev: []string{"PublicReadGetObject"}},
		{name: "public read, bucket off, account BPA unknown", bucket: "acme-website-assets", policy: expPublicReadPolicy,
			pab:  func(n string) bpa { return bpa{bucketOff(n), expPABUnknown(expAccountPABFile)} },
			want: check.Unknown, ev: []string{"account-level RestrictPublicBuckets: AccessDenied"}},
		{name: "public read, bucket BPA unknown, account off", bucket: "acme-website-assets", policy: expPublicReadPolicy,
			pab:  func(n string) bpa { return bpa{expPABUnknown(expBucketPABFile(n)), accountOff} },
			want: check.Unknown, ev: []string{"bucket-level RestrictPublicBuckets: AccessDenied"}},
		{name: "public read, bucket off, no account data", bucket: "acme-website-assets", policy: expPublicReadPolicy,
			pab: func(n string) bpa { return bpa{bucketOff(n), awsm.PublicAccessBlock{}} }, noAcct: true,
			want: check.Unknown, ev: []string{"account-level RestrictPublicBuckets: not collected"}},
		{name: `principal {"AWS":["*"]}`, bucket: "acme-uploads", policy: expPublicAWSStarPolicy,
			pab:  func(n string) bpa { return bpa{bucketOff(n), accountOff} },
			want: check.Fail, ev: []string{`statement "AllowAll" allows everyone`}},
		{name: "NotPrincipal with Allow", bucket: "acme-reports", policy: expNotPrincipalPolicy,
			pab:  func(n string) bpa { return bpa{bucketOff(n), accountOff} },
			want: check.Fail, ev: []string{"statement #0 allows everyone", "NotPrincipal"}},
		{name: "TLS-only condition does not restrict who", bucket: "acme-public-docs", policy: expTLSOnlyPolicy,
			pab:  func(n string) bpa { return bpa{bucketOff(n), accountOff} },
			want: check.Fail, ev: []string{"PublicOverTLS"}},
		{name: "principal * restricted to a VPC endpoint", bucket: "acme-data-lake", policy: expVPCEPolicy,
			pab:  func(n string) bpa { return bpa{bucketOff(n), accountOff} },
			want: check.Pass},
		{name: "deny-only wildcard and a named role", bucket: "acme-backups", policy: expPrivatePolicy,
			pab:  func(n string) bpa { return bpa{bucketOff(n), accountOff} },
			want: check.Pass},
		{name: "service principal with SourceArn", bucket: "acme-cloudtrail-logs", policy: expCloudTrailBucketPolicy,
			pab:  func(n string) bpa { return bpa{bucketOff(n), accountOff} },
			want: check.Pass},
		{name: "no bucket policy", bucket: "acme-empty", none: true,
			pab:  func(n string) bpa { return bpa{bucketOff(n), accountOff} },
			want: check.Pass},
		{name: "policy not collected, BPA off", bucket: "acme-secret", unknown: true,
			pab:  func(n string) bpa { return bpa{bucketOff(n), accountOff} },
			want: check.Unknown, ev: []string{"bucket policy: AccessDenied"}},
		{name: "policy not collected, account RestrictPublicBuckets on", bucket: "acme-secret", unknown: true,
			pab:  func(n string) bpa { return bpa{expPABUnknown(expBucketPABFile(n)), accountOn} },
			want: check.Pass, ev: []string{"RestrictPublicBuckets is on at the account level"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b := expBucket(tt.bucket)
			switch {
			case tt.unknown:
				b.Policy = model.Unknown[*awsm.PolicyDocument]("AccessDenied: Access Denied", model.Source{File: "global/s3api/get-bucket-policy/" + tt.bucket + ".error.json"})
			case tt.none:
				b.Policy = model.Known[*awsm.PolicyDocument](nil, model.Source{File: "global/s3api/get-bucket-policy/" + tt.bucket + ".error.json"})
			default:
				b.Policy = expPolicy(t, tt.bucket, tt.policy)
			}
			p := tt.pab(tt.bucket)
			b.PublicAccessBlock = p.bucket
			inv := &awsm.Inventory{AccountID: expTestAccount, Buckets: []*awsm.Bucket{b}}
			if !tt.noAcct {
				inv.Account = expAccountWith(p.account)
			}
			got := s3BucketPublicPolicy.Evaluate(inv)
			expAssert(t, got, b.ARN, tt.want, tt.ev)
		})
	}
}

func TestS3BucketPublicACL(t *testing.T) {
	const name = "acme-legacy-downloads"
	aclFile := "global/s3api/get-bucket-acl/" + name + ".json"
	owner := awsm.Grant{GranteeType: "CanonicalUser", ID: "79a59df900b949e55d96a1e698fbacedfd6e09d98eacf8f8d5218e7cd47ef2be", DisplayName: "acme-prod", Permission: "FULL_CONTROL", Source: model.Source{File: aclFile, Path: "Grants[0]"}}
	allUsersRead := awsm.Grant{GranteeType: "Group", URI: "http://acs.amazonaws.com/groups/global/AllUsers", Permission: "READ", Source: model.Source{File: aclFile, Path: "Grants[1]"}}
	authWrite := awsm.Grant{GranteeType: "Group", URI: "http://acs.amazonaws.com/groups/global/AuthenticatedUsers", Permission: "WRITE", Source: model.Source{File: aclFile, Path: "Grants[2]"}}
	logDelivery := awsm.Grant{GranteeType: "Group", URI: "http://acs.amazonaws.com/groups/s3/LogDelivery", Permission: "WRITE", Source: model.Source{File: aclFile, Path: "Grants[1]"}}
	known := func(g ...awsm.Grant) model.Value[[]awsm.Grant] {
		return model.Known(g, model.Source{File: aclFile, Path: "Grants"})
	}
	notCollected := model.Unknown[[]awsm.Grant]("not collected: global/s3api/get-bucket-acl/"+name+".json missing", model.Source{File: aclFile})

	bucketOn := expPAB(expBucketPABFile(name), true, true, true, true)
	bucketOff := expPAB(expBucketPABFile(name), false, false, false, false)
	accountOn := expPAB(expAccountPABFile, true, true, true, true)
	accountOff := expPAB(expAccountPABFile, false, false, false, false)
	// IgnorePublicAcls is what matters; BlockPublicAcls only stops new grants.
	accountBlockOnly := expPAB(expAccountPABFile, true, false, true, true)

	tests := []struct {
		name            string
		acl             model.Value[[]awsm.Grant]
		bucket, account awsm.PublicAccessBlock
		noAcct          bool
		want            check.Status
		ev              []string
	}{
		{"AllUsers READ, BPA off at both levels", known(owner, allUsersRead), bucketOff, accountOff, false, check.Fail,
			[]string{"grant READ to AllUsers (http://acs.amazonaws.com/groups/global/AllUsers)", "IgnorePublicAcls is off at the bucket level", "IgnorePublicAcls is off at the account level"}},
		{"AuthenticatedUsers WRITE, bucket BPA not configured", known(owner, authWrite), expPABNotConfigured(expBucketPABFile(name)), accountOff, false, check.Fail,
			[]string{"grant WRITE to AuthenticatedUsers", "IgnorePublicAcls is off at the bucket level (no Block Public Access configuration)"}},
		{"two public grants", known(owner, allUsersRead, authWrite), bucketOff, accountOff, false, check.Fail,
			[]string{"grant READ to AllUsers", "grant WRITE to AuthenticatedUsers"}},
		{"only BlockPublicAcls on at account", known(owner, allUsersRead), bucketOff, accountBlockOnly, false, check.Fail,
			[]string{"grant READ to AllUsers"}},
		{"bucket-level IgnorePublicAcls on", known(owner, allUsersRead), bucketOn, accountOff, false, check.Pass,
			[]string{"IgnorePublicAcls is on at the bucket level"}},
		{"account-level IgnorePublicAcls on", known(owner, allUsersRead), bucketOff, accountOn, false, check.Pass,
			[]string{"IgnorePublicAcls is on at the account level"}},
		{"public grant, account BPA unknown", known(owner, allUsersRead), bucketOff, expPABUnknown(expAccountPABFile), false, check.Unknown,
			[]string{"account-level IgnorePublicAcls: AccessDenied"}},
		{"public grant, no account data", known(owner, allUsersRead), bucketOff, awsm.PublicAccessBlock{}, true, check.Unknown,
			[]string{"account-level IgnorePublicAcls: not collected"}},
		{"owner only", known(owner), bucketOff, accountOff, false, check.Pass, nil},
		{"log delivery group is not public", known(owner, logDelivery), bucketOff, accountOff, false, check.Pass, nil},
		{"ACL not collected", notCollected, bucketOff, accountOff, false, check.Unknown, []string{"bucket ACL: not collected"}},
		{"ACL not collected, account IgnorePublicAcls on", notCollected, bucketOff, accountOn, false, check.Pass,
			[]string{"IgnorePublicAcls is on at the account level"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b := expBucket(name)
			b.ACL = tt.acl
			b.PublicAccessBlock = tt.bucket
			inv := &awsm.Inventory{AccountID: expTestAccount, Buckets: []*awsm.Bucket{b}}
			if !tt.noAcct {
				inv.Account = expAccountWith(tt.account)
			}
			expAssert(t, s3BucketPublicACL.Evaluate(inv), b.ARN, tt.want, tt.ev)
		})
	}
}

// TestS3PublicPassPathDoesNotAllocate guards the hot path: most buckets pass.
func TestS3PublicPassPathDoesNotAllocate(t *testing.T) {
	b := expBucket("acme-backups")
	b.Policy = expPolicy(t, "acme-backups", expPrivatePolicy)
	b.ACL = model.Known([]awsm.Grant{{GranteeType: "CanonicalUser", ID: "79a59df900b949e55d96a1e698fbacedfd6e09d98eacf8f8d5218e7cd47ef2be", Permission: "FULL_CONTROL"}}, model.Source{})
	b.PublicAccessBlock = expPAB(expBucketPABFile("acme-backups"), false, false, false, false)
	acct := expPAB(expAccountPABFile, false, false, false, false)
	var r check.Result
	if n := testing.AllocsPerRun(100, func() { r = expBucketPolicyPublic(b, acct) }); n != 0 || r.Status != check.Pass {
		t.Errorf("bucket policy PASS path: %v allocations, status %s", n, r.Status)
	}
	if n := testing.AllocsPerRun(100, func() { r = expBucketACLPublic(b, acct) }); n != 0 || r.Status != check.Pass {
		t.Errorf("bucket ACL PASS path: %v allocations, status %s", n, r.Status)
	}
}

// expAssert checks that findings hold exactly one result for resource id with
// the wanted status, that a FAIL has evidence, and that the evidence holds
// every wanted substring.
func expAssert(t *testing.T, got []check.Finding, id string, want check.Status, ev []string) {
	t.Helper()
	if len(got) != 1 {
		t.Fatalf("got %d findings, want 1: %+v", len(got), got)
	}
	f := got[0]
	if f.Status != want {
		t.Fatalf("status %s, want %s: %s %+v", f.Status, want, f.Message, f.Evidence)
	}
	if f.Resource.ID != id {
		t.Errorf("resource %q, want %q", f.Resource.ID, id)
	}
	if f.Message == "" {
		t.Error("empty message")
	}
	if (want == check.Fail || want == check.Unknown) && len(f.Evidence) == 0 {
		t.Fatalf("%s without evidence", want)
	}
	var all strings.Builder
	for _, e := range f.Evidence {
		all.WriteString(e.Detail)
		all.WriteString(" @ ")
		all.WriteString(e.Source.String())
		all.WriteString("\n")
		if want == check.Fail && e.Source.IsZero() {
			t.Errorf("evidence %q has no source", e.Detail)
		}
	}
	for _, s := range ev {
		if !strings.Contains(all.String(), s) {
			t.Errorf("evidence lacks %q:\n%s", s, all.String())
		}
	}
}

// BenchmarkS3BucketPublicPolicy measures the common case: a private policy
// with a deny-all-non-TLS statement and a named-role grant.
func BenchmarkS3BucketPublicPolicy(b *testing.B) {
	bucket := expBucket("acme-backups")
	bucket.Policy = expPolicy(b, "acme-backups", expPrivatePolicy)
	bucket.PublicAccessBlock = expPAB(expBucketPABFile("acme-backups"), false, false, false, false)
	acct := expPAB(expAccountPABFile, false, false, false, false)
	b.ReportAllocs()
	for b.Loop() {
		if r := expBucketPolicyPublic(bucket, acct); r.Status != check.Pass {
			b.Fatal(r.Status)
		}
	}
}
