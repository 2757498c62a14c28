package fakeaws

import (
	"slices"
	"time"
)

// Span is one call as the fake saw it: from the decoded request to the
// written answer (latency included).
type Span struct {
	Service, Action, Region string
	AccessKeyID             string // the key the request was signed with
	Start, End              time.Time
}

func (s *Server) record(c *call, keyID string, start time.Time) {
	sp := Span{Service: c.service, Action: c.action, Region: c.region, AccessKeyID: keyID, Start: start, End: time.Now()}
	s.mu.Lock()
	s.timeline = append(s.timeline, sp)
	s.mu.Unlock()
}

// Timeline returns every answered call, in the order the answers were
// written.
func (s *Server) Timeline() []Span {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.timeline)
}

// LongestChain is the longest sequence of calls of spans in which each call
// started after the previous one was answered. Run with unlimited
// parallelism, a call waits only for the answers it depends on, so this is
// the longest chain of dependent calls: the floor of the wall time.
func LongestChain(spans []Span) []Span {
	sp := slices.Clone(spans)
	slices.SortFunc(sp, func(a, b Span) int { return a.Start.Compare(b.Start) })
	// best[i] is the length of the longest chain ending in sp[i]; prev
	// links it. O(n²) is fine for the few thousand calls of a benchmark.
	best := make([]int, len(sp))
	prev := make([]int, len(sp))
	end := -1
	for i := range sp {
		best[i], prev[i] = 1, -1
		for j := 0; j < i; j++ {
			if !sp[j].End.After(sp[i].Start) && best[j]+1 > best[i] {
				best[i], prev[i] = best[j]+1, j
			}
		}
		if end < 0 || best[i] > best[end] {
			end = i
		}
	}
	var chain []Span
	for i := end; i >= 0; i = prev[i] {
		chain = append(chain, sp[i])
	}
	slices.Reverse(chain)
	return chain
}
