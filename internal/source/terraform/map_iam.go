package terraform

import (
	"sort"
	"strings"
	"time"

	"github.com/cloudward/cloudward/internal/model"
	awsm "github.com/cloudward/cloudward/internal/model/aws"
)

// Customer managed policies have no ARN before apply: IaC inventories key
// them by their resource address, and attachments that reference them get
// the same key.

const deployedOnly = "credentials exist only once the user is deployed"

func (m *mapper) user(in *instance) {
	r := m.reader(in)
	name := r.str("name", in.name).Or(in.addr)
	u := &awsm.User{Identity: m.identity(in, name), Path: r.str("path", "/").Or("/"),
		PermissionsBoundary: r.str("permissions_boundary", "")}
	u.Region = "global"
	u.CreateDate = awsm.Time(model.Unknown[time.Time]("the creation date is known only after apply", r.block()))
	u.Credentials.InReport = model.Unknown[bool](deployedOnly, r.block())
	m.inv.Users = append(m.inv.Users, u)
	m.users[in.key] = u
	m.remember(in, "user", name)
}

func (m *mapper) group(in *instance) {
	r := m.reader(in)
	name := r.str("name", in.name).Or(in.addr)
	g := &awsm.Group{Identity: m.identity(in, name), Path: r.str("path", "/").Or("/")}
	g.Region = "global"
	m.inv.Groups = append(m.inv.Groups, g)
	m.groups[in.key] = g
	m.remember(in, "group", name)
}

func (m *mapper) role(in *instance) {
	r := m.reader(in)
	name := r.str("name", "").Or("")
	ro := &awsm.Role{Identity: m.identity(in, orStr(name, in.addr)), Path: r.str("path", "/").Or("/"),
		TrustPolicy: m.policy(r, "assume_role_policy"), PermissionsBoundary: r.str("permissions_boundary", "")}
	ro.Region = "global"
	ro.CreateDate = awsm.Time(model.Unknown[time.Time]("the creation date is known only after apply", r.block()))
	ro.LastUsed = awsm.Time(model.Unknown[time.Time]("a role is used only once deployed", r.block()))
	ro.LastUsedRegion = model.Unknown[string]("a role is used only once deployed", r.block())
	ips, _ := r.blocks("inline_policy")
	for _, ip := range ips {
		if ip.has("policy") {
			ro.InlinePolicies = append(ro.InlinePolicies, awsm.InlinePolicy{Name: ip.plain("name"), Document: m.policy(ip, "policy")})
		}
	}
	if r.has("managed_policy_arns") {
		for _, arn := range m.policyRefs(r, "managed_policy_arns") {
			ro.AttachedPolicies = append(ro.AttachedPolicies, m.attached(arn, r.src("managed_policy_arns")))
		}
	}
	m.inv.Roles = append(m.inv.Roles, ro)
	m.roles[in.key] = ro
	m.remember(in, "role", name)
}

func (m *mapper) managedPolicy(in *instance) {
	r := m.reader(in)
	name := r.str("name", "").Or("")
	p := &awsm.ManagedPolicy{Identity: m.identity(in, orStr(name, in.addr)), Path: r.str("path", "/").Or("/"),
		DefaultVersionID: "v1", Versions: []awsm.PolicyVersion{{VersionID: "v1", IsDefault: true, Document: m.policy(r, "policy")}}}
	p.ARN = iacPolicyARN(in.key)
	p.Region = "global"
	m.inv.Policies = append(m.inv.Policies, p)
	m.policies[in.key] = p
	m.remember(in, "policy", name)
}

// policyRefs resolves policy ARNs in an attribute: references to policies
// of the tree become their keys, literal ARNs stay.
func (m *mapper) policyRefs(r rd, name string) []string {
	var out []string
	for _, mk := range r.marks(name) {
		if _, ok := m.policies[mk]; ok {
			out = append(out, mk)
		}
	}
	if list, ok := r.strings(name).Get(); ok {
		out = append(out, list...)
	}
	return out
}

func (m *mapper) attached(arn string, src model.Source) awsm.AttachedPolicy {
	if m.attachments == nil {
		m.attachments = map[string]int64{}
	}
	ap := awsm.AttachedPolicy{ARN: arn, Source: src}
	if p := m.policies[arn]; p != nil {
		ap.ARN, ap.Name = p.ARN, p.Name
	}
	m.attachments[ap.ARN]++
	return ap
}

