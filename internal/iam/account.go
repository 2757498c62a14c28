package iam

import (
	"fmt"
	"sort"
	"strings"
	"sync"

	awsmodel "github.com/cloudward/cloudward/internal/model/aws"
)

// Account is an inventory prepared for effective-permission questions: every
// policy compiled once, every user and role with its identity-side Input.
// Build it with NewAccount, then ask many questions with Can / WhoCan.
type Account struct {
	Inv        *awsmodel.Inventory
	ID         string
	Partition  string
	Principals []*Principal

	byARN    map[string]*Principal
	byName   map[string]*Principal // "user/NAME", "role/NAME"
	mu       sync.Mutex            // guards compiled: Askers on several goroutines share the account
	compiled map[compileKey]*Policy
	roles    map[string]*awsmodel.Role // role name -> role
	buckets  map[string]*awsmodel.Bucket
	held     map[string]heldPolicy // resource ARN -> policy (Lambda, SQS, SNS, secrets, ECR, KMS)

	// Org holds the SCP and RCP levels of the account's organization path
	// and whether they were collected.
	Org OrgPolicies
	// orgBlocked are the AdminActions the SCPs deny account-wide.
	orgBlocked map[string]bool

	graphOnce  sync.Once
	graphCache *principalGraph
}

type compileKey struct {
	doc  *awsmodel.PolicyDocument
	kind Kind
}

// Principal is a user or role of the account with the policies that apply to
// it. Caller is how it appears in requests: the user ARN, or a session of the
// role (roles act through sessions).
type Principal struct {
	ARN    string
	Type   string // "user" or "role"
	Name   string
	User   *awsmodel.User
	Role   *awsmodel.Role
	Caller Caller
	// Input holds the identity policies and the boundary; Resource is set
	// per question.
	Input Input
	// Via tells, for group policies, which group brought them in.
	Via map[*Policy]string
	// Incomplete lists why Input may miss policies (documents not collected,
	// attached policies not in the inventory, policies that do not compile).
	// An Allow found is real; a deny may be wrong.
	Incomplete []string
}

// Label is "user/NAME" or "role/NAME".
func (p *Principal) Label() string { return p.Type + "/" + p.Name }

// NewAccount compiles the policies of inv and builds every principal's
// input. Problems with single policies do not fail: they are recorded in the
// principals' Incomplete lists.
func NewAccount(inv *awsmodel.Inventory) *Account {
	a := &Account{Inv: inv, ID: inv.AccountID, Partition: inv.Partition,
		byARN: map[string]*Principal{}, byName: map[string]*Principal{},
		compiled: map[compileKey]*Policy{}, roles: map[string]*awsmodel.Role{},
		buckets: map[string]*awsmodel.Bucket{}}
	if a.Partition == "" {
		a.Partition = "aws"
	}
	for _, u := range inv.Users {
		a.add(a.userPrincipal(u))
	}
	for _, r := range inv.Roles {
		a.roles[r.Name] = r
		a.add(a.rolePrincipal(r))
	}
	for _, b := range inv.Buckets {
		a.buckets[b.Name] = b
	}
	a.indexHeldPolicies()
	a.applyOrg()
	// Without the authorization details (users then come from the
	// credential report alone) nobody's policies are known.
	if c, ok := inv.CoverageOf("iam", "get-account-authorization-details"); ok && c.Status != awsmodel.CoverageRead {
		why := "iam get-account-authorization-details " + string(c.Status)
		if c.Detail != "" {
			why += ": " + c.Detail
		}
		for _, p := range a.Principals {
			p.Incomplete = append([]string{why}, p.Incomplete...)
		}
	}
	return a
}

func (a *Account) add(p *Principal) {
	if p == nil {
		return
	}
	a.Principals = append(a.Principals, p)
	a.byARN[p.ARN] = p
	a.byName[p.Label()] = p
}

// Principal finds a user or role by ARN, "user/NAME" or "role/NAME".
func (a *Account) Principal(ref string) *Principal {
	if p := a.byARN[ref]; p != nil {
		return p
	}
	if p := a.byName[ref]; p != nil {
		return p
	}
	// An ARN with a path: arn:aws:iam::A:user/path/name.
	if f, ok := splitARN(ref); ok && f[2] == "iam" {
		typ, _, _ := strings.Cut(f[5], "/")
		return a.byName[typ+"/"+lastSegment(f[5])]
	}
	return nil
}

