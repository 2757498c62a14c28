package awslive_test

import (
	"encoding/json"
	"io/fs"
	"net/url"
	"os"
	"strings"
	"testing"

	"github.com/cloudward/cloudward/internal/fakeaws"
	awsm "github.com/cloudward/cloudward/internal/model/aws"
	"github.com/cloudward/cloudward/internal/source/awslive"
	"github.com/cloudward/cloudward/internal/source/snapshot"
)

// cisFiles are the basic fixture's files of the cis group's operations
// (issue 4 item 4), each served by the fake over its own wire protocol:
// query XML (IAM, SNS), EC2 XML, JSON 1.1 (Logs, Config), RPCv2 CBOR
// (CloudWatch), REST-JSON (Security Hub, Access Analyzer, EFS, Account).
var cisFiles = []string{
	"global/iam/list-virtual-mfa-devices.json",
	"global/iam/list-server-certificates.json",
	"global/account/get-alternate-contact/SECURITY.json",
	"us-east-1/ec2/describe-route-tables.json",
	"us-east-1/ec2/describe-vpc-peering-connections.json",
	"us-east-1/logs/describe-metric-filters.json",
	"us-east-1/logs/describe-log-groups.json",
	"us-east-1/cloudwatch/describe-alarms.json",
	"us-east-1/sns/list-subscriptions-by-topic/security-alerts.json",
	"us-east-1/sns/list-subscriptions-by-topic/ops-pager.error.json",
	"us-east-1/securityhub/describe-hub.json",
	"eu-west-1/securityhub/describe-hub.error.json",
	"us-east-1/accessanalyzer/list-analyzers.json",
	"eu-west-1/accessanalyzer/list-analyzers.error.json",
	"us-east-1/configservice/describe-configuration-recorders.json",
	"us-east-1/configservice/describe-configuration-recorder-status.json",
	"eu-west-1/configservice/describe-configuration-recorders.json",
	"eu-west-1/configservice/describe-configuration-recorder-status.json",
	"us-east-1/efs/describe-file-systems.json",
	"eu-west-1/efs/describe-file-systems.json",
}

// cisServiceNames are the --services that run the group's operations.
var cisServiceNames = []string{"iam", "ec2", "account", "monitoring", "securityhub", "accessanalyzer", "config", "efs"}

// TestCISOperationsPaginatedAndDenied: one item a page, so every list
// operation of the group follows its own pagination token (Marker,
// NextToken, nextToken, NextMarker) through the SDK paginators, and the
// merged files still equal the fixture; plus an AccessDenied chosen by the
// scenario, which becomes an error file, an error coverage entry and
// unknown values.
func TestCISOperationsPaginatedAndDenied(t *testing.T) {
	denied := "us-east-1/configservice/describe-configuration-recorder-status"
	srv := startFake(t, fakeaws.Scenario{PageSize: 1, Errors: map[string]fakeaws.Error{
		denied: {Code: "AccessDeniedException", Message: "User: arn:aws:iam::111122223333:user/auditor is not authorized to perform: config:DescribeConfigurationRecorderStatus"},
	}})
	w, _ := collect(t, srv, awslive.Options{Services: cisServiceNames})
	got, want := w.FS(), os.DirFS(basicDir)
	for _, p := range cisFiles {
		if strings.HasPrefix(p, denied) {
			continue
		}
		wb, err := fs.ReadFile(want, p)
		if err != nil {
			t.Fatalf("fixture: %v", err)
		}
		gb, err := fs.ReadFile(got, p)
		if err != nil {
			t.Errorf("%s: not collected: %v", p, err)
			continue
		}
		var gv, wv any
		if err := json.Unmarshal(gb, &gv); err != nil {
			t.Errorf("%s: collected invalid JSON: %v\n%s", p, err, gb)
			continue
		}
		_ = json.Unmarshal(wb, &wv)
		redactWantEndpoints(p, wv)
		if d := diffJSON(normalize(gv), normalize(wv), ""); d != "" {
			t.Errorf("%s: collected differs from the fixture:\n%s", p, d)
		}
	}
	// The webhook's secret path is stored nowhere.
	_ = fs.WalkDir(got, ".", func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			if b, _ := fs.ReadFile(got, p); strings.Contains(string(b), "/integration/abc123") {
				t.Errorf("%s holds the webhook URL's secret path", p)
			}
		}
		return nil
	})

	// Pages per operation: the fixture's item counts, one a page (an
	// empty list is one page; an error answer one call).
	calls := srv.Calls()
	for call, n := range map[string]int{
		"iam:ListVirtualMFADevices":             3,
		"iam:ListServerCertificates":            2,
		"ec2:DescribeRouteTables":               3 + 1, // eu-west-1 has none in the fixture: one denied call
		"logs:DescribeMetricFilters":            3 + 1,
		"logs:DescribeLogGroups":                3 + 1,
		"monitoring:DescribeAlarms":             3 + 1,
		"sns:ListSubscriptionsByTopic":          3 + 1, // security-alerts, and ops-pager's AuthorizationError
		"access-analyzer:ListAnalyzers":         2 + 1,
		"elasticfilesystem:DescribeFileSystems": 2 + 1,
		"account:GetAlternateContact":           1,
		"securityhub:DescribeHub":               2,
	} {
		if calls[call] != n {
			t.Errorf("%s: %d calls, want %d", call, calls[call], n)
		}
	}

	// Calls the fixture has no file for are denied in each protocol's
	// spelling (CloudWatch's over CBOR).
	for file, code := range map[string]string{
		"eu-west-1/cloudwatch/describe-alarms.error.json":           "AccessDenied",
		"eu-west-1/logs/describe-log-groups.error.json":             "AccessDeniedException",
		"eu-west-1/ec2/describe-vpc-peering-connections.error.json": "UnauthorizedOperation",
	} {
		if b, err := fs.ReadFile(got, file); err != nil || !strings.Contains(string(b), `"Code": "`+code+`"`) {
			t.Errorf("%s = %s %v, want code %s", file, b, err, code)
		}
	}

	// The denied call: an error file with the code, an error coverage
	// entry, and the recorder's state unknown (not "not recording").
	eb, err := fs.ReadFile(got, denied+".error.json")
	if err != nil || !strings.Contains(string(eb), `"Code": "AccessDeniedException"`) {
		t.Fatalf("%s.error.json = %s %v", denied, eb, err)
	}
	res, err := snapshot.LoadFS(got)
	if err != nil {
		t.Fatal(err)
	}
	var cov *awsm.Coverage
	for i, c := range res.Inventory.Coverage {
		if c.Region == "us-east-1" && c.Service == "configservice" && c.Operation == "describe-configuration-recorder-status" {
			cov = &res.Inventory.Coverage[i]
		}
	}
	if cov == nil || cov.Status != awsm.CoverageError || !strings.Contains(cov.Detail, "AccessDeniedException") {
		t.Errorf("coverage of the denied call = %+v", cov)
	}
	us := res.Inventory.RegionNamed("us-east-1")
	recs, ok := us.CIS.ConfigRecorders.Get()
	if !ok || len(recs) != 1 {
		t.Fatalf("us-east-1 recorders = %v (known %v): describe-configuration-recorders was allowed", recs, ok)
	}
	if _, known := recs[0].Recording.Get(); known {
		t.Error("recording is known although describe-configuration-recorder-status was denied")
	}
	if all, known := recs[0].AllSupported.Get(); !known || !all {
		t.Errorf("allSupported = %v (known %v), want known true", all, known)
	}
}

