package alert

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/cloudward/cloudward/internal/check"
	"github.com/cloudward/cloudward/internal/model"
)

// Batch sizes keep chat messages within the services' limits (Slack: 50
// blocks; Teams: about 28 KB per card).
const (
	slackBatch   = 40
	teamsBatch   = 20
	webhookBatch = 500
)

func jsonRequest(method, u string, v any, header http.Header, events int) (request, error) {
	body, err := json.Marshal(v)
	if err != nil {
		return request{}, err
	}
	if header == nil {
		header = http.Header{}
	}
	header.Set("Content-Type", "application/json")
	return request{method: method, url: u, header: header, body: body, events: events}, nil
}

func batches(evs []Event, n int) [][]Event {
	var out [][]Event
	for len(evs) > n {
		out = append(out, evs[:n])
		evs = evs[n:]
	}
	return append(out, evs)
}

// counts renders "2 new, 1 still failing, 1 resolved".
func counts(evs []Event) string {
	var n [3]int
	for _, ev := range evs {
		switch ev.Kind {
		case New:
			n[0]++
		case Open:
			n[1]++
		case Resolved:
			n[2]++
		}
	}
	var parts []string
	for i, label := range []string{"new", "still failing", "resolved"} {
		if n[i] > 0 {
			parts = append(parts, fmt.Sprintf("%d %s", n[i], label))
		}
	}
	return strings.Join(parts, ", ")
}

var kindLabel = map[Kind]string{New: "NEW", Open: "STILL FAILING", Resolved: "RESOLVED"}

// where renders the resource's account and region.
func where(f *Finding) string {
	var parts []string
	if f.Resource.Account != "" {
		parts = append(parts, "account "+f.Resource.Account)
	}
	if f.Resource.Region != "" {
		parts = append(parts, f.Resource.Region)
	}
	return strings.Join(parts, ", ")
}

func scanLine(scan Scan) string {
	s := "scan " + scan.ID
	if scan.Target != "" {
		s += " of " + scan.Target
	}
	if !scan.Time.IsZero() {
		s += " at " + scan.Time.UTC().Format(time.RFC3339)
	}
	return s
}

// --- Slack: incoming webhook with Block Kit blocks ---

var slackEmoji = map[check.Severity]string{
	check.Critical: ":red_circle:", check.High: ":large_orange_circle:", check.Medium: ":large_yellow_circle:",
	check.Low: ":large_blue_circle:", check.Info: ":white_circle:",
}

// slackEscape escapes the three characters mrkdwn reserves.
func slackEscape(s string) string {
	return strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;").Replace(s)
}

func truncate(s string, n int) string {
	if r := []rune(s); len(r) > n {
		return string(r[:n-1]) + "…"
	}
	return s
}

type slackText struct {
	Type string `json:"type"`
	Text string `json:"text"`
}

type slackBlock struct {
	Type     string      `json:"type"`
	Text     *slackText  `json:"text,omitempty"`
	Elements []slackText `json:"elements,omitempty"`
}

type slackMessage struct {
	Text   string       `json:"text"`
	Blocks []slackBlock `json:"blocks"`
}

func slackRequests(dst Destination, scan Scan, evs []Event) ([]request, error) {
	var out []request
	for _, b := range batches(evs, slackBatch) {
		title := "cloudward: " + counts(b)
		msg := slackMessage{Text: title + " (" + scanLine(scan) + ")"}
		msg.Blocks = append(msg.Blocks,
			slackBlock{Type: "header", Text: &slackText{Type: "plain_text", Text: truncate(title, 150)}},
			slackBlock{Type: "context", Elements: []slackText{{Type: "mrkdwn", Text: slackEscape(scanLine(scan))}}})
		for _, ev := range b {
			f := &ev.Finding
			icon := slackEmoji[f.Severity]
			if ev.Kind == Resolved {
				icon = ":white_check_mark:"
			}
			text := fmt.Sprintf("%s *%s* · %s · `%s`\n*%s*\n`%s` (%s)", icon, kindLabel[ev.Kind], f.Severity,
				slackEscape(f.CheckID), slackEscape(f.Title), slackEscape(f.Resource.ID), slackEscape(where(f)))
			if ev.Kind != Resolved && f.Message != "" {
				text += "\n" + slackEscape(f.Message)
			}
			msg.Blocks = append(msg.Blocks, slackBlock{Type: "section", Text: &slackText{Type: "mrkdwn", Text: truncate(text, 3000)}})
		}
		rq, err := jsonRequest(http.MethodPost, dst.URL, msg, nil, len(b))
		if err != nil {
			return nil, err
		}
		out = append(out, rq)
	}
	return out, nil
}

