package aws

import (
	"strconv"
	"strings"
	"testing"

	"github.com/cloudward/cloudward/internal/check"
	"github.com/cloudward/cloudward/internal/model"
	awsm "github.com/cloudward/cloudward/internal/model/aws"
)

const netACLFile = "eu-west-1/ec2/describe-network-acls.json"

// netACL builds an ACL from entries as describe-network-acls lists them
// (numbers for protocols, 32767 for the implicit deny-all).
func netACL(entries ...awsm.ACLEntry) *awsm.Inventory {
	for i := range entries {
		entries[i].Source = model.Source{File: netACLFile, Path: "NetworkAcls[0].Entries[" + strconv.Itoa(i) + "]"}
	}
	acl := &awsm.NetworkACL{
		Identity: awsm.Identity{
			ARN: "arn:aws:ec2:eu-west-1:" + netAccount + ":network-acl/acl-0c1d2e3f4a5b6c7d8", ID: "acl-0c1d2e3f4a5b6c7d8",
			Region: "eu-west-1", AccountID: netAccount, Partition: "aws",
		},
		VPCID:     "vpc-0a12b34c56d78e90f",
		IsDefault: model.Known(false, model.Source{File: netACLFile, Path: "NetworkAcls[0].IsDefault"}),
		Entries:   model.Known(entries, model.Source{File: netACLFile, Path: "NetworkAcls[0].Entries"}),
	}
	return &awsm.Inventory{AccountID: netAccount, NetworkACLs: []*awsm.NetworkACL{acl}}
}

func netIn(rule int64, proto string, allow bool, cidr string, from, to int64) awsm.ACLEntry {
	e := awsm.ACLEntry{RuleNumber: rule, Protocol: proto, Allow: allow, FromPort: from, ToPort: to}
	if strings.Contains(cidr, ":") {
		e.IPv6CIDR = cidr
	} else {
		e.CIDR = cidr
	}
	return e
}

var (
	netDenyAllV4 = awsm.ACLEntry{RuleNumber: 32767, Protocol: "-1", Allow: false, CIDR: "0.0.0.0/0", FromPort: 0, ToPort: 65535}
	netDenyAllV6 = awsm.ACLEntry{RuleNumber: 32768, Protocol: "-1", Allow: false, IPv6CIDR: "::/0", FromPort: 0, ToPort: 65535}
)

func TestNACLAdminPortsOpen(t *testing.T) {
	unknown := netACL()
	unknown.NetworkACLs[0].Entries = model.Unknown[[]awsm.ACLEntry]("not collected: eu-west-1/ec2/describe-network-acls.json missing", model.Source{File: netACLFile})

	netRun(t, naclAdminPortsOpen, []netCase{
		{"default ACL allows all", netACL(
			netIn(100, "-1", true, "0.0.0.0/0", 0, 65535), netIn(101, "-1", true, "::/0", 0, 65535),
			netDenyAllV4, netDenyAllV6,
			awsm.ACLEntry{RuleNumber: 100, Protocol: "-1", Egress: true, Allow: true, CIDR: "0.0.0.0/0", FromPort: 0, ToPort: 65535},
		), check.Fail, []string{
			"inbound rule 100 ALLOW all traffic from 0.0.0.0/0 admits SSH (22)",
			"inbound rule 100 ALLOW all traffic from 0.0.0.0/0 admits RDP (3389)",
			"inbound rule 101 ALLOW all traffic from ::/0 admits SSH (22)",
		}},
		{"tcp range 0-1024 allows ssh", netACL(netIn(120, "6", true, "0.0.0.0/0", 0, 1024), netDenyAllV4), check.Fail,
			[]string{"rule 120 ALLOW tcp 0-1024 from 0.0.0.0/0 admits SSH (22)"}},
		{"lower deny shadows ssh but not rdp", netACL(
			netIn(90, "6", false, "0.0.0.0/0", 22, 22),
			netIn(100, "-1", true, "0.0.0.0/0", 0, 65535), netDenyAllV4,
		), check.Fail, []string{"admits RDP (3389)"}},
		{"deny after allow does not help", netACL(
			netIn(100, "6", true, "0.0.0.0/0", 22, 22),
			netIn(200, "6", false, "0.0.0.0/0", 22, 22), netDenyAllV4,
		), check.Fail, []string{"rule 100 ALLOW tcp 22 from 0.0.0.0/0"}},
		{"narrow deny before world allow leaves the rest open", netACL(
			netIn(50, "6", false, "198.51.100.0/24", 22, 22),
			netIn(100, "6", true, "0.0.0.0/0", 22, 22), netDenyAllV4,
		), check.Fail, []string{"SSH (22)"}},
		{"entries out of order: rule number decides", netACL(
			netIn(200, "-1", true, "0.0.0.0/0", 0, 65535),
			netIn(10, "6", false, "0.0.0.0/0", 3389, 3389),
			netIn(20, "-1", false, "0.0.0.0/0", 22, 22), netDenyAllV4,
		), check.Pass, nil},
		{"ipv4 deny does not shadow ipv6 allow", netACL(
			netIn(10, "-1", false, "0.0.0.0/0", 0, 65535),
			netIn(100, "6", true, "::/0", 3389, 3389), netDenyAllV4, netDenyAllV6,
		), check.Fail, []string{"from ::/0 admits RDP (3389)"}},
		{"denies before allow-all", netACL(
			netIn(10, "6", false, "0.0.0.0/0", 22, 22), netIn(11, "6", false, "0.0.0.0/0", 3389, 3389),
			netIn(12, "6", false, "::/0", 22, 22), netIn(13, "6", false, "::/0", 3389, 3389),
			netIn(100, "-1", true, "0.0.0.0/0", 0, 65535), netIn(101, "-1", true, "::/0", 0, 65535),
			netDenyAllV4, netDenyAllV6,
		), check.Pass, nil},
		{"ephemeral range 1024-65535 covers rdp", netACL(
			netIn(100, "6", true, "0.0.0.0/0", 443, 443), netIn(120, "6", true, "0.0.0.0/0", 1024, 65535), netDenyAllV4,
		), check.Fail, []string{"rule 120 ALLOW tcp 1024-65535 from 0.0.0.0/0 admits RDP (3389)"}},
		{"web and linux ephemeral ports only", netACL(
			netIn(100, "6", true, "0.0.0.0/0", 443, 443), netIn(110, "6", true, "0.0.0.0/0", 80, 80),
			netIn(120, "6", true, "0.0.0.0/0", 32768, 65535), netIn(130, "6", true, "10.0.0.0/16", 22, 22), netDenyAllV4,
		), check.Pass, nil},
		{"two half-space denies close the port like one /0", netACL(
			netIn(10, "6", false, "0.0.0.0/1", 22, 22), netIn(11, "6", false, "128.0.0.0/1", 22, 22),
			netIn(12, "6", false, "0.0.0.0/1", 3389, 3389), netIn(13, "-1", false, "128.0.0.0/1", 0, 65535),
			netIn(100, "6", true, "0.0.0.0/0", 0, 65535), netDenyAllV4,
		), check.Pass, nil},
		{"half-space denies with a gap name the gap", netACL(
			netIn(10, "6", false, "0.0.0.0/1", 22, 22), netIn(11, "6", false, "128.0.0.0/2", 22, 22),
			netIn(12, "6", false, "0.0.0.0/0", 3389, 3389),
			netIn(100, "6", true, "0.0.0.0/0", 0, 65535), netDenyAllV4,
		), check.Fail, []string{"admits SSH (22) from the addresses the lower-numbered DENY entries leave open: 192.0.0.0-255.255.255.255"}},
		{"a narrow allow before the world allow is not from the internet", netACL(
			netIn(10, "6", true, "203.0.113.0/24", 22, 22), netIn(20, "6", false, "0.0.0.0/0", 22, 22),
			netIn(21, "6", false, "0.0.0.0/0", 3389, 3389), netIn(100, "-1", true, "0.0.0.0/0", 0, 65535), netDenyAllV4,
		), check.Pass, nil},
		{"udp allow-all does not admit tcp 22", netACL(netIn(100, "17", true, "0.0.0.0/0", 0, 65535), netDenyAllV4), check.Pass, nil},
		{"egress allow is not ingress", netACL(
			awsm.ACLEntry{RuleNumber: 100, Protocol: "-1", Egress: true, Allow: true, CIDR: "0.0.0.0/0", FromPort: 0, ToPort: 65535}, netDenyAllV4,
		), check.Pass, nil},
		{"entries not collected", unknown, check.Unknown, []string{"describe-network-acls.json missing"}},
	})
}

