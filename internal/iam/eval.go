package iam

import (
	"strings"
)

// Decision is the outcome of an evaluation.
type Decision string

// The three decisions: an explicit deny can never be overridden; an implicit
// deny is the default when nothing allows.
const (
	Allow        Decision = "Allow"
	ImplicitDeny Decision = "ImplicitDeny"
	ExplicitDeny Decision = "ExplicitDeny"
)

// Reason is one piece of the explanation: a statement that decided, or a
// gate (policy kind) that had no Allow.
type Reason struct {
	Kind   Kind
	Policy string
	// Statement is the statement index in its policy, -1 for a gate without
	// an allowing statement.
	Statement int
	Sid       string
	Effect    string
	// Rule says which evaluation rule applied.
	Rule string
}

// Result is a decision with its reasons. Reuse one Result across calls to
// Evaluate to avoid allocating.
type Result struct {
	Decision Decision
	Reasons  []Reason
}

// Level is one level of an organization path (root, OU, ..., account): the
// SCPs or RCPs attached there. A level allows an action when any of its
// policies does.
type Level struct {
	Name     string
	Policies []*Policy
}

// Input is every policy that takes part in one request.
type Input struct {
	// Identity policies of the principal: inline and managed, including
	// those of the user's groups.
	Identity []*Policy
	// Resource is the resource-based policy: bucket, queue, key or role
	// trust policy. nil when the resource has none.
	Resource *Policy
	// Boundary is the principal's permissions boundary, nil when none.
	Boundary *Policy
	// Session is the session policy of a role or federated session.
	Session *Policy
	// SCPs are the principal's account's organization path, root first;
	// RCPs the resource account's. Empty means not in an organization.
	SCPs []Level
	RCPs []Level
}

// Rule texts, cited in reasons and docs/iam.md.
const (
	RuleExplicitDeny       = "an explicit Deny in any policy overrides every Allow"
	RuleRCPGate            = "every RCP level of the resource account must allow the action"
	RuleSCPGate            = "every SCP level of the principal's account must allow the action"
	RuleTrustRequired      = "sts:AssumeRole* (and other sts actions on a role) need an Allow in the role's trust policy"
	RuleKeyPolicyRequired  = "KMS needs an Allow in the key policy; identity policies alone do not grant"
	RuleCrossAccountRBP    = "a cross-account request needs an Allow in the resource-based policy"
	RuleCrossAccountID     = "a cross-account request needs an Allow in the principal's identity policies"
	RuleSameAccountDirect  = "in the same account, a resource-based policy naming the principal (user, session or *) allows on its own"
	RuleSameAccountRoleARN = "in the same account, a resource-based policy naming the role ARN allows, within the boundary and session policy"
	RuleIdentityRequired   = "no identity-based or resource-based policy allows the action"
	RuleBoundaryLimits     = "the permissions boundary does not allow the action"
	RuleSessionLimits      = "the session policy does not allow the action"
	RuleAllowedByStatement = "statement allows the action"
	RuleRootImplicitAllow  = "the account root user has every permission in its own account unless denied"
	RuleServiceNeedsRBP    = "a service principal or identity provider is allowed only by a resource-based policy naming it"
)

