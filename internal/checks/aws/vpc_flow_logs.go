package aws

import (
	"github.com/cloudward/cloudward/internal/check"
	awsm "github.com/cloudward/cloudward/internal/model/aws"
)

var vpcFlowLogsDisabled = check.AWS(check.Meta{
	ID:           "aws-ec2-vpc-flow-logs-disabled",
	Title:        "VPC has no active flow log",
	Severity:     check.Medium,
	Domain:       check.Network,
	Service:      "ec2",
	ResourceType: awsm.TypeVPC,
	Rationale: "VPC flow logs record accepted and rejected connections. Without them there is no network evidence to detect " +
		"scanning or exfiltration, or to reconstruct what a compromised instance talked to during an incident.",
	Remediation: check.Remediation{
		Console: "VPC console > Your VPCs > select the VPC > Flow logs tab > Create flow log: Filter 'All' (at least 'Reject'), " +
			"destination CloudWatch Logs or S3, with an IAM role allowed to publish.",
		CLI: "aws ec2 create-flow-logs --resource-type VPC --resource-ids vpc-0123456789abcdef0 --traffic-type ALL " +
			"--log-destination-type s3 --log-destination arn:aws:s3:::example-flow-logs-bucket/vpc/",
		Terraform: "resource \"aws_flow_log\" \"vpc\" {\n  vpc_id               = aws_vpc.main.id\n  traffic_type         = \"ALL\"\n" +
			"  log_destination_type = \"s3\"\n  log_destination      = aws_s3_bucket.flow_logs.arn\n}",
	},
	References: []string{
		"https://docs.aws.amazon.com/vpc/latest/userguide/flow-logs.html",
		"https://docs.aws.amazon.com/vpc/latest/userguide/working-with-flow-logs.html",
	},
	Frameworks: map[string][]string{CIS: {"3.7"}},
}, func(inv *awsm.Inventory) []*awsm.VPC { return inv.VPCs }, evalVPCFlowLogs)

func evalVPCFlowLogs(_ *check.Env, v *awsm.VPC) check.Result {
	logs, ok := v.FlowLogs.Get()
	if !ok {
		return check.UnknownOf("flow logs", v.FlowLogs)
	}
	for i := range logs {
		if logs[i].Status == "ACTIVE" {
			return check.PassResult("the VPC has an active flow log")
		}
	}
	if len(logs) == 0 {
		return check.FailResult("the VPC has no flow log", check.Ev(v.FlowLogs.Source(), "describe-flow-logs lists no flow log for %s", v.ID))
	}
	ev := make([]check.Evidence, 0, len(logs))
	for i := range logs {
		ev = append(ev, check.Ev(netSource(logs[i].Source, v.FlowLogs.Source()), "flow log %s is %s, not ACTIVE", logs[i].ID, netOrNone(logs[i].Status)))
	}
	return check.FailResult("the VPC has no active flow log", ev...)
}
