package alert

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"
)

// Dispatcher sends events to destinations by rules.
type Dispatcher struct {
	dests []Destination
	rules []Rule

	// Client sends the requests (default: a client without its own timeout;
	// the destination's timeout applies).
	Client *http.Client
	// MaxAttempts is the number of tries per request (default 4).
	MaxAttempts int
	// BaseDelay is the first retry's delay, doubled at every retry with
	// jitter (default 1s) up to MaxDelay (default 30s). A server's
	// Retry-After replaces the computed delay.
	BaseDelay, MaxDelay time.Duration
	// Now stamps messages and webhook signatures (default time.Now).
	Now func() time.Time
}

// NewDispatcher validates destinations and rules and returns a dispatcher.
func NewDispatcher(dests []Destination, rules []Rule) (*Dispatcher, error) {
	byName := map[string]bool{}
	for i := range dests {
		if err := dests[i].Validate(); err != nil {
			return nil, err
		}
		if byName[dests[i].Name] {
			return nil, fmt.Errorf("destination %q: duplicate name", dests[i].Name)
		}
		byName[dests[i].Name] = true
	}
	rs := make([]Rule, len(rules))
	for i, r := range rules {
		if len(r.Destinations) == 0 {
			return nil, fmt.Errorf("rule %q: no destinations", r.Name)
		}
		for _, d := range r.Destinations {
			if !byName[d] {
				return nil, fmt.Errorf("rule %q: unknown destination %q", r.Name, d)
			}
		}
		r.checks = nil
		for _, c := range r.Checks {
			r.checks = append(r.checks, glob(c))
		}
		rs[i] = r
	}
	return &Dispatcher{dests: dests, rules: rs}, nil
}

// String and GoString keep fmt from printing the destinations' secrets
// (fmt prints unexported fields raw).
func (d *Dispatcher) String() string {
	names := make([]string, len(d.dests))
	for i, dst := range d.dests {
		names[i] = dst.String()
	}
	return fmt.Sprintf("alert dispatcher: %d rules to %s", len(d.rules), strings.Join(names, ", "))
}

// GoString is String.
func (d *Dispatcher) GoString() string { return d.String() }

// Result is the outcome of one destination in one Dispatch. Errors never
// contain the destination's URL or key.
type Result struct {
	Destination string `json:"destination"`
	Type        Type   `json:"type"`
	// Events is how many events the rules routed to the destination;
	// Sent and Failed count them after delivery.
	Events int `json:"events"`
	Sent   int `json:"sent"`
	Failed int `json:"failed"`
	// Requests and Attempts count HTTP requests and tries (retries
	// included).
	Requests int      `json:"requests"`
	Attempts int      `json:"attempts"`
	Errors   []string `json:"errors,omitempty"`
}

// Route returns the events each destination gets, by destination name:
// those some rule naming the destination matches, once each, without Open
// events for pagers (a finding that stays open pages once).
func (d *Dispatcher) Route(events []Event) map[string][]Event {
	out := map[string][]Event{}
	typeOf := map[string]Type{}
	for _, dst := range d.dests {
		typeOf[dst.Name] = dst.Type
	}
	for i := range events {
		ev := &events[i]
		seen := map[string]bool{}
		for r := range d.rules {
			rule := &d.rules[r]
			if !rule.matches(ev) {
				continue
			}
			for _, name := range rule.Destinations {
				if seen[name] {
					continue
				}
				seen[name] = true
				if ev.Kind == Open && (typeOf[name] == PagerDuty || typeOf[name] == Opsgenie) {
					continue
				}
				out[name] = append(out[name], *ev)
			}
		}
	}
	return out
}

// Dispatch routes events and sends them to every destination in parallel.
// It returns when every destination is done or out of time, with one
// result per destination that had events, in configuration order.
func (d *Dispatcher) Dispatch(ctx context.Context, scan Scan, events []Event) []Result {
	routed := d.Route(events)
	results := make([]Result, len(d.dests))
	var wg sync.WaitGroup
	for i, dst := range d.dests {
		evs := routed[dst.Name]
		results[i] = Result{Destination: dst.Name, Type: dst.Type, Events: len(evs)}
		if len(evs) == 0 {
			continue
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			d.deliver(ctx, dst, scan, evs, &results[i])
		}()
	}
	wg.Wait()
	out := results[:0]
	for _, r := range results {
		if r.Events > 0 {
			out = append(out, r)
		}
	}
	return out
}

// request is one HTTP request to make, carrying some of the events.
type request struct {
	method, url string
	header      http.Header
	body        []byte
	events      int
}

