// Package alert routes finding transitions to people: Slack and Microsoft
// Teams webhooks, PagerDuty Events API v2, Opsgenie, and a generic webhook
// signed with HMAC-SHA256.
//
// The input is what changed between two scans (new, still open, resolved
// findings). Rules pick the events each destination gets; pagers (PagerDuty,
// Opsgenie) are only ever triggered for new findings and resolved or closed
// when the finding passes, so a finding that stays open pages once. Every
// destination is sent to in parallel, with its own timeout and retries: a
// failing or hanging destination never holds up the others, and the outcome
// per destination comes back for logging. Webhook URLs and keys never appear
// in errors or results. docs/alerts.md documents the payloads.
package alert

import (
	"fmt"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/cloudward/cloudward/internal/check"
	"github.com/cloudward/cloudward/internal/model"
)

// Kind is the transition a finding made between two scans.
type Kind string

// Kinds of events.
const (
	// New: failing now, not failing in the previous scan (new or reopened).
	New Kind = "new"
	// Open: failing in both scans.
	Open Kind = "open"
	// Resolved: failing before, passing (or gone) now.
	Resolved Kind = "resolved"
)

// Finding is what an alert says about a finding.
type Finding struct {
	// Fingerprint identifies the finding across scans; pagers use it as the
	// deduplication key.
	Fingerprint string
	CheckID     string
	Title       string
	Severity    check.Severity
	Domain      check.Domain
	Service     string
	// Status is the finding's status in the latest scan.
	Status   check.Status
	Resource model.Ref
	Message  string
}

// FromCheck builds the alert view of a finding; fingerprint is the store's.
func FromCheck(f *check.Finding, fingerprint string) Finding {
	out := Finding{Fingerprint: fingerprint, Status: f.Status, Message: f.Message}
	if c := f.Check; c != nil {
		out.CheckID, out.Title, out.Severity, out.Domain, out.Service = c.ID, c.Title, c.Severity, c.Domain, c.Service
	}
	if f.Resource != nil {
		out.Resource = *f.Resource
	}
	return out
}

// Event is one finding's transition.
type Event struct {
	Kind    Kind
	Finding Finding
}

// Scan says which scan the events come from; it appears in every message.
type Scan struct {
	ID     string
	Target string
	Time   time.Time
}

// Type is a destination type.
type Type string

// Destination types.
const (
	Slack     Type = "slack"
	Teams     Type = "teams"
	PagerDuty Type = "pagerduty"
	Opsgenie  Type = "opsgenie"
	Webhook   Type = "webhook"
)

// Types lists the destination types.
var Types = []Type{Slack, Teams, PagerDuty, Opsgenie, Webhook}

// Destination is where alerts go. URL and Key are secrets: they are used to
// send and never rendered (String and GoString name the destination only).
type Destination struct {
	Name string
	Type Type
	// URL is the webhook URL (slack, teams, webhook) or, for pagerduty and
	// opsgenie, the API base URL (default: the US service; set the EU one
	// here).
	URL string
	// Key is the PagerDuty routing key, the Opsgenie API key, or the
	// webhook's HMAC secret.
	Key string
	// Timeout bounds everything sent to this destination in one Dispatch,
	// retries included (default 30s).
	Timeout time.Duration
}

func (d Destination) String() string   { return fmt.Sprintf("%s destination %q", d.Type, d.Name) }
func (d Destination) GoString() string { return d.String() }

// Default API bases of the pager services.
const (
	PagerDutyURL = "https://events.pagerduty.com"
	OpsgenieURL  = "https://api.opsgenie.com"
)

// Rule maps findings to destinations. Every set criterion must hold; an
// empty list matches everything.
type Rule struct {
	Name string
	// MinSeverity is the lowest severity the rule takes.
	MinSeverity check.Severity
	// Checks are check IDs or globs (* and ?).
	Checks   []string
	Domains  []check.Domain
	Accounts []string
	// NewOnly skips Open events (a daily "still failing" digest is the
	// opposite choice). Resolved events still go through.
	NewOnly      bool
	Destinations []string

	checks []*regexp.Regexp
}

// matches reports whether the rule takes the event.
func (r *Rule) matches(ev *Event) bool {
	f := &ev.Finding
	if f.Severity < r.MinSeverity || (r.NewOnly && ev.Kind == Open) {
		return false
	}
	if len(r.Domains) > 0 && !slices.Contains(r.Domains, f.Domain) {
		return false
	}
	if len(r.Accounts) > 0 && !slices.Contains(r.Accounts, f.Resource.Account) {
		return false
	}
	if len(r.checks) > 0 {
		for _, re := range r.checks {
			if re.MatchString(f.CheckID) {
				return true
			}
		}
		return false
	}
	return true
}

// glob compiles a check ID pattern: * any run, ? one character.
func glob(p string) *regexp.Regexp {
	var b strings.Builder
	b.WriteString("^")
	for _, r := range p {
		switch r {
		case '*':
			b.WriteString(".*")
		case '?':
			b.WriteString(".")
		default:
			b.WriteString(regexp.QuoteMeta(string(r)))
		}
	}
	b.WriteString("$")
	return regexp.MustCompile(b.String())
}

// Validate checks a destination's settings without revealing them.
func (d *Destination) Validate() error {
	if d.Name == "" {
		return fmt.Errorf("destination without a name")
	}
	if !slices.Contains(Types, d.Type) {
		return fmt.Errorf("destination %q: unknown type %q (want slack, teams, pagerduty, opsgenie or webhook)", d.Name, d.Type)
	}
	switch d.Type {
	case Slack, Teams, Webhook:
		if d.URL == "" {
			return fmt.Errorf("%v: url is required", d)
		}
	}
	switch d.Type {
	case PagerDuty, Opsgenie, Webhook:
		if d.Key == "" {
			what := map[Type]string{PagerDuty: "routing_key", Opsgenie: "api_key", Webhook: "secret"}[d.Type]
			return fmt.Errorf("%v: %s is required", d, what)
		}
	}
	if d.URL != "" && !strings.HasPrefix(d.URL, "https://") && !strings.HasPrefix(d.URL, "http://") {
		// Say nothing of the value: it may be a secret mistyped.
		return fmt.Errorf("%v: url must start with https:// (or http://)", d)
	}
	if d.Timeout < 0 {
		return fmt.Errorf("%v: negative timeout", d)
	}
	return nil
}
