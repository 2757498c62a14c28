package aws

import (
	"strconv"
	"strings"

	"github.com/cloudward/cloudward/internal/check"
	awsm "github.com/cloudward/cloudward/internal/model/aws"
)

// Security-group checks. Every check here reads SecurityGroup.Ingress (and
// Egress for the default-group check); an uncollected rule list gives
// UNKNOWN. The PASS path allocates nothing: evidence strings are only built
// for failing rules.

const (
	netAnyIPv4 = "0.0.0.0/0"
	netAnyIPv6 = "::/0"
)

var sgSSHOpen = check.AWS(check.Meta{
	ID:           "aws-ec2-sg-ssh-open",
	Title:        "Security group allows SSH (22) from the internet",
	Severity:     check.High,
	Domain:       check.Network,
	Service:      "ec2",
	ResourceType: awsm.TypeSecurityGroup,
	Rationale: "SSH open to 0.0.0.0/0 or ::/0 is found by internet-wide scanners within minutes and brute-forced or hit with " +
		"exploits for the SSH daemon. Administrative access should come from known networks, a bastion, or AWS Systems Manager Session Manager.",
	Remediation: check.Remediation{
		Console: "EC2 console > Security Groups > select the group > Inbound rules > Edit inbound rules: delete the rules whose source is " +
			"0.0.0.0/0 or ::/0 and whose port range includes 22 (or that allow all traffic), or narrow the source to a trusted CIDR. Prefer Session Manager.",
		CLI: "aws ec2 revoke-security-group-ingress --group-id sg-0123456789abcdef0 --ip-permissions " +
			"'IpProtocol=tcp,FromPort=22,ToPort=22,IpRanges=[{CidrIp=0.0.0.0/0}]' 'IpProtocol=tcp,FromPort=22,ToPort=22,Ipv6Ranges=[{CidrIpv6=::/0}]'",
		Terraform: "resource \"aws_vpc_security_group_ingress_rule\" \"ssh\" {\n  security_group_id = aws_security_group.example.id\n" +
			"  ip_protocol       = \"tcp\"\n  from_port         = 22\n  to_port           = 22\n  cidr_ipv4         = \"10.20.0.0/16\" # a trusted range, never 0.0.0.0/0\n}",
	},
	References: []string{
		"https://docs.aws.amazon.com/vpc/latest/userguide/security-group-rules.html",
		"https://docs.aws.amazon.com/systems-manager/latest/userguide/session-manager.html",
	},
	Frameworks: map[string][]string{CIS: {"5.3", "5.4"}},
}, netSecurityGroups, evalSGSSHOpen)

var sgRDPOpen = check.AWS(check.Meta{
	ID:           "aws-ec2-sg-rdp-open",
	Title:        "Security group allows RDP (3389) from the internet",
	Severity:     check.High,
	Domain:       check.Network,
	Service:      "ec2",
	ResourceType: awsm.TypeSecurityGroup,
	Rationale: "RDP open to 0.0.0.0/0 or ::/0 is one of the most common initial-access vectors for ransomware: exposed Windows hosts " +
		"are password-sprayed continuously and RDP has a history of pre-authentication vulnerabilities (BlueKeep).",
	Remediation: check.Remediation{
		Console: "EC2 console > Security Groups > select the group > Inbound rules > Edit inbound rules: delete the rules whose source is " +
			"0.0.0.0/0 or ::/0 and whose port range includes 3389 (or that allow all traffic), or narrow the source to a trusted CIDR. Prefer Fleet Manager / Session Manager port forwarding.",
		CLI: "aws ec2 revoke-security-group-ingress --group-id sg-0123456789abcdef0 --ip-permissions " +
			"'IpProtocol=tcp,FromPort=3389,ToPort=3389,IpRanges=[{CidrIp=0.0.0.0/0}]' 'IpProtocol=tcp,FromPort=3389,ToPort=3389,Ipv6Ranges=[{CidrIpv6=::/0}]'",
		Terraform: "resource \"aws_vpc_security_group_ingress_rule\" \"rdp\" {\n  security_group_id = aws_security_group.example.id\n" +
			"  ip_protocol       = \"tcp\"\n  from_port         = 3389\n  to_port           = 3389\n  cidr_ipv4         = \"10.20.0.0/16\" # a trusted range, never 0.0.0.0/0\n}",
	},
	References: []string{
		"https://docs.aws.amazon.com/vpc/latest/userguide/security-group-rules.html",
		"https://docs.aws.amazon.com/systems-manager/latest/userguide/session-manager-working-with-sessions-start.html",
	},
	Frameworks: map[string][]string{CIS: {"5.3", "5.4"}},
}, netSecurityGroups, evalSGRDPOpen)