// --- Microsoft Teams: an Adaptive Card in a "message" envelope ---

var teamsColor = map[check.Severity]string{
	check.Critical: "attention", check.High: "attention", check.Medium: "warning", check.Low: "accent", check.Info: "default",
}

type teamsFact struct {
	Title string `json:"title"`
	Value string `json:"value"`
}

type teamsElement struct {
	Type      string         `json:"type"`
	Text      string         `json:"text,omitempty"`
	Size      string         `json:"size,omitempty"`
	Weight    string         `json:"weight,omitempty"`
	Color     string         `json:"color,omitempty"`
	Wrap      bool           `json:"wrap,omitempty"`
	IsSubtle  bool           `json:"isSubtle,omitempty"`
	Separator bool           `json:"separator,omitempty"`
	Items     []teamsElement `json:"items,omitempty"`
	Facts     []teamsFact    `json:"facts,omitempty"`
}

type teamsCard struct {
	Schema  string         `json:"$schema"`
	Type    string         `json:"type"`
	Version string         `json:"version"`
	Body    []teamsElement `json:"body"`
	MSTeams map[string]any `json:"msteams"`
}

type teamsAttachment struct {
	ContentType string    `json:"contentType"`
	ContentURL  *string   `json:"contentUrl"`
	Content     teamsCard `json:"content"`
}

type teamsMessage struct {
	Type        string            `json:"type"`
	Attachments []teamsAttachment `json:"attachments"`
}

func teamsRequests(dst Destination, scan Scan, evs []Event) ([]request, error) {
	var out []request
	for _, b := range batches(evs, teamsBatch) {
		card := teamsCard{
			Schema: "http://adaptivecards.io/schemas/adaptive-card.json", Type: "AdaptiveCard", Version: "1.4",
			MSTeams: map[string]any{"width": "Full"},
			Body: []teamsElement{
				{Type: "TextBlock", Text: "cloudward: " + counts(b), Size: "Large", Weight: "Bolder", Wrap: true},
				{Type: "TextBlock", Text: scanLine(scan), IsSubtle: true, Wrap: true},
			},
		}
		for _, ev := range b {
			f := &ev.Finding
			color := teamsColor[f.Severity]
			if ev.Kind == Resolved {
				color = "good"
			}
			facts := []teamsFact{{"Check", f.CheckID}, {"Severity", f.Severity.String()}, {"Resource", f.Resource.ID}}
			if w := where(&ev.Finding); w != "" {
				facts = append(facts, teamsFact{"Where", w})
			}
			if ev.Kind != Resolved && f.Message != "" {
				facts = append(facts, teamsFact{"Detail", f.Message})
			}
			card.Body = append(card.Body, teamsElement{Type: "Container", Separator: true, Items: []teamsElement{
				{Type: "TextBlock", Text: kindLabel[ev.Kind] + ": " + f.Title, Weight: "Bolder", Color: color, Wrap: true},
				{Type: "FactSet", Facts: facts},
			}})
		}
		msg := teamsMessage{Type: "message", Attachments: []teamsAttachment{{
			ContentType: "application/vnd.microsoft.card.adaptive", Content: card}}}
		rq, err := jsonRequest(http.MethodPost, dst.URL, msg, nil, len(b))
		if err != nil {
			return nil, err
		}
		out = append(out, rq)
	}
	return out, nil
}

// --- PagerDuty Events API v2 ---

// pagerDutySeverity maps to the Events API's four severities.
var pagerDutySeverity = map[check.Severity]string{
	check.Critical: "critical", check.High: "error", check.Medium: "warning", check.Low: "info", check.Info: "info",
}

