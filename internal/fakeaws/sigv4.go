package fakeaws

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"net/http"
	"net/textproto"
	"net/url"
	"regexp"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
)

// issuedCred is a credential the fake handed out (sts AssumeRole): AWS
// knows the secret of every key it issues, and so does the fake.
type issuedCred struct {
	secret, token string
}

// issue returns the credentials of an assumed-role key ID. A key is issued
// once per fake and handed out again on later AssumeRole calls (the SDK
// refreshes credentials), so requests signed with any copy verify.
func (s *Server) issue(keyID string) issuedCred {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.issued == nil {
		s.issued = map[string]issuedCred{}
	}
	c, ok := s.issued[keyID]
	if !ok {
		c = issuedCred{secret: "fakeaws-assumed-secret-" + requestID(), token: "fakeaws-session-token-" + requestID()}
		s.issued[keyID] = c
	}
	return c
}

var signedHeadersRe = regexp.MustCompile(`SignedHeaders=([^,]+)`)

// sigErrorMessages are AWS's own words.
const (
	msgSignature = "The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details."
	msgToken     = "The security token included in the request is invalid."
	msgSHA256    = "The provided 'x-amz-content-sha256' header does not match what was computed."
)

// verifySignature recomputes the request's SigV4 signature with the SDK's
// own signer and the secret the fake knows for the key ID (the scenario's
// SecretAccessKey, or one it issued), and compares it with the one sent.
// Keys whose secret the fake does not know are not verified. ok is false
// with the error AWS answers: SignatureDoesNotMatch, a bad session token,
// or (S3) XAmzContentSHA256Mismatch.
//
// The payload hash is the body's SHA-256, or S3's x-amz-content-sha256
// when it says UNSIGNED-PAYLOAD or STREAMING-...; streamed chunk
// signatures are not verified (the collector only reads).
func (s *Server) verifySignature(c *call, keyID, scopeDate string) (Error, bool) {
	var secret, token string
	s.mu.Lock()
	ic, issued := s.issued[keyID]
	s.mu.Unlock()
	switch {
	case issued:
		secret, token = ic.secret, ic.token
	case s.sc.SecretAccessKey != "" && (s.sc.AccessKeyID == "" || keyID == s.sc.AccessKeyID):
		secret, token = s.sc.SecretAccessKey, s.sc.SessionToken
	default:
		return Error{}, true
	}
	r := c.r
	sent := r.Header.Get("X-Amz-Security-Token")
	if token != "" && sent != token {
		return Error{Code: invalidTokenCode(c.proto), Message: msgToken, Status: http.StatusForbidden}, false
	}
	when, err := time.Parse("20060102T150405Z", r.Header.Get("X-Amz-Date"))
	if err != nil || when.Format("20060102") != scopeDate {
		return Error{Code: "SignatureDoesNotMatch", Message: msgSignature, Status: http.StatusForbidden}, false
	}
	sum := sha256.Sum256(c.body)
	payload := hex.EncodeToString(sum[:])
	if h := r.Header.Get("X-Amz-Content-Sha256"); h != "" {
		if len(h) == 64 && h != payload {
			return Error{Code: "XAmzContentSHA256Mismatch", Message: msgSHA256, Status: http.StatusBadRequest}, false
		}
		payload = h
	}
	m := signedHeadersRe.FindStringSubmatch(r.Header.Get("Authorization"))
	if m == nil {
		return Error{Code: "SignatureDoesNotMatch", Message: msgSignature, Status: http.StatusForbidden}, false
	}
	// The request as the client signed it: only the headers it signed
	// (a proxy or the transport may add others, such as Accept-Encoding).
	u := &url.URL{Scheme: "http", Host: r.Host, Path: r.URL.Path, RawPath: r.URL.RawPath, RawQuery: r.URL.RawQuery}
	req := &http.Request{Method: r.Method, URL: u, Host: r.Host, Header: http.Header{}}
	for _, h := range strings.Split(m[1], ";") {
		switch h {
		case "host":
		case "content-length":
			req.ContentLength = r.ContentLength
		default:
			if vs := r.Header.Values(h); len(vs) > 0 {
				req.Header[textproto.CanonicalMIMEHeaderKey(h)] = vs
			}
		}
	}
	creds := aws.Credentials{AccessKeyID: keyID, SecretAccessKey: secret, SessionToken: sent}
	signer := v4.NewSigner(func(o *v4.SignerOptions) {
		// S3 signs the path as sent; every other service escapes it again.
		o.DisableURIPathEscaping = c.service == "s3"
	})
	if err := signer.SignHTTP(r.Context(), creds, req, payload, c.service, c.region, when); err != nil {
		return Error{Code: "SignatureDoesNotMatch", Message: fmt.Sprintf("%s (%v)", msgSignature, err), Status: http.StatusForbidden}, false
	}
	if req.Header.Get("Authorization") != r.Header.Get("Authorization") {
		return Error{Code: "SignatureDoesNotMatch", Message: msgSignature, Status: http.StatusForbidden}, false
	}
	return Error{}, true
}

// invalidTokenCode is the code each protocol answers an unknown session
// token with.
func invalidTokenCode(p protocol) string {
	switch p {
	case protoQuery:
		return "InvalidClientTokenId"
	case protoEC2:
		return "AuthFailure"
	case protoRESTXML:
		return "InvalidToken"
	}
	return "UnrecognizedClientException"
}
