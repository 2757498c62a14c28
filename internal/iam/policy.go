// Package iam is an AWS policy evaluation engine: it answers "may this
// principal perform this action on this resource?" the way AWS documents it
// (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic.html),
// with a three-valued decision and the statements that made it.
//
// Policies are compiled once (Compile) into matchers; Evaluate then runs
// without per-request allocations for requests whose policies have no
// policy variables. Compiled policies are immutable and may be shared by
// goroutines; a Request and a Result belong to one goroutine at a time.
package iam

import (
	"fmt"
	"strings"

	awsmodel "github.com/cloudward/cloudward/internal/model/aws"
)

// Kind is the role a policy plays in an evaluation.
type Kind string

// Policy kinds.
const (
	KindIdentity Kind = "identity"
	KindResource Kind = "resource"
	KindBoundary Kind = "boundary"
	KindSession  Kind = "session"
	KindSCP      Kind = "scp"
	KindRCP      Kind = "rcp"
)

// Policy is a compiled policy document.
type Policy struct {
	Name       string
	Kind       Kind
	Doc        *awsmodel.PolicyDocument
	statements []statement
}

type statement struct {
	src     *awsmodel.Statement
	allow   bool
	notAct  bool
	actions []pat // matched case-insensitively
	// Resource: absent (nil, matches all, as in trust policies) or patterns.
	hasRes    bool
	notRes    bool
	resources []resPattern
	principal *principalSet // Principal or NotPrincipal; nil when absent
	notPrinc  bool
	conds     []condition
}

type resPattern struct {
	arnPattern
	dynamic bool // holds a policy variable
}

// Compile turns a parsed policy document into matchers. Errors name the
// statement and element (unknown condition operators, bad condition values,
// Principal in identity-like policies).
func Compile(doc *awsmodel.PolicyDocument, kind Kind, name string) (*Policy, error) {
	if doc == nil {
		return nil, fmt.Errorf("%s: no policy document", name)
	}
	p := &Policy{Name: name, Kind: kind, Doc: doc}
	// Policy variables exist only in version 2012-10-17 documents; in older
	// ones (or without Version) ${...} is literal text.
	vars := doc.Version == "2012-10-17"
	for i := range doc.Statements {
		st := &doc.Statements[i]
		cs, err := compileStatement(st, kind, vars)
		if err != nil {
			label := fmt.Sprintf("Statement[%d]", st.Index)
			if st.Sid != "" {
				label += fmt.Sprintf(" (Sid %q)", st.Sid)
			}
			return nil, fmt.Errorf("%s: %s: %v", name, label, err)
		}
		p.statements = append(p.statements, cs)
	}
	return p, nil
}

func compileStatement(st *awsmodel.Statement, kind Kind, vars bool) (statement, error) {
	cs := statement{src: st, allow: st.IsAllow()}
	if st.Resource != nil && st.NotResource != nil {
		return cs, fmt.Errorf("statement has both Resource and NotResource")
	}
	if st.Principal != nil && st.NotPrincipal != nil {
		return cs, fmt.Errorf("statement has both Principal and NotPrincipal")
	}
	acts := st.Action
	if st.NotAction != nil {
		cs.notAct, acts = true, st.NotAction
	}
	for _, a := range acts {
		if a != "*" && !strings.Contains(a, ":") {
			return cs, fmt.Errorf("Action %q: want SERVICE:ACTION or \"*\"", a)
		}
		// Actions are case-insensitive: patterns and requests are lower-cased
		// once so that matching compares bytes.
		cs.actions = append(cs.actions, compilePat(strings.ToLower(a)))
	}
	res := st.Resource
	if st.NotResource != nil {
		cs.notRes, res = true, st.NotResource
	}
	if res != nil {
		cs.hasRes = true
		for _, r := range res {
			cs.resources = append(cs.resources, resPattern{arnPattern: compileARNPattern(r), dynamic: vars && strings.Contains(r, "${")})
		}
	}
	pr := st.Principal
	if st.NotPrincipal != nil {
		cs.notPrinc, pr = true, st.NotPrincipal
	}
	if pr != nil {
		switch kind {
		case KindIdentity, KindBoundary, KindSession, KindSCP:
			return cs, fmt.Errorf("a %s policy cannot have a Principal or NotPrincipal element", kind)
		}
		cs.principal = compilePrincipal(pr)
	} else if kind == KindResource || kind == KindRCP {
		// Without a Principal the statement would name nobody; AWS rejects
		// such resource-based policies.
		return cs, fmt.Errorf("statements of resource-based policies and RCPs need a Principal or NotPrincipal element")
	}
	for _, c := range st.Condition {
		cc, err := compileCondition(c, vars)
		if err != nil {
			return cs, fmt.Errorf("Condition: %v", err)
		}
		cs.conds = append(cs.conds, cc)
	}
	return cs, nil
}

// matchLevel is how specifically a resource policy statement names the
// caller; it decides which same-account rule applies.
type matchLevel int

const (
	matchNone matchLevel = iota
	// matchAccount: the caller's account (ID or root ARN). The account's
	// identity policies must also allow.
	matchAccount
	// matchRole: the role ARN of the calling role session. Identity policy
	// silence is irrelevant, but boundaries and session policies still limit.
	matchRole
	// matchDirect: the exact caller (user ARN, session ARN, federated user,
	// service) or everyone ("*").
	matchDirect
)

