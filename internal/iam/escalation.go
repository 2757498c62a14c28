package iam

import (
	"sort"
	"strings"

	awsmodel "github.com/cloudward/cloudward/internal/model/aws"
)

// AdminActions are the representative sensitive actions that define
// "effective full administrator": a principal allowed every one of them on
// "*" (no context keys) can take over the account. Listed in docs/iam.md.
var AdminActions = []string{
	"iam:PutRolePolicy", "iam:AttachUserPolicy", "iam:CreateAccessKey", "iam:PassRole",
	"iam:UpdateAssumeRolePolicy", "sts:AssumeRole", "s3:GetObject", "s3:PutBucketPolicy",
	"ec2:RunInstances", "ec2:AuthorizeSecurityGroupIngress", "kms:Decrypt", "lambda:CreateFunction",
	"secretsmanager:GetSecretValue", "dynamodb:Scan", "cloudtrail:StopLogging", "organizations:LeaveOrganization",
}

// IsAdmin reports whether p is allowed every AdminActions action on "*",
// and the reasons of the first decision (the statements that allow).
func (k *Asker) IsAdmin(p *Principal) (bool, []Reason) {
	return k.inputIsAdmin(p, &p.Input)
}

func (k *Asker) inputIsAdmin(p *Principal, in *Input) (bool, []Reason) {
	var first []Reason
	for _, act := range AdminActions {
		if k.a.orgBlocked[act] {
			continue // no principal of the account may call it
		}
		if !k.allowedIn(in, p.Caller, act, "*", nil) {
			return false, nil
		}
		if first == nil {
			first = append([]Reason{}, k.res.Reasons...)
		}
	}
	return true, first
}

// Step is one link of an escalation path: Actor uses Permission on Target
// and obtains Gain.
type Step struct {
	Actor      string `json:"actor"`
	Permission string `json:"permission"`
	Target     string `json:"target"`
	Gain       string `json:"gain"`
}

// Path is a sequence of steps ending in full administrator access.
type Path []Step

func (p Path) String() string {
	var parts []string
	for _, s := range p {
		parts = append(parts, s.Actor+" -> "+s.Permission+" -> "+s.Target+" -> "+s.Gain)
	}
	return strings.Join(parts, " => ")
}

// Escalation is what one principal can reach.
type Escalation struct {
	Principal *Principal
	Admin     bool
	Paths     []Path
}

// passRoleServices are the compute services a passed role's credentials
// can be used through: the service principal the role must trust, and the
// actions (with their resource) the caller needs.
var passRoleServices = []struct {
	service string
	via     string
	actions [][2]string // action, resource pattern (REGION, ACCOUNT replaced)
}{
	{"ec2.amazonaws.com", "ec2:RunInstances with an instance profile", [][2]string{{"ec2:RunInstances", "arn:aws:ec2:REGION:ACCOUNT:instance/*"}}},
	{"lambda.amazonaws.com", "lambda:CreateFunction + lambda:InvokeFunction", [][2]string{{"lambda:CreateFunction", "arn:aws:lambda:REGION:ACCOUNT:function:*"}, {"lambda:InvokeFunction", "arn:aws:lambda:REGION:ACCOUNT:function:*"}}},
	{"lambda.amazonaws.com", "lambda:CreateFunction + lambda:CreateEventSourceMapping", [][2]string{{"lambda:CreateFunction", "arn:aws:lambda:REGION:ACCOUNT:function:*"}, {"lambda:CreateEventSourceMapping", "*"}}},
	{"glue.amazonaws.com", "glue:CreateDevEndpoint", [][2]string{{"glue:CreateDevEndpoint", "arn:aws:glue:REGION:ACCOUNT:devEndpoint/*"}}},
	{"cloudformation.amazonaws.com", "cloudformation:CreateStack", [][2]string{{"cloudformation:CreateStack", "arn:aws:cloudformation:REGION:ACCOUNT:stack/*"}}},
	{"datapipeline.amazonaws.com", "datapipeline:CreatePipeline + datapipeline:PutPipelineDefinition", [][2]string{{"datapipeline:CreatePipeline", "*"}, {"datapipeline:PutPipelineDefinition", "*"}}},
	{"sagemaker.amazonaws.com", "sagemaker:CreateNotebookInstance + sagemaker:CreatePresignedNotebookInstanceUrl", [][2]string{{"sagemaker:CreateNotebookInstance", "arn:aws:sagemaker:REGION:ACCOUNT:notebook-instance/*"}, {"sagemaker:CreatePresignedNotebookInstanceUrl", "arn:aws:sagemaker:REGION:ACCOUNT:notebook-instance/*"}}},
	{"codebuild.amazonaws.com", "codebuild:CreateProject + codebuild:StartBuild", [][2]string{{"codebuild:CreateProject", "arn:aws:codebuild:REGION:ACCOUNT:project/*"}, {"codebuild:StartBuild", "arn:aws:codebuild:REGION:ACCOUNT:project/*"}}},
	{"ecs-tasks.amazonaws.com", "ecs:RegisterTaskDefinition + ecs:RunTask", [][2]string{{"ecs:RegisterTaskDefinition", "*"}, {"ecs:RunTask", "arn:aws:ecs:REGION:ACCOUNT:task-definition/*"}}},
}