func TestVPCFlowLogsDisabled(t *testing.T) {
	const file = "us-east-1/ec2/describe-flow-logs.json"
	vpc := func(logs model.Value[[]awsm.FlowLog]) *awsm.Inventory {
		return &awsm.Inventory{AccountID: netAccount, VPCs: []*awsm.VPC{{
			Identity: awsm.Identity{ARN: "arn:aws:ec2:us-east-1:" + netAccount + ":vpc/vpc-0a12b34c56d78e90f", ID: "vpc-0a12b34c56d78e90f",
				Region: "us-east-1", AccountID: netAccount, Partition: "aws"},
			IsDefault: model.Known(false, model.Source{File: "us-east-1/ec2/describe-vpcs.json", Path: "Vpcs[0].IsDefault"}),
			CIDRBlock: model.Known("10.20.0.0/16", model.Source{File: "us-east-1/ec2/describe-vpcs.json", Path: "Vpcs[0].CidrBlock"}),
			FlowLogs:  logs,
		}}}
	}
	known := func(logs ...awsm.FlowLog) model.Value[[]awsm.FlowLog] {
		for i := range logs {
			logs[i].Source = model.Source{File: file, Path: "FlowLogs[" + strconv.Itoa(i) + "]"}
		}
		return model.Known(logs, model.Source{File: file, Path: "FlowLogs"})
	}
	active := awsm.FlowLog{ID: "fl-0123456789abcdef0", Status: "ACTIVE", TrafficType: "ALL", Destination: "arn:aws:s3:::example-flow-logs/vpc/"}
	netRun(t, vpcFlowLogsDisabled, []netCase{
		{"no flow log", vpc(known()), check.Fail, []string{"describe-flow-logs lists no flow log for vpc-0a12b34c56d78e90f"}},
		{"only a non-active flow log", vpc(known(awsm.FlowLog{ID: "fl-0fedcba9876543210", Status: "", TrafficType: "REJECT"})),
			check.Fail, []string{"flow log fl-0fedcba9876543210 is (none), not ACTIVE"}},
		{"active flow log", vpc(known(active)), check.Pass, nil},
		{"one active among others", vpc(known(awsm.FlowLog{ID: "fl-0fedcba9876543210", Status: "INACTIVE"}, active)), check.Pass, nil},
		{"flow logs not collected", vpc(model.Unknown[[]awsm.FlowLog]("AccessDenied: ec2:DescribeFlowLogs", model.Source{File: file})),
			check.Unknown, []string{"AccessDenied"}},
	})
}
