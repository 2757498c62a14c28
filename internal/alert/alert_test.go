package alert

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/cloudward/cloudward/internal/check"
	"github.com/cloudward/cloudward/internal/model"
)

var update = flag.Bool("update", false, "rewrite the golden files under testdata/")

var scanTime = time.Date(2026, 11, 28, 6, 0, 0, 0, time.UTC)

var testScan = Scan{ID: "7d1c2a9e-4b1f-4c3e-9a70-2f5d8e6b0c11", Target: "prod-123456789012", Time: scanTime}

func ref(id, typ, name, region string) model.Ref {
	return model.Ref{ID: id, Type: typ, Name: name, Region: region, Account: "123456789012", Provider: "aws"}
}

// events are the transitions of two scans of the demo account.
func events() []Event {
	return []Event{
		{Kind: New, Finding: Finding{Fingerprint: "f6af66679854d0810fee101bdd8266e2", CheckID: "aws-s3-bucket-public-policy",
			Title: "S3 bucket policy grants public access", Severity: check.Critical, Domain: check.Exposure, Service: "s3",
			Status: check.Fail, Resource: ref("arn:aws:s3:::acme-corp-website", "AWS::S3::Bucket", "acme-corp-website", "us-east-1"),
			Message: "the bucket policy grants access to everyone and Block Public Access does not restrict it"}},
		{Kind: New, Finding: Finding{Fingerprint: "9e1d1886c37aa66bed4204c4c62d5b4d", CheckID: "aws-ec2-sg-ssh-open",
			Title: "Security group allows SSH (22) from the internet", Severity: check.High, Domain: check.Network, Service: "ec2",
			Status: check.Fail, Resource: ref("arn:aws:ec2:us-east-1:123456789012:security-group/sg-08b9c0d1e2f3a4b5c",
				"AWS::EC2::SecurityGroup", "debug-temp-open", "us-east-1"),
			Message: "SSH (22) is open to the internet <0.0.0.0/0> & ::/0"}},
		{Kind: Open, Finding: Finding{Fingerprint: "1afa7e85e8da0125131f7b806882aa62", CheckID: "aws-iam-user-admin-access",
			Title: "IAM user has full administrator access", Severity: check.Critical, Domain: check.Identity, Service: "iam",
			Status: check.Fail, Resource: ref("arn:aws:iam::123456789012:user/alice.martin", "AWS::IAM::User", "alice.martin", "global"),
			Message: "AdministratorAccess is attached to the user"}},
		{Kind: Resolved, Finding: Finding{Fingerprint: "0776452919a7473c8c2b3b00c30b267b", CheckID: "aws-ec2-ebs-volume-unencrypted",
			Title: "EBS volume is not encrypted", Severity: check.Medium, Domain: check.Encryption, Service: "ec2",
			Status: check.Pass, Resource: ref("arn:aws:ec2:us-east-1:123456789012:volume/vol-0a1b2c3d4e5f60001",
				"AWS::EC2::Volume", "vol-0a1b2c3d4e5f60001", "us-east-1"),
			Message: "the volume is encrypted"}},
		{Kind: New, Finding: Finding{Fingerprint: "6be76c7ff9ff0e84e9e81275faee254e", CheckID: "aws-iam-user-direct-policies",
			Title: "IAM user has policies attached directly", Severity: check.Low, Domain: check.Identity, Service: "iam",
			Status: check.Fail, Resource: ref("arn:aws:iam::123456789012:user/bob.nguyen", "AWS::IAM::User", "bob.nguyen", "global"),
			Message: "1 managed policy attached to the user"}},
	}
}

// recorded is one request a receiver got.
type recorded struct {
	Method  string            `json:"method"`
	Path    string            `json:"path"`
	Headers map[string]string `json:"headers"`
	Body    json.RawMessage   `json:"body"`
	at      time.Time
	raw     []byte
	header  http.Header
}

// receiver is a local HTTP endpoint that records requests and answers with
// the statuses of respond, in turn (the last one repeats).
type receiver struct {
	*httptest.Server
	mu      sync.Mutex
	got     []recorded
	respond []func(w http.ResponseWriter)
}