// edge: the actor can act as To.
type edge struct {
	to   *Principal
	step Step
}

// MaxChain bounds role-assumption and credential chains.
const MaxChain = 4

// Escalations analyses every principal: whether it is an effective admin,
// and the paths by which a non-admin can become one (direct self-grants and
// chains through other principals, up to MaxChain hops).
func (a *Account) Escalations() []Escalation {
	g := a.graph()
	admin, direct, edges := g.admin, g.direct, g.edges
	k := a.NewAsker()
	var out []Escalation
	for _, p := range a.Principals {
		e := Escalation{Principal: p, Admin: admin[p]}
		if !e.Admin {
			for _, s := range direct[p] {
				e.Paths = append(e.Paths, Path{s})
			}
			e.Paths = append(e.Paths, chains(p, admin, direct, edges, a.policyWriter(k, p))...)
		}
		out = append(out, e)
	}
	return out
}

// policyWriter returns how p can write the policies of another principal
// q (iam:Attach/Put{User,Role}Policy on q), or nil when p's policies never
// name those actions: once p can also act as q, q's new policy is p's.
// A boundary on q that does not allow admin caps the written policy.
func (a *Account) policyWriter(k *Asker, p *Principal) func(q *Principal) *Step {
	acts := map[string][]string{"user": {"iam:AttachUserPolicy", "iam:PutUserPolicy"}, "role": {"iam:AttachRolePolicy", "iam:PutRolePolicy"}}
	named := false
	for _, l := range acts {
		for _, act := range l {
			named = named || mayAllow(p, act)
		}
	}
	if !named {
		return nil
	}
	return func(q *Principal) *Step {
		if q.Input.Boundary != nil {
			in := Input{Identity: []*Policy{allowAllPolicy}, Boundary: q.Input.Boundary, SCPs: q.Input.SCPs}
			if ok, _ := k.inputIsAdmin(q, &in); !ok {
				return nil
			}
		}
		for _, act := range acts[q.Type] {
			if k.Allowed(p, act, q.ARN, nil) {
				return &Step{Actor: p.Label(), Permission: act, Target: q.ARN, Gain: gainAdmin + " for " + q.Label() + ", which it can act as"}
			}
		}
		return nil
	}
}