// iacPolicyARN is the placeholder ARN of a managed policy declared in the
// tree (its real ARN exists only after apply): the policy's address, prefixed
// by its root module's folder when the scan has several roots. It must stay
// printable: it becomes the finding's resource ID, and stores reject NULs.
func iacPolicyARN(key string) string {
	root, addr, ok := strings.Cut(key, "\x00")
	if !ok {
		return key
	}
	if root == "" || root == "." {
		return addr
	}
	return root + "//" + addr
}

// principals resolves the users, groups or roles an attribute names.
func (m *mapper) principals(r rd, attr, kind string) (users []*awsm.User, groups []*awsm.Group, roles []*awsm.Role) {
	keys := map[string]bool{}
	for _, mk := range r.marks(attr) {
		keys[mk] = true
	}
	if list, ok := r.strings(attr).Get(); ok {
		for _, n := range list {
			if k, ok := m.byName[r.inst.root+"\x00"+kind+"\x00"+n]; ok {
				keys[k] = true
			}
		}
	}
	sorted := make([]string, 0, len(keys))
	for k := range keys {
		sorted = append(sorted, k)
	}
	sort.Strings(sorted)
	for _, k := range sorted {
		switch kind {
		case "user":
			if u := m.users[k]; u != nil {
				users = append(users, u)
			}
		case "group":
			if g := m.groups[k]; g != nil {
				groups = append(groups, g)
			}
		case "role":
			if ro := m.roles[k]; ro != nil {
				roles = append(roles, ro)
			}
		}
	}
	return users, groups, roles
}

// iamCompanion applies inline policies, attachments and memberships.
func (m *mapper) iamCompanion(in *instance) {
	r := m.reader(in)
	switch in.typ {
	case "aws_iam_user_policy", "aws_iam_group_policy", "aws_iam_role_policy":
		ip := awsm.InlinePolicy{Name: r.str("name", in.name).Or(in.name), Document: m.policy(r, "policy")}
		switch in.typ {
		case "aws_iam_user_policy":
			us, _, _ := m.principals(r, "user", "user")
			for _, u := range us {
				u.InlinePolicies = append(u.InlinePolicies, ip)
			}
		case "aws_iam_group_policy":
			_, gs, _ := m.principals(r, "group", "group")
			for _, g := range gs {
				g.InlinePolicies = append(g.InlinePolicies, ip)
			}
		default:
			_, _, rs := m.principals(r, "role", "role")
			for _, ro := range rs {
				ro.InlinePolicies = append(ro.InlinePolicies, ip)
			}
		}
	case "aws_iam_user_policy_attachment", "aws_iam_group_policy_attachment", "aws_iam_role_policy_attachment", "aws_iam_policy_attachment":
		arns := m.policyRefs(r, "policy_arn")
		if len(arns) == 0 {
			return
		}
		ap := m.attached(arns[0], r.block())
		attach := func(attr, kind string) {
			us, gs, rs := m.principals(r, attr, kind)
			for _, u := range us {
				u.AttachedPolicies = append(u.AttachedPolicies, ap)
			}
			for _, g := range gs {
				g.AttachedPolicies = append(g.AttachedPolicies, ap)
			}
			for _, ro := range rs {
				ro.AttachedPolicies = append(ro.AttachedPolicies, ap)
			}
		}
		switch in.typ {
		case "aws_iam_user_policy_attachment":
			attach("user", "user")
		case "aws_iam_group_policy_attachment":
			attach("group", "group")
		case "aws_iam_role_policy_attachment":
			attach("role", "role")
		default:
			attach("users", "user")
			attach("groups", "group")
			attach("roles", "role")
		}
	case "aws_iam_group_membership":
		_, gs, _ := m.principals(r, "group", "group")
		us, _, _ := m.principals(r, "users", "user")
		for _, g := range gs {
			for _, u := range us {
				u.Groups = append(u.Groups, g.Name)
			}
		}
	case "aws_iam_user_group_membership":
		us, _, _ := m.principals(r, "user", "user")
		_, gs, _ := m.principals(r, "groups", "group")
		for _, u := range us {
			for _, g := range gs {
				u.Groups = append(u.Groups, g.Name)
			}
		}
	}
}
