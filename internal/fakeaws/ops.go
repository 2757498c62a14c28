package fakeaws

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"net/http"
	"net/url"
	"path"
	"reflect"
	"strconv"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/cloudtrail"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"
	"github.com/aws/aws-sdk-go-v2/service/guardduty"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	iamtypes "github.com/aws/aws-sdk-go-v2/service/iam/types"
	"github.com/aws/aws-sdk-go-v2/service/kms"
	"github.com/aws/aws-sdk-go-v2/service/rds"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	ststypes "github.com/aws/aws-sdk-go-v2/service/sts/types"
	smithy "github.com/aws/smithy-go"
)

// op is one operation the fake answers from the snapshot.
type op struct {
	cli  string     // "<cli-service>/<cli-operation>"
	out  func() any // SDK output type the CLI JSON decodes into
	key  func(c *call) string
	page *pager
}

// pager describes how a list answer is paginated: the list members split
// into pages, the request token and the answer token (and truncation flag).
type pager struct {
	lists     []string
	in, out   string
	truncated string
}

var ec2Page = func(list string) *pager { return &pager{lists: []string{list}, in: "NextToken", out: "NextToken"} }

// lookupOp finds an operation in the foundation's table or in one of the
// tables of issue 4's extra operations (one file per group).
func lookupOp(key string) (op, bool) {
	for _, t := range []map[string]op{ops, opsCIS, opsNetwork, opsPolicy} {
		if o, ok := t[key]; ok {
			return o, true
		}
	}
	return op{}, false
}

