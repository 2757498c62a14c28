package aws

import (
	"testing"

	"github.com/cloudward/cloudward/internal/check"
	"github.com/cloudward/cloudward/internal/model"
	awsm "github.com/cloudward/cloudward/internal/model/aws"
)

const encBucketName = "acme-prod-invoices"

func encBucket() *awsm.Bucket {
	return &awsm.Bucket{
		Identity: awsm.Identity{ARN: "arn:aws:s3:::" + encBucketName, ID: encBucketName, Name: encBucketName,
			Region: "eu-west-1", AccountID: netAccount, Partition: "aws",
			Source: model.Source{File: "global/s3api/list-buckets.json", Path: "Buckets[3]"}},
	}
}

func encBucketInv(b *awsm.Bucket) *awsm.Inventory {
	return &awsm.Inventory{AccountID: netAccount, Buckets: []*awsm.Bucket{b}}
}

func TestS3DefaultEncryptionMissing(t *testing.T) {
	src := model.Source{File: "global/s3api/get-bucket-encryption/" + encBucketName + ".json", Path: "ServerSideEncryptionConfiguration"}
	with := func(v model.Value[*awsm.BucketEncryption]) *awsm.Inventory {
		b := encBucket()
		b.Encryption = v
		return encBucketInv(b)
	}
	errSrc := model.Source{File: "global/s3api/get-bucket-encryption/" + encBucketName + ".error.json"}
	netRun(t, s3DefaultEncryptionMissing, []netCase{
		{"no configuration", with(model.Known[*awsm.BucketEncryption](nil, errSrc)), check.Fail,
			[]string{"ServerSideEncryptionConfigurationNotFoundError for " + encBucketName}},
		{"SSE-KMS", with(model.Known(&awsm.BucketEncryption{SSEAlgorithm: "aws:kms",
			KMSMasterKeyID: "arn:aws:kms:eu-west-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab", BucketKeyEnabled: true}, src)), check.Pass, nil},
		{"SSE-S3", with(model.Known(&awsm.BucketEncryption{SSEAlgorithm: "AES256"}, src)), check.Pass, nil},
		{"access denied", with(model.Unknown[*awsm.BucketEncryption]("AccessDenied: Access Denied", errSrc)), check.Unknown,
			[]string{"AccessDenied"}},
	})
}