// Role returns the role with the given name, or nil.
func (a *Account) Role(name string) *awsmodel.Role { return a.roles[name] }

// compile compiles doc once per kind; the name says where it comes from.
func (a *Account) compile(doc *awsmodel.PolicyDocument, kind Kind, name string) (*Policy, error) {
	k := compileKey{doc, kind}
	a.mu.Lock()
	defer a.mu.Unlock()
	if p, ok := a.compiled[k]; ok {
		return p, nil
	}
	p, err := Compile(doc, kind, name)
	if err != nil {
		return nil, err
	}
	a.compiled[k] = p
	return p, nil
}

type policyAdder struct {
	a *Account
	p *Principal
}

func (pa policyAdder) inline(owner string, ip *awsmodel.InlinePolicy, via string) {
	doc, ok := ip.Document.Get()
	if !ok {
		pa.p.Incomplete = append(pa.p.Incomplete, fmt.Sprintf("inline policy %s of %s not collected: %s", ip.Name, owner, ip.Document.Reason()))
		return
	}
	if doc == nil {
		return
	}
	pol, err := pa.a.compile(doc, KindIdentity, "inline "+owner+"/"+ip.Name)
	pa.use(pol, err, via)
}

func (pa policyAdder) managed(ap *awsmodel.AttachedPolicy, via string) {
	doc, why := pa.a.managedDoc(ap.ARN)
	if doc == nil {
		pa.p.Incomplete = append(pa.p.Incomplete, why)
		return
	}
	name := ap.ARN
	if pa.a.Inv.Policy(ap.ARN) == nil {
		// Say where the document came from: not the scanned inventory.
		if b := BuiltinManagedPolicy(ap.ARN); b != nil {
			name += " (built-in copy of " + b.Version + ")"
		}
	}
	pol, err := pa.a.compile(doc, KindIdentity, name)
	pa.use(pol, err, via)
}

func (pa policyAdder) use(pol *Policy, err error, via string) {
	if err != nil {
		pa.p.Incomplete = append(pa.p.Incomplete, err.Error())
		return
	}
	pa.p.Input.Identity = append(pa.p.Input.Identity, pol)
	if via != "" {
		if pa.p.Via == nil {
			pa.p.Via = map[*Policy]string{}
		}
		pa.p.Via[pol] = via
	}
}

// boundary compiles the permissions boundary named by v (a policy ARN,
// known "" for none).
func (pa policyAdder) boundary(v awsmodel.String) {
	arn, ok := v.Get()
	if !ok {
		pa.p.Incomplete = append(pa.p.Incomplete, "permissions boundary not collected: "+v.Reason())
		return
	}
	if arn == "" {
		return
	}
	doc, why := pa.a.managedDoc(arn)
	if doc == nil {
		pa.p.Incomplete = append(pa.p.Incomplete, "boundary: "+why)
		// An unreadable boundary is taken as denying everything: the
		// analysis then never overstates what the principal can do.
		pa.p.Input.Boundary = &Policy{Name: arn + " (not collected)", Kind: KindBoundary}
		return
	}
	pol, err := pa.a.compile(doc, KindBoundary, arn)
	if err != nil {
		pa.p.Incomplete = append(pa.p.Incomplete, err.Error())
		pa.p.Input.Boundary = &Policy{Name: arn + " (does not compile)", Kind: KindBoundary}
		return
	}
	pa.p.Input.Boundary = pol
}

// managedDoc returns the default version of a managed policy, or why not.
func (a *Account) managedDoc(arn string) (*awsmodel.PolicyDocument, string) {
	mp := a.Inv.Policy(arn)
	if mp == nil {
		// IaC attaches AWS managed policies without defining them.
		if b := BuiltinManagedPolicy(arn); b != nil {
			return b.Document, ""
		}
		return nil, "managed policy " + arn + " is not in the inventory"
	}
	v := mp.Default()
	if v == nil {
		return nil, "default version of " + arn + " is not in the inventory"
	}
	doc, ok := v.Document.Get()
	if !ok || doc == nil {
		return nil, "document of " + arn + " not collected: " + v.Document.Reason()
	}
	return doc, ""
}

