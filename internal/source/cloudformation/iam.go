package cloudformation

import (
	"strconv"
	"strings"

	"github.com/cloudward/cloudward/internal/model"
	awsm "github.com/cloudward/cloudward/internal/model/aws"
)

// symName is a principal's name for joins: the literal name, or the
// symbol ${LogicalId} when CloudFormation generates it (a Ref to the
// resource evaluates to the same symbol).
func symName(r *resource, p *val, key string) string {
	v := p.get(key)
	if s := text(v); s != "" {
		return s
	}
	if v != nil && v.sym != "" {
		return v.sym
	}
	return "${" + r.id + "}"
}

func (m *mapper) iamIdentity(r *resource, p *val, nameKey, kind string) awsm.Identity {
	name := symName(r, p, nameKey)
	id := m.identity(r, p, name)
	id.Region = "global"
	id.ID = name
	acct := m.t.opts.AccountID
	if acct == "" {
		acct = "${AWS::AccountId}"
	}
	path := text(p.get("Path"))
	if path == "" {
		path = "/"
	}
	id.ARN = "arn:" + m.t.partition() + ":iam::" + acct + ":" + kind + path + name
	return id
}

// attached reads ManagedPolicyArns.
func (m *mapper) attached(r *resource, p *val) []awsm.AttachedPolicy {
	l := p.get("ManagedPolicyArns")
	if l == nil || l.kind != kList {
		return nil
	}
	var out []awsm.AttachedPolicy
	for i, e := range l.list {
		arn := text(e)
		if arn == "" {
			arn = e.sym
		}
		if arn == "" {
			m.t.warn(e.line, e.col, "resource %s: ManagedPolicyArns[%d] is unknown: %s", r.id, i, e.str)
			arn = "(unknown: " + e.str + ")"
		}
		name := arn[strings.LastIndexByte(arn, '/')+1:]
		out = append(out, awsm.AttachedPolicy{ARN: arn, Name: name, Source: m.at(r, e, "ManagedPolicyArns["+strconv.Itoa(i)+"]")})
	}
	return out
}

// inline reads the Policies list of a user, group or role.
func (m *mapper) inline(r *resource, p *val) []awsm.InlinePolicy {
	l := p.get("Policies")
	if l == nil {
		return nil
	}
	if l.kind != kList {
		return []awsm.InlinePolicy{{Name: "Policies", Document: model.Unknown[*awsm.PolicyDocument](orReason(l, "Policies is not a list"), m.at(r, l, "Policies"))}}
	}
	var out []awsm.InlinePolicy
	for _, e := range l.list {
		name := text(e.get("PolicyName"))
		doc := m.policyAt(r, e.get("PolicyDocument"), e)
		out = append(out, awsm.InlinePolicy{Name: name, Document: doc})
	}
	return out
}

// policyAt is policy() for a document nested in a list item.
func (m *mapper) policyAt(r *resource, v *val, parent *val) awsm.Policy {
	if v == nil {
		return model.Unknown[*awsm.PolicyDocument]("PolicyDocument is not set", m.at(r, parent, "Policies"))
	}
	doc := m.policy(r, v, "PolicyDocument")
	return doc
}

func (m *mapper) boundary(r *resource, p *val) model.String {
	v := p.get("PermissionsBoundary")
	if v == nil {
		return model.Known("", m.src(r).At("Properties.PermissionsBoundary"))
	}
	if v.kind == kUnknown && v.sym != "" {
		return model.Known(v.sym, m.at(r, v, "PermissionsBoundary"))
	}
	return m.strVal(r, v, "PermissionsBoundary")
}

func (m *mapper) user(r *resource, p *val) {
	u := &awsm.User{Identity: m.iamIdentity(r, p, "UserName", "user")}
	u.Path = text(p.get("Path"))
	if g := p.get("Groups"); g != nil && g.kind == kList {
		for _, e := range g.list {
			u.Groups = append(u.Groups, m.groupName(e))
		}
	}
	u.AttachedPolicies = m.attached(r, p)
	u.InlinePolicies = m.inline(r, p)
	u.PermissionsBoundary = m.boundary(r, p)
	if p.get("LoginProfile") != nil {
		u.Credentials.PasswordEnabled = model.Known(true, m.at(r, p.get("LoginProfile"), "LoginProfile"))
	} else {
		u.Credentials.PasswordEnabled = model.Known(false, m.src(r))
	}
	m.users[r.id] = u
	m.inv.Users = append(m.inv.Users, u)
}