func newReceiver(t *testing.T, respond ...func(w http.ResponseWriter)) *receiver {
	rc := &receiver{respond: respond}
	rc.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		h := map[string]string{}
		for _, k := range []string{"Content-Type", "Authorization", SignatureHeader, TimestampHeader} {
			if v := r.Header.Get(k); v != "" {
				h[k] = v
			}
		}
		rc.mu.Lock()
		n := len(rc.got)
		rc.got = append(rc.got, recorded{Method: r.Method, Path: r.URL.RequestURI(), Headers: h, Body: body,
			at: time.Now(), raw: body, header: r.Header.Clone()})
		rc.mu.Unlock()
		if len(rc.respond) == 0 {
			w.WriteHeader(http.StatusAccepted)
			io.WriteString(w, `{"status":"success"}`)
			return
		}
		rc.respond[min(n, len(rc.respond)-1)](w)
	}))
	t.Cleanup(rc.Close)
	return rc
}

func (rc *receiver) requests() []recorded {
	rc.mu.Lock()
	defer rc.mu.Unlock()
	return append([]recorded(nil), rc.got...)
}

func status(code int, body string, header ...string) func(w http.ResponseWriter) {
	return func(w http.ResponseWriter) {
		for i := 0; i+1 < len(header); i += 2 {
			w.Header().Set(header[i], header[i+1])
		}
		w.WriteHeader(code)
		io.WriteString(w, body)
	}
}

func dispatcher(t *testing.T, dests []Destination, rules []Rule) *Dispatcher {
	t.Helper()
	d, err := NewDispatcher(dests, rules)
	if err != nil {
		t.Fatal(err)
	}
	d.BaseDelay, d.MaxDelay = 5*time.Millisecond, 2*time.Second
	d.Now = func() time.Time { return scanTime.Add(42 * time.Second) }
	return d
}

func everything(dest ...string) []Rule { return []Rule{{Name: "all", Destinations: dest}} }

func golden(t *testing.T, name string, got []recorded) {
	t.Helper()
	b, err := json.MarshalIndent(got, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	b = append(b, '\n')
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.WriteFile(path, b, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test ./internal/alert -update to create it)", err)
	}
	if !bytes.Equal(b, want) {
		t.Errorf("%s differs (run go test ./internal/alert -update if intended)\n--- got:\n%s", path, b)
	}
}

func TestPayloadsGolden(t *testing.T) {
	tests := []struct {
		typ      Type
		path     string
		key      string
		requests int // how many requests the five events make
		sent     int
	}{
		// Chat destinations get every event in one message.
		{Slack, "/services/T0A1B2C3D/B0E4F5G6H/s3cr3tTOKENslack", "", 1, 5},
		{Teams, "/webhookb2/3f1c/IncomingWebhook/9a8b/s3cr3t", "", 1, 5},
		{Webhook, "/hooks/cloudward", "whsec-test-4f9d", 1, 5},
		// Pagers: three triggers or creates, one resolve or close; the
		// still-open finding is not paged again.
		{PagerDuty, "", "R0UT1NGKEY0000000000000000000000", 4, 4},
		{Opsgenie, "", "eb243592-faa2-4ba2-a551q-1afdf565c889", 4, 4},
	}
	for _, tt := range tests {
		t.Run(string(tt.typ), func(t *testing.T) {
			rc := newReceiver(t)
			dst := Destination{Name: "test-" + string(tt.typ), Type: tt.typ, URL: rc.URL + tt.path, Key: tt.key}
			d := dispatcher(t, []Destination{dst}, everything(dst.Name))
			res := d.Dispatch(context.Background(), testScan, events())
			if len(res) != 1 || res[0].Sent != tt.sent || res[0].Failed != 0 || res[0].Requests != tt.requests ||
				res[0].Attempts != tt.requests || res[0].Errors != nil {
				t.Fatalf("result = %+v", res)
			}
			got := rc.requests()
			if len(got) != tt.requests {
				t.Fatalf("%d requests, want %d", len(got), tt.requests)
			}
			for _, r := range got {
				if !json.Valid(r.raw) || r.header.Get("Content-Type") != "application/json" || r.Method != http.MethodPost {
					t.Errorf("bad request %s %s %q", r.Method, r.Path, r.raw)
				}
			}
			golden(t, string(tt.typ)+".golden.json", got)
		})
	}
}

