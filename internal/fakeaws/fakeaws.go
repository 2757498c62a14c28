// Package fakeaws is an in-process fake of the AWS APIs cloudward reads,
// for tests. It speaks the real wire protocols (query/XML for IAM, STS and
// RDS; EC2's own XML dialect; REST-XML for S3 and S3 Control; JSON 1.1 for
// KMS and CloudTrail; REST-JSON for GuardDuty), so the real SDK clients run
// end to end against it.
//
// The data comes from a snapshot directory in cloudward's layout
// (docs/snapshot-format.md): the fake answers each call with what the
// snapshot holds for it, converting the CLI JSON to the operation's wire
// shape. A Scenario adds errors, throttling, pagination, latency and hanging
// regions on top.
package fakeaws

//go:generate sh -c "go run ./internal/gen > names_gen.go && gofmt -w names_gen.go"

import (
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"io/fs"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// Scenario drives the fake. Keys of Errors and Throttle name a call the way
// the snapshot layout does, most specific first:
//
//	"<region>/<cli-service>/<cli-operation>/<key>"   e.g. "global/s3api/get-bucket-policy/my-bucket"
//	"<region>/<cli-service>/<cli-operation>"         e.g. "eu-west-1/ec2/describe-volumes"
//	"<cli-service>/<cli-operation>"                  every region, e.g. "ec2/describe-volumes"
//
// Account-wide services (iam, sts, s3api, s3control) use the region "global".
type Scenario struct {
	// Snapshot holds the data (snapshot.json at its root). Required.
	Snapshot fs.FS
	// Errors answers these calls with an API error.
	Errors map[string]Error
	// Throttle answers the first N calls of each key with a throttling
	// error; later calls succeed.
	Throttle map[string]int
	// PageSize > 0 paginates list answers (IAM Marker/IsTruncated, EC2,
	// KMS, GuardDuty NextToken/NextMarker) with this many items a page.
	PageSize int
	// Latency is added to every call.
	Latency time.Duration
	// Hang lists regions whose calls never answer (until the client gives
	// up or the server closes).
	Hang []string
	// Disabled lists opt-in regions the account has not enabled: their
	// calls fail the way AWS fails them (the credentials are not valid
	// there: EC2 AuthFailure, UnrecognizedClientException elsewhere).
	Disabled []string
	// AccessKeyID, when set, must be the key ID in every request's SigV4
	// credential scope.
	AccessKeyID string
	// SecretAccessKey, when set, is the secret of AccessKeyID (of any key
	// the fake did not issue, when AccessKeyID is ""): the fake recomputes
	// every such request's signature and answers a wrong one with
	// SignatureDoesNotMatch (sigv4.go). Keys the fake issues (AssumeRole)
	// are always verified. SessionToken, when set, must be sent with it.
	SecretAccessKey, SessionToken string
	// Org, when set, makes the snapshot's account the management account
	// of an organization (organizations ListAccounts, DescribeOrganization)
	// whose members are served their own snapshots (org.go).
	Org *Organization
}

// Error is an API error answer. Status 0 picks the status AWS uses for Code.
type Error struct {
	Code, Message string
	Status        int
}

// AssumedKeyID is the access key ID of the credentials sts AssumeRole
// hands out; requests signed with it are accepted too.
const AssumedKeyID = "ASIAFAKEAWSASSUMED01"

// Server is a running fake.
type Server struct {
	URL string

	sc        Scenario
	srv       *httptest.Server
	meta      snapshotMeta
	done      chan struct{}
	closeOnce sync.Once
	mu        sync.Mutex
	calls     map[string]int // "service:Action"
	thrDone   map[string]int
	badReqs   []string
	members   map[string]*member    // access key ID -> member account
	timeline  []Span                // every answered call, for benchmarks (timeline.go)
	issued    map[string]issuedCred // key ID -> credentials AssumeRole handed out (sigv4.go)
	answers   answers               // decoded answers (cache.go)
	conns     atomic.Int64          // connections accepted (cache.go)
}

type snapshotMeta struct {
	AccountID string   `json:"account_id"`
	Partition string   `json:"partition"`
	Regions   []string `json:"regions"`
}

// Start starts a fake serving sc on a loopback port.
func Start(sc Scenario) (*Server, error) {
	if sc.Snapshot == nil {
		return nil, fmt.Errorf("fakeaws: Scenario.Snapshot is required")
	}
	raw, err := fs.ReadFile(sc.Snapshot, "snapshot.json")
	if err != nil {
		return nil, fmt.Errorf("fakeaws: %w", err)
	}
	s := &Server{sc: sc, calls: map[string]int{}, thrDone: map[string]int{}, done: make(chan struct{})}
	if err := json.Unmarshal(raw, &s.meta); err != nil {
		return nil, fmt.Errorf("fakeaws: snapshot.json: %w", err)
	}
	s.sc.Snapshot = indexFS(sc.Snapshot)
	if err := s.loadOrg(); err != nil {
		return nil, err
	}
	s.srv = httptest.NewUnstartedServer(http.HandlerFunc(s.serve))
	s.srv.Config.ConnState = s.countConn
	s.srv.Start()
	s.URL = s.srv.URL
	return s, nil
}

// Close stops the server, releasing hanging calls. Safe to call twice.
func (s *Server) Close() {
	s.closeOnce.Do(func() {
		close(s.done)
		s.srv.CloseClientConnections()
		s.srv.Close()
	})
}

// Calls returns the number of calls per "service:Action" (SigV4 signing
// name and wire action, e.g. "ec2:DescribeVolumes", "s3:GetBucketPolicy").
func (s *Server) Calls() map[string]int {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make(map[string]int, len(s.calls))
	for k, v := range s.calls {
		out[k] = v
	}
	return out
}

// TotalCalls is the sum of Calls.
func (s *Server) TotalCalls() int {
	n := 0
	for _, v := range s.Calls() {
		n += v
	}
	return n
}

// BadRequests lists requests the fake refused as AWS would (unsigned,
// wrong scope, unknown operation): a test expects none.
func (s *Server) BadRequests() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]string(nil), s.badReqs...)
}