// groupName resolves a group reference to the name its Group resource got.
func (m *mapper) groupName(e *val) string {
	if e.ref != "" {
		if g := m.groups[e.ref]; g != nil {
			return g.Name
		}
		return "${" + e.ref + "}"
	}
	if s := text(e); s != "" {
		return s
	}
	return e.sym
}

func (m *mapper) group(r *resource, p *val) {
	g := &awsm.Group{Identity: m.iamIdentity(r, p, "GroupName", "group")}
	g.Path = text(p.get("Path"))
	g.AttachedPolicies = m.attached(r, p)
	g.InlinePolicies = m.inline(r, p)
	m.groups[r.id] = g
	m.inv.Groups = append(m.inv.Groups, g)
}

func (m *mapper) role(r *resource, p *val) {
	ro := &awsm.Role{Identity: m.iamIdentity(r, p, "RoleName", "role")}
	ro.Path = text(p.get("Path"))
	ro.TrustPolicy = m.policy(r, p.get("AssumeRolePolicyDocument"), "AssumeRolePolicyDocument")
	ro.AttachedPolicies = m.attached(r, p)
	ro.InlinePolicies = m.inline(r, p)
	ro.PermissionsBoundary = m.boundary(r, p)
	m.roles[r.id] = ro
	m.inv.Roles = append(m.inv.Roles, ro)
}

// samFunction models the execution role SAM creates for a function without
// Role: trusted by Lambda, with AWSLambdaBasicExecutionRole and the
// function's Policies (managed policy names or ARNs, inline statements).
// SAM policy templates (S3ReadPolicy ...) are scoped by SAM and not expanded.
func (m *mapper) samFunction(r *resource, p *val) {
	if p.get("Role") != nil {
		return // an existing role: modelled where it is declared
	}
	id := m.identity(r, p, "")
	roleName := "${" + r.id + "Role}"
	acct := m.t.opts.AccountID
	if acct == "" {
		acct = "${AWS::AccountId}"
	}
	id.ID, id.Name, id.Region = roleName, roleName, "global"
	id.Address = r.id + "Role"
	id.ARN = "arn:" + m.t.partition() + ":iam::" + acct + ":role/" + roleName
	ro := &awsm.Role{Identity: id, Path: "/"}
	trust := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":["lambda.amazonaws.com"]},"Action":["sts:AssumeRole"]}]}`
	doc, _ := awsm.ParsePolicy([]byte(trust), m.src(r))
	ro.TrustPolicy = model.Known(doc, m.src(r))
	ro.AttachedPolicies = []awsm.AttachedPolicy{{ARN: "arn:" + m.t.partition() + ":iam::aws:policy/service-role/AWSLambdaBasicExecutionRole",
		Name: "AWSLambdaBasicExecutionRole", Source: m.src(r)}}
	ro.PermissionsBoundary = m.boundary(r, p)
	pol := p.get("Policies")
	var items []*val
	switch {
	case pol == nil:
	case pol.kind == kList:
		items = pol.list
	default:
		items = []*val{pol}
	}
	for i, e := range items {
		src := m.at(r, e, "Policies")
		switch {
		case e.scalar():
			arn := e.str
			if !strings.HasPrefix(arn, "arn:") {
				arn = "arn:" + m.t.partition() + ":iam::aws:policy/" + arn
			}
			ro.AttachedPolicies = append(ro.AttachedPolicies, awsm.AttachedPolicy{ARN: arn, Name: arn[strings.LastIndexByte(arn, '/')+1:], Source: src})
		case e.kind == kMap && e.get("Statement") != nil:
			ro.InlinePolicies = append(ro.InlinePolicies, awsm.InlinePolicy{Name: r.id + "RolePolicy" + strconv.Itoa(i), Document: m.policy(r, e, "Policies")})
		case e.kind == kUnknown:
			ro.InlinePolicies = append(ro.InlinePolicies, awsm.InlinePolicy{Name: r.id + "RolePolicy" + strconv.Itoa(i),
				Document: model.Unknown[*awsm.PolicyDocument](e.str, src)})
		}
	}
	m.roles[r.id+"Role"] = ro
	m.inv.Roles = append(m.inv.Roles, ro)
}