func TestPagerDutyTriggerAndResolve(t *testing.T) {
	rc := newReceiver(t)
	dst := Destination{Name: "pd", Type: PagerDuty, URL: rc.URL, Key: "R0UT1NGKEY"}
	d := dispatcher(t, []Destination{dst}, everything("pd"))
	evs := events()
	d.Dispatch(context.Background(), testScan, evs)
	var actions []string
	for _, r := range rc.requests() {
		var e struct {
			RoutingKey  string `json:"routing_key"`
			EventAction string `json:"event_action"`
			DedupKey    string `json:"dedup_key"`
			Payload     *struct {
				Severity string `json:"severity"`
				Source   string `json:"source"`
			} `json:"payload"`
		}
		if err := json.Unmarshal(r.raw, &e); err != nil {
			t.Fatal(err)
		}
		if r.Path != "/v2/enqueue" || e.RoutingKey != "R0UT1NGKEY" {
			t.Errorf("request to %s with key %q", r.Path, e.RoutingKey)
		}
		if (e.EventAction == "trigger") != (e.Payload != nil) {
			t.Errorf("%s with payload %v", e.EventAction, e.Payload)
		}
		actions = append(actions, e.EventAction+" "+e.DedupKey)
	}
	want := []string{"trigger f6af66679854d0810fee101bdd8266e2", "trigger 9e1d1886c37aa66bed4204c4c62d5b4d",
		"resolve 0776452919a7473c8c2b3b00c30b267b", "trigger 6be76c7ff9ff0e84e9e81275faee254e"}
	if strings.Join(actions, "\n") != strings.Join(want, "\n") {
		t.Errorf("actions:\n%s\nwant:\n%s", strings.Join(actions, "\n"), strings.Join(want, "\n"))
	}

	// The next scan: the same findings are still open. Nothing pages.
	var open []Event
	for _, ev := range evs {
		if ev.Kind == New {
			ev.Kind = Open
			open = append(open, ev)
		}
	}
	if res := d.Dispatch(context.Background(), testScan, open); len(res) != 0 {
		t.Errorf("open findings paged again: %+v", res)
	}
	if n := len(rc.requests()); n != 4 {
		t.Errorf("%d requests after the second scan, want still 4", n)
	}
}

func TestOpsgenieCreateAndClose(t *testing.T) {
	rc := newReceiver(t)
	dst := Destination{Name: "og", Type: Opsgenie, URL: rc.URL + "/", Key: "0a1b-key"}
	d := dispatcher(t, []Destination{dst}, everything("og"))
	d.Dispatch(context.Background(), testScan, events())
	got := rc.requests()
	if len(got) != 4 {
		t.Fatalf("%d requests", len(got))
	}
	for _, r := range got {
		if r.header.Get("Authorization") != "GenieKey 0a1b-key" {
			t.Errorf("auth header %q", r.header.Get("Authorization"))
		}
	}
	if got[0].Path != "/v2/alerts" {
		t.Errorf("create path %s", got[0].Path)
	}
	var a struct{ Alias, Priority, Message string }
	json.Unmarshal(got[0].raw, &a)
	if a.Alias != "f6af66679854d0810fee101bdd8266e2" || a.Priority != "P1" || a.Message != "[critical] S3 bucket policy grants public access" {
		t.Errorf("alert = %+v", a)
	}
	if got[2].Path != "/v2/alerts/0776452919a7473c8c2b3b00c30b267b/close?identifierType=alias" {
		t.Errorf("close path %s", got[2].Path)
	}
}