type pdPayload struct {
	Summary       string         `json:"summary"`
	Source        string         `json:"source"`
	Severity      string         `json:"severity"`
	Timestamp     string         `json:"timestamp,omitempty"`
	Component     string         `json:"component,omitempty"`
	Group         string         `json:"group,omitempty"`
	Class         string         `json:"class,omitempty"`
	CustomDetails map[string]any `json:"custom_details,omitempty"`
}

type pdEvent struct {
	RoutingKey  string     `json:"routing_key"`
	EventAction string     `json:"event_action"`
	DedupKey    string     `json:"dedup_key"`
	Client      string     `json:"client,omitempty"`
	Payload     *pdPayload `json:"payload,omitempty"`
}

func details(scan Scan, f *Finding) map[string]any {
	return map[string]any{
		"check_id": f.CheckID, "title": f.Title, "severity": f.Severity.String(), "domain": string(f.Domain),
		"resource_id": f.Resource.ID, "resource_type": f.Resource.Type, "account": f.Resource.Account,
		"region": f.Resource.Region, "message": f.Message, "fingerprint": f.Fingerprint, "scan_id": scan.ID,
		"target": scan.Target,
	}
}

func pagerDutyRequests(dst Destination, scan Scan, evs []Event) ([]request, error) {
	base := dst.URL
	if base == "" {
		base = PagerDutyURL
	}
	endpoint := strings.TrimSuffix(base, "/") + "/v2/enqueue"
	var out []request
	for _, ev := range evs {
		f := &ev.Finding
		e := pdEvent{RoutingKey: dst.Key, DedupKey: f.Fingerprint, Client: "cloudward"}
		switch ev.Kind {
		case New:
			e.EventAction = "trigger"
			e.Payload = &pdPayload{
				Summary:  truncate(fmt.Sprintf("[%s] %s: %s", f.Severity, f.Title, f.Resource.ID), 1024),
				Source:   f.Resource.ID,
				Severity: pagerDutySeverity[f.Severity], Component: f.Service, Group: f.Resource.Account,
				Class: f.CheckID, CustomDetails: details(scan, f),
			}
			if !scan.Time.IsZero() {
				e.Payload.Timestamp = scan.Time.UTC().Format(time.RFC3339)
			}
		case Resolved:
			e.EventAction = "resolve"
		default:
			continue // Open: the incident is already open
		}
		rq, err := jsonRequest(http.MethodPost, endpoint, e, nil, 1)
		if err != nil {
			return nil, err
		}
		out = append(out, rq)
	}
	return out, nil
}

// --- Opsgenie Alert API ---

var opsgeniePriority = map[check.Severity]string{
	check.Critical: "P1", check.High: "P2", check.Medium: "P3", check.Low: "P4", check.Info: "P5",
}

type ogAlert struct {
	Message     string            `json:"message"`
	Alias       string            `json:"alias"`
	Description string            `json:"description"`
	Tags        []string          `json:"tags"`
	Details     map[string]string `json:"details"`
	Entity      string            `json:"entity"`
	Source      string            `json:"source"`
	Priority    string            `json:"priority"`
}

type ogClose struct {
	Source string `json:"source"`
	Note   string `json:"note"`
}