// principals resolves the Users/Groups/Roles lists of a policy resource.
func (m *mapper) principals(p *val, key string, each func(logical, name string)) {
	l := p.get(key)
	if l == nil || l.kind != kList {
		return
	}
	for _, e := range l.list {
		if logical, name, ok := target(e); ok {
			each(logical, name)
		} else {
			m.t.warn(e.line, e.col, "%s entry is unknown: %s", key, e.str)
		}
	}
}

func (m *mapper) findUser(logical, name string) *awsm.User {
	if u := m.users[logical]; u != nil {
		return u
	}
	for _, u := range m.users {
		if name != "" && u.Name == name {
			return u
		}
	}
	return nil
}

func (m *mapper) findGroup(logical, name string) *awsm.Group {
	if g := m.groups[logical]; g != nil {
		return g
	}
	for _, g := range m.groups {
		if name != "" && g.Name == name {
			return g
		}
	}
	return nil
}

func (m *mapper) findRole(logical, name string) *awsm.Role {
	if r := m.roles[logical]; r != nil {
		return r
	}
	for _, r := range m.roles {
		if name != "" && r.Name == name {
			return r
		}
	}
	return nil
}

func (m *mapper) iamPolicy(r *resource, p *val) {
	ip := awsm.InlinePolicy{Name: text(p.get("PolicyName")), Document: m.policy(r, p.get("PolicyDocument"), "PolicyDocument")}
	m.principals(p, "Users", func(l, n string) {
		if u := m.findUser(l, n); u != nil {
			u.InlinePolicies = append(u.InlinePolicies, ip)
		}
	})
	m.principals(p, "Groups", func(l, n string) {
		if g := m.findGroup(l, n); g != nil {
			g.InlinePolicies = append(g.InlinePolicies, ip)
		}
	})
	m.principals(p, "Roles", func(l, n string) {
		if ro := m.findRole(l, n); ro != nil {
			ro.InlinePolicies = append(ro.InlinePolicies, ip)
		}
	})
}

func (m *mapper) managedPolicy(r *resource, p *val) {
	name := text(p.get("ManagedPolicyName"))
	if name == "" {
		name = r.id
	}
	id := m.identity(r, p, name)
	// Ref of a managed policy is its ARN: the same symbol attaches it.
	id.ARN = "${" + r.id + "}"
	id.ID, id.Region = id.ARN, "global"
	mp := &awsm.ManagedPolicy{Identity: id, Path: text(p.get("Path")), DefaultVersionID: "v1"}
	mp.Versions = []awsm.PolicyVersion{{VersionID: "v1", IsDefault: true, Document: m.policy(r, p.get("PolicyDocument"), "PolicyDocument")}}
	ap := awsm.AttachedPolicy{ARN: id.ARN, Name: name, Source: m.src(r)}
	m.principals(p, "Users", func(l, nm string) {
		if u := m.findUser(l, nm); u != nil {
			u.AttachedPolicies = append(u.AttachedPolicies, ap)
		}
	})
	m.principals(p, "Groups", func(l, nm string) {
		if g := m.findGroup(l, nm); g != nil {
			g.AttachedPolicies = append(g.AttachedPolicies, ap)
		}
	})
	m.principals(p, "Roles", func(l, nm string) {
		if ro := m.findRole(l, nm); ro != nil {
			ro.AttachedPolicies = append(ro.AttachedPolicies, ap)
		}
	})
	// Count every attachment: from this resource's lists and from the
	// principals' ManagedPolicyArns.
	var n int64
	for _, u := range m.users {
		n += countARN(u.AttachedPolicies, id.ARN)
	}
	for _, g := range m.groups {
		n += countARN(g.AttachedPolicies, id.ARN)
	}
	for _, ro := range m.roles {
		n += countARN(ro.AttachedPolicies, id.ARN)
	}
	mp.AttachmentCount = model.Known(n, m.src(r))
	m.inv.Policies = append(m.inv.Policies, mp)
}

func countARN(list []awsm.AttachedPolicy, arn string) int64 {
	var n int64
	for _, a := range list {
		if a.ARN == arn {
			n++
		}
	}
	return n
}

func (m *mapper) userToGroup(r *resource, p *val) {
	gname := ""
	if gv := p.get("GroupName"); gv != nil {
		gname = m.groupName(gv)
	}
	if gname == "" {
		return
	}
	m.principals(p, "Users", func(l, n string) {
		if u := m.findUser(l, n); u != nil {
			u.Groups = append(u.Groups, gname)
		}
	})
}