// ops maps "service:Action" to its operation.
var ops = map[string]op{
	"sts:GetCallerIdentity": {cli: "sts/get-caller-identity", out: func() any { return &sts.GetCallerIdentityOutput{} }},

	"iam:GetAccountAuthorizationDetails": {cli: "iam/get-account-authorization-details",
		out:  func() any { return &iam.GetAccountAuthorizationDetailsOutput{} },
		page: &pager{lists: []string{"UserDetailList", "GroupDetailList", "RoleDetailList", "Policies"}, in: "Marker", out: "Marker", truncated: "IsTruncated"}},
	"iam:GetAccountPasswordPolicy": {cli: "iam/get-account-password-policy", out: func() any { return &iam.GetAccountPasswordPolicyOutput{} }},
	"iam:GetAccountSummary":        {cli: "iam/get-account-summary", out: func() any { return &iam.GetAccountSummaryOutput{} }},

	"ec2:DescribeSecurityGroups":         {cli: "ec2/describe-security-groups", out: func() any { return &ec2.DescribeSecurityGroupsOutput{} }, page: ec2Page("SecurityGroups")},
	"ec2:DescribeInstances":              {cli: "ec2/describe-instances", out: func() any { return &ec2.DescribeInstancesOutput{} }, page: ec2Page("Reservations")},
	"ec2:DescribeVolumes":                {cli: "ec2/describe-volumes", out: func() any { return &ec2.DescribeVolumesOutput{} }, page: ec2Page("Volumes")},
	"ec2:GetEbsEncryptionByDefault":      {cli: "ec2/get-ebs-encryption-by-default", out: func() any { return &ec2.GetEbsEncryptionByDefaultOutput{} }},
	"ec2:DescribeVpcs":                   {cli: "ec2/describe-vpcs", out: func() any { return &ec2.DescribeVpcsOutput{} }, page: ec2Page("Vpcs")},
	"ec2:DescribeFlowLogs":               {cli: "ec2/describe-flow-logs", out: func() any { return &ec2.DescribeFlowLogsOutput{} }, page: ec2Page("FlowLogs")},
	"ec2:DescribeNetworkAcls":            {cli: "ec2/describe-network-acls", out: func() any { return &ec2.DescribeNetworkAclsOutput{} }, page: ec2Page("NetworkAcls")},
	"rds:DescribeDBInstances":            {cli: "rds/describe-db-instances", out: func() any { return &rds.DescribeDBInstancesOutput{} }, page: &pager{lists: []string{"DBInstances"}, in: "Marker", out: "Marker"}},
	"rds:DescribeDBParameters":           {cli: "rds/describe-db-parameters", out: func() any { return &rds.DescribeDBParametersOutput{} }, key: formKey("DBParameterGroupName"), page: &pager{lists: []string{"Parameters"}, in: "Marker", out: "Marker"}},
	"kms:ListKeys":                       {cli: "kms/list-keys", out: func() any { return &kms.ListKeysOutput{} }, page: &pager{lists: []string{"Keys"}, in: "Marker", out: "NextMarker", truncated: "Truncated"}},
	"kms:DescribeKey":                    {cli: "kms/describe-key", out: func() any { return &kms.DescribeKeyOutput{} }, key: jsonKey("KeyId", "key/")},
	"kms:GetKeyRotationStatus":           {cli: "kms/get-key-rotation-status", out: func() any { return &kms.GetKeyRotationStatusOutput{} }, key: jsonKey("KeyId", "key/")},
	"cloudtrail:DescribeTrails":          {cli: "cloudtrail/describe-trails", out: func() any { return &cloudtrail.DescribeTrailsOutput{} }},
	"cloudtrail:GetTrailStatus":          {cli: "cloudtrail/get-trail-status", out: func() any { return &cloudtrail.GetTrailStatusOutput{} }, key: jsonKey("Name", "trail/")},
	"cloudtrail:GetEventSelectors":       {cli: "cloudtrail/get-event-selectors", out: func() any { return &cloudtrail.GetEventSelectorsOutput{} }, key: jsonKey("TrailName", "trail/")},
	"guardduty:ListDetectors":            {cli: "guardduty/list-detectors", out: func() any { return &guardduty.ListDetectorsOutput{} }, page: &pager{lists: []string{"DetectorIds"}, in: "nextToken", out: "NextToken"}},
	"guardduty:GetDetector":              {cli: "guardduty/get-detector", out: func() any { return &guardduty.GetDetectorOutput{} }, key: func(c *call) string { return path.Base(c.r.URL.Path) }},
	"iam:GetCredentialReport":            {cli: "iam/get-credential-report"},
	"iam:GenerateCredentialReport":       {cli: "iam/generate-credential-report"},
	"sts:AssumeRole":                     {cli: "sts/assume-role", key: roleAccountKey},
	"organizations:ListAccounts":         {cli: "organizations/list-accounts"},
	"organizations:DescribeOrganization": {cli: "organizations/describe-organization"},
	"ec2:DescribeRegions":                {cli: "ec2/describe-regions"},
	"s3:ListBuckets":                     {cli: "s3api/list-buckets"},
	"s3:GetBucketLocation":               {cli: "s3api/get-bucket-location", key: bucketKey},
	"s3:GetBucketPolicy":                 {cli: "s3api/get-bucket-policy", key: bucketKey},
	"s3:GetBucketAcl":                    {cli: "s3api/get-bucket-acl", key: bucketKey},
	"s3:GetPublicAccessBlock":            {cli: "s3api/get-public-access-block", key: bucketKey},
	"s3:GetBucketEncryption":             {cli: "s3api/get-bucket-encryption", key: bucketKey},
	"s3:GetBucketVersioning":             {cli: "s3api/get-bucket-versioning", key: bucketKey},
	"s3:GetBucketLogging":                {cli: "s3api/get-bucket-logging", key: bucketKey},
	"s3:GetBucketTagging":                {cli: "s3api/get-bucket-tagging", key: bucketKey},
	"s3:GetPublicAccessBlockControl":     {cli: "s3control/get-public-access-block"},
}

// globalServices are account-wide: their files live under global/.
var globalServices = map[string]bool{"iam": true, "sts": true, "s3api": true, "s3control": true, "organizations": true, "account": true, "cloudfront": true}

func formKey(name string) func(c *call) string {
	return func(c *call) string { return c.r.Form.Get(name) }
}

// jsonKey reads a key from the JSON body; an ARN is cut after sep, since the
// snapshot stores key IDs and trail names.
func jsonKey(field, sep string) func(c *call) string {
	return func(c *call) string {
		var m map[string]any
		_ = json.Unmarshal(c.body, &m)
		s, _ := m[field].(string)
		if i := strings.LastIndex(s, sep); strings.HasPrefix(s, "arn:") && i >= 0 {
			s = s[i+len(sep):]
		}
		return s
	}
}

