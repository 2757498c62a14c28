package alert

import (
	"github.com/cloudward/cloudward/internal/check"
	"github.com/cloudward/cloudward/internal/model"
	"github.com/cloudward/cloudward/internal/store"
)

// FromDiff turns the difference between two stored scans into events: new
// and regressed findings are New, still-failing ones Open, resolved ones
// Resolved. Findings that became UNKNOWN make no event (the scan could not
// tell; nothing is resolved or paged). Muted findings make no event either:
// muting silences a finding, and an incident already open for it stays open
// until it is resolved by hand or the finding passes. reg supplies titles,
// domains and services; a check it lacks keeps its ID as the title.
func FromDiff(d *store.Diff, reg *check.Registry) []Event {
	var out []Event
	add := func(kind Kind, fs []store.Finding) {
		for i := range fs {
			f := &fs[i]
			if f.Muted && kind != Resolved {
				continue
			}
			out = append(out, Event{Kind: kind, Finding: fromStore(f, reg)})
		}
	}
	add(New, d.New)
	add(New, d.Regressed)
	add(Open, d.StillFailing)
	add(Resolved, d.Resolved)
	return out
}

func fromStore(f *store.Finding, reg *check.Registry) Finding {
	out := Finding{
		Fingerprint: f.Fingerprint, CheckID: f.CheckID, Title: f.CheckID, Severity: check.Severity(f.Severity),
		Status: check.Status(f.Status), Message: f.Message,
		Resource: model.Ref{ID: f.ResourceID, Type: f.ResourceType, Region: f.Region, Account: f.Account},
	}
	if reg != nil {
		if c := reg.Get(f.CheckID); c != nil {
			out.Title, out.Domain, out.Service, out.Resource.Provider = c.Title, c.Domain, c.Service, c.Provider
		}
	}
	return out
}
