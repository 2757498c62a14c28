package aws

import (
	"github.com/cloudward/cloudward/internal/check"
	awsm "github.com/cloudward/cloudward/internal/model/aws"
)

// sgSSHOpen is the model for every check: metadata, a resource lister and an
// evaluation that returns UNKNOWN when its inputs are unknown.
var sgSSHOpen = check.AWS(check.Meta{
	ID:           "aws-ec2-sg-ssh-open",
	Title:        "Security group allows SSH (22) or RDP (3389) from the internet",
	Severity:     check.High,
	Domain:       check.Network,
	Service:      "ec2",
	ResourceType: awsm.TypeSecurityGroup,
	Rationale:    "Remote administration ports open to 0.0.0.0/0 or ::/0 are scanned and brute-forced within minutes of exposure.",
	Remediation: check.Remediation{
		Console:   "EC2 console > Security Groups > select the group > Inbound rules > Edit: remove the 0.0.0.0/0 and ::/0 rules on ports 22 and 3389, or restrict them to a trusted CIDR; prefer Session Manager.",
		CLI:       "aws ec2 revoke-security-group-ingress --group-id <sg-id> --protocol tcp --port 22 --cidr 0.0.0.0/0",
		Terraform: "ingress {\n  from_port   = 22\n  to_port     = 22\n  protocol    = \"tcp\"\n  cidr_blocks = [\"10.0.0.0/8\"] # never 0.0.0.0/0\n}",
	},
	References: []string{"https://docs.aws.amazon.com/vpc/latest/userguide/vpc-security-groups.html"},
	Frameworks: map[string][]string{CIS: {"5.3", "5.4"}},
}, func(inv *awsm.Inventory) []*awsm.SecurityGroup { return inv.SecurityGroups },
	func(_ *check.Env, sg *awsm.SecurityGroup) check.Result {
		return openPorts(sg, []int64{22, 3389}, "remote administration")
	})

// openPorts fails when an ingress rule from anywhere reaches any of ports.
func openPorts(sg *awsm.SecurityGroup, ports []int64, what string) check.Result {
	rules, ok := sg.Ingress.Get()
	if !ok {
		return check.UnknownOf("ingress rules", sg.Ingress)
	}
	var ev []check.Evidence
	for _, r := range rules {
		if cidr := openCIDR(r); cidr != "" {
			for _, p := range ports {
				if ruleCovers(r, p) {
					ev = append(ev, check.Ev(r.Source, "%s port %d open to %s (protocol %s, ports %d-%d)", what, p, cidr, r.Protocol, r.FromPort, r.ToPort))
				}
			}
		}
	}
	if len(ev) > 0 {
		return check.FailResult("ingress from the internet reaches "+what+" ports", ev...)
	}
	return check.PassResult("no ingress from the internet reaches " + what + " ports")
}

// openCIDR returns the world-open range of a rule, or "".
func openCIDR(r awsm.SGRule) string {
	for _, c := range r.IPv4Ranges {
		if c == "0.0.0.0/0" {
			return c
		}
	}
	for _, c := range r.IPv6Ranges {
		if c == "::/0" {
			return c
		}
	}
	return ""
}

// ruleCovers reports whether a TCP port is reachable through the rule:
// protocol -1 covers everything; tcp covers its port range.
func ruleCovers(r awsm.SGRule, port int64) bool {
	switch r.Protocol {
	case "-1", "all":
		return true
	case "tcp", "6":
		return r.FromPort <= port && port <= r.ToPort
	}
	return false
}