func TestWebhookSignature(t *testing.T) {
	const secret = "whsec-5b1e0f"
	rc := newReceiver(t)
	dst := Destination{Name: "siem", Type: Webhook, URL: rc.URL + "/in", Key: secret}
	d := dispatcher(t, []Destination{dst}, everything("siem"))
	d.Dispatch(context.Background(), testScan, events())
	got := rc.requests()
	if len(got) != 1 {
		t.Fatalf("%d requests", len(got))
	}
	r := got[0]
	// Verify as a receiver would, without the package's helper.
	m := hmac.New(sha256.New, []byte(secret))
	m.Write(r.raw)
	want := "sha256=" + hex.EncodeToString(m.Sum(nil))
	if sig := r.header.Get(SignatureHeader); sig != want {
		t.Errorf("signature %q, want %q", sig, want)
	}
	if !Verify(secret, r.raw, r.header.Get(SignatureHeader)) || Verify("other", r.raw, r.header.Get(SignatureHeader)) {
		t.Error("Verify disagrees")
	}
	tampered := bytes.Replace(r.raw, []byte(`"critical"`), []byte(`"low"`), 1)
	if Verify(secret, tampered, r.header.Get(SignatureHeader)) {
		t.Error("tampered body verifies")
	}
	if ts := r.header.Get(TimestampHeader); ts != "1795845642" {
		t.Errorf("timestamp %q", ts)
	}
	var p WebhookPayload
	if err := json.Unmarshal(r.raw, &p); err != nil || p.SentAt != "2026-11-28T06:00:42Z" || len(p.Events) != 5 {
		t.Errorf("payload %+v %v", p, err)
	}
}

func TestRetryOn500ThenSuccess(t *testing.T) {
	rc := newReceiver(t, status(500, "internal error"), status(502, "bad gateway"), status(200, "ok"))
	dst := Destination{Name: "slack", Type: Slack, URL: rc.URL + "/services/x"}
	d := dispatcher(t, []Destination{dst}, everything("slack"))
	res := d.Dispatch(context.Background(), testScan, events()[:1])
	if len(res) != 1 || res[0].Sent != 1 || res[0].Attempts != 3 || res[0].Failed != 0 {
		t.Fatalf("result = %+v", res)
	}
	got := rc.requests()
	if len(got) != 3 || !bytes.Equal(got[0].raw, got[2].raw) {
		t.Errorf("retries did not resend the same body")
	}
}

func TestRetryAfterOn429(t *testing.T) {
	rc := newReceiver(t, status(429, `{"status":"throttle event"}`, "Retry-After", "1"), status(202, ""))
	dst := Destination{Name: "pd", Type: PagerDuty, URL: rc.URL, Key: "k"}
	d := dispatcher(t, []Destination{dst}, everything("pd"))
	res := d.Dispatch(context.Background(), testScan, events()[:1])
	if len(res) != 1 || res[0].Sent != 1 || res[0].Attempts != 2 {
		t.Fatalf("result = %+v", res)
	}
	got := rc.requests()
	if gap := got[1].at.Sub(got[0].at); gap < 950*time.Millisecond {
		t.Errorf("retried after %v, Retry-After said 1s", gap)
	}
}

func TestNoRetryOnClientError(t *testing.T) {
	const token = "s3cr3tTOKENslack"
	rc := newReceiver(t, status(400, "invalid_blocks for /services/T0/B0/"+token))
	dst := Destination{Name: "slack", Type: Slack, URL: rc.URL + "/services/T0/B0/" + token}
	d := dispatcher(t, []Destination{dst}, everything("slack"))
	res := d.Dispatch(context.Background(), testScan, events()[:2])
	if len(res) != 1 || res[0].Failed != 2 || res[0].Attempts != 1 || len(res[0].Errors) != 1 {
		t.Fatalf("result = %+v", res)
	}
	e := res[0].Errors[0]
	if !strings.Contains(e, `slack destination "slack": HTTP 400: invalid_blocks`) || strings.Contains(e, token) {
		t.Errorf("error %q: want the status, never the token", e)
	}
}