func (d *Dispatcher) deliver(ctx context.Context, dst Destination, scan Scan, evs []Event, res *Result) {
	timeout := dst.Timeout
	if timeout == 0 {
		timeout = 30 * time.Second
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	reqs, err := d.build(dst, scan, evs)
	if err != nil {
		res.Failed = len(evs)
		res.Errors = append(res.Errors, redact(err.Error(), dst))
		return
	}
	for _, rq := range reqs {
		res.Requests++
		attempts, err := d.send(ctx, dst, rq)
		res.Attempts += attempts
		if err != nil {
			res.Failed += rq.events
			res.Errors = append(res.Errors, redact(err.Error(), dst))
			continue
		}
		res.Sent += rq.events
	}
}

func (d *Dispatcher) build(dst Destination, scan Scan, evs []Event) ([]request, error) {
	now := time.Now
	if d.Now != nil {
		now = d.Now
	}
	switch dst.Type {
	case Slack:
		return slackRequests(dst, scan, evs)
	case Teams:
		return teamsRequests(dst, scan, evs)
	case PagerDuty:
		return pagerDutyRequests(dst, scan, evs)
	case Opsgenie:
		return opsgenieRequests(dst, scan, evs)
	case Webhook:
		return webhookRequests(dst, scan, evs, now())
	}
	return nil, fmt.Errorf("%v: unknown type", dst)
}

// send makes one request with retries: on network errors, 429 and 5xx, with
// exponential backoff and jitter, honouring Retry-After. It returns the
// number of attempts made.
func (d *Dispatcher) send(ctx context.Context, dst Destination, rq request) (int, error) {
	client := d.Client
	if client == nil {
		client = http.DefaultClient
	}
	maxAttempts := d.MaxAttempts
	if maxAttempts <= 0 {
		maxAttempts = 4
	}
	base, maxDelay := d.BaseDelay, d.MaxDelay
	if base <= 0 {
		base = time.Second
	}
	if maxDelay <= 0 {
		maxDelay = 30 * time.Second
	}
	for attempt := 1; ; attempt++ {
		retry, wait, err := d.try(ctx, client, dst, rq)
		if err == nil {
			return attempt, nil
		}
		if !retry || attempt >= maxAttempts || ctx.Err() != nil {
			if attempt > 1 {
				err = fmt.Errorf("%w (after %d attempts)", err, attempt)
			}
			return attempt, err
		}
		if wait <= 0 {
			// Jitter over the upper half keeps the retries of many
			// scanners from arriving in step.
			backoff := min(base<<(attempt-1), maxDelay)
			wait = backoff/2 + rand.N(backoff/2+1)
		}
		// A Retry-After is honoured in full, never cut short: when it does
		// not fit in the destination's time budget, give up now.
		if dl, ok := ctx.Deadline(); ok && time.Until(dl) < wait {
			return attempt, fmt.Errorf("%w; out of time for another attempt", err)
		}
		t := time.NewTimer(wait)
		select {
		case <-ctx.Done():
			t.Stop()
			return attempt, fmt.Errorf("%w; %v", err, ctx.Err())
		case <-t.C:
		}
	}
}

// try makes one attempt; retry says whether another may succeed and wait
// is the server's Retry-After, if any.
func (d *Dispatcher) try(ctx context.Context, client *http.Client, dst Destination, rq request) (retry bool, wait time.Duration, err error) {
	req, err := http.NewRequestWithContext(ctx, rq.method, rq.url, bytes.NewReader(rq.body))
	if err != nil {
		return false, 0, fmt.Errorf("%v: bad request: %v", dst, unwrapURL(err))
	}
	for k, vs := range rq.header {
		req.Header[k] = vs
	}
	req.Header.Set("User-Agent", "cloudward")
	resp, err := client.Do(req)
	if err != nil {
		// *url.Error names the URL, which is a secret for webhooks.
		return ctx.Err() == nil, 0, fmt.Errorf("%v: %v", dst, unwrapURL(err))
	}
	defer resp.Body.Close()
	snippet, _ := io.ReadAll(io.LimitReader(resp.Body, 512))
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 1<<20))
	if resp.StatusCode >= 200 && resp.StatusCode < 300 {
		return false, 0, nil
	}
	err = fmt.Errorf("%v: HTTP %d: %s", dst, resp.StatusCode, oneLine(string(snippet)))
	switch {
	case resp.StatusCode == http.StatusTooManyRequests, resp.StatusCode >= 500:
		return true, retryAfter(resp.Header.Get("Retry-After"), time.Now()), err
	}
	return false, 0, err
}

// retryAfter parses Retry-After: delay seconds or an HTTP date.
func retryAfter(v string, now time.Time) time.Duration {
	if v == "" {
		return 0
	}
	if s, err := strconv.Atoi(strings.TrimSpace(v)); err == nil && s >= 0 {
		return time.Duration(s) * time.Second
	}
	if t, err := http.ParseTime(v); err == nil {
		return max(t.Sub(now), 0)
	}
	return 0
}

func unwrapURL(err error) error {
	var ue *url.Error
	if errors.As(err, &ue) {
		if ue.Timeout() {
			return fmt.Errorf("timeout: %v", ue.Err)
		}
		return ue.Err
	}
	return err
}

// redact removes the destination's secrets from s, should a server or the
// network stack echo them.
func redact(s string, dst Destination) string {
	for _, secret := range []string{dst.URL, dst.Key} {
		if len(secret) >= 6 {
			s = strings.ReplaceAll(s, secret, "[redacted]")
		}
	}
	if u, err := url.Parse(dst.URL); err == nil && len(u.Path) > 1 {
		// Slack and Teams put the secret in the path.
		s = strings.ReplaceAll(s, u.Path, "/[redacted]")
	}
	return s
}

func oneLine(s string) string {
	s = strings.Join(strings.Fields(s), " ")
	if len(s) > 200 {
		s = s[:200] + "…"
	}
	if s == "" {
		return "(empty body)"
	}
	return s
}