// TestCISCLIFormatting: the group's files are printed the CLI's way:
// lowerCamel member names where the model has them, floats as Python
// prints them, CLI timestamps.
func TestCISCLIFormatting(t *testing.T) {
	srv := startFake(t, fakeaws.Scenario{})
	w, _ := collect(t, srv, awslive.Options{Services: []string{"monitoring", "accessanalyzer", "config", "efs"}, Regions: []string{"us-east-1"}})
	got := w.FS()
	for file, wants := range map[string][]string{
		"us-east-1/cloudwatch/describe-alarms.json":   {`"Threshold": 1.0,`, `"Threshold": 0.5,`, `"StateUpdatedTimestamp": "2024-05-31T23:55:41.208000+00:00"`, "\n    \"MetricAlarms\": [\n"},
		"us-east-1/logs/describe-metric-filters.json": {`"filterName": "RootAccountUsage"`, `"creationTime": 1710238020326`, `"defaultValue": 0.0`},
		"us-east-1/accessanalyzer/list-analyzers.json": {`"analyzers": [`, `"createdAt": "2023-05-14T09:00:00+00:00"`,
			"\"configuration\": {\n                \"unusedAccess\": {\n                    \"unusedAccessAge\": 90"},
		"us-east-1/configservice/describe-configuration-recorders.json": {`"roleARN": "arn:aws:iam::111122223333:role/`, `"allSupported": true`},
		"us-east-1/efs/describe-file-systems.json":                      {`"CreationTime": "2023-02-03T10:00:00+00:00"`, `"Encrypted": false`},
	} {
		b, err := fs.ReadFile(got, file)
		if err != nil {
			t.Errorf("%s: %v", file, err)
			continue
		}
		for _, s := range wants {
			if !strings.Contains(string(b), s) {
				t.Errorf("%s lacks %q:\n%s", file, s, b)
			}
		}
	}
	// Only the chosen services ran: no IAM or EC2 files.
	if _, err := fs.Stat(got, "global/iam/list-virtual-mfa-devices.json"); err == nil {
		t.Error("iam was collected although --services did not name it")
	}
}

// TestCISThrottlingRetried: a throttling answer over RPCv2 CBOR (the
// protocol the group brought to the fake; query and JSON throttling are
// covered by TestThrottlingRetried) is retried by the SDK and the data
// arrives. Adaptive retry then slows the client down, so one is enough.
func TestCISThrottlingRetried(t *testing.T) {
	srv := startFake(t, fakeaws.Scenario{Throttle: map[string]int{"cloudwatch/describe-alarms": 1}})
	w, _ := collect(t, srv, awslive.Options{Services: []string{"monitoring"}, Regions: []string{"us-east-1"}})
	for _, f := range []string{"us-east-1/cloudwatch/describe-alarms.json", "us-east-1/sns/list-subscriptions-by-topic/security-alerts.json"} {
		if _, err := fs.ReadFile(w.FS(), f); err != nil {
			t.Errorf("%s: not collected after throttling: %v", f, err)
		}
	}
	if c := srv.Calls(); c["monitoring:DescribeAlarms"] != 2 {
		t.Errorf("calls %v: want DescribeAlarms throttled once, then answered", c)
	}
}

// redactWantEndpoints applies to a fixture file what the collector does to
// SNS subscriptions: HTTP(S) endpoints keep only scheme and host.
func redactWantEndpoints(file string, want any) {
	if !strings.Contains(file, "/sns/list-subscriptions-by-topic/") {
		return
	}
	m, _ := want.(map[string]any)
	subs, _ := m["Subscriptions"].([]any)
	for _, e := range subs {
		sub, _ := e.(map[string]any)
		ep, _ := sub["Endpoint"].(string)
		if p, _ := sub["Protocol"].(string); p == "http" || p == "https" {
			if u, err := url.Parse(ep); err == nil {
				sub["Endpoint"] = u.Scheme + "://" + u.Hostname()
			}
		}
	}
}