func bucketKey(c *call) string {
	p := strings.TrimPrefix(c.r.URL.Path, "/")
	if i := strings.IndexByte(p, '/'); i >= 0 {
		p = p[:i]
	}
	return p
}

// handle answers a decoded call.
func (s *Server) handle(c *call) {
	o, ok := lookupOp(c.service + ":" + c.action)
	if !ok {
		s.writeError(c, Error{Code: "InvalidAction", Message: fmt.Sprintf("fakeaws does not implement %s:%s", c.service, c.action), Status: 400})
		return
	}
	svc, _, _ := strings.Cut(o.cli, "/")
	dir := c.region
	if globalServices[svc] {
		dir = "global"
	}
	var key string
	if o.key != nil {
		key = o.key(c)
		if key == "" || strings.ContainsAny(key, "/\\") || key == "." || key == ".." {
			s.writeError(c, Error{Code: "ValidationError", Message: "missing or invalid resource identifier", Status: 400})
			return
		}
	}
	if e, ok := s.override(dir, o.cli, key); ok {
		s.writeError(c, e)
		return
	}
	switch c.service + ":" + c.action {
	case "sts:AssumeRole":
		s.assumeRole(c)
		return
	case "organizations:ListAccounts", "organizations:DescribeOrganization":
		if s.orgFromSnapshot(c) {
			return
		}
		s.organizations(c)
		return
	case "iam:GenerateCredentialReport":
		s.writeQuery(c, &iam.GenerateCredentialReportOutput{State: iamtypes.ReportStateTypeComplete})
		return
	case "iam:GetCredentialReport":
		s.credentialReport(c)
		return
	case "ec2:DescribeRegions":
		out := &ec2.DescribeRegionsOutput{}
		for _, r := range c.meta.Regions {
			out.Regions = append(out.Regions, ec2types.Region{RegionName: ptr(r), Endpoint: ptr("ec2." + r + ".amazonaws.com"), OptInStatus: ptr("opt-in-not-required")})
		}
		s.writeEC2(c, out)
		return
	}
	file := path.Join(dir, o.cli)
	if key != "" {
		file = path.Join(file, key)
	}
	if e, ok := s.errorFile(c, file); ok {
		s.writeError(c, e)
		return
	}
	raw, err := fs.ReadFile(c.snap, file+".json")
	if errors.Is(err, fs.ErrNotExist) && c.service+":"+c.action == "sts:GetCallerIdentity" {
		raw = fmt.Appendf(nil, `{"Account": %q, "Arn": "arn:%s:iam::%s:user/fakeaws", "UserId": "AIDAFAKEAWS"}`, c.meta.AccountID, c.meta.Partition, c.meta.AccountID)
		err = nil
	}
	if err != nil {
		// Not in the scenario: what an account without that permission answers.
		s.writeError(c, Error{Code: accessDeniedCode(c), Message: fmt.Sprintf("fakeaws: the scenario has no %s", file)})
		return
	}
	if c.proto == protoRESTXML {
		s.writeS3(c, raw)
		return
	}
	cacheable := s.sc.PageSize == 0
	akey := answerKey{api: c.service + ":" + c.action, raw: string(raw)}
	out, cached := s.answers.get(akey)
	if !cached || !cacheable {
		var e *Error
		if out, e = s.decodeAnswer(c, o, svc, file, raw); e != nil {
			s.writeError(c, *e)
			return
		}
		if cacheable {
			s.answers.put(akey, out)
		}
	}
	switch c.proto {
	case protoQuery:
		s.writeQuery(c, out.(smithy.Serializable))
	case protoEC2:
		s.writeEC2(c, out)
	case protoJSON:
		if c.service == "cloudtrail" {
			writeJSON(c.w, http.StatusOK, "application/x-amz-json-1.1", encodeCloudTrail(reflect.ValueOf(out)))
			return
		}
		j := &jsonSer{}
		out.(smithy.Serializable).Serialize(j)
		writeJSON(c.w, http.StatusOK, "application/x-amz-json-1.1", j.root)
	case protoRESTJSON:
		j := &jsonSer{useJSONName: true}
		out.(smithy.Serializable).Serialize(j)
		writeJSON(c.w, http.StatusOK, "application/json", j.root)
	case protoCBOR:
		s.writeCBOR(c, out)
	case protoCloudFront:
		s.writeCloudFront(c, out)
	}
}

