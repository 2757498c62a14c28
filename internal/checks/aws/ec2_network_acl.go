package aws

import (
	"fmt"
	"net/netip"
	"strconv"
	"strings"

	"go4.org/netipx"

	"github.com/cloudward/cloudward/internal/check"
	"github.com/cloudward/cloudward/internal/model"
	awsm "github.com/cloudward/cloudward/internal/model/aws"
)

var naclAdminPortsOpen = check.AWS(check.Meta{
	ID:           "aws-ec2-nacl-admin-ports-open",
	Title:        "Network ACL allows SSH (22) or RDP (3389) from the internet",
	Severity:     check.Medium,
	Domain:       check.Network,
	Service:      "ec2",
	ResourceType: awsm.TypeNetworkACL,
	Rationale: "Network ACLs are the stateless subnet-level layer under security groups. An ACL that admits remote administration " +
		"ports from 0.0.0.0/0 or ::/0 leaves every instance in its subnets one security-group mistake away from exposure.",
	Remediation: check.Remediation{
		Console: "VPC console > Network ACLs > select the ACL > Inbound rules > Edit inbound rules: add DENY rules for TCP 22 and 3389 " +
			"from 0.0.0.0/0 and ::/0 with rule numbers lower than the ALLOW rule, or replace the allow-all rule with rules for the ports the subnet serves.",
		CLI: "aws ec2 create-network-acl-entry --network-acl-id acl-0123456789abcdef0 --ingress --rule-number 10 --protocol tcp --port-range From=22,To=22 --cidr-block 0.0.0.0/0 --rule-action deny\n" +
			"aws ec2 create-network-acl-entry --network-acl-id acl-0123456789abcdef0 --ingress --rule-number 11 --protocol tcp --port-range From=3389,To=3389 --cidr-block 0.0.0.0/0 --rule-action deny",
		Terraform: "resource \"aws_network_acl_rule\" \"deny_ssh\" {\n  network_acl_id = aws_network_acl.main.id\n  rule_number    = 10\n  egress         = false\n" +
			"  protocol       = \"tcp\"\n  rule_action    = \"deny\"\n  cidr_block     = \"0.0.0.0/0\"\n  from_port      = 22\n  to_port        = 22\n}",
	},
	References: []string{
		"https://docs.aws.amazon.com/vpc/latest/userguide/vpc-network-acls.html",
		"https://docs.aws.amazon.com/vpc/latest/userguide/nacl-rules.html",
	},
	Frameworks: map[string][]string{CIS: {"5.2"}},
}, func(inv *awsm.Inventory) []*awsm.NetworkACL { return inv.NetworkACLs }, evalNACLAdminPorts)

// netAdminPorts are the remote administration ports CIS 5.2 names.
var netAdminPorts = [...]struct {
	port int64
	name string
}{{22, "SSH (22)"}, {3389, "RDP (3389)"}}

// evalNACLAdminPorts replays AWS's evaluation for TCP traffic from the
// internet to each admin port: inbound entries are tried in rule-number
// order and the first entry that matches decides. An ALLOW for the whole
// address space (0.0.0.0/0, ::/0) therefore admits every internet address
// that no lower-numbered DENY caught; the DENYs are merged, so several
// narrow ones (0.0.0.0/1 plus 128.0.0.0/1) close the port as one /0 would,
// and a gap between them is named in the evidence.
func evalNACLAdminPorts(_ *check.Env, n *awsm.NetworkACL) check.Result {
	entries, ok := n.Entries.Get()
	if !ok {
		return check.UnknownOf("network ACL entries", n.Entries)
	}
	var ev []check.Evidence
	for _, ap := range netAdminPorts {
		for _, v6 := range [2]bool{false, true} {
			if e, open := naclFirstOpenAllow(entries, ap.port, v6); e != nil {
				ev = append(ev, check.Ev(netSource(e.Source, n.Entries.Source()), "inbound rule %d ALLOW %s from %s admits %s from %s",
					e.RuleNumber, netACLTraffic(e), netACLCIDR(e, v6), ap.name, naclDescribeOpen(open)))
			}
		}
	}
	if len(ev) > 0 {
		return check.FailResult("the network ACL admits remote administration ports from the internet", ev...)
	}
	return check.PassResult("the network ACL does not admit SSH or RDP from the internet")
}

