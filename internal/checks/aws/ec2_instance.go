package aws

import (
	"github.com/cloudward/cloudward/internal/check"
	awsm "github.com/cloudward/cloudward/internal/model/aws"
)

var instanceIMDSv1 = check.AWS(check.Meta{
	ID:           "aws-ec2-instance-imdsv1",
	Title:        "EC2 instance allows IMDSv1 (session tokens not required)",
	Severity:     check.Medium,
	Domain:       check.Network,
	Service:      "ec2",
	ResourceType: awsm.TypeInstance,
	Rationale: "IMDSv1 answers plain GET requests, so a server-side request forgery or an open reverse proxy on the instance " +
		"is enough to steal its IAM role credentials (the 2019 Capital One breach). IMDSv2 requires a PUT-issued session token " +
		"that such requests cannot obtain.",
	Remediation: check.Remediation{
		Console: "EC2 console > Instances > select the instance > Actions > Instance settings > Modify instance metadata options: " +
			"IMDSv2 'Required'. Check first that the software on it uses an SDK or agent version that supports IMDSv2.",
		CLI:       "aws ec2 modify-instance-metadata-options --instance-id i-0123456789abcdef0 --http-tokens required --http-endpoint enabled",
		Terraform: "resource \"aws_instance\" \"app\" {\n  # ...\n  metadata_options {\n    http_endpoint = \"enabled\"\n    http_tokens   = \"required\"\n  }\n}",
	},
	References: []string{
		"https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/configuring-IMDS-existing-instances.html",
		"https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/instance-metadata-v2-how-it-works.html",
	},
	Frameworks: map[string][]string{CIS: {"5.7"}},
}, func(inv *awsm.Inventory) []*awsm.Instance { return inv.Instances }, evalInstanceIMDSv1)

// evalInstanceIMDSv1: terminated (and terminating) instances are skipped.
// An unknown state does not block the verdict: IaC-defined instances have
// no state yet, and the metadata options alone decide whether IMDSv1 is on.
func evalInstanceIMDSv1(_ *check.Env, in *awsm.Instance) check.Result {
	if st, ok := in.State.Get(); ok && (st == "terminated" || st == "shutting-down") {
		return check.Skip()
	}
	endpoint, ok := in.MetadataHTTPEndpoint.Get()
	if !ok {
		return check.UnknownOf("MetadataOptions.HttpEndpoint", in.MetadataHTTPEndpoint)
	}
	if endpoint == "disabled" {
		return check.PassResult("the instance metadata endpoint is disabled")
	}
	tokens, ok := in.MetadataHTTPTokens.Get()
	if !ok {
		return check.UnknownOf("MetadataOptions.HttpTokens", in.MetadataHTTPTokens)
	}
	if tokens == "required" {
		return check.PassResult("the instance requires IMDSv2 session tokens")
	}
	return check.FailResult("the instance accepts IMDSv1 requests",
		check.Ev(in.MetadataHTTPTokens.Source(), "MetadataOptions.HttpTokens is %q (want \"required\") while HttpEndpoint is %q", tokens, endpoint))
}
