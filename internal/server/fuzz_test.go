package server

import (
	"net/http/httptest"
	"net/url"
	"slices"
	"testing"

	"github.com/cloudward/cloudward/internal/store"
)

// FuzzFindingQuery: any query string is parsed without panic into a query
// within bounds, or rejected.
func FuzzFindingQuery(f *testing.F) {
	for _, s := range []string{
		"state=open,reopened&severity=high&limit=50&offset=200",
		"scan=abc&check=aws-ec2-sg-ssh-open&region=us-east-1&status=FAIL",
		"severity=CRITICAL&severity=low&account=123456789012,,",
		"limit=0", "limit=99999999999999999999", "offset=-1", "state=%00", "%zz",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, raw string) {
		r := httptest.NewRequest("GET", "/api/v1/findings", nil)
		r.URL.RawQuery = raw
		if _, err := url.ParseQuery(raw); err != nil {
			return
		}
		q, _, err := findingQuery(r)
		if err != nil {
			return
		}
		if q.Limit < 1 || q.Limit > maxLimit || q.Offset < 0 {
			t.Fatalf("%q: limit %d offset %d", raw, q.Limit, q.Offset)
		}
		for _, st := range q.States {
			if !slices.Contains(store.States, st) {
				t.Fatalf("%q: state %q", raw, st)
			}
		}
		for _, sev := range q.Severities {
			if sev < 0 || sev > 4 {
				t.Fatalf("%q: severity %d", raw, sev)
			}
		}
	})
}
