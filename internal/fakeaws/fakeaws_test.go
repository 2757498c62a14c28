package fakeaws

import (
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func start(t *testing.T, sc Scenario) *Server {
	t.Helper()
	sc.Snapshot = os.DirFS(filepath.Join("..", "source", "snapshot", "testdata", "basic"))
	s, err := Start(sc)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(s.Close)
	return s
}

const sig = "AWS4-HMAC-SHA256 Credential=AKIAFAKE/20240601/%s/%s/aws4_request, SignedHeaders=host;x-amz-date, Signature=" +
	"0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"

func do(t *testing.T, s *Server, method, path, region, service, body string, hdr map[string]string) (int, string) {
	t.Helper()
	req, _ := http.NewRequest(method, s.URL+path, strings.NewReader(body))
	if region != "" {
		req.Header.Set("Authorization", strings.NewReplacer("%s/%s", region+"/"+service).Replace(sig))
		req.Header.Set("X-Amz-Date", "20240601T000000Z")
	}
	if body != "" && hdr["Content-Type"] == "" {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	for k, v := range hdr {
		req.Header.Set(k, v)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

func TestUnsignedRequestsRefused(t *testing.T) {
	s := start(t, Scenario{})
	code, _ := do(t, s, "POST", "/", "", "", "Action=DescribeVolumes&Version=2016-11-15", nil)
	if code != http.StatusForbidden || len(s.BadRequests()) != 1 {
		t.Errorf("unsigned request: %d, bad requests %q", code, s.BadRequests())
	}
	if s.TotalCalls() != 0 {
		t.Error("an unsigned request was answered")
	}
}

func TestWrongKeyRefused(t *testing.T) {
	s := start(t, Scenario{AccessKeyID: "AKIAOTHER"})
	code, _ := do(t, s, "POST", "/", "us-east-1", "ec2", "Action=DescribeVpcs&Version=2016-11-15", nil)
	if code != http.StatusForbidden {
		t.Errorf("wrong key: %d", code)
	}
}

// TestWireShapes checks answers as AWS spells them, per protocol.
func TestWireShapes(t *testing.T) {
	s := start(t, Scenario{Errors: map[string]Error{"kms/list-keys": {Code: "AccessDeniedException", Message: "denied"}}})
	tests := []struct {
		name, method, path, region, service, body string
		hdr                                       map[string]string
		status                                    int
		want                                      []string
	}{
		{"ec2 dialect", "POST", "/", "us-east-1", "ec2", "Action=DescribeSecurityGroups&Version=2016-11-15", nil, 200,
			[]string{"<DescribeSecurityGroupsResponse", "<securityGroupInfo><item>", "<groupDescription>", "<ipPermissions><item>", "<ipRanges><item><cidrIp>"}},
		{"ec2 instances", "POST", "/", "us-east-1", "ec2", "Action=DescribeInstances&Version=2016-11-15", nil, 200,
			[]string{"<reservationSet><item>", "<instancesSet><item>"}},
		{"iam query", "POST", "/", "us-east-1", "iam", "Action=GetAccountSummary&Version=2010-05-08", nil, 200,
			[]string{"<GetAccountSummaryResult><SummaryMap><entry><key>"}},
		{"rds members", "POST", "/", "us-east-1", "rds", "Action=DescribeDBInstances&Version=2014-10-31", nil, 200,
			[]string{"<DBInstances><DBInstance>"}},
		{"s3 acl", "GET", "/cw-public-site?acl=", "us-east-1", "s3", "", nil, 200,
			[]string{`xsi:type="Group"`, "<URI>http://acs.amazonaws.com/groups/global/AllUsers</URI>"}},
		{"s3 error", "GET", "/cw-restricted?policy=", "us-east-1", "s3", "", nil, 404,
			[]string{"<Error><Code>NoSuchBucketPolicy</Code>"}},
		{"s3control needs the account header", "GET", "/v20180820/configuration/publicAccessBlock", "us-east-1", "s3", "", nil, 403, nil},
		{"s3control", "GET", "/v20180820/configuration/publicAccessBlock", "us-east-1", "s3", "", map[string]string{"x-amz-account-id": "111122223333"}, 200,
			[]string{"<BlockPublicAcls>true</BlockPublicAcls>"}},
		{"json 1.1 error", "POST", "/", "us-east-1", "kms", "{}", map[string]string{"X-Amz-Target": "TrentService.ListKeys", "Content-Type": "application/x-amz-json-1.1"}, 400,
			[]string{`"__type":"AccessDeniedException"`}},
		{"json 1.1 epoch timestamps", "POST", "/", "us-east-1", "kms", `{"KeyId":"1234abcd-12ab-34cd-56ef-1234567890ab"}`, map[string]string{"X-Amz-Target": "TrentService.DescribeKey", "Content-Type": "application/x-amz-json-1.1"}, 200,
			[]string{`"CreationDate":1`}},
		{"rest-json names", "GET", "/detector", "us-east-1", "guardduty", "", nil, 200,
			[]string{`"detectorIds":[`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, body := do(t, s, tt.method, tt.path, tt.region, tt.service, tt.body, tt.hdr)
			if code != tt.status {
				t.Fatalf("status %d, want %d\n%s", code, tt.status, body)
			}
			for _, w := range tt.want {
				if !strings.Contains(body, w) {
					t.Errorf("answer lacks %q:\n%s", w, body)
				}
			}
		})
	}
}

// FuzzRequest: whatever a client sends, the fake answers (an error or
// data) and never panics.
func FuzzRequest(f *testing.F) {
	s, err := Start(Scenario{Snapshot: os.DirFS(filepath.Join("..", "source", "snapshot", "testdata", "basic")), PageSize: 1})
	if err != nil {
		f.Fatal(err)
	}
	defer s.Close()
	f.Add("POST", "/", "ec2", "", "Action=DescribeVolumes&Version=2016-11-15&NextToken=1")
	f.Add("POST", "/", "kms", "TrentService.DescribeKey", `{"KeyId":"arn:aws:kms:us-east-1:1:key/../../x"}`)
	f.Add("GET", "/cw-public-site?acl=", "s3", "", "")
	f.Add("GET", "/detector/../x", "guardduty", "", "")
	f.Add("POST", "/", "rds", "", "Action=DescribeDBParameters&DBParameterGroupName=..")
	f.Add("POST", "/", "iam", "", "Action=GetAccountAuthorizationDetails&Marker=-3")
	f.Fuzz(func(t *testing.T, method, path, service, target, body string) {
		if !strings.HasPrefix(path, "/") || strings.ContainsAny(path, " \n\r\t#") || strings.ContainsAny(service, "/ ,\n\r") {
			return
		}
		req, err := http.NewRequest(method, "http://fake"+path, strings.NewReader(body))
		if err != nil {
			return
		}
		req.Header.Set("Authorization", strings.NewReplacer("%s/%s", "us-east-1/"+service).Replace(sig))
		req.Header.Set("X-Amz-Date", "20240601T000000Z")
		req.Header.Set("X-Amz-Target", target)
		req.Header.Set("X-Amz-Account-Id", "111122223333")
		rec := httptest.NewRecorder()
		s.serve(rec, req)
		if rec.Code < 200 || rec.Code > 599 {
			t.Fatalf("status %d", rec.Code)
		}
	})
}

// TestOrgConfigErrors: an organization scenario that cannot be served is
// refused at Start, naming the account.
func TestOrgConfigErrors(t *testing.T) {
	basic := os.DirFS(filepath.Join("..", "source", "snapshot", "testdata", "basic"))
	for _, tc := range []struct {
		acct OrgAccount
		want string
	}{
		{OrgAccount{ID: "12345"}, "not 12 digits"},
		{OrgAccount{ID: "444455556666", Snapshot: basic}, "account 444455556666 is served a snapshot of account 111122223333"},
	} {
		_, err := Start(Scenario{Snapshot: basic, Org: &Organization{Accounts: []OrgAccount{tc.acct}}})
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%+v: err %v, want %q", tc.acct.ID, err, tc.want)
		}
	}
	if _, err := Retarget(basic, "1", "444455556666"); err == nil {
		t.Error("Retarget accepted a bad account ID")
	}
}