// chains finds, breadth first, the shortest path from p through other
// principals to one that is admin, can grant itself admin, or whose
// policies p can write (write, may be nil); one path per reached principal.
func chains(p *Principal, admin map[*Principal]bool, direct map[*Principal][]Step, edges map[*Principal][]edge, write func(*Principal) *Step) []Path {
	type node struct {
		p    *Principal
		path Path
	}
	seen := map[*Principal]bool{p: true}
	queue := []node{{p, nil}}
	var out []Path
	for len(queue) > 0 {
		cur := queue[0]
		queue = queue[1:]
		if len(cur.path) >= MaxChain {
			continue
		}
		for _, e := range edges[cur.p] {
			if seen[e.to] {
				continue
			}
			seen[e.to] = true
			path := append(append(Path(nil), cur.path...), e.step)
			switch {
			case admin[e.to]:
				path[len(path)-1].Gain += ", a full administrator"
				out = append(out, path)
			case len(direct[e.to]) > 0:
				out = append(out, append(path, direct[e.to][0]))
			case write != nil && e.to.Type != "external":
				if s := write(e.to); s != nil {
					out = append(out, append(path, *s))
					continue
				}
				queue = append(queue, node{e.to, path})
			default:
				queue = append(queue, node{e.to, path})
			}
		}
	}
	return out
}

const gainAdmin = "any permission (full administrator)"

// selfGrants are the methods that let p write its own permissions.
func (a *Account) selfGrants(k *Asker, p *Principal) []Step {
	// A boundary still caps self-written policies: only a boundary that
	// allows admin leaves the escalation open.
	if p.Input.Boundary != nil {
		in := Input{Identity: []*Policy{allowAllPolicy}, Boundary: p.Input.Boundary, SCPs: p.Input.SCPs}
		if ok, _ := k.inputIsAdmin(p, &in); !ok {
			return a.liftedGrants(k, p)
		}
	}
	var out []Step
	try := func(action, target, gain string) {
		if k.Allowed(p, action, target, nil) {
			out = append(out, Step{Actor: p.Label(), Permission: action, Target: target, Gain: gain})
		}
	}
	for _, arn := range a.attachedPolicyARNs(p) {
		mp := a.Inv.Policy(arn)
		if mp == nil || mp.AWSManaged {
			continue
		}
		try("iam:CreatePolicyVersion", arn, gainAdmin+" through a new default version of a policy attached to "+p.Label())
		if a.hasAdminVersion(k, p, mp) {
			try("iam:SetDefaultPolicyVersion", arn, gainAdmin+" by making an existing admin version of the policy the default")
		}
	}
	switch p.Type {
	case "user":
		try("iam:AttachUserPolicy", p.ARN, gainAdmin+" by attaching AdministratorAccess to itself")
		try("iam:PutUserPolicy", p.ARN, gainAdmin+" by writing an inline policy on itself")
		for _, gn := range p.User.Groups {
			if g := a.Inv.Group(gn); g != nil {
				try("iam:AttachGroupPolicy", g.ARN, gainAdmin+" by attaching a policy to its group "+g.Name)
				try("iam:PutGroupPolicy", g.ARN, gainAdmin+" by writing an inline policy on its group "+g.Name)
			}
		}
		// Only a principal whose own policies can allow AddUserToGroup is
		// worth testing against every group of the account.
		if !mayAllow(p, "iam:AddUserToGroup") {
			break
		}
		member := map[string]bool{}
		for _, gn := range p.User.Groups {
			member[gn] = true
		}
		for _, g := range a.Inv.Groups {
			if member[g.Name] {
				continue
			}
			in := Input{Identity: a.groupPolicies(g), Boundary: p.Input.Boundary, SCPs: p.Input.SCPs}
			if ok, _ := k.inputIsAdmin(p, &in); ok {
				try("iam:AddUserToGroup", g.ARN, gainAdmin+" as a member of admin group "+g.Name)
			}
		}
	case "role":
		try("iam:AttachRolePolicy", p.ARN, gainAdmin+" by attaching AdministratorAccess to itself")
		try("iam:PutRolePolicy", p.ARN, gainAdmin+" by writing an inline policy on itself")
	}
	return out
}

var allowAllPolicy = func() *Policy {
	doc := &awsmodel.PolicyDocument{Version: "2012-10-17", Statements: []awsmodel.Statement{{Effect: "Allow", Action: []string{"*"}, Resource: []string{"*"}}}}
	p, err := Compile(doc, KindIdentity, "(assumed) any identity policy the caller's own account grants")
	if err != nil {
		panic(err) // a constant document
	}
	return p
}()

