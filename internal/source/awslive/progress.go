package awslive

import (
	"fmt"
	"sync/atomic"
)

// Progress counts a collection's work as it happens, across every account
// of an organization scan: it is safe for concurrent use and cheap enough
// to update after every call. A display reads it with Snapshot.
type Progress struct {
	accountsTotal, accountsDone, accountsFailed atomic.Int64
	regions                                     atomic.Int64
	servicesTotal, servicesDone                 atomic.Int64
	calls, errors                               atomic.Int64
}

// ProgressSnapshot is the state of a Progress at one moment.
type ProgressSnapshot struct {
	AccountsTotal, AccountsDone, AccountsFailed int64
	Regions                                     int64 // account-regions being or done collected
	ServicesTotal, ServicesDone                 int64 // service × region units (account-wide services count once)
	Calls, Errors                               int64
}

// Snapshot reads the counters.
func (p *Progress) Snapshot() ProgressSnapshot {
	if p == nil {
		return ProgressSnapshot{}
	}
	return ProgressSnapshot{
		AccountsTotal: p.accountsTotal.Load(), AccountsDone: p.accountsDone.Load(), AccountsFailed: p.accountsFailed.Load(),
		Regions:       p.regions.Load(),
		ServicesTotal: p.servicesTotal.Load(), ServicesDone: p.servicesDone.Load(),
		Calls: p.calls.Load(), Errors: p.errors.Load(),
	}
}

// String is the one-line form a terminal shows, e.g.
// "accounts 1/3 · regions 4 · services 9/14 · 120 calls · 2 errors".
// A single-account collection leaves the accounts out.
func (s ProgressSnapshot) String() string {
	out := ""
	if s.AccountsTotal > 0 {
		out = fmt.Sprintf("accounts %d/%d", s.AccountsDone, s.AccountsTotal)
		if s.AccountsFailed > 0 {
			out += fmt.Sprintf(" (%d failed)", s.AccountsFailed)
		}
		out += " · "
	}
	return out + fmt.Sprintf("regions %d · services %d/%d · %d calls · %d errors",
		s.Regions, s.ServicesDone, s.ServicesTotal, s.Calls, s.Errors)
}

// The methods below are nil-safe: a collection without a display passes nil.

func (p *Progress) addAccounts(n int) {
	if p != nil {
		p.accountsTotal.Add(int64(n))
	}
}

func (p *Progress) accountDone(failed bool) {
	if p != nil {
		p.accountsDone.Add(1)
		if failed {
			p.accountsFailed.Add(1)
		}
	}
}

func (p *Progress) addRegions(n int) {
	if p != nil {
		p.regions.Add(int64(n))
	}
}

func (p *Progress) addServices(n int) {
	if p != nil {
		p.servicesTotal.Add(int64(n))
	}
}

func (p *Progress) serviceDone() {
	if p != nil {
		p.servicesDone.Add(1)
	}
}

func (p *Progress) call(failed bool) {
	if p != nil {
		p.calls.Add(1)
		if failed {
			p.errors.Add(1)
		}
	}
}