// param reads a request parameter of any protocol.
func (c *call) param(name string) string {
	switch c.proto {
	case protoQuery, protoEC2, protoCBOR:
		return c.r.Form.Get(name)
	case protoJSON:
		var m map[string]any
		_ = json.Unmarshal(c.body, &m)
		s, _ := m[name].(string)
		return s
	}
	return c.r.URL.Query().Get(name)
}

// override is the scenario's error or throttling answer for a call.
func (s *Server) override(dir, cli, key string) (Error, bool) {
	keys := []string{dir + "/" + cli, cli}
	if key != "" {
		keys = append([]string{dir + "/" + cli + "/" + key}, keys...)
	}
	for _, k := range keys {
		if e, ok := s.sc.Errors[k]; ok {
			return e, true
		}
	}
	for _, k := range keys {
		if n, ok := s.sc.Throttle[k]; ok {
			s.mu.Lock()
			done := s.thrDone[k]
			if done < n {
				s.thrDone[k]++
			}
			s.mu.Unlock()
			if done < n {
				return Error{Code: "Throttling", Message: "Rate exceeded", Status: -1}, true
			}
		}
	}
	return Error{}, false
}

// errorFile reads <file>.error.json, an error answer stored in the snapshot.
func (s *Server) errorFile(c *call, file string) (Error, bool) {
	raw, err := fs.ReadFile(c.snap, file+".error.json")
	if err != nil {
		return Error{}, false
	}
	var e struct {
		Code, Message string
		Error         *struct{ Code, Message string }
	}
	if json.Unmarshal(raw, &e) != nil {
		return Error{Code: "InternalFailure", Message: "fakeaws: bad " + file + ".error.json", Status: 500}, true
	}
	if e.Error != nil {
		return Error{Code: e.Error.Code, Message: e.Error.Message}, true
	}
	return Error{Code: e.Code, Message: e.Message}, true
}

func accessDeniedCode(c *call) string {
	switch c.proto {
	case protoEC2:
		return "UnauthorizedOperation"
	case protoJSON, protoRESTJSON:
		return "AccessDeniedException"
	}
	return "AccessDenied"
}

// decodeTree reads CLI JSON keeping numbers exact.
func decodeTree(raw []byte) (map[string]any, error) {
	d := json.NewDecoder(strings.NewReader(string(raw)))
	d.UseNumber()
	var m map[string]any
	// An empty file is what the CLI prints for an empty answer (sqs
	// list-queues without queues).
	if err := d.Decode(&m); err != nil && strings.TrimSpace(string(raw)) != "" {
		return nil, err
	}
	if m == nil {
		m = map[string]any{}
	}
	return m, nil
}

// paginate cuts the lists of tree to the page named by token (page index).
func paginate(tree map[string]any, p *pager, token string, size int) error {
	page := 0
	if token != "" {
		n, err := strconv.Atoi(token)
		if err != nil || n < 0 {
			return fmt.Errorf("invalid pagination token %q", token)
		}
		page = n
	}
	more := false
	for _, l := range p.lists {
		items, _ := tree[l].([]any)
		lo, hi := min(page*size, len(items)), min((page+1)*size, len(items))
		if hi < len(items) {
			more = true
		}
		if _, ok := tree[l]; ok {
			tree[l] = items[lo:hi]
		}
	}
	delete(tree, p.out)
	if p.truncated != "" {
		tree[p.truncated] = more
	}
	if more {
		tree[p.out] = strconv.Itoa(page + 1)
	}
	return nil
}

// encodePolicyDocuments turns the CLI's decoded IAM policy documents back
// into the URL-encoded JSON strings the IAM API returns.
func encodePolicyDocuments(v any) {
	switch t := v.(type) {
	case map[string]any:
		for k, val := range t {
			if k == "PolicyDocument" || k == "AssumeRolePolicyDocument" || k == "Document" {
				if obj, ok := val.(map[string]any); ok {
					b, _ := json.Marshal(obj)
					t[k] = strings.ReplaceAll(url.QueryEscape(string(b)), "+", "%20")
					continue
				}
			}
			encodePolicyDocuments(val)
		}
	case []any:
		for _, e := range t {
			encodePolicyDocuments(e)
		}
	}
}