func (m matchLevel) String() string {
	return [...]string{"none", "account", "role ARN", "principal"}[m]
}

type principalSet struct {
	all       bool
	accounts  map[string]bool    // account IDs, from IDs and root ARNs
	arns      map[string]bool    // user, role, session, federated-user ARNs
	roleNames map[[2]string]bool // {account, name} of role ARNs (any path)
	services  map[string]bool
	federated map[string]bool
}

func compilePrincipal(p *awsmodel.Principal) *principalSet {
	ps := &principalSet{all: p.IsEveryone(), accounts: map[string]bool{}, arns: map[string]bool{},
		roleNames: map[[2]string]bool{}, services: map[string]bool{}, federated: map[string]bool{}}
	for _, v := range p.Values["AWS"] {
		if isAccountID(v) {
			ps.accounts[v] = true
			continue
		}
		f, ok := splitARN(v)
		switch {
		case !ok:
			// Unique IDs (AIDA..., AROA...) of deleted principals match nobody.
		case f[2] == "iam" && f[5] == "root":
			ps.accounts[f[4]] = true
		case f[2] == "iam" && strings.HasPrefix(f[5], "role/"):
			ps.roleNames[[2]string{f[4], lastSegment(f[5])}] = true
			ps.arns[v] = true
		default:
			ps.arns[v] = true
		}
	}
	for _, v := range p.Values["Service"] {
		ps.services[v] = true
	}
	for _, v := range p.Values["Federated"] {
		ps.federated[v] = true
	}
	return ps
}

func isAccountID(s string) bool {
	if len(s) != 12 {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// match reports how specifically the set names the caller.
func (ps *principalSet) match(c *Caller) matchLevel {
	if ps.all {
		return matchDirect
	}
	switch c.Type {
	case PrincipalAnonymous:
		return matchNone
	case PrincipalService:
		if ps.services[c.Name] {
			return matchDirect
		}
		return matchNone
	case PrincipalWebIdentity:
		if ps.federated[c.Name] {
			return matchDirect
		}
		return matchNone
	case PrincipalFederated:
		if ps.arns[c.ARN] || ps.federated[c.ARN] {
			return matchDirect
		}
	case PrincipalSession:
		if ps.arns[c.ARN] {
			return matchDirect
		}
		if ps.roleNames[[2]string{c.Account, c.RoleName}] {
			return matchRole
		}
	case PrincipalRole:
		if ps.roleNames[[2]string{c.Account, c.RoleName}] {
			return matchDirect
		}
	default:
		if ps.arns[c.ARN] {
			return matchDirect
		}
	}
	if ps.accounts[c.Account] {
		return matchAccount
	}
	return matchNone
}

// excludes reports whether a NotPrincipal set leaves the caller out. AWS
// evaluates every identity in the caller's chain (account, role, session),
// so the set must name each of them
// (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_notprincipal.html).
func (ps *principalSet) excludes(c *Caller) bool {
	if ps.all {
		return true
	}
	switch c.Type {
	case PrincipalService:
		return ps.services[c.Name]
	case PrincipalWebIdentity:
		return ps.federated[c.Name]
	case PrincipalRoot:
		return ps.accounts[c.Account]
	case PrincipalSession:
		return ps.accounts[c.Account] && ps.arns[c.ARN] && ps.roleNames[[2]string{c.Account, c.RoleName}]
	case PrincipalRole:
		return ps.accounts[c.Account] && ps.roleNames[[2]string{c.Account, c.RoleName}]
	default:
		return ps.accounts[c.Account] && (ps.arns[c.ARN] || ps.federated[c.ARN])
	}
}

// matchAction takes the lower-cased action (Request.action).
func (s *statement) matchAction(action string) bool {
	m := false
	for i := range s.actions {
		if s.actions[i].match(action, false) {
			m = true
			break
		}
	}
	return m != s.notAct
}

func (s *statement) matchResource(r *Request) bool {
	if !s.hasRes {
		return true
	}
	m := false
	for i := range s.resources {
		rp := &s.resources[i]
		if rp.dynamic {
			sub, ok := substitute(rp.raw, r.Context)
			if !ok {
				continue
			}
			p := compileARNPattern(sub)
			if p.match(r.Resource) {
				m = true
				break
			}
			continue
		}
		if rp.any || (rp.isARN && r.resIsARN && rp.matchFields(r.Resource, &r.resFields)) || (!rp.isARN && rp.match(r.Resource)) {
			m = true
			break
		}
	}
	return m != s.notRes
}

// matchPrincipal returns how the statement's Principal names the caller;
// statements without a principal element (identity policies) match as
// matchDirect.
func (s *statement) matchPrincipal(c *Caller) matchLevel {
	if s.principal == nil {
		return matchDirect
	}
	if s.notPrinc {
		if s.principal.excludes(c) {
			return matchNone
		}
		return matchDirect
	}
	return s.principal.match(c)
}

func (s *statement) matchConditions(ctx *Context) bool {
	for i := range s.conds {
		if !s.conds[i].eval(ctx) {
			return false
		}
	}
	return true
}
