package terraform

import (
	"slices"
	"strings"
	"time"

	"github.com/cloudward/cloudward/internal/model"
	awsm "github.com/cloudward/cloudward/internal/model/aws"
)

// sgProtocol normalises a Terraform protocol to the form AWS reports:
// "-1" for all, names for tcp/udp/icmp.
func sgProtocol(p string) string {
	switch p = strings.ToLower(p); p {
	case "all", "-1":
		return "-1"
	case "6":
		return "tcp"
	case "17":
		return "udp"
	case "1":
		return "icmp"
	case "58":
		return "icmpv6"
	}
	return p
}

// aclProtocol normalises a network ACL protocol to AWS's numbers.
func aclProtocol(p string) string {
	switch p = strings.ToLower(p); p {
	case "all", "-1":
		return "-1"
	case "tcp":
		return "6"
	case "udp":
		return "17"
	case "icmp":
		return "1"
	}
	return p
}

// peers returns the peer ids of a list attribute that holds references to
// other resources (security groups, prefix lists): their ids are unknown
// before apply, so the referenced addresses stand in for them.
func peers(r rd, name string) []string {
	v := r.strings(name)
	if list, ok := v.Get(); ok {
		return list
	}
	if mk := r.marks(name); len(mk) > 0 {
		out := make([]string, len(mk))
		for i, k := range mk {
			_, addr, _ := strings.Cut(k, "\x00")
			out[i] = addr
		}
		return out
	}
	return []string{"(unknown: " + v.Reason() + ")"}
}

// sgNames are the attribute names of one rule syntax.
type sgNames struct {
	protocol, cidr4, cidr6, prefix, group string
}

var (
	inlineRule = sgNames{"protocol", "cidr_blocks", "ipv6_cidr_blocks", "prefix_list_ids", "security_groups"}
	legacyRule = sgNames{"protocol", "cidr_blocks", "ipv6_cidr_blocks", "prefix_list_ids", "source_security_group_id"}
	vpcRule    = sgNames{"ip_protocol", "cidr_ipv4", "cidr_ipv6", "prefix_list_id", "referenced_security_group_id"}
)

// sgRuleOf reads one rule; a part that is unknown before deployment marks
// the rule (Unresolved, PortsUnknown, PeersUnknown) instead of hiding it.
func sgRuleOf(r rd, n sgNames) awsm.SGRule {
	proto := r.strAbsent(n.protocol, n.protocol+" is not set")
	from, to := r.integer("from_port", -1), r.integer("to_port", -1)
	c4, c6 := r.strings(n.cidr4), r.strings(n.cidr6)
	// A rule with an unresolved part stays in its group, marked: the
	// group's other rules are still judged.
	var unresolved []string
	portsUnknown, peersUnknown := false, false
	for i, u := range []interface {
		Known() bool
		Reason() string
	}{proto, from, to, c4, c6} {
		if !u.Known() {
			unresolved = append(unresolved, u.Reason())
			if i < 3 {
				portsUnknown = true
			} else {
				peersUnknown = true
			}
		}
	}
	rule := awsm.SGRule{Protocol: sgProtocol(proto.Or("")), FromPort: from.Or(-1), ToPort: to.Or(-1),
		IPv4Ranges: c4.Or(nil), IPv6Ranges: c6.Or(nil), Source: r.block()}
	if r.has(n.prefix) {
		rule.PrefixListIDs = peers(r, n.prefix)
	}
	if r.has(n.group) {
		rule.GroupIDs = peers(r, n.group)
	}
	if r.boolean("self", false).Or(false) {
		rule.GroupIDs = append(rule.GroupIDs, "self")
	}
	if len(unresolved) > 0 {
		rule.Unresolved = strings.Join(slices.Compact(unresolved), "; ")
		rule.PortsUnknown, rule.PeersUnknown = portsUnknown, peersUnknown
	}
	return rule
}

// inlineRules reads the ingress or egress blocks of a security group:
// no block is a known empty list (Terraform removes AWS's default egress
// rule from groups it creates).
func inlineRules(r rd, name string) model.Value[[]awsm.SGRule] {
	bs, reason := r.blocks(name)
	if reason != "" {
		return model.Unknown[[]awsm.SGRule](reason, r.src(name))
	}
	out := []awsm.SGRule{}
	for _, b := range bs {
		out = append(out, sgRuleOf(b, inlineRule))
	}
	return model.Known(out, r.block())
}

func (m *mapper) securityGroup(in *instance) {
	r := m.reader(in)
	name := r.strAbsent("name", "the group name is generated at apply")
	if in.typ == "aws_default_security_group" {
		name = model.Known("default", r.block())
	}
	sg := &awsm.SecurityGroup{Identity: m.identity(in, name.Or("")), VPCID: r.plain("vpc_id"),
		Description: r.str("description", "Managed by Terraform").Or("")}
	sg.Ingress = inlineRules(r, "ingress")
	sg.Egress = inlineRules(r, "egress")
	m.inv.SecurityGroups = append(m.inv.SecurityGroups, sg)
	m.sgs[in.key] = sg
	m.remember(in, "sg", name.Or(""))
}