var sgAllPortsOpen = check.AWS(check.Meta{
	ID:           "aws-ec2-sg-all-ports-open",
	Title:        "Security group allows all ports from the internet",
	Severity:     check.Critical,
	Domain:       check.Network,
	Service:      "ec2",
	ResourceType: awsm.TypeSecurityGroup,
	Rationale: "A rule that admits every port (protocol -1, or TCP/UDP 0-65535) from 0.0.0.0/0 or ::/0 exposes every service the " +
		"attached instances run, including ones nobody meant to publish (databases, admin consoles, debug endpoints).",
	Remediation: check.Remediation{
		Console: "EC2 console > Security Groups > select the group > Inbound rules > Edit inbound rules: delete the 'All traffic' (or " +
			"0-65535) rules whose source is 0.0.0.0/0 or ::/0 and add rules for only the ports the workload serves.",
		CLI: "aws ec2 revoke-security-group-ingress --group-id sg-0123456789abcdef0 --ip-permissions " +
			"'IpProtocol=-1,IpRanges=[{CidrIp=0.0.0.0/0}]' 'IpProtocol=-1,Ipv6Ranges=[{CidrIpv6=::/0}]'",
		Terraform: "# Replace the allow-all ingress with the ports the service needs\nresource \"aws_vpc_security_group_ingress_rule\" \"https\" {\n" +
			"  security_group_id = aws_security_group.example.id\n  ip_protocol       = \"tcp\"\n  from_port         = 443\n  to_port           = 443\n  cidr_ipv4         = \"0.0.0.0/0\"\n}",
	},
	References: []string{
		"https://docs.aws.amazon.com/vpc/latest/userguide/security-group-rules.html",
		"https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/security-group-rules-reference.html",
	},
	Frameworks: map[string][]string{},
}, netSecurityGroups, evalSGAllPortsOpen)

var sgDBPortsOpen = check.AWS(check.Meta{
	ID:           "aws-ec2-sg-db-ports-open",
	Title:        "Security group allows database ports from the internet",
	Severity:     check.High,
	Domain:       check.Network,
	Service:      "ec2",
	ResourceType: awsm.TypeSecurityGroup,
	Rationale: "Databases and caches reachable from 0.0.0.0/0 or ::/0 (MySQL, PostgreSQL, SQL Server, Oracle, MongoDB, Redis, " +
		"Elasticsearch, Memcached, ...) are mass-scanned and routinely wiped, ransomed or dumped, often because they run without authentication.",
	Remediation: check.Remediation{
		Console: "EC2 console > Security Groups > select the group > Inbound rules > Edit inbound rules: replace the 0.0.0.0/0 and ::/0 " +
			"sources on database ports with the security group of the application tier (or a private CIDR).",
		CLI: "aws ec2 revoke-security-group-ingress --group-id sg-0123456789abcdef0 --ip-permissions 'IpProtocol=tcp,FromPort=3306,ToPort=3306,IpRanges=[{CidrIp=0.0.0.0/0}]'\n" +
			"aws ec2 authorize-security-group-ingress --group-id sg-0123456789abcdef0 --ip-permissions 'IpProtocol=tcp,FromPort=3306,ToPort=3306,UserIdGroupPairs=[{GroupId=sg-0fedcba9876543210}]'",
		Terraform: "resource \"aws_vpc_security_group_ingress_rule\" \"mysql_from_app\" {\n  security_group_id            = aws_security_group.db.id\n" +
			"  ip_protocol                  = \"tcp\"\n  from_port                    = 3306\n  to_port                      = 3306\n" +
			"  referenced_security_group_id = aws_security_group.app.id\n}",
	},
	References: []string{
		"https://docs.aws.amazon.com/vpc/latest/userguide/security-group-rules.html",
		"https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/Overview.RDSSecurityGroups.html",
	},
	Frameworks: map[string][]string{},
}, netSecurityGroups, evalSGDBPortsOpen)