func TestNetworkErrorsRetriedAndRedacted(t *testing.T) {
	// A port nobody listens on: connection refused on every attempt.
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	const token = "XXXXsecretPATHtoken"
	dst := Destination{Name: "teams", Type: Teams, URL: "http://" + addr + "/webhookb2/" + token}
	d := dispatcher(t, []Destination{dst}, everything("teams"))
	res := d.Dispatch(context.Background(), testScan, events()[:1])
	if len(res) != 1 || res[0].Failed != 1 || res[0].Attempts != 4 {
		t.Fatalf("result = %+v", res)
	}
	if e := res[0].Errors[0]; strings.Contains(e, token) || !strings.Contains(e, "connection refused") || !strings.Contains(e, "after 4 attempts") {
		t.Errorf("error %q", e)
	}
	if s := fmt.Sprintf("%v %+v %#v %s", dst, d, d, d); strings.Contains(s, token) {
		t.Errorf("destination renders its URL: %s", s)
	}
}

func TestHangingDestinationDoesNotBlockOthers(t *testing.T) {
	release := make(chan struct{})
	hang := newReceiver(t, func(w http.ResponseWriter) { <-release })
	defer close(release)
	ok := newReceiver(t)
	flaky := newReceiver(t, status(503, "unavailable"), status(200, "ok"))
	dests := []Destination{
		{Name: "hung", Type: Webhook, URL: hang.URL, Key: "k1", Timeout: 300 * time.Millisecond},
		{Name: "slack", Type: Slack, URL: ok.URL + "/services/a"},
		{Name: "flaky", Type: Teams, URL: flaky.URL + "/webhookb2/b"},
	}
	d := dispatcher(t, dests, everything("hung", "slack", "flaky"))
	start := time.Now()
	res := d.Dispatch(context.Background(), testScan, events())
	if el := time.Since(start); el > 2*time.Second {
		t.Errorf("Dispatch took %v: the hanging destination held it up", el)
	}
	if len(res) != 3 {
		t.Fatalf("results %+v", res)
	}
	if r := res[0]; r.Destination != "hung" || r.Sent != 0 || r.Failed != 5 || !strings.Contains(r.Errors[0], "deadline exceeded") {
		t.Errorf("hung = %+v", r)
	}
	if r := res[1]; r.Destination != "slack" || r.Sent != 5 || r.Failed != 0 {
		t.Errorf("slack = %+v", r)
	}
	if r := res[2]; r.Destination != "flaky" || r.Sent != 5 || r.Attempts != 2 {
		t.Errorf("flaky = %+v", r)
	}
}

func TestRouting(t *testing.T) {
	dests := []Destination{
		{Name: "pager", Type: PagerDuty, Key: "k"},
		{Name: "sec-chat", Type: Slack, URL: "https://hooks.slack.com/services/x"},
		{Name: "iam-team", Type: Teams, URL: "https://example.webhook.office.com/x"},
		{Name: "siem", Type: Webhook, URL: "https://siem.example/in", Key: "s"},
	}
	rules := []Rule{
		{Name: "page critical", MinSeverity: check.Critical, NewOnly: true, Destinations: []string{"pager"}},
		{Name: "chat high+", MinSeverity: check.High, Destinations: []string{"sec-chat"}},
		{Name: "iam new", Checks: []string{"aws-iam-*"}, NewOnly: true, Destinations: []string{"iam-team"}},
		{Name: "network to siem", Domains: []check.Domain{check.Network}, Accounts: []string{"123456789012"}, Destinations: []string{"siem", "sec-chat"}},
		{Name: "other account", Accounts: []string{"999999999999"}, Destinations: []string{"siem"}},
	}
	d := dispatcher(t, dests, rules)
	routed := d.Route(events())
	ids := func(name string) string {
		var out []string
		for _, ev := range routed[name] {
			out = append(out, string(ev.Kind)+":"+ev.Finding.CheckID)
		}
		return strings.Join(out, " ")
	}
	want := map[string]string{
		// critical only; the still-open critical is not paged again.
		"pager": "new:aws-s3-bucket-public-policy",
		// high and above, open included; the SSH finding once, though two rules name it.
		"sec-chat": "new:aws-s3-bucket-public-policy new:aws-ec2-sg-ssh-open open:aws-iam-user-admin-access",
		"iam-team": "new:aws-iam-user-direct-policies",
		"siem":     "new:aws-ec2-sg-ssh-open",
	}
	for name, w := range want {
		if got := ids(name); got != w {
			t.Errorf("%s got %q\n want %q", name, got, w)
		}
	}
	// A resolved critical reaches the pager even under new-only.
	ev := events()[0]
	ev.Kind = Resolved
	if got := d.Route([]Event{ev})["pager"]; len(got) != 1 {
		t.Errorf("resolve not routed to the pager")
	}
}