// sgRule adds an aws_security_group_rule or aws_vpc_security_group_*_rule
// to its group. A rule whose group is not in the tree (an id from a
// variable or a data source) is checked as a group of its own.
func (m *mapper) sgRule(in *instance) {
	r := m.reader(in)
	names, egress := legacyRule, false
	switch in.typ {
	case "aws_security_group_rule":
		egress = r.plain("type") == "egress"
	case "aws_vpc_security_group_ingress_rule":
		names = vpcRule
	case "aws_vpc_security_group_egress_rule":
		names, egress = vpcRule, true
	}
	rule := sgRuleOf(r, names)
	if names == vpcRule && rule.Protocol == "-1" {
		rule.FromPort, rule.ToPort = -1, -1
	}
	key, ok := m.find(r, "security_group_id", "sg", has(m.sgs))
	var sg *awsm.SecurityGroup
	if ok {
		sg = m.sgs[key]
	} else {
		sg = &awsm.SecurityGroup{Identity: m.identity(in, ""), VPCID: ""}
		sg.Ingress = model.Known([]awsm.SGRule{}, r.block())
		sg.Egress = model.Known([]awsm.SGRule{}, r.block())
		m.inv.SecurityGroups = append(m.inv.SecurityGroups, sg)
	}
	list := &sg.Ingress
	if egress {
		list = &sg.Egress
	}
	if rules, known := list.Get(); known {
		*list = model.Known(append(rules, rule), list.Source())
	}
}

// aclEntryOf reads an inline network ACL entry or an aws_network_acl_rule.
func aclEntryOf(r rd, egress bool, numAttr, actionAttr string) (awsm.ACLEntry, string) {
	proto := r.strAbsent("protocol", "protocol is not set")
	num := r.integer(numAttr, 0)
	action := r.strAbsent(actionAttr, actionAttr+" is not set")
	from, to := r.integer("from_port", 0), r.integer("to_port", 0)
	cidr, cidr6 := r.str("cidr_block", ""), r.str("ipv6_cidr_block", "")
	for _, u := range []interface {
		Known() bool
		Reason() string
	}{proto, num, action, from, to, cidr, cidr6} {
		if !u.Known() {
			return awsm.ACLEntry{}, u.Reason()
		}
	}
	e := awsm.ACLEntry{RuleNumber: num.Or(0), Protocol: aclProtocol(proto.Or("")), Egress: egress,
		Allow: strings.EqualFold(action.Or(""), "allow"), CIDR: cidr.Or(""), IPv6CIDR: cidr6.Or(""),
		FromPort: from.Or(0), ToPort: to.Or(0), Source: r.block()}
	if e.Protocol == "-1" {
		e.FromPort, e.ToPort = 0, 65535
	}
	return e, ""
}

func (m *mapper) networkACL(in *instance) {
	r := m.reader(in)
	n := &awsm.NetworkACL{Identity: m.identity(in, ""), VPCID: r.plain("vpc_id"),
		IsDefault: model.Known(in.typ == "aws_default_network_acl", r.block())}
	n.Entries = aclEntries(r)
	m.inv.NetworkACLs = append(m.inv.NetworkACLs, n)
	m.nacls[in.key] = n
}

func (m *mapper) naclRule(in *instance) {
	r := m.reader(in)
	key, ok := m.find(r, "network_acl_id", "nacl", has(m.nacls))
	if !ok {
		return
	}
	n := m.nacls[key]
	e, reason := aclEntryOf(r, r.boolean("egress", false).Or(false), "rule_number", "rule_action")
	if reason != "" {
		n.Entries = model.Unknown[[]awsm.ACLEntry](reason, r.block())
		return
	}
	if list, known := n.Entries.Get(); known {
		n.Entries = model.Known(append(list, e), n.Entries.Source())
	}
}

// vpc maps aws_vpc: it has no flow log unless an aws_flow_log in the tree
// names it.
func (m *mapper) vpc(in *instance) {
	r := m.reader(in)
	v := &awsm.VPC{Identity: m.identity(in, ""), IsDefault: model.Known(in.typ == "aws_default_vpc", r.block()),
		CIDRBlock: r.strAbsent("cidr_block", "the CIDR block is allocated at apply (IPAM)")}
	v.FlowLogs = model.Known([]awsm.FlowLog{}, r.block())
	m.inv.VPCs = append(m.inv.VPCs, v)
	m.vpcs[in.key] = v
}