var sgDefaultHasRules = check.AWS(check.Meta{
	ID:           "aws-ec2-sg-default-has-rules",
	Title:        "Default security group has inbound or outbound rules",
	Severity:     check.Medium,
	Domain:       check.Network,
	Service:      "ec2",
	ResourceType: awsm.TypeSecurityGroup,
	Rationale: "Every VPC's default security group is attached to any resource launched without an explicit group. With its " +
		"default rules it lets all members talk to each other and reach anywhere; emptying it forces deliberate, least-privilege groups.",
	Remediation: check.Remediation{
		Console: "First move resources off the default group (EC2 console > Network interfaces, filter by the group). Then EC2 console > " +
			"Security Groups > the group named 'default' > Inbound rules > delete all; Outbound rules > delete all.",
		CLI: "aws ec2 revoke-security-group-ingress --group-id sg-0123456789abcdef0 --ip-permissions \"$(aws ec2 describe-security-groups --group-ids sg-0123456789abcdef0 --query 'SecurityGroups[0].IpPermissions')\"\n" +
			"aws ec2 revoke-security-group-egress --group-id sg-0123456789abcdef0 --ip-permissions \"$(aws ec2 describe-security-groups --group-ids sg-0123456789abcdef0 --query 'SecurityGroups[0].IpPermissionsEgress')\"",
		Terraform: "# Adopts the VPC's default group and removes all its rules\nresource \"aws_default_security_group\" \"default\" {\n  vpc_id = aws_vpc.main.id\n}",
	},
	References: []string{
		"https://docs.aws.amazon.com/vpc/latest/userguide/default-security-group.html",
		"https://registry.terraform.io/providers/hashicorp/aws/latest/docs/resources/default_security_group",
	},
	Frameworks: map[string][]string{CIS: {"5.5"}},
}, netSecurityGroups, evalSGDefaultHasRules)

func netSecurityGroups(inv *awsm.Inventory) []*awsm.SecurityGroup { return inv.SecurityGroups }

func evalSGSSHOpen(_ *check.Env, sg *awsm.SecurityGroup) check.Result {
	return netSGAdminPort(sg, 22, "SSH (22)", "no ingress rule opens SSH (22) to the internet")
}

func evalSGRDPOpen(_ *check.Env, sg *awsm.SecurityGroup) check.Result {
	return netSGAdminPort(sg, 3389, "RDP (3389)", "no ingress rule opens RDP (3389) to the internet")
}

// netSGAdminPort fails when an ingress rule from anywhere admits TCP traffic
// to port (name is e.g. "SSH (22)"). passMsg is a constant so that the PASS
// path does not allocate.
func netSGAdminPort(sg *awsm.SecurityGroup, port int64, name, passMsg string) check.Result {
	rules, ok := sg.Ingress.Get()
	if !ok {
		return check.UnknownOf("ingress rules", sg.Ingress)
	}
	var ev []check.Evidence
	var maybe *awsm.SGRule
	for i := range rules {
		r := &rules[i]
		if r.Unresolved != "" {
			if netSGMaybe(r, func(r *awsm.SGRule) bool { return netSGCoversTCP(r, port) }) {
				maybe = r
			}
			continue
		}
		// Check the source first: the evidence text is only built on failure.
		if !netSGFromAnywhere(r) || !netSGCoversTCP(r, port) {
			continue
		}
		ev = netSGWorldEvidence(ev, sg, r, "reaches "+name)
	}
	if len(ev) > 0 {
		return check.FailResult(name+" is open to the internet", ev...)
	}
	if maybe != nil {
		return netSGUnresolved(sg, maybe, name)
	}
	return check.PassResult(passMsg)
}

// netSGMaybe reports whether an unresolved rule could be the one a check
// looks for: its unknown part may take any value, its known part must
// still match (ports decides the port part).
func netSGMaybe(r *awsm.SGRule, ports func(*awsm.SGRule) bool) bool {
	return (r.PortsUnknown || ports(r)) && (r.PeersUnknown || netSGFromAnywhere(r))
}

// netSGUnresolved is the UNKNOWN result for a rule that could open what the
// check looks for once its unresolved part is known.
func netSGUnresolved(sg *awsm.SecurityGroup, r *awsm.SGRule, what string) check.Result {
	return check.UnknownResult("an ingress rule that could open "+what+" to the internet is unknown: "+r.Unresolved,
		check.Ev(netSource(r.Source, sg.Ingress.Source()), "inbound rule is unknown: %s", r.Unresolved))
}

