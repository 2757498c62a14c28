package iam

import (
	"strings"

	"github.com/cloudward/cloudward/internal/model"
	awsmodel "github.com/cloudward/cloudward/internal/model/aws"
)

// OrgStatus says how one kind of organization policy (SCPs or RCPs) takes
// part in the account's answers.
type OrgStatus string

// Organization policy statuses.
const (
	// OrgApplied: the account's organization path and its policies are
	// known and every answer is gated by them.
	OrgApplied OrgStatus = "applied"
	// OrgNotMember: the account is in no organization (or the policy type
	// is not enabled): nothing to apply.
	OrgNotMember OrgStatus = "not-in-organization"
	// OrgManagement: the management account is not affected by SCPs or
	// RCPs.
	OrgManagement OrgStatus = "management-account"
	// OrgPartial: some levels or documents were not collected; the known
	// ones are applied, an Allow assumes the rest allows.
	OrgPartial OrgStatus = "partly-collected"
	// OrgUnknown: not collected (typically AccessDenied from a member
	// account); an Allow assumes no such policy denies.
	OrgUnknown OrgStatus = "not-collected"
)

// Uncertain reports whether an Allow rests on the assumption that policies
// not collected allow.
func (s OrgStatus) Uncertain() bool { return s == OrgPartial || s == OrgUnknown }

// OrgPolicies are the account's SCP and RCP levels (root first, the
// account last) and how complete they are.
type OrgPolicies struct {
	SCPs, RCPs              []Level
	SCPStatus, RCPStatus    OrgStatus
	SCPDetail, RCPDetail    string // why uncertain
	ID, ManagementAccountID string
}

// rcpServices are the services whose resources RCPs govern (AWS
// Organizations RCP documentation); requests to other services are outside
// RCPs.
var rcpServices = map[string]bool{
	"s3": true, "sts": true, "kms": true, "sqs": true, "secretsmanager": true, "ecr": true,
	"aoss": true, "cognito-identity": true, "logs": true, "dynamodb": true,
}

// orgPolicies reads the organization path of the inventory.
func (a *Account) orgPolicies() OrgPolicies {
	org := &a.Inv.PolicyHolders.Organization
	op := OrgPolicies{ID: org.ID, ManagementAccountID: org.ManagementAccountID}
	member, known := org.Member.Get()
	path, pathKnown := org.Path.Get()
	switch {
	case known && !member:
		op.SCPStatus, op.RCPStatus = OrgNotMember, OrgNotMember
		return op
	case known && member && org.ManagementAccountID != "" && org.ManagementAccountID == a.ID:
		op.SCPStatus, op.RCPStatus = OrgManagement, OrgManagement
		return op
	case !pathKnown:
		why := org.Path.Reason()
		if !known {
			why = org.Member.Reason()
		}
		if why == "" {
			why = "organizations list-parents not collected"
		}
		op.SCPStatus, op.RCPStatus = OrgUnknown, OrgUnknown
		op.SCPDetail, op.RCPDetail = why, why
		return op
	}
	op.SCPs, op.SCPStatus, op.SCPDetail = a.orgLevels(path, KindSCP, func(t *awsmodel.OrgTarget) model.Value[[]*awsmodel.OrgPolicy] { return t.SCPs })
	op.RCPs, op.RCPStatus, op.RCPDetail = a.orgLevels(path, KindRCP, func(t *awsmodel.OrgTarget) model.Value[[]*awsmodel.OrgPolicy] { return t.RCPs })
	return op
}

// orgLevels compiles the policies attached at each level of path. A path
// where every level has no policy of the kind means the policy type is not
// enabled (AWS keeps at least one SCP on every level once it is).
func (a *Account) orgLevels(path []*awsmodel.OrgTarget, kind Kind, pick func(*awsmodel.OrgTarget) model.Value[[]*awsmodel.OrgPolicy]) ([]Level, OrgStatus, string) {
	var levels []Level
	var missing []string
	empty := 0
	kn := strings.ToUpper(string(kind))
	for _, t := range path {
		name := strings.ToLower(strings.ReplaceAll(t.Type, "_", " ")) + " " + t.ID
		v := pick(t)
		pols, ok := v.Get()
		if !ok {
			missing = append(missing, kn+"s of "+name+": "+v.Reason())
			continue
		}
		if len(pols) == 0 {
			empty++
			continue
		}
		lv := Level{Name: name}
		for _, op := range pols {
			doc, ok := op.Document.Get()
			if !ok || doc == nil {
				missing = append(missing, kn+" "+op.Name+" ("+op.ID+") document not collected")
				continue
			}
			pol, err := a.compile(doc, kind, kn+" "+op.Name+" ("+op.ID+") at "+name)
			if err != nil {
				missing = append(missing, err.Error())
				continue
			}
			lv.Policies = append(lv.Policies, pol)
		}
		if len(lv.Policies) > 0 {
			levels = append(levels, lv)
		} else {
			missing = append(missing, kn+"s of "+name+" not usable")
		}
	}
	switch {
	case empty == len(path) && len(missing) == 0:
		return nil, OrgNotMember, ""
	case empty > 0 && len(levels) > 0:
		missing = append(missing, "some levels list no "+kn)
	}
	if len(missing) > 0 {
		st := OrgPartial
		if len(levels) == 0 {
			st = OrgUnknown
		}
		return levels, st, strings.Join(missing, "; ")
	}
	return levels, OrgApplied, ""
}