func (a *Account) userPrincipal(u *awsmodel.User) *Principal {
	arn := u.ARN
	if arn == "" || strings.Contains(arn, "${") {
		arn = "arn:" + a.Partition + ":iam::" + orAcct(a.ID) + ":user" + pathOr(u.Path) + iacName(u.Name)
	}
	c, err := ParseCaller(arn)
	if err != nil {
		return nil
	}
	p := &Principal{ARN: arn, Type: "user", Name: u.Name, User: u, Caller: c}
	pa := policyAdder{a, p}
	for i := range u.InlinePolicies {
		pa.inline("user/"+u.Name, &u.InlinePolicies[i], "")
	}
	for i := range u.AttachedPolicies {
		pa.managed(&u.AttachedPolicies[i], "")
	}
	for _, gn := range u.Groups {
		g := a.Inv.Group(gn)
		if g == nil {
			p.Incomplete = append(p.Incomplete, "group "+gn+" is not in the inventory")
			continue
		}
		for i := range g.InlinePolicies {
			pa.inline("group/"+g.Name, &g.InlinePolicies[i], "group "+g.Name)
		}
		for i := range g.AttachedPolicies {
			pa.managed(&g.AttachedPolicies[i], "group "+g.Name)
		}
	}
	pa.boundary(u.PermissionsBoundary)
	return p
}

func (a *Account) rolePrincipal(r *awsmodel.Role) *Principal {
	arn := r.ARN
	if arn == "" || strings.Contains(arn, "${") {
		arn = "arn:" + a.Partition + ":iam::" + orAcct(a.ID) + ":role" + pathOr(r.Path) + iacName(r.Name)
	}
	rc, err := ParseCaller(arn)
	if err != nil {
		return nil
	}
	// The role acts through sessions; the session name is arbitrary.
	sess := "arn:" + rc.Partition + ":sts::" + rc.Account + ":assumed-role/" + rc.Name + "/cloudward-analysis"
	c, err := ParseCaller(sess)
	if err != nil {
		return nil
	}
	p := &Principal{ARN: arn, Type: "role", Name: r.Name, Role: r, Caller: c}
	pa := policyAdder{a, p}
	for i := range r.InlinePolicies {
		pa.inline("role/"+r.Name, &r.InlinePolicies[i], "")
	}
	for i := range r.AttachedPolicies {
		pa.managed(&r.AttachedPolicies[i], "")
	}
	pa.boundary(r.PermissionsBoundary)
	return p
}

// iacName makes an IaC name usable in an ARN: CloudFormation names and ARNs
// left unresolved carry ${...} placeholders (${AWS::AccountId}, a generated
// ${LogicalId}); the analysis keeps the name inside them.
func iacName(name string) string {
	return strings.NewReplacer("${", "", "}", "", "::", "-").Replace(name)
}

func pathOr(p string) string {
	if p == "" {
		return "/"
	}
	return p
}