func evalSGAllPortsOpen(_ *check.Env, sg *awsm.SecurityGroup) check.Result {
	rules, ok := sg.Ingress.Get()
	if !ok {
		return check.UnknownOf("ingress rules", sg.Ingress)
	}
	var ev []check.Evidence
	var maybe *awsm.SGRule
	for i := range rules {
		r := &rules[i]
		if r.Unresolved != "" {
			if netSGMaybe(r, netSGAllPorts) {
				maybe = r
			}
			continue
		}
		if netSGAllPorts(r) {
			ev = netSGWorldEvidence(ev, sg, r, "opens every port")
		}
	}
	if len(ev) > 0 {
		return check.FailResult("all ports are open to the internet", ev...)
	}
	if maybe != nil {
		return netSGUnresolved(sg, maybe, "every port")
	}
	return check.PassResult("no ingress rule opens all ports to the internet")
}

// netDBPort is a well-known database or cache port.
type netDBPort struct {
	port   int64
	engine string
}

// netDBPorts are the database and cache ports that should never face the
// internet, in port order so evidence reads naturally.
var netDBPorts = []netDBPort{
	{1433, "SQL Server"},
	{1434, "SQL Server Browser"},
	{1521, "Oracle"},
	{3306, "MySQL/MariaDB/Aurora MySQL"},
	{5432, "PostgreSQL/Aurora PostgreSQL"},
	{5439, "Redshift"},
	{5984, "CouchDB"},
	{6379, "Redis/Valkey"},
	{7000, "Cassandra inter-node"},
	{7001, "Cassandra inter-node TLS"},
	{8086, "InfluxDB"},
	{9042, "Cassandra CQL"},
	{9200, "Elasticsearch/OpenSearch HTTP"},
	{9300, "Elasticsearch/OpenSearch transport"},
	{11211, "Memcached"},
	{27017, "MongoDB"},
	{27018, "MongoDB shard"},
	{27019, "MongoDB config server"},
}

func evalSGDBPortsOpen(_ *check.Env, sg *awsm.SecurityGroup) check.Result {
	rules, ok := sg.Ingress.Get()
	if !ok {
		return check.UnknownOf("ingress rules", sg.Ingress)
	}
	var ev []check.Evidence
	var maybe *awsm.SGRule
	for i := range rules {
		r := &rules[i]
		if r.Unresolved != "" {
			if netSGMaybe(r, netSGCoversDBPort) {
				maybe = r
			}
			continue
		}
		if !netSGFromAnywhere(r) {
			continue
		}
		var hit []string // built only for failing rules
		for _, db := range netDBPorts {
			if netSGCoversTCP(r, db.port) {
				hit = append(hit, strconv.FormatInt(db.port, 10)+" ("+db.engine+")")
			}
		}
		if len(hit) > 0 {
			ev = netSGWorldEvidence(ev, sg, r, "reaches database ports "+strings.Join(hit, ", "))
		}
	}
	if len(ev) > 0 {
		return check.FailResult("database ports are open to the internet", ev...)
	}
	if maybe != nil {
		return netSGUnresolved(sg, maybe, "a database port")
	}
	return check.PassResult("no ingress rule opens a database port to the internet")
}

// netSGCoversDBPort reports whether the rule admits TCP to a database port.
func netSGCoversDBPort(r *awsm.SGRule) bool {
	for _, db := range netDBPorts {
		if netSGCoversTCP(r, db.port) {
			return true
		}
	}
	return false
}

func evalSGDefaultHasRules(_ *check.Env, sg *awsm.SecurityGroup) check.Result {
	if !sg.IsDefault() {
		return check.Skip()
	}
	var ev []check.Evidence
	in, inKnown := sg.Ingress.Get()
	for i := range in {
		ev = append(ev, check.Ev(netSource(in[i].Source, sg.Ingress.Source()), "inbound rule: %s from %s", netSGRuleTraffic(&in[i]), netSGPeers(&in[i])))
	}
	out, outKnown := sg.Egress.Get()
	for i := range out {
		ev = append(ev, check.Ev(netSource(out[i].Source, sg.Egress.Source()), "outbound rule: %s to %s", netSGRuleTraffic(&out[i]), netSGPeers(&out[i])))
	}
	// One known rule is enough to fail, even when the other direction is
	// unknown; a pass needs both directions known and empty.
	switch {
	case len(ev) > 0:
		return check.FailResult("the default security group has rules", ev...)
	case !inKnown:
		return check.UnknownOf("ingress rules", sg.Ingress)
	case !outKnown:
		return check.UnknownOf("egress rules", sg.Egress)
	}
	return check.PassResult("the default security group has no rules")
}