// hasAdminVersion reports whether a non-default version of mp grants admin.
func (a *Account) hasAdminVersion(k *Asker, p *Principal, mp *awsmodel.ManagedPolicy) bool {
	for i := range mp.Versions {
		v := &mp.Versions[i]
		doc, ok := v.Document.Get()
		if v.IsDefault || !ok || doc == nil {
			continue
		}
		pol, err := a.compile(doc, KindIdentity, mp.ARN+" version "+v.VersionID)
		if err != nil {
			continue
		}
		in := Input{Identity: []*Policy{pol}, Boundary: p.Input.Boundary, SCPs: p.Input.SCPs}
		if ok, _ := k.inputIsAdmin(p, &in); ok {
			return true
		}
	}
	return false
}

func (a *Account) attachedPolicyARNs(p *Principal) []string {
	var arns []string
	switch p.Type {
	case "user":
		for _, ap := range p.User.AttachedPolicies {
			arns = append(arns, ap.ARN)
		}
		for _, gn := range p.User.Groups {
			if g := a.Inv.Group(gn); g != nil {
				for _, ap := range g.AttachedPolicies {
					arns = append(arns, ap.ARN)
				}
			}
		}
	case "role":
		for _, ap := range p.Role.AttachedPolicies {
			arns = append(arns, ap.ARN)
		}
	}
	return arns
}

func (a *Account) groupPolicies(g *awsmodel.Group) []*Policy {
	tmp := &Principal{}
	pa := policyAdder{a, tmp}
	for i := range g.InlinePolicies {
		pa.inline("group/"+g.Name, &g.InlinePolicies[i], "")
	}
	for i := range g.AttachedPolicies {
		pa.managed(&g.AttachedPolicies[i], "")
	}
	return tmp.Input.Identity
}

// trustIndex maps who each role trust policy names, so that assumption
// edges are tested only against roles that could admit the caller.
type trustIndex struct {
	everyone []*Principal            // "*" or NotPrincipal
	byARN    map[string][]*Principal // user ARNs
	byRole   map[string][]*Principal // role names (same account)
	account  []*Principal            // trust delegates to the account's identity policies
	// services maps a service principal to the roles whose trust policy
	// lets it assume them (engine-decided, no context).
	services map[string][]*Principal
	// instances are the instances whose profile holds a role.
	instances []instanceRole
}

func (a *Account) trustIndex() *trustIndex {
	t := &trustIndex{byARN: map[string][]*Principal{}, byRole: map[string][]*Principal{}, services: map[string][]*Principal{},
		instances: a.instanceRoles()}
	k := a.NewAsker()
	for _, r := range a.Principals {
		if r.Type != "role" || r.Role.IsServiceLinked() {
			continue
		}
		pol, known, err := a.ResourcePolicy("sts:AssumeRole", r.ARN)
		if !known || err != nil || pol == nil {
			continue
		}
		for _, svc := range passRoleServices {
			l := t.services[svc.service]
			if len(l) > 0 && l[len(l)-1] == r {
				continue // lambda is listed twice
			}
			sc := Caller{ARN: svc.service, Type: PrincipalService, Name: svc.service}
			if k.AllowedAs(nil, sc, "sts:AssumeRole", r.ARN, nil) {
				t.services[svc.service] = append(l, r)
			}
		}
		added := map[string]bool{}
		add := func(key string, list *[]*Principal) {
			if !added[key] {
				added[key] = true
				*list = append(*list, r)
			}
		}
		for i := range pol.statements {
			s := &pol.statements[i]
			if !s.allow || s.principal == nil {
				continue
			}
			ps := s.principal
			if s.notPrinc || ps.all {
				add("*", &t.everyone)
				continue
			}
			for arn := range ps.arns {
				if l := t.byARN[arn]; !added["arn:"+arn] {
					added["arn:"+arn] = true
					t.byARN[arn] = append(l, r)
				}
			}
			for rn := range ps.roleNames {
				if rn[0] == a.ID {
					if l := t.byRole[rn[1]]; !added["role:"+rn[1]] {
						added["role:"+rn[1]] = true
						t.byRole[rn[1]] = append(l, r)
					}
				}
			}
			if ps.accounts[a.ID] {
				add("acct", &t.account)
			}
		}
	}
	return t
}