// ResourcePolicy returns the compiled resource-based policy that AWS
// consults for action on resource, and whether it is known. Covered: S3
// bucket policies (bucket and object ARNs), role trust policies (sts
// actions on a role ARN), KMS key policies, and the policies of Lambda
// functions, Secrets Manager secrets, SQS queues, SNS topics and ECR
// repositories (actions of the resource's own service). known is false when
// the resource is in the inventory but its policy was not collected, and
// for kms actions on keys not in the inventory (AWS always requires the key
// policy).
func (a *Account) ResourcePolicy(action, resource string) (pol *Policy, known bool, err error) {
	f, ok := splitARN(resource)
	if !ok {
		return nil, true, nil
	}
	svc, _, _ := strings.Cut(strings.ToLower(action), ":")
	switch {
	case f[2] == "s3" && f[4] == "":
		name, _, _ := strings.Cut(f[5], "/")
		b := a.buckets[name]
		if b == nil {
			return nil, false, nil
		}
		doc, ok := b.Policy.Get()
		if !ok {
			return nil, false, nil
		}
		if doc == nil {
			return nil, true, nil
		}
		p, err := a.compile(doc, KindResource, "bucket policy of "+name)
		return p, err == nil, err
	case f[2] == "iam" && strings.HasPrefix(f[5], "role/") && svc == "sts":
		r := a.roles[lastSegment(f[5])]
		if r == nil || (f[4] != "" && f[4] != a.ID && a.ID != "") {
			return nil, false, nil
		}
		doc, ok := r.TrustPolicy.Get()
		if !ok {
			return nil, false, nil
		}
		if doc == nil {
			return nil, true, nil
		}
		p, err := a.compile(doc, KindResource, "trust policy of role "+r.Name)
		return p, err == nil, err
	}
	if pol, known, found, err := a.heldPolicyFor(resource, svc, f); found || err != nil {
		return pol, known, err
	}
	if f[2] == "kms" && strings.HasPrefix(f[5], "key/") && svc == "kms" {
		// Not in the inventory: AWS always requires the key policy.
		return nil, false, nil
	}
	return nil, true, nil
}

// Answer is one effective-permission decision with its explanation.
type Answer struct {
	Principal *Principal
	Action    string
	Resource  string
	Result    Result
	// ResourcePolicyKnown is false when the resource's policy matters but
	// is not in the inventory (not collected, KMS key policies, other
	// accounts' resources): the decision assumes it has none.
	ResourcePolicyKnown bool
	// OrgNote is set on an Allow that assumes SCPs or RCPs not collected
	// allow (see OrgPolicies).
	OrgNote, OrgDetail string
}

// Explain renders the reasons on one line each, naming the group a policy
// came through.
func (ans *Answer) Explain() []string {
	var out []string
	for _, r := range ans.Result.Reasons {
		out = append(out, ans.Principal.DescribeReason(r))
	}
	return out
}

// DescribeReason renders one reason with the group the policy came through.
func (p *Principal) DescribeReason(r Reason) string {
	var b strings.Builder
	b.WriteString(string(r.Kind))
	if r.Policy != "" {
		b.WriteString(" policy " + r.Policy)
	}
	for pol, via := range p.Via {
		if pol.Name == r.Policy {
			b.WriteString(" (via " + via + ")")
			break
		}
	}
	if r.Statement >= 0 {
		fmt.Fprintf(&b, " Statement[%d]", r.Statement)
		if r.Sid != "" {
			fmt.Fprintf(&b, " (Sid %q)", r.Sid)
		}
		b.WriteString(" " + r.Effect)
	}
	b.WriteString(": " + r.Rule)
	return b.String()
}

// Asker asks many questions of one account without allocating a request per
// question. Not safe for concurrent use: one Asker per goroutine.
type Asker struct {
	a   *Account
	req *Request
	in  Input
	res Result
	ctx map[string]string
	// cache holds one prepared request per action, resource and context.
	cache map[string]cachedRequest
}

// NewAsker returns an Asker for a.
func (a *Account) NewAsker() *Asker { return &Asker{a: a} }

// Can decides whether p may call action on resource, with the resource's
// policy from the inventory and the given context keys (nil: none).
func (k *Asker) Can(p *Principal, action, resource string, ctx map[string]string) (Answer, error) {
	return k.CanAs(p, p.Caller, action, resource, ctx)
}

// CanAs is Can with another caller identity for p's policies (a service or
// anonymous caller uses no identity policies).
func (k *Asker) CanAs(p *Principal, c Caller, action, resource string, ctx map[string]string) (Answer, error) {
	if err := k.prepare(c, action, resource, ctx); err != nil {
		return Answer{}, err
	}
	rp, known, err := k.a.ResourcePolicy(action, resource)
	if err != nil {
		return Answer{}, err
	}
	if p != nil {
		k.in = p.Input
	} else {
		k.in = Input{}
	}
	k.in.Resource = rp
	k.in.RCPs = k.a.rcpsFor(action, resource)
	Evaluate(&k.in, k.req, &k.res)
	ans := Answer{Principal: p, Action: action, Resource: resource, ResourcePolicyKnown: known}
	if k.res.Decision == Allow {
		ans.OrgNote, ans.OrgDetail = k.a.OrgNote(p, action, resource)
	}
	ans.Result.Decision = k.res.Decision
	ans.Result.Reasons = append([]Reason(nil), k.res.Reasons...)
	return ans, nil
}

