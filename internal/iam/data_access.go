package iam

import (
	"sort"
	"strings"
)

// DataProbe is one data action asked of a data store: Access is "read" or
// "write"; Resource is the literal resource standing for "any item of the
// store" (e.g. arn:aws:s3:::bucket/*) and Base the pattern of the store's
// items, used to find grants on part of the store (a key prefix).
type DataProbe struct {
	Access, Action, Resource, Base string
}

// DataAccessor is a principal that can read or write a data store, itself
// or by acting as another principal (Via is then the path to the principal
// that holds the access).
type DataAccessor struct {
	Principal *Principal
	Access    []string // "read", "write"
	Actions   []string // the probe actions allowed (of the holder)
	// Holder is the principal whose policies grant the access: Principal
	// itself, or the end of Via.
	Holder *Principal
	Via    Path
	// Reasons explains the holder's first allowed probe.
	Reasons []string
	// Admin is set when the holder is a full administrator.
	Admin bool
	// OrgNote (and OrgDetail, why) are set when an Allow assumes SCPs or
	// RCPs that were not collected allow.
	OrgNote, OrgDetail string
}

// DataAccess lists who can carry out the probes on one data store: the
// account's users and roles allowed directly (also on a part of the store
// their grants name), the outsiders the store's resource policy names, and
// every principal that can act as one of those (role assumption, passing a
// role to compute, credentials of another user, code on an instance with a
// profile; up to MaxChain hops). Service-linked roles are left out: AWS
// manages them. Sorted: direct first, then by label.
func (a *Account) DataAccess(probes []DataProbe) ([]DataAccessor, error) {
	k := a.NewAsker()
	g := a.graph()
	direct := map[*Principal]*DataAccessor{}
	var out []DataAccessor
	ask := func(p *Principal) error {
		var acc *DataAccessor
		for _, pr := range probes {
			rp, _, err := a.ResourcePolicy(pr.Action, pr.Resource)
			if err != nil {
				return err
			}
			// Without a resource policy only an identity Allow can grant.
			if rp == nil && p.Type != "external" && !mayAllow(p, pr.Action) {
				continue
			}
			targets := []string{pr.Resource}
			if pr.Base != "" && p.Type != "external" {
				targets = p.Targets(pr.Action, pr.Base, pr.Resource, rp)
			}
			for _, res := range targets {
				ans, err := k.CanAs(p, p.Caller, pr.Action, res, nil)
				if err != nil {
					return err
				}
				if ans.Result.Decision != Allow {
					continue
				}
				if acc == nil {
					acc = &DataAccessor{Principal: p, Holder: p, Reasons: ans.Explain(), Admin: g.admin[p],
						OrgNote: ans.OrgNote, OrgDetail: ans.OrgDetail}
				}
				acc.Actions = appendUnique(acc.Actions, pr.Action)
				acc.Access = appendUnique(acc.Access, pr.Access)
				break
			}
		}
		if acc != nil {
			direct[p] = acc
		}
		return nil
	}
	for _, p := range a.Principals {
		if p.Type == "role" && p.Role.IsServiceLinked() {
			continue
		}
		if err := ask(p); err != nil {
			return nil, err
		}
	}
	// Outsiders named by the store's policy (other accounts, services, "*").
	if len(probes) > 0 {
		if rp, _, err := a.ResourcePolicy(probes[0].Action, probes[0].Resource); err == nil && rp != nil {
			for _, p := range a.outsiders(rp) {
				if err := ask(p); err != nil {
					return nil, err
				}
			}
		}
	}
	for _, acc := range direct {
		out = append(out, *acc)
	}
	// Principals that can become a direct accessor: one breadth-first
	// search backwards from all of them gives each principal its first
	// step towards the nearest.
	next := a.towards(g, direct)
	for _, p := range a.Principals {
		if direct[p] != nil || (p.Type == "role" && p.Role.IsServiceLinked()) {
			continue
		}
		if _, ok := next[p]; !ok {
			continue
		}
		var path Path
		cur := p
		for direct[cur] == nil {
			e := next[cur]
			path = append(path, e.step)
			cur = e.to
		}
		h := direct[cur]
		out = append(out, DataAccessor{Principal: p, Access: h.Access, Actions: h.Actions, Holder: cur, Via: path,
			Reasons: h.Reasons, Admin: h.Admin, OrgNote: h.OrgNote, OrgDetail: h.OrgDetail})
	}
	sort.SliceStable(out, func(i, j int) bool {
		if (len(out[i].Via) == 0) != (len(out[j].Via) == 0) {
			return len(out[i].Via) == 0
		}
		return out[i].Principal.Label() < out[j].Principal.Label()
	})
	return out, nil
}

// towards returns, for every principal that can reach one of targets in
// at most MaxChain hops, the first edge of a shortest path there.
func (a *Account) towards(g *principalGraph, targets map[*Principal]*DataAccessor) map[*Principal]edge {
	type back struct {
		from *Principal
		e    edge
	}
	rev := map[*Principal][]back{}
	for _, p := range a.Principals {
		for _, e := range g.edges[p] {
			rev[e.to] = append(rev[e.to], back{p, e})
		}
	}
	dist := map[*Principal]int{}
	var queue []*Principal
	for _, p := range a.Principals {
		if targets[p] != nil {
			dist[p] = 0
			queue = append(queue, p)
		}
	}
	next := map[*Principal]edge{}
	for len(queue) > 0 {
		q := queue[0]
		queue = queue[1:]
		if dist[q] >= MaxChain {
			continue
		}
		for _, b := range rev[q] {
			if _, seen := dist[b.from]; seen {
				continue
			}
			dist[b.from] = dist[q] + 1
			next[b.from] = b.e
			queue = append(queue, b.from)
		}
	}
	return next
}

func appendUnique(list []string, v string) []string {
	for _, x := range list {
		if x == v {
			return list
		}
	}
	return append(list, v)
}

// Describe renders the accessor on one line: who, what, and how.
func (d *DataAccessor) Describe() string {
	var b strings.Builder
	b.WriteString(d.Principal.Label())
	if d.Principal.Type == "external" {
		b.Reset()
		b.WriteString(d.Principal.ARN)
	}
	b.WriteString(": " + strings.Join(d.Access, "+") + " (" + strings.Join(d.Actions, ", ") + ")")
	if len(d.Via) > 0 {
		b.WriteString(" through " + d.Via.String())
	} else if len(d.Reasons) > 0 {
		b.WriteString(", allowed by " + strings.Join(d.Reasons, "; "))
	}
	if d.OrgNote != "" {
		b.WriteString(" [" + d.OrgNote + ": " + d.OrgDetail + "]")
	}
	return b.String()
}