func (s *Server) credentialReport(c *call) {
	raw, err := fs.ReadFile(c.snap, "global/iam/get-credential-report.csv")
	if err != nil {
		s.writeError(c, Error{Code: "ReportNotPresent", Message: "Credential report not present", Status: 410})
		return
	}
	gen, _ := time.Parse(time.RFC3339, "2024-01-01T00:00:00Z")
	s.writeQuery(c, &iam.GetCredentialReportOutput{Content: raw, ReportFormat: iamtypes.ReportFormatTypeTextCsv, GeneratedTime: &gen})
}

func (s *Server) assumeRole(c *call) {
	arn := c.r.Form.Get("RoleArn")
	name := c.r.Form.Get("RoleSessionName")
	exp := time.Now().Add(time.Hour).UTC().Truncate(time.Second)
	keyID, denied := s.memberKey(c, arn)
	if denied {
		s.writeError(c, Error{Code: "AccessDenied", Message: fmt.Sprintf("User: arn:%s:iam::%s:user/fakeaws is not authorized to perform: sts:AssumeRole on resource: %s", c.meta.Partition, c.meta.AccountID, arn)})
		return
	}
	cred := s.issue(keyID)
	s.writeQuery(c, &sts.AssumeRoleOutput{
		Credentials: &ststypes.Credentials{
			AccessKeyId: ptr(keyID), SecretAccessKey: ptr(cred.secret),
			SessionToken: ptr(cred.token), Expiration: &exp,
		},
		AssumedRoleUser: &ststypes.AssumedRoleUser{Arn: ptr(strings.Replace(strings.Replace(arn, ":iam:", ":sts:", 1), ":role/", ":assumed-role/", 1) + "/" + name), AssumedRoleId: ptr("AROAFAKEAWS:" + name)},
	})
}

func ptr[T any](v T) *T { return &v }

func (s *Server) writeQuery(c *call, out smithy.Serializable) {
	x := &xmlSer{}
	out.Serialize(x)
	ns := map[string]string{"iam": "https://iam.amazonaws.com/doc/2010-05-08/", "sts": "https://sts.amazonaws.com/doc/2011-06-15/", "rds": "http://rds.amazonaws.com/doc/2014-10-31/", "sns": "http://sns.amazonaws.com/doc/2010-03-31/", "elasticloadbalancing": "http://elasticloadbalancing.amazonaws.com/doc/2015-12-01/"}[c.service]
	c.w.Header().Set("Content-Type", "text/xml")
	fmt.Fprintf(c.w, `<%sResponse xmlns="%s"><%sResult>%s</%sResult><ResponseMetadata><RequestId>%s</RequestId></ResponseMetadata></%sResponse>`,
		c.action, ns, c.action, x.b.String(), c.action, requestID(), c.action)
}

func (s *Server) writeEC2(c *call, out any) {
	var b strings.Builder
	encodeEC2(&b, reflect.ValueOf(out))
	c.w.Header().Set("Content-Type", "text/xml;charset=UTF-8")
	fmt.Fprintf(c.w, `<?xml version="1.0" encoding="UTF-8"?><%sResponse xmlns="http://ec2.amazonaws.com/doc/2016-11-15/"><requestId>%s</requestId>%s</%sResponse>`,
		c.action, requestID(), b.String(), c.action)
}

func writeJSON(w http.ResponseWriter, status int, ctype string, v any) {
	if v == nil {
		v = map[string]any{}
	}
	b, _ := json.Marshal(v)
	w.Header().Set("Content-Type", ctype)
	w.WriteHeader(status)
	_, _ = w.Write(b)
}

// statusFor is the HTTP status AWS answers an error code with.
func statusFor(code string) int {
	switch code {
	case "NoSuchBucketPolicy", "NoSuchPublicAccessBlockConfiguration", "ServerSideEncryptionConfigurationNotFoundError", "NoSuchTagSet",
		"NoSuchEntity", "NoSuchBucket", "NotFoundException", "TrailNotFoundException", "DBParameterGroupNotFound":
		return http.StatusNotFound
	case "AccessDenied", "UnauthorizedOperation", "OptInRequired", "AuthFailure":
		return http.StatusForbidden
	case "RequestLimitExceeded", "SlowDown", "ServiceUnavailable":
		return http.StatusServiceUnavailable
	case "TooManyRequestsException":
		return http.StatusTooManyRequests
	case "ReportNotPresent":
		return http.StatusGone
	}
	return http.StatusBadRequest
}

