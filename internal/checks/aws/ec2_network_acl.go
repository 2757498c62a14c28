package aws

import (
	"strconv"

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

// evalNACLAdminPorts replays AWS's evaluation for TCP traffic from an
// arbitrary internet address to each admin port: inbound entries are tried
// in rule-number order and the first entry that matches decides. Only
// entries whose source is the whole address space (0.0.0.0/0, ::/0) match
// every internet address, so a narrower DENY before an ALLOW for /0 still
// leaves the port open to the rest of the internet.
//
// Limitation: narrower DENY entries that together cover the whole space
// (0.0.0.0/1 plus 128.0.0.0/1) are not recognised and the ACL still fails.
func evalNACLAdminPorts(_ *check.Env, n *awsm.NetworkACL) check.Result {
	entries, ok := n.Entries.Get()
	if !ok {
		return check.UnknownOf("network ACL entries", n.Entries)
	}
	var ev []check.Evidence
	for _, ap := range netAdminPorts {
		for _, v6 := range [2]bool{false, true} {
			first := -1
			for i := range entries {
				e := &entries[i]
				if e.Egress || !netACLFromAnywhere(e, v6) || !netACLCoversTCP(e, ap.port) {
					continue
				}
				if first < 0 || e.RuleNumber < entries[first].RuleNumber {
					first = i
				}
			}
			if first >= 0 && entries[first].Allow {
				e := &entries[first]
				ev = append(ev, check.Ev(netSource(e.Source, n.Entries.Source()), "inbound rule %d ALLOW %s from %s admits %s (no lower-numbered DENY covers it)",
					e.RuleNumber, netACLTraffic(e), netACLCIDR(e, v6), ap.name))
			}
		}
	}
	if len(ev) > 0 {
		return check.FailResult("the network ACL admits remote administration ports from the internet", ev...)
	}
	return check.PassResult("the network ACL does not admit SSH or RDP from the internet")
}

func netACLFromAnywhere(e *awsm.ACLEntry, v6 bool) bool {
	if v6 {
		return e.IPv6CIDR == netAnyIPv6
	}
	return e.CIDR == netAnyIPv4
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