// Evaluate decides req against in, writing into res (its Reasons are reused).
func Evaluate(in *Input, req *Request, res *Result) {
	res.Decision = ImplicitDeny
	res.Reasons = res.Reasons[:0]

	// 1. Explicit deny anywhere is final. Services and identity providers
	// have no identity-side policies and are outside SCPs.
	denied := false
	hasIdentity := req.Caller.callerHasIdentity()
	if hasIdentity {
		for _, p := range in.Identity {
			denied = denyStatements(p, req, res) || denied
		}
		denied = denyStatements(in.Boundary, req, res) || denied
		denied = denyStatements(in.Session, req, res) || denied
		for li := range in.SCPs {
			for _, p := range in.SCPs[li].Policies {
				denied = denyStatements(p, req, res) || denied
			}
		}
	}
	denied = denyStatements(in.Resource, req, res) || denied
	for li := range in.RCPs {
		for _, p := range in.RCPs[li].Policies {
			denied = denyStatements(p, req, res) || denied
		}
	}
	if denied {
		res.Decision = ExplicitDeny
		return
	}

	// 2. RCPs, then SCPs: every level must allow. SCPs restrict IAM
	// principals of member accounts, not services or identity providers.
	if !gates(in.RCPs, KindRCP, RuleRCPGate, req, res) {
		return
	}
	if hasIdentity && !gates(in.SCPs, KindSCP, RuleSCPGate, req, res) {
		return
	}

	// 3. Resource-based policy.
	rbpStmt, rbpLevel := bestAllow(in.Resource, req)
	if rule := req.explicitAllow; rule != "" && rbpLevel == matchNone {
		res.deny(KindResource, nameOf(in.Resource), rule)
		return
	}

	// 4. Identity side: identity policies, boundary, session policy.
	var idStmt *statement
	var idPolicy *Policy
	for _, p := range in.Identity {
		if s, _ := bestAllow(p, req); s != nil {
			idStmt, idPolicy = s, p
			break
		}
	}
	identityAllows := idStmt != nil
	if req.Caller.Type == PrincipalRoot {
		identityAllows = true
	}
	bStmt, _ := bestAllow(in.Boundary, req)
	boundaryOK := in.Boundary == nil || bStmt != nil
	sStmt, _ := bestAllow(in.Session, req)
	sessionOK := in.Session == nil || sStmt != nil

	if !hasIdentity {
		if rbpLevel != matchDirect {
			res.deny(KindResource, nameOf(in.Resource), RuleServiceNeedsRBP)
			return
		}
		res.Decision = Allow
		res.allow(in.Resource, rbpStmt, RuleServiceNeedsRBP)
		return
	}

	if !req.SameAccount() {
		// 5a. Cross-account: both sides must allow.
		if rbpLevel == matchNone {
			res.deny(KindResource, nameOf(in.Resource), RuleCrossAccountRBP)
			return
		}
		if !identitySide(identityAllows, boundaryOK, sessionOK, RuleCrossAccountID, in, res) {
			return
		}
		res.Decision = Allow
		res.allow(in.Resource, rbpStmt, RuleCrossAccountRBP)
		res.allowIdentity(idPolicy, idStmt, req, in, bStmt, sStmt)
		return
	}

	// 5b. Same account.
	switch rbpLevel {
	case matchDirect:
		res.Decision = Allow
		res.allow(in.Resource, rbpStmt, RuleSameAccountDirect)
		return
	case matchRole:
		if !boundaryOK {
			res.deny(KindBoundary, nameOf(in.Boundary), RuleBoundaryLimits)
			return
		}
		if !sessionOK {
			res.deny(KindSession, nameOf(in.Session), RuleSessionLimits)
			return
		}
		res.Decision = Allow
		res.allow(in.Resource, rbpStmt, RuleSameAccountRoleARN)
		return
	}
	if !identitySide(identityAllows, boundaryOK, sessionOK, RuleIdentityRequired, in, res) {
		return
	}
	res.Decision = Allow
	if rbpStmt != nil {
		res.allow(in.Resource, rbpStmt, RuleAllowedByStatement)
	}
	res.allowIdentity(idPolicy, idStmt, req, in, bStmt, sStmt)
}

// identitySide checks the identity policies, boundary and session policy,
// recording the first that fails.
func identitySide(identityAllows, boundaryOK, sessionOK bool, idRule string, in *Input, res *Result) bool {
	switch {
	case !identityAllows:
		res.deny(KindIdentity, "", idRule)
	case !boundaryOK:
		res.deny(KindBoundary, nameOf(in.Boundary), RuleBoundaryLimits)
	case !sessionOK:
		res.deny(KindSession, nameOf(in.Session), RuleSessionLimits)
	default:
		return true
	}
	return false
}