// writeError answers an API error in the call's protocol. Status -1 is a
// throttling answer, spelled the way each service spells it.
func (s *Server) writeError(c *call, e Error) {
	if e.Status == -1 {
		e.Code, e.Status = map[protocol]string{protoQuery: "Throttling", protoEC2: "RequestLimitExceeded", protoJSON: "ThrottlingException", protoRESTJSON: "TooManyRequestsException", protoRESTXML: "SlowDown", protoCloudFront: "Throttling"}[c.proto], 0
	}
	if e.Status == 0 {
		e.Status = statusFor(e.Code)
		// JSON 1.1 services answer AccessDeniedException with 400, REST ones with 403.
		if e.Code == "AccessDeniedException" && c.proto == protoRESTJSON {
			e.Status = http.StatusForbidden
		}
	}
	switch c.proto {
	case protoQuery:
		c.w.Header().Set("Content-Type", "text/xml")
		c.w.WriteHeader(e.Status)
		fmt.Fprintf(c.w, `<ErrorResponse xmlns="https://iam.amazonaws.com/doc/2010-05-08/"><Error><Type>Sender</Type><Code>%s</Code><Message>%s</Message></Error><RequestId>%s</RequestId></ErrorResponse>`,
			xmlEscape(e.Code), xmlEscape(e.Message), requestID())
	case protoEC2:
		c.w.Header().Set("Content-Type", "text/xml;charset=UTF-8")
		c.w.WriteHeader(e.Status)
		fmt.Fprintf(c.w, `<?xml version="1.0" encoding="UTF-8"?><Response><Errors><Error><Code>%s</Code><Message>%s</Message></Error></Errors><RequestID>%s</RequestID></Response>`,
			xmlEscape(e.Code), xmlEscape(e.Message), requestID())
	case protoJSON:
		c.w.Header().Set("X-Amzn-ErrorType", e.Code)
		writeJSON(c.w, e.Status, "application/x-amz-json-1.1", map[string]string{"__type": e.Code, "message": e.Message})
	case protoRESTJSON:
		c.w.Header().Set("X-Amzn-ErrorType", e.Code)
		writeJSON(c.w, e.Status, "application/json", map[string]string{"message": e.Message})
	case protoCBOR:
		writeCBORError(c, e)
	case protoCloudFront:
		writeCloudFrontError(c, e)
	case protoRESTXML:
		c.w.Header().Set("Content-Type", "application/xml")
		c.w.WriteHeader(e.Status)
		fmt.Fprintf(c.w, `<?xml version="1.0" encoding="UTF-8"?><Error><Code>%s</Code><Message>%s</Message><RequestId>%s</RequestId></Error>`,
			xmlEscape(e.Code), xmlEscape(e.Message), requestID())
	}
}

// decodeAnswer turns a snapshot file's CLI JSON into the operation's SDK
// output (paginated and with IAM's policy documents URL-encoded).
func (s *Server) decodeAnswer(c *call, o op, svc, file string, raw []byte) (any, *Error) {
	tree, err := decodeTree(raw)
	if err != nil {
		return nil, &Error{Code: "InternalFailure", Message: fmt.Sprintf("fakeaws: %s.json: %v", file, err), Status: 500}
	}
	if o.page != nil && s.sc.PageSize > 0 {
		if err := paginate(tree, o.page, c.param(o.page.in), s.sc.PageSize); err != nil {
			return nil, &Error{Code: "InvalidParameterValue", Message: err.Error(), Status: 400}
		}
	}
	if svc == "iam" {
		encodePolicyDocuments(tree)
	}
	raw, _ = json.Marshal(tree)
	out := o.out()
	if err := json.Unmarshal(raw, out); err != nil {
		return nil, &Error{Code: "InternalFailure", Message: fmt.Sprintf("fakeaws: %s.json does not fit %T: %v", file, out, err), Status: 500}
	}
	return out, nil
}