// mayAllow reports whether any identity Allow statement of p names action
// (whatever its resource and conditions): a cheap filter before asking the
// engine about every target.
func mayAllow(p *Principal, action string) bool {
	la := strings.ToLower(action)
	for _, pol := range p.Input.Identity {
		for i := range pol.statements {
			s := &pol.statements[i]
			if s.allow && s.matchAction(la) {
				return true
			}
		}
	}
	return false
}

// edges lists the principals p can act as: by creating credentials for
// another user, assuming a role, rewriting a role's trust policy, or passing
// a role to a compute service.
func (a *Account) edges(k *Asker, p *Principal, t *trustIndex) []edge {
	var out []edge
	if mayAllow(p, "iam:CreateAccessKey") || mayAllow(p, "iam:CreateLoginProfile") || mayAllow(p, "iam:UpdateLoginProfile") {
		for _, q := range a.Principals {
			if q.Type != "user" || q == p {
				continue
			}
			for _, act := range []string{"iam:CreateAccessKey", "iam:CreateLoginProfile", "iam:UpdateLoginProfile"} {
				if !applicableLogin(act, q) || !k.Allowed(p, act, q.ARN, nil) {
					continue
				}
				out = append(out, edge{q, Step{Actor: p.Label(), Permission: act, Target: q.ARN, Gain: "credentials of " + q.Label()}})
				break
			}
		}
	}
	// Role assumption: the trust policy must name p (or its account, which
	// then needs an identity allow, or everyone); the engine decides.
	var cands []*Principal
	cands = append(cands, t.everyone...)
	cands = append(cands, t.byARN[p.ARN]...)
	if p.Type == "role" {
		cands = append(cands, t.byRole[p.Name]...)
	}
	if mayAllow(p, "sts:AssumeRole") {
		cands = append(cands, t.account...)
	}
	seen := map[*Principal]bool{p: true}
	for _, q := range cands {
		if seen[q] {
			continue
		}
		seen[q] = true
		if k.Allowed(p, "sts:AssumeRole", q.ARN, nil) {
			out = append(out, edge{q, Step{Actor: p.Label(), Permission: "sts:AssumeRole", Target: q.ARN, Gain: "the permissions of " + q.Label()}})
		}
	}
	if mayAllow(p, "iam:UpdateAssumeRolePolicy") {
		for _, q := range a.Principals {
			if q.Type != "role" || q == p || q.Role.IsServiceLinked() || seen[q] {
				continue
			}
			if k.Allowed(p, "iam:UpdateAssumeRolePolicy", q.ARN, nil) {
				seen[q] = true
				out = append(out, edge{q, Step{Actor: p.Label(), Permission: "iam:UpdateAssumeRolePolicy", Target: q.ARN,
					Gain: "the permissions of " + q.Label() + " (rewrites its trust policy to trust itself)"}})
			}
		}
	}
	if mayAllow(p, "iam:PassRole") {
		region := "us-east-1"
		if len(a.Inv.RegionNames) > 0 {
			region = a.Inv.RegionNames[0]
		}
		for _, svc := range passRoleServices {
			on, ok := a.methodTargets(k, p, svc.actions, region)
			if !ok {
				continue
			}
			for _, q := range t.services[svc.service] {
				if q == p || seen[q] {
					continue
				}
				if !k.Allowed(p, "iam:PassRole", q.ARN, map[string]string{"iam:PassedToService": svc.service}) {
					continue
				}
				seen[q] = true
				out = append(out, edge{q, Step{Actor: p.Label(), Permission: "iam:PassRole + " + svc.via + on, Target: q.ARN,
					Gain: "the permissions of " + q.Label() + " (runs code as the passed role)"}})
			}
		}
	}
	out = append(out, a.computeEdges(k, p, t.instances, seen)...)
	sort.SliceStable(out, func(i, j int) bool { return out[i].to.Label() < out[j].to.Label() })
	return out
}