func (m *mapper) flowLog(in *instance) {
	r := m.reader(in)
	key, ok := m.find(r, "vpc_id", "vpc", has(m.vpcs))
	if !ok {
		return
	}
	v := m.vpcs[key]
	fl := awsm.FlowLog{ID: in.addr, Status: "ACTIVE", TrafficType: r.plain("traffic_type"),
		Destination: r.plain("log_destination"), Source: r.block()}
	if list, known := v.FlowLogs.Get(); known {
		v.FlowLogs = model.Known(append(list, fl), v.FlowLogs.Source())
	}
}

// instance maps aws_instance. metadata_options defaults are the AWS
// provider's: http_endpoint "enabled", http_tokens "optional" (an AMI
// registered with ImdsSupport v2.0 would make it "required"; the AMI is not
// evaluated).
func (m *mapper) instance(in *instance) {
	r := m.reader(in)
	mo, _, reason := r.first("metadata_options")
	i := &awsm.Instance{Identity: m.identity(in, ""), SubnetID: r.plain("subnet_id")}
	if reason != "" {
		i.MetadataHTTPTokens = model.Unknown[string](reason, r.block())
		i.MetadataHTTPEndpoint = model.Unknown[string](reason, r.block())
	} else {
		i.MetadataHTTPTokens = mo.str("http_tokens", "optional")
		i.MetadataHTTPEndpoint = mo.str("http_endpoint", "enabled")
	}
	after := "known only after apply"
	i.State = model.Unknown[string]("the instance state is "+after, r.block())
	i.PublicIP = model.Unknown[string]("the public IP is "+after, r.block())
	i.PrivateIP = r.strAbsent("private_ip", "the private IP is "+after)
	i.InstanceProfile = r.str("iam_instance_profile", "")
	i.SecurityGroupIDs = peers(r, "vpc_security_group_ids")
	if !r.has("vpc_security_group_ids") {
		i.SecurityGroupIDs = nil
	}
	i.LaunchTime = awsm.Time(model.Unknown[time.Time]("the launch time is "+after, r.block()))
	m.inv.Instances = append(m.inv.Instances, i)
}

// volume maps aws_ebs_volume: encrypted defaults to false, unless the same
// root enables aws_ebs_encryption_by_default (applied in finish).
func (m *mapper) volume(in *instance) {
	r := m.reader(in)
	v := &awsm.Volume{Identity: m.identity(in, ""), Encrypted: r.boolean("encrypted", false),
		KMSKeyID: r.str("kms_key_id", ""), Size: r.integer("size", 0),
		State: model.Unknown[string]("the volume state is known only after apply", r.block())}
	if !r.has("encrypted") {
		m.defaulted = append(m.defaulted, defaultedVolume{v, in.root})
	}
	m.inv.Volumes = append(m.inv.Volumes, v)
}

type defaultedVolume struct {
	v    *awsm.Volume
	root string
}

// region collects account-and-region settings declared in a root:
// aws_ebs_encryption_by_default (enabled defaults to true) and
// aws_guardduty_detector (enable defaults to true).
func (m *mapper) region(in *instance) {
	r := m.reader(in)
	reg := m.regions[in.root]
	if reg == nil {
		reg = &awsm.Region{Identity: m.identity(in, "")}
		if reg.Region == "" {
			reg.Region = "the provider's region"
		}
		reg.Name = reg.Region
		notDeclared := func(what string) string {
			return what + " is not declared in root module " + in.root
		}
		reg.EBSEncryptionByDefault = model.Unknown[bool](notDeclared("aws_ebs_encryption_by_default"), r.block())
		reg.GuardDutyDetectors = model.Unknown[[]*awsm.Detector](notDeclared("aws_guardduty_detector"), r.block())
		m.regions[in.root] = reg
		m.inv.Regions = append(m.inv.Regions, reg)
	}
	switch in.typ {
	case "aws_ebs_encryption_by_default":
		reg.EBSEncryptionByDefault = r.boolean("enabled", true)
	case "aws_guardduty_detector":
		status := enabledString(r.boolean("enable", true), "ENABLED", "DISABLED")
		d := &awsm.Detector{Identity: m.identity(in, ""), Status: status}
		list, _ := reg.GuardDutyDetectors.Get()
		reg.GuardDutyDetectors = model.Known(append(list, d), r.block())
	}
}

// aclEntries reads the inline ingress and egress entries of a network ACL.
func aclEntries(r rd) model.Value[[]awsm.ACLEntry] {
	entries := []awsm.ACLEntry{}
	for _, dir := range []string{"ingress", "egress"} {
		bs, reason := r.blocks(dir)
		if reason != "" {
			return model.Unknown[[]awsm.ACLEntry](reason, r.src(dir))
		}
		for _, b := range bs {
			e, reason := aclEntryOf(b, dir == "egress", "rule_no", "action")
			if reason != "" {
				return model.Unknown[[]awsm.ACLEntry](reason, b.block())
			}
			entries = append(entries, e)
		}
	}
	return model.Known(entries, r.block())
}