// netSGWorldEvidence appends one evidence item per world-open source of r
// (0.0.0.0/0, ::/0); it appends nothing when r is not open to the world.
func netSGWorldEvidence(ev []check.Evidence, sg *awsm.SecurityGroup, r *awsm.SGRule, what string) []check.Evidence {
	for _, c := range r.IPv4Ranges {
		if c == netAnyIPv4 {
			ev = append(ev, check.Ev(netSource(r.Source, sg.Ingress.Source()), "inbound %s from %s %s", netSGRuleTraffic(r), c, what))
		}
	}
	for _, c := range r.IPv6Ranges {
		if c == netAnyIPv6 {
			ev = append(ev, check.Ev(netSource(r.Source, sg.Ingress.Source()), "inbound %s from %s %s", netSGRuleTraffic(r), c, what))
		}
	}
	return ev
}

// netSGFromAnywhere reports whether the rule's peers include 0.0.0.0/0 or ::/0.
func netSGFromAnywhere(r *awsm.SGRule) bool {
	for _, c := range r.IPv4Ranges {
		if c == netAnyIPv4 {
			return true
		}
	}
	for _, c := range r.IPv6Ranges {
		if c == netAnyIPv6 {
			return true
		}
	}
	return false
}

// netProtoAll, netProtoTCP and netProtoUDP accept both the names the EC2 API
// prints (tcp, udp, -1) and the IANA numbers Terraform and CloudFormation
// allow (6, 17).
func netProtoAll(p string) bool { return p == "-1" || p == "all" }
func netProtoTCP(p string) bool { return p == "tcp" || p == "6" || strings.EqualFold(p, "tcp") }
func netProtoUDP(p string) bool { return p == "udp" || p == "17" || strings.EqualFold(p, "udp") }

// netSGCoversTCP reports whether the rule admits TCP traffic to port:
// protocol -1 admits everything, tcp admits its port range.
func netSGCoversTCP(r *awsm.SGRule, port int64) bool {
	switch {
	case netProtoAll(r.Protocol):
		return true
	case netProtoTCP(r.Protocol):
		return r.FromPort <= port && port <= r.ToPort
	}
	return false
}

// netSGAllPorts reports whether the rule admits every port: protocol -1, or
// TCP/UDP over 0-65535 (the console writes 0, some tools 1).
func netSGAllPorts(r *awsm.SGRule) bool {
	if netProtoAll(r.Protocol) {
		return true
	}
	if netProtoTCP(r.Protocol) || netProtoUDP(r.Protocol) {
		return r.FromPort <= 1 && r.ToPort >= 65535
	}
	return false
}

// netSGRuleTraffic renders a rule's protocol and ports for evidence:
// "all traffic", "tcp 22", "tcp 0-1024", "icmp".
func netSGRuleTraffic(r *awsm.SGRule) string {
	if netProtoAll(r.Protocol) {
		return "all traffic"
	}
	if r.FromPort < 0 || (r.FromPort == 0 && r.ToPort == 0 && !netProtoTCP(r.Protocol) && !netProtoUDP(r.Protocol)) {
		return r.Protocol
	}
	if r.FromPort == r.ToPort {
		return r.Protocol + " " + strconv.FormatInt(r.FromPort, 10)
	}
	return r.Protocol + " " + strconv.FormatInt(r.FromPort, 10) + "-" + strconv.FormatInt(r.ToPort, 10)
}

// netSGPeers lists a rule's sources or destinations for evidence.
func netSGPeers(r *awsm.SGRule) string {
	var peers []string
	peers = append(peers, r.IPv4Ranges...)
	peers = append(peers, r.IPv6Ranges...)
	peers = append(peers, r.PrefixListIDs...)
	peers = append(peers, r.GroupIDs...)
	if len(peers) == 0 {
		return "(no peers)"
	}
	return strings.Join(peers, ", ")
}
