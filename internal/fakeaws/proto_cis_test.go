package fakeaws

import (
	"net/http"
	"strings"
	"testing"

	"github.com/aws/smithy-go/encoding/cbor"
)

// TestCISWireShapes checks the cis group's answers as AWS spells them.
func TestCISWireShapes(t *testing.T) {
	s := start(t, Scenario{PageSize: 1})
	cborHdr := map[string]string{"Smithy-Protocol": "rpc-v2-cbor", "Content-Type": "application/cbor", "Accept": "application/cbor"}
	const alarms = "/service/GraniteServiceVersion20100801/operation/DescribeAlarms"

	// Page 2 of the alarms, asked for with a CBOR NextToken.
	code, body := do(t, s, "POST", alarms, "us-east-1", "monitoring", string(cbor.Encode(cbor.Map{"NextToken": cbor.String("1")})), cborHdr)
	if code != http.StatusOK {
		t.Fatalf("DescribeAlarms: %d %q", code, body)
	}
	v, err := cbor.Decode([]byte(body))
	if err != nil {
		t.Fatalf("answer is not CBOR: %v", err)
	}
	m, _ := v.(cbor.Map)
	list, _ := m["MetricAlarms"].(cbor.List)
	if len(list) != 1 || m["NextToken"] != cbor.String("2") {
		t.Fatalf("page 2 = %#v", m)
	}
	alarm, _ := list[0].(cbor.Map)
	if alarm["AlarmName"] != cbor.String("cis-unauthorized-api-calls") || alarm["Threshold"] != cbor.Float64(5) {
		t.Errorf("alarm = %#v", alarm)
	}
	if ts, ok := alarm["StateUpdatedTimestamp"].(*cbor.Tag); !ok || ts.ID != 1 {
		t.Errorf("timestamp = %#v, want tag 1 (epoch seconds)", alarm["StateUpdatedTimestamp"])
	}

	// No file in eu-west-1: AccessDenied over CBOR, with the query code.
	code, body = do(t, s, "POST", alarms, "eu-west-1", "monitoring", "", cborHdr)
	ev, _ := cbor.Decode([]byte(body))
	if em, _ := ev.(cbor.Map); code != http.StatusForbidden || em["__type"] != cbor.String("AccessDenied") {
		t.Errorf("denied DescribeAlarms: %d %#v", code, ev)
	}

	// EFS (REST-JSON without a runtime schema): epoch-second timestamps,
	// NextMarker pagination.
	code, body = do(t, s, "GET", "/2015-02-01/file-systems", "us-east-1", "elasticfilesystem", "", nil)
	if code != 200 || !strings.Contains(body, `"CreationTime":1675418400`) || !strings.Contains(body, `"NextMarker":"1"`) {
		t.Errorf("DescribeFileSystems: %d %s", code, body)
	}
	// Access Analyzer keeps ISO timestamps and lowerCamel names.
	code, body = do(t, s, "GET", "/analyzer", "us-east-1", "access-analyzer", "", nil)
	if code != 200 || !strings.Contains(body, `"createdAt":"2023-05-14T09:00:00+00:00"`) || !strings.Contains(body, `"nextToken":"1"`) {
		t.Errorf("ListAnalyzers: %d %s", code, body)
	}
	// SNS speaks query/XML; the file key is the topic's name.
	code, body = do(t, s, "POST", "/", "us-east-1", "sns",
		"Action=ListSubscriptionsByTopic&Version=2010-03-31&TopicArn=arn%3Aaws%3Asns%3Aus-east-1%3A111122223333%3Asecurity-alerts", nil)
	if code != 200 || !strings.Contains(body, `<ListSubscriptionsByTopicResponse xmlns="http://sns.amazonaws.com/doc/2010-03-31/"><ListSubscriptionsByTopicResult><NextToken>1</NextToken><Subscriptions><member><Endpoint>secops@example.com</Endpoint>`) {
		t.Errorf("ListSubscriptionsByTopic: %d %s", code, body)
	}
	// Logs speaks JSON 1.1.
	code, body = do(t, s, "POST", "/", "us-east-1", "logs", "{}", map[string]string{"X-Amz-Target": "Logs_20140328.DescribeLogGroups", "Content-Type": "application/x-amz-json-1.1"})
	if code != 200 || !strings.Contains(body, `"logGroupName":"/aws/lambda/orders-api"`) || strings.Contains(body, "cloudtrail") {
		t.Errorf("DescribeLogGroups page 1: %d %s", code, body)
	}
	if bad := s.BadRequests(); len(bad) > 0 {
		t.Errorf("refused: %q", bad)
	}

	// A CloudWatch request in another protocol is refused.
	code, _ = do(t, s, "POST", "/", "us-east-1", "monitoring", "Action=DescribeAlarms&Version=2010-08-01", nil)
	if code != http.StatusForbidden || len(s.BadRequests()) != 1 {
		t.Errorf("query request to CloudWatch: %d, refused %q", code, s.BadRequests())
	}
}

func FuzzCBORParams(f *testing.F) {
	f.Add(cbor.Encode(cbor.Map{"NextToken": cbor.String("1"), "MaxRecords": cbor.Uint(50)}))
	f.Add([]byte{0xbf, 0x61, 0x61, 0x01, 0xff})
	f.Add([]byte{})
	f.Fuzz(func(t *testing.T, b []byte) {
		form, err := cborParams(b)
		if err == nil && form == nil {
			t.Fatal("nil form without an error")
		}
	})
}