// call is one decoded request.
type call struct {
	w       http.ResponseWriter
	r       *http.Request
	service string // SigV4 signing name: iam, sts, ec2, rds, s3, kms, cloudtrail, guardduty
	region  string
	action  string // wire operation name
	proto   protocol
	body    []byte
	snap    fs.FS        // the snapshot of the account the credentials belong to
	meta    snapshotMeta // its snapshot.json
	member  bool         // signed with a member account's assumed-role key
}

type protocol int

const (
	protoQuery protocol = iota
	protoEC2
	protoJSON
	protoRESTJSON
	protoRESTXML
	protoCBOR       // smithy RPCv2 CBOR (CloudWatch; proto_cis.go)
	protoCloudFront // REST-XML of CloudFront (proto_network.go)
)

// regionRe matches region names (us-east-1, us-gov-west-1, cn-north-1, ...).
var regionRe = regexp.MustCompile(`^[a-z]{2}(-gov|-iso[a-z]?)?-[a-z]+-\d{1,2}$`)

var scopeRe = regexp.MustCompile(`^AWS4-HMAC-SHA256 Credential=([^/]+)/(\d{8})/([^/]+)/([^/]+)/aws4_request, SignedHeaders=[^,]+, Signature=[0-9a-f]{64}$`)

func (s *Server) serve(w http.ResponseWriter, r *http.Request) {
	body, err := io.ReadAll(r.Body)
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	// Verify the request is signed the way AWS requires. Only the key ID,
	// never the signature or a secret, is kept in messages.
	m := scopeRe.FindStringSubmatch(r.Header.Get("Authorization"))
	if m == nil || r.Header.Get("X-Amz-Date") == "" {
		s.bad(w, fmt.Sprintf("%s %s: missing or malformed SigV4 Authorization", r.Method, r.URL.Path))
		return
	}
	mem := s.members[m[1]]
	if s.sc.AccessKeyID != "" && m[1] != s.sc.AccessKeyID && m[1] != AssumedKeyID && mem == nil {
		s.bad(w, fmt.Sprintf("%s %s: signed with an unexpected access key ID", r.Method, r.URL.Path))
		return
	}
	if !regionRe.MatchString(m[3]) || (m[4] == "iam" && m[3] != "us-east-1") {
		s.bad(w, fmt.Sprintf("%s %s: credential scope region %q is wrong for %s", r.Method, r.URL.Path, m[3], m[4]))
		return
	}
	c := &call{w: w, r: r, region: m[3], service: m[4], body: body, snap: s.sc.Snapshot, meta: s.meta}
	if mem != nil { // a member account's assumed-role credentials
		c.snap, c.meta, c.member = mem.snap, mem.meta, true
	}
	if err := c.decode(); err != nil {
		s.bad(w, fmt.Sprintf("%s %s (%s): %v", r.Method, r.URL.Path, c.service, err))
		return
	}
	if e, ok := s.verifySignature(c, m[1], m[2]); !ok {
		s.mu.Lock()
		s.badReqs = append(s.badReqs, fmt.Sprintf("%s %s (%s %s): %s", r.Method, r.URL.Path, c.service, c.action, e.Code))
		s.mu.Unlock()
		s.writeError(c, e)
		return
	}
	s.mu.Lock()
	s.calls[c.service+":"+c.action]++
	s.mu.Unlock()
	defer s.record(c, m[1], time.Now())

	if s.sc.Latency > 0 {
		select {
		case <-time.After(s.sc.Latency):
		case <-r.Context().Done():
			return
		case <-s.done:
			return
		}
	}
	for _, h := range s.sc.Hang {
		if h == c.region && c.service != "iam" {
			select {
			case <-r.Context().Done():
			case <-s.done:
			}
			return
		}
	}
	for _, d := range s.sc.Disabled {
		if d == c.region && c.service != "iam" {
			code := "UnrecognizedClientException"
			switch c.proto {
			case protoEC2:
				code = "AuthFailure"
			case protoQuery, protoRESTXML:
				code = "InvalidClientTokenId"
			}
			s.writeError(c, Error{Code: code, Message: "The security token included in the request is invalid.", Status: http.StatusForbidden})
			return
		}
	}
	s.handle(c)
}

