package fakeaws

import (
	"bytes"
	"context"
	"errors"
	"io"
	"io/fs"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	"github.com/aws/aws-sdk-go-v2/service/guardduty"
	"github.com/aws/aws-sdk-go-v2/service/kms"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	smithy "github.com/aws/smithy-go"
)

const (
	sigKeyID  = "AKIAFAKESIGV4TEST001"
	sigSecret = "sigv4/Test+Secret/0123456789abcdefghijklm"
	sigToken  = "FwoGZXIvYXdzSIGV4TESTTOKEN"
)

func basicFS() fs.FS { return os.DirFS(filepath.Join("..", "source", "snapshot", "testdata", "basic")) }

// tamper changes a request after the SDK signed it, as a man in the
// middle would.
type tamper func(*http.Request)

func (t tamper) RoundTrip(r *http.Request) (*http.Response, error) {
	t(r)
	return http.DefaultTransport.RoundTrip(r)
}

func sigConfig(s *Server, key, secret, token string, rt http.RoundTripper) aws.Config {
	cfg := aws.Config{
		Region:       "us-east-1",
		Credentials:  credentials.NewStaticCredentialsProvider(key, secret, token),
		BaseEndpoint: aws.String(s.URL),
		Retryer:      func() aws.Retryer { return aws.NopRetryer{} },
	}
	if rt != nil {
		cfg.HTTPClient = &http.Client{Transport: rt}
	}
	return cfg
}

// calls runs one operation of each wire protocol through the real SDK
// clients; the map is protocol -> error.
func sigCalls(cfg aws.Config) map[string]error {
	ctx := context.Background()
	s3c := s3.NewFromConfig(cfg, func(o *s3.Options) { o.UsePathStyle = true })
	errs := map[string]error{}
	_, errs["query (sts)"] = sts.NewFromConfig(cfg).GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
	_, errs["ec2"] = ec2.NewFromConfig(cfg).DescribeVpcs(ctx, &ec2.DescribeVpcsInput{})
	_, errs["json (kms)"] = kms.NewFromConfig(cfg).ListKeys(ctx, &kms.ListKeysInput{})
	_, errs["rest-json (guardduty)"] = guardduty.NewFromConfig(cfg).ListDetectors(ctx, &guardduty.ListDetectorsInput{})
	_, errs["rest-xml (s3)"] = s3c.GetBucketPolicy(ctx, &s3.GetBucketPolicyInput{Bucket: aws.String("cw-public-site")})
	// S3 over HTTPS signs UNSIGNED-PAYLOAD instead of the body's hash.
	_, errs["rest-xml (s3, unsigned payload)"] = s3c.GetBucketAcl(ctx, &s3.GetBucketAclInput{Bucket: aws.String("cw-public-site")},
		s3.WithAPIOptions(v4.SwapComputePayloadSHA256ForUnsignedPayloadMiddleware))
	return errs
}

func errCode(err error) string {
	var ae smithy.APIError
	if errors.As(err, &ae) {
		return ae.ErrorCode()
	}
	if err != nil {
		return err.Error()
	}
	return ""
}

// TestSigV4Verified: the SDK's requests verify in every protocol; a wrong
// secret, a changed body, path or query, or a wrong session token are
// refused with AWS's codes, and nothing is answered.
func TestSigV4Verified(t *testing.T) {
	s := start(t, Scenario{AccessKeyID: sigKeyID, SecretAccessKey: sigSecret, SessionToken: sigToken})
	for proto, err := range sigCalls(sigConfig(s, sigKeyID, sigSecret, sigToken, nil)) {
		if err != nil {
			t.Errorf("%s: %v", proto, err)
		}
	}
	if bad := s.BadRequests(); len(bad) > 0 {
		t.Fatalf("correctly signed requests refused: %q", bad)
	}

	for _, tc := range []struct {
		name, secret, token string
		rt                  http.RoundTripper
		want                map[string]string // protocol -> code; "" means every protocol SignatureDoesNotMatch
	}{
		{name: "wrong secret", secret: "not-the-secret", token: sigToken},
		{name: "path changed", secret: sigSecret, token: sigToken, rt: tamper(func(r *http.Request) {
			// Still an operation the fake knows: another bucket, a
			// detector ID, a path for the POST protocols.
			switch r.URL.Path {
			case "/detector":
				r.URL.Path += "/x"
			default:
				r.URL.Path += "x"
			}
		})},
		{name: "query changed", secret: sigSecret, token: sigToken, rt: tamper(func(r *http.Request) {
			r.URL.RawQuery += "&x=1"
		})},
		{name: "body changed", secret: sigSecret, token: sigToken, rt: tamper(func(r *http.Request) {
			if r.Body == nil || r.ContentLength <= 0 {
				return
			}
			b, _ := io.ReadAll(r.Body)
			b = bytes.Replace(b, []byte("Version="), []byte("Version=2"), 1)
			if json := bytes.TrimSpace(b); len(json) > 0 && json[0] == '{' {
				b = append([]byte(`{"Limit":1,`), json[1:]...)
				if string(json) == "{}" {
					b = []byte(`{"Limit":1}`)
				}
			}
			r.Body, r.ContentLength = io.NopCloser(bytes.NewReader(b)), int64(len(b))
		}), want: map[string]string{"query (sts)": "SignatureDoesNotMatch", "ec2": "SignatureDoesNotMatch", "json (kms)": "SignatureDoesNotMatch"}},
		{name: "wrong token", secret: sigSecret, token: "FwoGZXIvYXdzSTOLENTOKEN", want: map[string]string{
			"query (sts)": "InvalidClientTokenId", "ec2": "AuthFailure", "json (kms)": "UnrecognizedClientException",
			"rest-json (guardduty)": "UnrecognizedClientException", "rest-xml (s3)": "InvalidToken", "rest-xml (s3, unsigned payload)": "InvalidToken"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			before, answered := len(s.BadRequests()), s.TotalCalls()
			errs := sigCalls(sigConfig(s, sigKeyID, tc.secret, tc.token, tc.rt))
			refused := 0
			for proto, err := range errs {
				want := "SignatureDoesNotMatch"
				if tc.want != nil {
					want = tc.want[proto]
				}
				if want == "" {
					continue // that protocol carries nothing the tampering changed
				}
				refused++
				if got := errCode(err); got != want {
					t.Errorf("%s: error %q, want %s", proto, got, want)
				}
			}
			if got := len(s.BadRequests()) - before; got != refused {
				t.Errorf("%d refusals recorded, want %d: %q", got, refused, s.BadRequests()[before:])
			}
			if got := s.TotalCalls() - answered; got != len(errs)-refused {
				t.Errorf("%d requests answered, want %d: a refused request was answered", got, len(errs)-refused)
			}
			for _, b := range s.BadRequests()[before:] {
				if strings.Contains(b, tc.secret) || strings.Contains(b, sigSecret) {
					t.Errorf("a secret in a refusal message: %q", b)
				}
			}
		})
	}
}