func opsgenieRequests(dst Destination, scan Scan, evs []Event) ([]request, error) {
	base := dst.URL
	if base == "" {
		base = OpsgenieURL
	}
	base = strings.TrimSuffix(base, "/") + "/v2/alerts"
	header := func() http.Header { return http.Header{"Authorization": {"GenieKey " + dst.Key}} }
	var out []request
	for _, ev := range evs {
		f := &ev.Finding
		var rq request
		var err error
		switch ev.Kind {
		case New:
			d := map[string]string{}
			for k, v := range details(scan, f) {
				if s, _ := v.(string); s != "" {
					d[k] = s
				}
			}
			a := ogAlert{
				// Opsgenie caps message at 130 and description at 15,000.
				Message:     truncate(fmt.Sprintf("[%s] %s", f.Severity, f.Title), 130),
				Alias:       f.Fingerprint,
				Description: truncate(fmt.Sprintf("%s\n\nResource: %s (%s)\nCheck: %s\n%s", f.Message, f.Resource.ID, where(f), f.CheckID, scanLine(scan)), 15000),
				Tags:        []string{"cloudward", "severity:" + f.Severity.String(), "domain:" + string(f.Domain)},
				Details:     d, Entity: f.Resource.ID, Source: "cloudward", Priority: opsgeniePriority[f.Severity],
			}
			if f.Resource.Account != "" {
				a.Tags = append(a.Tags, "account:"+f.Resource.Account)
			}
			rq, err = jsonRequest(http.MethodPost, base, a, header(), 1)
		case Resolved:
			u := base + "/" + url.PathEscape(f.Fingerprint) + "/close?identifierType=alias"
			rq, err = jsonRequest(http.MethodPost, u, ogClose{Source: "cloudward", Note: "Resolved: the check passes in " + scanLine(scan)}, header(), 1)
		default:
			continue
		}
		if err != nil {
			return nil, err
		}
		out = append(out, rq)
	}
	return out, nil
}

// --- Generic webhook, signed ---

// Signature headers of the generic webhook.
const (
	SignatureHeader = "X-Cloudward-Signature"
	TimestampHeader = "X-Cloudward-Timestamp"
)

// WebhookPayload is the generic webhook's body (docs/alerts.md).
type WebhookPayload struct {
	Version string         `json:"version"`
	SentAt  string         `json:"sent_at"`
	Scan    WebhookScan    `json:"scan"`
	Events  []WebhookEvent `json:"events"`
}

// WebhookScan identifies the scan.
type WebhookScan struct {
	ID     string `json:"id"`
	Target string `json:"target"`
	Time   string `json:"time,omitempty"`
}

// WebhookEvent is one event of the payload.
type WebhookEvent struct {
	Kind        Kind      `json:"kind"`
	Fingerprint string    `json:"fingerprint"`
	CheckID     string    `json:"check_id"`
	Title       string    `json:"title"`
	Severity    string    `json:"severity"`
	Domain      string    `json:"domain"`
	Service     string    `json:"service"`
	Status      string    `json:"status"`
	Resource    model.Ref `json:"resource"`
	Message     string    `json:"message"`
}

// Sign returns the signature header value for body: "sha256=" and the hex
// HMAC-SHA256 of the body under secret.
func Sign(secret string, body []byte) string {
	m := hmac.New(sha256.New, []byte(secret))
	m.Write(body)
	return "sha256=" + hex.EncodeToString(m.Sum(nil))
}

// Verify checks a signature header value in constant time; receivers in Go
// can use it.
func Verify(secret string, body []byte, signature string) bool {
	return hmac.Equal([]byte(Sign(secret, body)), []byte(signature))
}

func webhookRequests(dst Destination, scan Scan, evs []Event, now time.Time) ([]request, error) {
	var out []request
	for _, b := range batches(evs, webhookBatch) {
		p := WebhookPayload{Version: "1", SentAt: now.UTC().Format(time.RFC3339),
			Scan: WebhookScan{ID: scan.ID, Target: scan.Target}}
		if !scan.Time.IsZero() {
			p.Scan.Time = scan.Time.UTC().Format(time.RFC3339)
		}
		for _, ev := range b {
			f := ev.Finding
			p.Events = append(p.Events, WebhookEvent{Kind: ev.Kind, Fingerprint: f.Fingerprint, CheckID: f.CheckID,
				Title: f.Title, Severity: f.Severity.String(), Domain: string(f.Domain), Service: f.Service,
				Status: string(f.Status), Resource: f.Resource, Message: f.Message})
		}
		body, err := json.Marshal(p)
		if err != nil {
			return nil, err
		}
		// The timestamp is also in the signed body (sent_at), so a receiver
		// can reject replays by comparing the two.
		h := http.Header{
			"Content-Type":  {"application/json"},
			SignatureHeader: {Sign(dst.Key, body)},
			TimestampHeader: {strconv.FormatInt(now.Unix(), 10)},
		}
		out = append(out, request{method: http.MethodPost, url: dst.URL, header: h, body: body, events: len(b)})
	}
	return out, nil
}