func TestS3TLSNotEnforced(t *testing.T) {
	src := model.Source{File: "global/s3api/get-bucket-policy/" + encBucketName + ".json", Path: "Policy"}
	withPolicy := func(doc string) *awsm.Inventory {
		t.Helper()
		b := encBucket()
		p, err := awsm.ParsePolicy([]byte(doc), src)
		if err != nil {
			t.Fatalf("fixture policy: %v", err)
		}
		b.Policy = model.Known(p, src)
		return encBucketInv(b)
	}
	noPolicy := encBucket()
	noPolicy.Policy = model.Known[*awsm.PolicyDocument](nil, model.Source{File: "global/s3api/get-bucket-policy/" + encBucketName + ".error.json"})
	unknown := encBucket()
	unknown.Policy = model.Unknown[*awsm.PolicyDocument]("not collected: global/s3api/get-bucket-policy/"+encBucketName+".json missing", src)

	const allow = `{"Sid":"AllowCloudFront","Effect":"Allow","Principal":{"Service":"cloudfront.amazonaws.com"},"Action":"s3:GetObject",` +
		`"Resource":"arn:aws:s3:::acme-prod-invoices/*","Condition":{"StringEquals":{"AWS:SourceArn":"arn:aws:cloudfront::111122223333:distribution/EDFDVBD6EXAMPLE"}}}`
	doc := func(stmts ...string) string {
		out := `{"Version":"2012-10-17","Statement":[`
		for i, s := range stmts {
			if i > 0 {
				out += ","
			}
			out += s
		}
		return out + "]}"
	}
	const bothRes = `["arn:aws:s3:::acme-prod-invoices","arn:aws:s3:::acme-prod-invoices/*"]`

	netRun(t, s3TLSNotEnforced, []netCase{
		{"AWS-documented deny", withPolicy(doc(allow, `{"Sid":"AllowSSLRequestsOnly","Effect":"Deny","Principal":"*","Action":"s3:*",`+
			`"Resource":`+bothRes+`,"Condition":{"Bool":{"aws:SecureTransport":"false"}}}`)), check.Pass, nil},
		{"principal AWS * and BoolIfExists with a boolean", withPolicy(doc(`{"Effect":"Deny","Principal":{"AWS":"*"},"Action":"*",` +
			`"Resource":` + bothRes + `,"Condition":{"BoolIfExists":{"aws:SecureTransport":false}}}`)), check.Pass, nil},
		{"wildcard resource", withPolicy(doc(`{"Effect":"Deny","Principal":"*","Action":"s3:*","Resource":"arn:aws:s3:::acme-prod-*",` +
			`"Condition":{"Bool":{"aws:SecureTransport":"false"}}}`)), check.Pass, nil},
		{"bucket and objects in two statements", withPolicy(doc(
			`{"Effect":"Deny","Principal":"*","Action":"s3:*","Resource":"arn:aws:s3:::acme-prod-invoices","Condition":{"Bool":{"aws:SecureTransport":"false"}}}`,
			`{"Effect":"Deny","Principal":"*","Action":"s3:*","Resource":"arn:aws:s3:::acme-prod-invoices/*","Condition":{"Bool":{"aws:SecureTransport":"false"}}}`)),
			check.Pass, nil},
		{"minimum TLS version 1.2", withPolicy(doc(`{"Effect":"Deny","Principal":"*","Action":"s3:*","Resource":` + bothRes +
			`,"Condition":{"NumericLessThan":{"s3:TlsVersion":1.2}}}`)), check.Pass, nil},
		{"no policy", encBucketInv(noPolicy), check.Fail, []string{"NoSuchBucketPolicy for " + encBucketName}},
		{"policy without a TLS statement", withPolicy(doc(allow)), check.Fail,
			[]string{"covers arn:aws:s3:::acme-prod-invoices and arn:aws:s3:::acme-prod-invoices/*"}},
		{"objects only", withPolicy(doc(`{"Effect":"Deny","Principal":"*","Action":"s3:*","Resource":"arn:aws:s3:::acme-prod-invoices/*",` +
			`"Condition":{"Bool":{"aws:SecureTransport":"false"}}}`)), check.Fail, []string{"covers arn:aws:s3:::acme-prod-invoices ("}},
		{"a prefix of objects only", withPolicy(doc(`{"Effect":"Deny","Principal":"*","Action":"s3:*",` +
			`"Resource":["arn:aws:s3:::acme-prod-invoices","arn:aws:s3:::acme-prod-invoices/2024/*"],"Condition":{"Bool":{"aws:SecureTransport":"false"}}}`)),
			check.Fail, []string{"covers arn:aws:s3:::acme-prod-invoices/*"}},
		{"another bucket", withPolicy(doc(`{"Effect":"Deny","Principal":"*","Action":"s3:*",` +
			`"Resource":["arn:aws:s3:::acme-dev-invoices","arn:aws:s3:::acme-dev-invoices/*"],"Condition":{"Bool":{"aws:SecureTransport":"false"}}}`)),
			check.Fail, nil},
		{"GetObject only", withPolicy(doc(`{"Effect":"Deny","Principal":"*","Action":"s3:GetObject","Resource":` + bothRes +
			`,"Condition":{"Bool":{"aws:SecureTransport":"false"}}}`)), check.Fail, nil},
		{"principal is one account", withPolicy(doc(`{"Effect":"Deny","Principal":{"AWS":"arn:aws:iam::111122223333:root"},"Action":"s3:*","Resource":` + bothRes +
			`,"Condition":{"Bool":{"aws:SecureTransport":"false"}}}`)), check.Fail, nil},
		{"allow on secure transport is not a deny", withPolicy(doc(`{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":` + bothRes +
			`,"Condition":{"Bool":{"aws:SecureTransport":"true"}}}`)), check.Fail, nil},
		{"deny secure transport true (inverted)", withPolicy(doc(`{"Effect":"Deny","Principal":"*","Action":"s3:*","Resource":` + bothRes +
			`,"Condition":{"Bool":{"aws:SecureTransport":"true"}}}`)), check.Fail, nil},
		{"extra condition narrows the deny", withPolicy(doc(`{"Effect":"Deny","Principal":"*","Action":"s3:*","Resource":` + bothRes +
			`,"Condition":{"Bool":{"aws:SecureTransport":"false"},"StringNotEquals":{"aws:SourceVpce":"vpce-1a2b3c4d"}}}`)), check.Fail, nil},
		{"TLS 1.0 minimum is too low", withPolicy(doc(`{"Effect":"Deny","Principal":"*","Action":"s3:*","Resource":` + bothRes +
			`,"Condition":{"NumericLessThan":{"s3:TlsVersion":"1.0"}}}`)), check.Fail, nil},
		{"policy not collected", encBucketInv(unknown), check.Unknown, []string{"get-bucket-policy/" + encBucketName + ".json missing"}},
	})
}

func TestEncGlob(t *testing.T) {
	tests := []struct {
		pattern, subject string
		want             bool
	}{
		{"arn:aws:s3:::b", "arn:aws:s3:::b", true},
		{"arn:aws:s3:::b/*", "arn:aws:s3:::b/*", true},
		{"*", "arn:aws:s3:::b/*", true},
		{"arn:aws:s3:::*", "arn:aws:s3:::b", true},
		{"arn:aws:s3:::b*", "arn:aws:s3:::b/*", true},
		{"arn:*:s3:::b/*", "arn:aws:s3:::b/*", true},
		{"arn:aws:s3:::?", "arn:aws:s3:::b", true},
		{"arn:aws:s3:::b/?", "arn:aws:s3:::b/*", false}, // '?' is one character, not every object
		{"arn:aws:s3:::b/a*", "arn:aws:s3:::b/*", false},
		{"arn:aws:s3:::b/*", "arn:aws:s3:::b", false},
		{"arn:aws:s3:::B", "arn:aws:s3:::b", false},
		{"arn:aws:s3:::bb", "arn:aws:s3:::b", false},
		{"", "arn:aws:s3:::b", false},
	}
	for _, tt := range tests {
		if got := encGlob(tt.pattern, []byte(tt.subject)); got != tt.want {
			t.Errorf("encGlob(%q, %q) = %v, want %v", tt.pattern, tt.subject, got, tt.want)
		}
	}
}