// Allowed is Can reduced to the decision; errors count as not allowed.
func (k *Asker) Allowed(p *Principal, action, resource string, ctx map[string]string) bool {
	return k.AllowedAs(p, p.Caller, action, resource, ctx)
}

// AllowedAs is Allowed with another caller (see CanAs).
func (k *Asker) AllowedAs(p *Principal, c Caller, action, resource string, ctx map[string]string) bool {
	if p == nil {
		return k.allowedIn(&Input{}, c, action, resource, ctx)
	}
	return k.allowedIn(&p.Input, c, action, resource, ctx)
}

// allowedIn decides with the identity side of in (in is not modified).
func (k *Asker) allowedIn(in *Input, c Caller, action, resource string, ctx map[string]string) bool {
	if err := k.prepare(c, action, resource, ctx); err != nil {
		return false
	}
	rp, _, err := k.a.ResourcePolicy(action, resource)
	if err != nil {
		return false
	}
	k.in = *in
	k.in.Resource = rp
	k.in.RCPs = k.a.rcpsFor(action, resource)
	Evaluate(&k.in, k.req, &k.res)
	return k.res.Decision == Allow
}

// prepare reuses the request built for the same action, resource and
// context (an account analysis asks each of them of many principals), and
// re-derives the caller's keys only when the caller changed.
func (k *Asker) prepare(c Caller, action, resource string, ctx map[string]string) error {
	if k.req != nil && k.req.Action == action && k.req.Resource == resource && sameCtx(k.ctx, ctx) {
		k.setCaller(c)
		return nil
	}
	key := action + "\x00" + resource
	for ck, cv := range ctx {
		if len(ctx) > 1 {
			key = "" // several keys: not cached (map order)
			break
		}
		key += "\x00" + ck + "=" + cv
	}
	if cached, ok := k.cache[key]; ok && key != "" {
		k.req, k.ctx = cached.req, cached.ctx
		k.setCaller(c)
		return nil
	}
	rc := NewContext()
	for key, v := range ctx {
		rc.Set(key, v)
	}
	// Resources of the inventory belong to its account, also those whose
	// ARN has no account field (S3): a foreign caller is then cross-account.
	if _, ok := rc.Get("aws:ResourceAccount"); !ok && k.a.ID != "" {
		if f, isARN := splitARN(resource); resource == "*" || (isARN && f[4] == "") {
			rc.Set("aws:ResourceAccount", k.a.ID)
		}
	}
	// The region the request goes to: SCPs commonly deny outside a list of
	// regions, and a missing key would make such a Deny apply everywhere.
	if _, ok := rc.Get("aws:RequestedRegion"); !ok {
		rc.Set("aws:RequestedRegion", k.a.requestedRegion(action, resource))
	}
	// NewRequest needs a parsable principal; the real caller is set below.
	req, err := NewRequest("arn:"+k.a.Partition+":iam::"+orAcct(k.a.ID)+":root", action, resource, rc)
	if err != nil {
		return err
	}
	req.SetCaller(c)
	k.req, k.ctx = req, ctx
	if key != "" {
		if k.cache == nil {
			k.cache = map[string]cachedRequest{}
		}
		k.cache[key] = cachedRequest{req, ctx}
	}
	return nil
}

type cachedRequest struct {
	req *Request
	ctx map[string]string
}

func (k *Asker) setCaller(c Caller) {
	if k.req.Caller != c {
		k.req.SetCaller(c)
	}
}

func orAcct(id string) string {
	if id == "" {
		return "000000000000"
	}
	return id
}

func sameCtx(a, b map[string]string) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if w, ok := b[k]; !ok || w != v {
			return false
		}
	}
	return true
}