func TestNewDispatcherErrors(t *testing.T) {
	tests := []struct {
		name  string
		dests []Destination
		rules []Rule
		want  string
	}{
		{"unknown type", []Destination{{Name: "x", Type: "email", URL: "https://a"}}, nil, `destination "x": unknown type "email"`},
		{"slack without url", []Destination{{Name: "x", Type: Slack}}, nil, `slack destination "x": url is required`},
		{"pagerduty without key", []Destination{{Name: "p", Type: PagerDuty}}, nil, "routing_key is required"},
		{"webhook without secret", []Destination{{Name: "w", Type: Webhook, URL: "https://a"}}, nil, "secret is required"},
		{"bad scheme, value not shown", []Destination{{Name: "s", Type: Slack, URL: "hooks.slack.com/T0/SECRET"}}, nil, "url must start with https://"},
		{"duplicate", []Destination{{Name: "s", Type: Slack, URL: "https://a"}, {Name: "s", Type: Slack, URL: "https://b"}}, nil, "duplicate name"},
		{"rule to nowhere", []Destination{{Name: "s", Type: Slack, URL: "https://a"}}, []Rule{{Name: "r", Destinations: []string{"t"}}}, `rule "r": unknown destination "t"`},
		{"rule without destinations", nil, []Rule{{Name: "r"}}, `rule "r": no destinations`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := NewDispatcher(tt.dests, tt.rules)
			if err == nil || !strings.Contains(err.Error(), tt.want) || strings.Contains(err.Error(), "SECRET") {
				t.Errorf("err = %v, want %q", err, tt.want)
			}
		})
	}
}

func TestRetryAfterParsing(t *testing.T) {
	now := time.Date(2026, 11, 28, 6, 0, 0, 0, time.UTC)
	for v, want := range map[string]time.Duration{
		"3": 3 * time.Second, "0": 0, "": 0, "soon": 0,
		"Sat, 28 Nov 2026 06:00:10 GMT": 10 * time.Second,
		"Sat, 28 Nov 2026 05:00:00 GMT": 0,
	} {
		if got := retryAfter(v, now); got != want {
			t.Errorf("retryAfter(%q) = %v, want %v", v, got, want)
		}
	}
}

func TestSlackBatchesLargeDiffs(t *testing.T) {
	rc := newReceiver(t)
	dst := Destination{Name: "s", Type: Slack, URL: rc.URL + "/services/a"}
	d := dispatcher(t, []Destination{dst}, everything("s"))
	var evs []Event
	for i := 0; i < 95; i++ {
		evs = append(evs, events()[1])
	}
	res := d.Dispatch(context.Background(), testScan, evs)
	if res[0].Requests != 3 || res[0].Sent != 95 {
		t.Fatalf("result = %+v", res)
	}
	for _, r := range rc.requests() {
		var m slackMessage
		json.Unmarshal(r.raw, &m)
		if len(m.Blocks) > 50 {
			t.Errorf("%d blocks: over Slack's limit of 50", len(m.Blocks))
		}
	}
}

func TestRetryAfterBeyondBudgetGivesUp(t *testing.T) {
	rc := newReceiver(t, status(429, "slow down", "Retry-After", "120"), status(202, ""))
	dst := Destination{Name: "og", Type: Opsgenie, URL: rc.URL, Key: "k", Timeout: time.Second}
	d := dispatcher(t, []Destination{dst}, everything("og"))
	start := time.Now()
	res := d.Dispatch(context.Background(), testScan, events()[:1])
	if time.Since(start) > 500*time.Millisecond {
		t.Errorf("waited %v for a Retry-After that cannot fit the budget", time.Since(start))
	}
	if len(res) != 1 || res[0].Failed != 1 || res[0].Attempts != 1 || !strings.Contains(res[0].Errors[0], "HTTP 429") ||
		!strings.Contains(res[0].Errors[0], "out of time") {
		t.Errorf("result = %+v", res)
	}
}
