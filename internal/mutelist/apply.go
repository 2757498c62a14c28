package mutelist

import (
	"fmt"
	"time"

	"github.com/cloudward/cloudward/internal/check"
	"github.com/cloudward/cloudward/internal/model"
	awsm "github.com/cloudward/cloudward/internal/model/aws"
)

// TagLookup returns the tags of the resource a finding is about; ok is false
// when the resource is not known to the lookup.
type TagLookup func(ref *model.Ref) (tags model.Tags, ok bool)

// Outcome is what applying a mutelist did.
type Outcome struct {
	// Muted counts the findings turned MUTED.
	Muted int
	// Expired are the entries past their expiry: they muted nothing.
	Expired []*Entry
	// TagsUnknown are entries with tags that matched findings in every
	// other respect but whose resource tags are unknown: those findings
	// stay unmuted (a mutelist never assumes what it cannot see).
	TagsUnknown []TagsUnknown
}

// TagsUnknown counts the findings an entry left unmuted for unknown tags.
type TagsUnknown struct {
	Entry    *Entry
	Findings int
	// Example is one such resource ID.
	Example string
}

// Warnings renders the outcome's problems as scan warnings.
func (o *Outcome) Warnings() []string {
	var out []string
	for _, e := range o.Expired {
		out = append(out, fmt.Sprintf("mutelist %s: entry for check %s (owner %s) expired on %s and no longer mutes: %s",
			e.Pos(), e.Check, e.Owner, e.ExpiresString(), e.Reason))
	}
	for _, t := range o.TagsUnknown {
		out = append(out, fmt.Sprintf("mutelist %s: %d findings not muted because their resource tags are unknown (e.g. %s)",
			t.Entry.Pos(), t.Findings, t.Example))
	}
	return out
}

// Apply mutes the FAIL and UNKNOWN findings that an unexpired entry matches,
// in place: Status becomes MUTED and Mute records the entry. PASS findings
// are left alone. tags may be nil when no entry uses tags.
func (l *List) Apply(findings []check.Finding, now time.Time, tags TagLookup) Outcome {
	var out Outcome
	var active []*Entry
	for _, e := range l.Entries {
		if e.Expired(now) {
			out.Expired = append(out.Expired, e)
		} else {
			active = append(active, e)
		}
	}
	if len(active) == 0 {
		return out
	}
	byCheck := map[*check.Check][]*Entry{}
	unknown := map[*Entry]*TagsUnknown{}
	var unknownOrder []*Entry
	for i := range findings {
		f := &findings[i]
		if f.Status != check.Fail && f.Status != check.Unknown {
			continue
		}
		// The entries whose check pattern takes this check, computed once
		// per check: most entries name one check, so few remain.
		cands, ok := byCheck[f.Check]
		if !ok {
			for _, e := range active {
				if e.check.match(f.Check.ID) {
					cands = append(cands, e)
				}
			}
			byCheck[f.Check] = cands
		}
		for _, e := range cands {
			if !e.matchesRef(f) {
				continue
			}
			if len(e.tags) > 0 {
				known, ok := e.matchTags(f.Resource, tags)
				if !known {
					t := unknown[e]
					if t == nil {
						t = &TagsUnknown{Entry: e, Example: f.Resource.ID}
						unknown[e] = t
						unknownOrder = append(unknownOrder, e)
					}
					t.Findings++
					continue
				}
				if !ok {
					continue
				}
			}
			f.Mute = &check.Mute{Status: f.Status, Reason: e.Reason, Owner: e.Owner,
				Expires: e.ExpiresString(), Entry: e.Pos()}
			f.Status = check.Muted
			out.Muted++
			break
		}
	}
	for _, e := range unknownOrder {
		out.TagsUnknown = append(out.TagsUnknown, *unknown[e])
	}
	return out
}

// matchesRef matches every selector but check (matched by Apply) and tags.
func (e *Entry) matchesRef(f *check.Finding) bool {
	r := f.Resource
	if !e.account.match(r.Account) || !e.region.match(r.Region) {
		return false
	}
	if e.resource == nil {
		return true
	}
	// The resource pattern may name the ARN (or IaC address), or the name.
	return e.resource.match(r.ID) || (r.Name != "" && e.resource.match(r.Name)) ||
		(r.Address != "" && e.resource.match(r.Address))
}

// matchTags reports whether the resource's tags are known and, if so,
// whether every tag of the entry matches.
func (e *Entry) matchTags(ref *model.Ref, lookup TagLookup) (known, ok bool) {
	if lookup == nil {
		return false, false
	}
	tv, found := lookup(ref)
	if !found {
		return false, false
	}
	tags, k := tv.Get()
	if !k {
		return false, false
	}
	for key, p := range e.tags {
		v, has := tags[key]
		if !has || !p.match(v) {
			return true, false
		}
	}
	return true, true
}

// InventoryTags is a TagLookup over the resources of AWS inventories, by
// resource ID (the ARN, or the IaC address).
func InventoryTags(invs []*awsm.Inventory) TagLookup {
	byID := map[string]model.Tags{}
	add := func(r model.Resource, tags model.Tags) { byID[r.Ref().ID] = tags }
	for _, inv := range invs {
		if inv.Account != nil {
			add(inv.Account, inv.Account.Tags)
		}
		for _, x := range inv.Users {
			add(x, x.Tags)
		}
		for _, x := range inv.Groups {
			add(x, x.Tags)
		}
		for _, x := range inv.Roles {
			add(x, x.Tags)
		}
		for _, x := range inv.Policies {
			add(x, x.Tags)
		}
		for _, x := range inv.Buckets {
			add(x, x.Tags)
		}
		for _, x := range inv.SecurityGroups {
			add(x, x.Tags)
		}
		for _, x := range inv.Instances {
			add(x, x.Tags)
		}
		for _, x := range inv.Volumes {
			add(x, x.Tags)
		}
		for _, x := range inv.VPCs {
			add(x, x.Tags)
		}
		for _, x := range inv.NetworkACLs {
			add(x, x.Tags)
		}
		for _, x := range inv.DBInstances {
			add(x, x.Tags)
		}
		for _, x := range inv.KMSKeys {
			add(x, x.Tags)
		}
		for _, x := range inv.Regions {
			add(x, x.Tags)
		}
		if trails, ok := inv.Trails.Get(); ok {
			for _, x := range trails {
				add(x, x.Tags)
			}
		}
	}
	return func(ref *model.Ref) (model.Tags, bool) {
		t, ok := byID[ref.ID]
		return t, ok
	}
}