func (res *Result) allowIdentity(p *Policy, s *statement, req *Request, in *Input, b, ss *statement) {
	if s != nil {
		res.allow(p, s, RuleAllowedByStatement)
	} else if req.Caller.Type == PrincipalRoot {
		res.Reasons = append(res.Reasons, Reason{Kind: KindIdentity, Statement: -1, Rule: RuleRootImplicitAllow})
	}
	if b != nil {
		res.allow(in.Boundary, b, RuleAllowedByStatement)
	}
	if ss != nil {
		res.allow(in.Session, ss, RuleAllowedByStatement)
	}
}

// explicitAllowRequired names the rule when the resource's own policy must
// allow: role trust policies for sts:AssumeRole*, KMS key policies.
func explicitAllowRequired(req *Request) string {
	f, ok := req.resFields, req.resIsARN
	if !ok {
		return ""
	}
	svc, _, _ := strings.Cut(req.Action, ":")
	switch {
	case strings.EqualFold(svc, "sts") && f[2] == "iam" && strings.HasPrefix(f[5], "role/"):
		// AssumeRole*, and TagSession/SetSourceIdentity/SetContext that
		// come with it, are authorized by the role's trust policy.
		return RuleTrustRequired
	case strings.EqualFold(svc, "kms") && f[2] == "kms" && strings.HasPrefix(f[5], "key/"):
		return RuleKeyPolicyRequired
	}
	return ""
}

func gates(levels []Level, kind Kind, rule string, req *Request, res *Result) bool {
	for li := range levels {
		allowed := false
		for _, p := range levels[li].Policies {
			if s, _ := bestAllow(p, req); s != nil {
				allowed = true
				break
			}
		}
		if !allowed {
			res.deny(kind, levels[li].Name, rule)
			return false
		}
	}
	return true
}

func (res *Result) deny(kind Kind, policy, rule string) {
	res.Decision = ImplicitDeny
	res.Reasons = append(res.Reasons, Reason{Kind: kind, Policy: policy, Statement: -1, Rule: rule})
}

func (res *Result) allow(p *Policy, s *statement, rule string) {
	if p == nil || s == nil {
		return
	}
	res.Reasons = append(res.Reasons, Reason{Kind: p.Kind, Policy: p.Name, Statement: s.src.Index,
		Sid: s.src.Sid, Effect: s.src.Effect, Rule: rule})
}

func nameOf(p *Policy) string {
	if p == nil {
		return ""
	}
	return p.Name
}

// denyStatements records every Deny statement of p that applies.
func denyStatements(p *Policy, req *Request, res *Result) bool {
	if p == nil {
		return false
	}
	found := false
	for i := range p.statements {
		s := &p.statements[i]
		if s.allow || !s.applies(req) {
			continue
		}
		found = true
		res.Reasons = append(res.Reasons, Reason{Kind: p.Kind, Policy: p.Name, Statement: s.src.Index,
			Sid: s.src.Sid, Effect: s.src.Effect, Rule: RuleExplicitDeny})
	}
	return found
}

// bestAllow returns the Allow statement of p that names the caller most
// specifically (identity policies: the first that applies).
func bestAllow(p *Policy, req *Request) (*statement, matchLevel) {
	if p == nil {
		return nil, matchNone
	}
	var best *statement
	level := matchNone
	for i := range p.statements {
		s := &p.statements[i]
		if !s.allow || !s.matchAction(req.action) || !s.matchResource(req) {
			continue
		}
		l := s.matchPrincipal(&req.Caller)
		if l <= level || !s.matchConditions(req.Context) {
			continue
		}
		best, level = s, l
		if l == matchDirect {
			break
		}
	}
	return best, level
}

func (s *statement) applies(req *Request) bool {
	return s.matchAction(req.action) && s.matchResource(req) &&
		s.matchPrincipal(&req.Caller) != matchNone && s.matchConditions(req.Context)
}