// applyOrg puts the SCP levels on the account's principals (not on
// service-linked roles, which SCPs do not affect) and gives them the
// organization ID as aws:PrincipalOrgID.
func (a *Account) applyOrg() {
	a.Org = a.orgPolicies()
	orgID := ""
	if m, ok := a.Inv.PolicyHolders.Organization.Member.Get(); ok && m {
		orgID = a.Org.ID
	}
	for _, p := range a.Principals {
		if p.Type == "role" && p.Role.IsServiceLinked() {
			continue
		}
		p.Input.SCPs = a.Org.SCPs
		if orgID != "" {
			p.Caller.OrgID = orgID
		}
	}
	a.blockOrgWide()
}

// blockOrgWide records the AdminActions that the SCPs deny to every
// principal of the account (guardrails such as a Deny of
// organizations:LeaveOrganization): "full administrator" then means every
// other takeover action.
func (a *Account) blockOrgWide() {
	a.orgBlocked = map[string]bool{}
	if len(a.Org.SCPs) == 0 {
		return
	}
	c, err := ParseCaller("arn:" + a.Partition + ":iam::" + orAcct(a.ID) + ":user/cloudward-probe")
	if err != nil {
		return
	}
	c.OrgID = a.Org.ID
	k := a.NewAsker()
	in := Input{Identity: []*Policy{allowAllPolicy}, SCPs: a.Org.SCPs}
	for _, act := range AdminActions {
		if !k.allowedIn(&in, c, act, "*", nil) {
			a.orgBlocked[act] = true
		}
	}
}

// rcpsFor returns the RCP levels that govern action on resource: RCPs
// apply to resources of the account in the services they support.
func (a *Account) rcpsFor(action, resource string) []Level {
	if len(a.Org.RCPs) == 0 {
		return nil
	}
	svc, _, _ := strings.Cut(strings.ToLower(action), ":")
	if !rcpServices[svc] {
		return nil
	}
	if resource != "*" {
		f, ok := splitARN(resource)
		if !ok || (f[4] != "" && f[4] != a.ID) {
			return nil
		}
	}
	return a.Org.RCPs
}

// OrgNote says, for an Allow of action on resource by p, which
// organization policies were assumed to allow because they were not
// collected: note is short ("assuming no SCP denies"), detail says why.
// Both are "" when the answer rests on no such assumption.
func (a *Account) OrgNote(p *Principal, action, resource string) (note, detail string) {
	var kinds, why []string
	if p != nil && p.Type != "external" && a.Org.SCPStatus.Uncertain() && !(p.Type == "role" && p.Role.IsServiceLinked()) {
		kinds = append(kinds, "SCP")
		why = append(why, "SCPs "+string(a.Org.SCPStatus)+": "+a.Org.SCPDetail)
	}
	if a.Org.RCPStatus.Uncertain() {
		svc, _, _ := strings.Cut(strings.ToLower(action), ":")
		if rcpServices[svc] {
			kinds = append(kinds, "RCP")
			why = append(why, "RCPs "+string(a.Org.RCPStatus)+": "+a.Org.RCPDetail)
		}
	}
	if len(kinds) == 0 {
		return "", ""
	}
	return "assuming no " + strings.Join(kinds, " or ") + " denies", strings.Join(why, "; ")
}

// resourcePolicies indexes the resource-based policies of the policy group
// (Lambda, Secrets Manager, SQS, SNS, ECR) and KMS key policies by ARN.
type heldPolicy struct {
	policy awsmodel.Policy
	label  string
}

func (a *Account) indexHeldPolicies() {
	a.held = map[string]heldPolicy{}
	ph := &a.Inv.PolicyHolders
	for _, f := range ph.Functions {
		a.held[f.ARN] = heldPolicy{f.Policy, "resource policy of function " + f.Name}
	}
	for _, s := range ph.Secrets {
		a.held[s.ARN] = heldPolicy{s.Policy, "resource policy of secret " + s.Name}
	}
	for _, q := range ph.Queues {
		a.held[q.ARN] = heldPolicy{q.Policy, "queue policy of " + q.Name}
	}
	for _, t := range ph.Topics {
		a.held[t.ARN] = heldPolicy{t.Policy, "topic policy of " + t.Name}
	}
	for _, r := range ph.Repositories {
		a.held[r.ARN] = heldPolicy{r.Policy, "repository policy of " + r.Name}
	}
	for _, k := range a.Inv.KMSKeys {
		a.held[k.ARN] = heldPolicy{k.Policy, "key policy of " + k.ID}
	}
}

// heldPolicyFor looks up the policy of a resource of the policy group (f is
// the split resource ARN, svc the action's service).
func (a *Account) heldPolicyFor(resource, svc string, f [6]string) (pol *Policy, known, found bool, err error) {
	if svc != f[2] {
		return nil, true, false, nil
	}
	key := resource
	if f[2] == "lambda" && strings.HasPrefix(f[5], "function:") {
		// A qualified ARN (version or alias) has the function's policy.
		name, _, _ := strings.Cut(strings.TrimPrefix(f[5], "function:"), ":")
		key = "arn:" + f[1] + ":lambda:" + f[3] + ":" + f[4] + ":function:" + name
	}
	h, ok := a.held[key]
	if !ok {
		return nil, false, false, nil
	}
	doc, ok := h.policy.Get()
	if !ok {
		return nil, false, true, nil
	}
	if doc == nil {
		return nil, true, true, nil
	}
	p, err := a.compile(doc, KindResource, h.label)
	return p, err == nil, true, err
}