// naclFirstOpenAllow finds, for TCP traffic to port, the lowest-numbered
// inbound ALLOW for the whole address space and returns it with the
// addresses that no lower-numbered DENY caught; nil when there is no such
// ALLOW or the DENYs before it cover everything. A narrower ALLOW is not
// "from the internet", and entries with an unparsable CIDR never narrow
// what a /0 ALLOW admits. The common case (no /0 ALLOW, or one with no
// DENY before it) allocates nothing: checks run per ACL at scale.
func naclFirstOpenAllow(entries []awsm.ACLEntry, port int64, v6 bool) (*awsm.ACLEntry, *netipx.IPSet) {
	all := netAnyIPv4
	if v6 {
		all = netAnyIPv6
	}
	var allow *awsm.ACLEntry
	for i := range entries {
		e := &entries[i]
		if e.Egress || !e.Allow || netACLCIDR(e, v6) != all || !netACLCoversTCP(e, port) {
			continue
		}
		if allow == nil || e.RuleNumber < allow.RuleNumber {
			allow = e
		}
	}
	if allow == nil {
		return nil, nil
	}
	for i := range entries {
		e := &entries[i]
		if !e.Egress && !e.Allow && e.RuleNumber < allow.RuleNumber && netACLCIDR(e, v6) == all && netACLCoversTCP(e, port) {
			return nil, nil // one DENY for everything comes first
		}
	}
	var left netipx.IPSetBuilder
	left.AddPrefix(netip.MustParsePrefix(all))
	for i := range entries {
		e := &entries[i]
		if e.Egress || e.Allow || e.RuleNumber >= allow.RuleNumber || !netACLCoversTCP(e, port) {
			continue
		}
		if pfx, err := netip.ParsePrefix(netACLCIDR(e, v6)); err == nil {
			left.RemovePrefix(pfx.Masked())
		}
	}
	open, err := left.IPSet()
	if err != nil || len(open.Prefixes()) == 0 {
		return nil, nil
	}
	return allow, open
}

// naclDescribeOpen names the addresses an ALLOW still admits: "anywhere"
// when no DENY narrowed it, otherwise the first few ranges left open.
func naclDescribeOpen(open *netipx.IPSet) string {
	pfx := open.Prefixes()
	if len(pfx) == 1 && pfx[0].Bits() == 0 {
		return "anywhere (no lower-numbered DENY covers it)"
	}
	ranges := open.Ranges()
	var parts []string
	for i, r := range ranges {
		if i == 3 {
			parts = append(parts, fmt.Sprintf("and %d more ranges", len(ranges)-3))
			break
		}
		parts = append(parts, r.String())
	}
	return "the addresses the lower-numbered DENY entries leave open: " + strings.Join(parts, ", ")
}

func netACLCIDR(e *awsm.ACLEntry, v6 bool) string {
	if v6 {
		return e.IPv6CIDR
	}
	return e.CIDR
}

// netACLCoversTCP reports whether the entry matches TCP traffic to port.
// describe-network-acls prints protocol numbers ("6", "-1"); IaC may use names.
func netACLCoversTCP(e *awsm.ACLEntry, port int64) bool {
	switch {
	case netProtoAll(e.Protocol):
		return true
	case netProtoTCP(e.Protocol):
		return e.FromPort <= port && port <= e.ToPort
	}
	return false
}

func netACLTraffic(e *awsm.ACLEntry) string {
	if netProtoAll(e.Protocol) {
		return "all traffic"
	}
	proto := e.Protocol
	if proto == "6" {
		proto = "tcp"
	}
	if e.FromPort == e.ToPort {
		return proto + " " + strconv.FormatInt(e.FromPort, 10)
	}
	return proto + " " + strconv.FormatInt(e.FromPort, 10) + "-" + strconv.FormatInt(e.ToPort, 10)
}

func netOrNone(s string) string {
	if s == "" {
		return "(none)"
	}
	return s
}

// netSource returns src, or fallback when src is empty.
func netSource(src, fallback model.Source) model.Source {
	if src.IsZero() {
		return fallback
	}
	return src
}