// applicableLogin drops login-profile methods that cannot work on q:
// CreateLoginProfile needs a user without a password, UpdateLoginProfile
// one with.
func applicableLogin(action string, q *Principal) bool {
	pw, known := q.User.Credentials.PasswordEnabled.Get()
	switch action {
	case "iam:CreateLoginProfile":
		return !known || !pw
	case "iam:UpdateLoginProfile":
		return !known || pw
	}
	return true
}

// AllowAll is a compiled identity policy allowing "*" on "*": the identity
// side assumed for principals of other accounts, whose policies cloudward
// cannot see (their owner can always grant themselves anything).
func AllowAll() *Policy { return allowAllPolicy }

// InputIsAdmin reports whether caller, with the policies of in, is allowed
// every AdminActions action on "*" (no context keys), with the reasons of the
// first decision.
func InputIsAdmin(in *Input, caller Caller) (bool, []Reason) {
	var res Result
	var first []Reason
	for i, act := range AdminActions {
		req, err := NewRequest("arn:aws:iam::000000000000:root", act, "*", nil)
		if err != nil {
			return false, nil
		}
		req.SetCaller(caller)
		Evaluate(in, req, &res)
		if res.Decision != Allow {
			return false, nil
		}
		if i == 0 {
			first = append([]Reason(nil), res.Reasons...)
		}
	}
	return true, first
}

// methodTargets decides whether p may call every action of a method, each
// on its resource template (REGION and ACCOUNT replaced). Actions sharing a
// template must be allowed on the same resource: the literal "any" resource
// first, then the resources p's own grants name (see Principal.Targets), so
// that a grant on one named function or stack is found. on describes the
// named resources used ("" when the grants cover any resource).
func (a *Account) methodTargets(k *Asker, p *Principal, actions [][2]string, region string) (on string, ok bool) {
	acct := orAcct(a.ID)
	done := map[string]bool{}
	var named []string
	for _, ar := range actions {
		tmpl := ar[1]
		if done[tmpl] {
			continue
		}
		done[tmpl] = true
		def := strings.NewReplacer("REGION", region, "ACCOUNT", acct).Replace(tmpl)
		var group []string
		for _, ar2 := range actions {
			if ar2[1] == tmpl {
				group = append(group, ar2[0])
			}
		}
		cands := []string{def}
		if def != "*" {
			base := strings.NewReplacer("REGION", "*", "ACCOUNT", acct).Replace(tmpl)
			seen := map[string]bool{def: true}
			for _, act := range group {
				for _, c := range p.Targets(act, base, def) {
					if !seen[c] {
						seen[c] = true
						cands = append(cands, c)
					}
				}
			}
		}
		found := ""
		for _, c := range cands {
			all := true
			for _, act := range group {
				if !k.Allowed(p, act, c, nil) {
					all = false
					break
				}
			}
			if all {
				found = c
				break
			}
		}
		if found == "" {
			return "", false
		}
		if found != def {
			named = append(named, found)
		}
	}
	if len(named) > 0 {
		on = " (on " + strings.Join(named, ", ") + ")"
	}
	return on, true
}

// principalGraph is who can act as whom: computed once per account (the
// escalation analysis and the data-access analysis share it). Edges and
// self-grants are computed for non-admins only: an admin can do anything.
type principalGraph struct {
	admin  map[*Principal]bool
	direct map[*Principal][]Step
	edges  map[*Principal][]edge
}

func (a *Account) graph() *principalGraph {
	a.graphOnce.Do(func() {
		k := a.NewAsker()
		n := len(a.Principals)
		g := &principalGraph{admin: make(map[*Principal]bool, n), direct: make(map[*Principal][]Step, n),
			edges: make(map[*Principal][]edge, n)}
		for _, p := range a.Principals {
			g.admin[p], _ = k.IsAdmin(p)
		}
		trusts := a.trustIndex()
		for _, p := range a.Principals {
			if g.admin[p] {
				continue
			}
			g.direct[p] = a.selfGrants(k, p)
			g.edges[p] = a.edges(k, p, trusts)
		}
		a.graphCache = g
	})
	return a.graphCache
}