// WhoCan lists the principals allowed to call action on resource: the
// account's users and roles, then the outsiders the resource's policy names
// (other accounts and their users and roles, services, identity providers,
// and for "*" anonymous users and an arbitrary other account), each sorted
// by label. Outsiders of type "external" are assumed to hold any identity
// permission: their own account controls it.
func (a *Account) WhoCan(action, resource string, ctx map[string]string) ([]Answer, error) {
	k := a.NewAsker()
	var out []Answer
	for _, p := range a.Principals {
		ans, err := k.Can(p, action, resource, ctx)
		if err != nil {
			return nil, err
		}
		if ans.Result.Decision == Allow {
			out = append(out, ans)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Principal.Label() < out[j].Principal.Label() })
	rp, _, err := a.ResourcePolicy(action, resource)
	if err != nil || rp == nil {
		return out, err
	}
	var ext []Answer
	for _, p := range a.outsiders(rp) {
		ans, err := k.CanAs(p, p.Caller, action, resource, ctx)
		if err != nil {
			return nil, err
		}
		if ans.Result.Decision == Allow {
			ext = append(ext, ans)
		}
	}
	sort.Slice(ext, func(i, j int) bool { return ext[i].Principal.ARN < ext[j].Principal.ARN })
	return append(out, ext...), nil
}

// outsiders are the callers outside the account that a resource policy
// names.
func (a *Account) outsiders(rp *Policy) []*Principal {
	seen := map[string]bool{}
	var out []*Principal
	add := func(c Caller, identity bool, label string) {
		if label == "" {
			label = c.ARN
		}
		if seen[label] {
			return
		}
		seen[label] = true
		p := &Principal{ARN: label, Type: "external", Name: label, Caller: c}
		if identity {
			p.Input.Identity = []*Policy{allowAllPolicy}
		}
		out = append(out, p)
	}
	other := "999999999999"
	if a.ID == other {
		other = "888888888888"
	}
	for i := range rp.statements {
		s := &rp.statements[i]
		if !s.allow || s.principal == nil {
			continue
		}
		ps := s.principal
		if ps.all || s.notPrinc {
			add(AnonymousCaller(), false, "anonymous (unsigned requests)")
			if c, err := ParseCaller("arn:" + a.Partition + ":iam::" + other + ":root"); err == nil {
				add(c, true, "any other AWS account (probed as "+c.ARN+")")
			}
			continue
		}
		for acct := range ps.accounts {
			if acct != a.ID {
				if c, err := ParseCaller("arn:" + a.Partition + ":iam::" + acct + ":root"); err == nil {
					add(c, true, "")
				}
			}
		}
		for arn := range ps.arns {
			c, err := ParseCaller(arn)
			if err != nil || c.Account == a.ID {
				continue
			}
			if c.Type == PrincipalRole {
				// A role calls through a session.
				if sc, err := ParseCaller("arn:" + c.Partition + ":sts::" + c.Account + ":assumed-role/" + c.Name + "/session"); err == nil {
					add(sc, true, arn)
				}
				continue
			}
			add(c, true, "")
		}
		for svc := range ps.services {
			add(Caller{ARN: svc, Type: PrincipalService, Name: svc}, false, "")
		}
		for fed := range ps.federated {
			if c, err := ParseCaller(fed); err == nil && c.Type == PrincipalWebIdentity {
				add(c, false, "")
			}
		}
	}
	return out
}

// requestedRegion is the region a request for action on resource is sent
// to: the ARN's region, a bucket's region, us-east-1 for global services
// (IAM, STS global endpoint, Organizations), else the inventory's first
// region.
func (a *Account) requestedRegion(action, resource string) string {
	if f, ok := splitARN(resource); ok {
		if f[3] != "" {
			return f[3]
		}
		if f[2] == "s3" {
			name, _, _ := strings.Cut(f[5], "/")
			if b := a.buckets[name]; b != nil && b.Region != "" {
				return b.Region
			}
		}
	}
	svc, _, _ := strings.Cut(strings.ToLower(action), ":")
	switch svc {
	case "iam", "sts", "organizations", "cloudfront", "route53", "support", "account":
		return "us-east-1"
	}
	if len(a.Inv.RegionNames) > 0 {
		return a.Inv.RegionNames[0]
	}
	return "us-east-1"
}