func (s *Server) bad(w http.ResponseWriter, msg string) {
	s.mu.Lock()
	s.badReqs = append(s.badReqs, msg)
	s.mu.Unlock()
	w.WriteHeader(http.StatusForbidden)
	fmt.Fprintf(w, `<ErrorResponse><Error><Type>Sender</Type><Code>IncompleteSignature</Code><Message>%s</Message></Error></ErrorResponse>`, xmlEscape(msg))
}

// decodeQuery reads an AWS query (or EC2) protocol request: a form body
// whose Action names the operation.
func (c *call) decodeQuery() error {
	form, err := url.ParseQuery(string(c.body))
	if err != nil {
		return fmt.Errorf("query body: %v", err)
	}
	c.action = form.Get("Action")
	if c.action == "" {
		return fmt.Errorf("query request without Action")
	}
	c.proto = protoQuery
	c.r.Form = form
	return nil
}

// decode finds the protocol and the operation of the request.
func (c *call) decode() error {
	switch c.service {
	case "iam", "sts", "rds", "ec2":
		if err := c.decodeQuery(); err != nil {
			return err
		}
		if c.service == "ec2" {
			c.proto = protoEC2
		}
	case "kms", "cloudtrail", "organizations":
		t := c.r.Header.Get("X-Amz-Target")
		prefix := map[string]string{"kms": "TrentService.", "cloudtrail": "CloudTrail_20131101.", "organizations": "AWSOrganizationsV20161128."}[c.service]
		if !strings.HasPrefix(t, prefix) {
			return fmt.Errorf("X-Amz-Target %q is not a %s operation", t, c.service)
		}
		c.action = strings.TrimPrefix(t, prefix)
		c.proto = protoJSON
	case "guardduty":
		c.proto = protoRESTJSON
		switch p := c.r.URL.Path; {
		case p == "/detector":
			c.action = "ListDetectors"
		case strings.HasPrefix(p, "/detector/") && strings.Count(p, "/") == 2:
			c.action = "GetDetector"
		default:
			return fmt.Errorf("unknown GuardDuty path %s", p)
		}
	case "sns", "logs", "config", "monitoring", "securityhub", "access-analyzer", "elasticfilesystem", "account":
		return c.decodeCIS()
	case "elasticloadbalancing", "acm", "eks", "cloudfront":
		return c.decodeNetwork()
	case "lambda", "secretsmanager", "sqs", "ecr":
		return c.decodePolicy()
	case "macie2": // REST-JSON; only GetMacieSession is served (issue 6)
		if c.r.Method != http.MethodGet || c.r.URL.Path != "/macie" {
			return fmt.Errorf("unknown macie2 request %s %s", c.r.Method, c.r.URL.Path)
		}
		c.action, c.proto = "GetMacieSession", protoRESTJSON
	case "s3":
		c.proto = protoRESTXML
		c.action = s3Action(c.r)
		if c.action == "" {
			return fmt.Errorf("unknown S3 request %s", c.r.URL.RequestURI())
		}
		if strings.HasPrefix(c.r.URL.Path, "/v20180820/") {
			c.action = "GetPublicAccessBlockControl"
		}
	default:
		return fmt.Errorf("unknown service %q in the credential scope", c.service)
	}
	return nil
}

// requestID is a fresh request ID, as every AWS answer carries one.
func requestID() string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	return hex.EncodeToString(b[:])
}