// TestSigV4AssumedRole: credentials sts AssumeRole hands out are verified
// with the secret the fake issued, every time it hands the same key out.
func TestSigV4AssumedRole(t *testing.T) {
	s := start(t, Scenario{AccessKeyID: sigKeyID, SecretAccessKey: sigSecret})
	ctx := context.Background()
	stsc := sts.NewFromConfig(sigConfig(s, sigKeyID, sigSecret, "", nil))
	var first *sts.AssumeRoleOutput
	for i := 0; i < 2; i++ {
		out, err := stsc.AssumeRole(ctx, &sts.AssumeRoleInput{RoleArn: aws.String("arn:aws:iam::111122223333:role/audit"), RoleSessionName: aws.String("t")})
		if err != nil {
			t.Fatal(err)
		}
		cr := out.Credentials
		if first == nil {
			first = out
		} else if *cr.SecretAccessKey != *first.Credentials.SecretAccessKey {
			t.Error("the same key ID came back with another secret")
		}
		cfg := sigConfig(s, *cr.AccessKeyId, *cr.SecretAccessKey, *cr.SessionToken, nil)
		if _, err := ec2.NewFromConfig(cfg).DescribeVpcs(ctx, &ec2.DescribeVpcsInput{}); err != nil {
			t.Fatalf("assumed-role call: %v", err)
		}
	}
	cr := first.Credentials
	_, err := ec2.NewFromConfig(sigConfig(s, *cr.AccessKeyId, "guessed", *cr.SessionToken, nil)).DescribeVpcs(ctx, &ec2.DescribeVpcsInput{})
	if errCode(err) != "SignatureDoesNotMatch" {
		t.Errorf("assumed key with a wrong secret: %v", err)
	}
	_, err = kms.NewFromConfig(sigConfig(s, *cr.AccessKeyId, *cr.SecretAccessKey, "", nil)).ListKeys(ctx, &kms.ListKeysInput{})
	if errCode(err) != "UnrecognizedClientException" {
		t.Errorf("assumed key without its session token: %v", err)
	}
}

// TestSigV4UnknownSecretNotVerified: without a secret for the key the fake
// cannot verify, and accepts any well-formed signature (older scenarios).
func TestSigV4UnknownSecretNotVerified(t *testing.T) {
	s := start(t, Scenario{})
	for proto, err := range sigCalls(sigConfig(s, sigKeyID, "any", "", nil)) {
		if err != nil {
			t.Errorf("%s: %v", proto, err)
		}
	}
}

// FuzzSignatureCheck: whatever Authorization, date, token and payload hash
// a request carries, verifying it answers (an error or data) and never
// panics.
func FuzzSignatureCheck(f *testing.F) {
	s, err := Start(Scenario{Snapshot: basicFS(), AccessKeyID: sigKeyID, SecretAccessKey: sigSecret, SessionToken: sigToken})
	if err != nil {
		f.Fatal(err)
	}
	defer s.Close()
	f.Add("ec2", "20240601", "host;x-amz-date", "20240601T000000Z", sigToken, "", "Action=DescribeVpcs&Version=2016-11-15")
	f.Add("s3", "20240601", "host;x-amz-content-sha256;x-amz-date", "20240601T000000Z", sigToken, "UNSIGNED-PAYLOAD", "")
	f.Add("kms", "20240601", "content-length;host;x-amz-date;x-amz-target", "bad", "", strings.Repeat("a", 64), "{}")
	f.Fuzz(func(t *testing.T, service, scopeDate, signed, date, token, sha, body string) {
		if strings.ContainsAny(service+scopeDate+signed, "/ ,\n\r") || signed == "" {
			return
		}
		req, err := http.NewRequest("POST", "http://fake/", strings.NewReader(body))
		if err != nil {
			return
		}
		req.Header.Set("Authorization", "AWS4-HMAC-SHA256 Credential="+sigKeyID+"/"+scopeDate+"/us-east-1/"+service+
			"/aws4_request, SignedHeaders="+signed+", Signature="+strings.Repeat("0", 64))
		for k, v := range map[string]string{"X-Amz-Date": date, "X-Amz-Security-Token": token, "X-Amz-Content-Sha256": sha, "X-Amz-Target": "TrentService.ListKeys"} {
			if v != "" && !strings.ContainsAny(v, "\r\n") {
				req.Header.Set(k, v)
			}
		}
		rec := httptest.NewRecorder()
		s.serve(rec, req)
		if rec.Code < 200 || rec.Code > 599 {
			t.Fatalf("status %d", rec.Code)
		}
	})
}
