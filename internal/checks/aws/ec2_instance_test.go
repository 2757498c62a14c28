package aws

import (
	"testing"

	"github.com/cloudward/cloudward/internal/check"
	"github.com/cloudward/cloudward/internal/model"
	awsm "github.com/cloudward/cloudward/internal/model/aws"
)

const netInstFile = "us-east-1/ec2/describe-instances.json"

func netInstSrc(path string) model.Source {
	return model.Source{File: netInstFile, Path: "Reservations[0].Instances[0]." + path}
}

// netInstance: an instance as describe-instances prints it; empty strings
// stand for values the test wants unknown.
func netInstance(state, tokens, endpoint string) *awsm.Inventory {
	str := func(v, path string) model.String {
		if v == "" {
			return model.Unknown[string]("not collected", netInstSrc(path))
		}
		return model.Known(v, netInstSrc(path))
	}
	in := &awsm.Instance{
		Identity: awsm.Identity{ARN: "arn:aws:ec2:us-east-1:" + netAccount + ":instance/i-0abcdef1234567890", ID: "i-0abcdef1234567890",
			Name: "web-1", Region: "us-east-1", AccountID: netAccount, Partition: "aws", Source: netInstSrc("")},
		State:                str(state, "State.Name"),
		PublicIP:             model.Known("54.210.167.99", netInstSrc("PublicIpAddress")),
		PrivateIP:            model.Known("10.20.1.15", netInstSrc("PrivateIpAddress")),
		SubnetID:             "subnet-0bb1c79de3EXAMPLE",
		VPCID:                "vpc-0a12b34c56d78e90f",
		SecurityGroupIDs:     []string{"sg-0a1b2c3d4e5f60718"},
		MetadataHTTPTokens:   str(tokens, "MetadataOptions.HttpTokens"),
		MetadataHTTPEndpoint: str(endpoint, "MetadataOptions.HttpEndpoint"),
	}
	return &awsm.Inventory{AccountID: netAccount, Instances: []*awsm.Instance{in}}
}

func TestInstanceIMDSv1(t *testing.T) {
	netRun(t, instanceIMDSv1, []netCase{
		{"running with optional tokens", netInstance("running", "optional", "enabled"), check.Fail,
			[]string{`MetadataOptions.HttpTokens is "optional" (want "required") while HttpEndpoint is "enabled"`}},
		{"stopped with optional tokens", netInstance("stopped", "optional", "enabled"), check.Fail, nil},
		{"IaC instance without state", netInstance("", "optional", "enabled"), check.Fail, nil},
		{"tokens required", netInstance("running", "required", "enabled"), check.Pass, nil},
		{"endpoint disabled", netInstance("running", "optional", "disabled"), check.Pass, nil},
		{"endpoint disabled, tokens unknown", netInstance("running", "", "disabled"), check.Pass, nil},
		{"terminated", netInstance("terminated", "optional", "enabled"), check.NotApplicable, nil},
		{"shutting down", netInstance("shutting-down", "optional", "enabled"), check.NotApplicable, nil},
		{"tokens unknown", netInstance("running", "", "enabled"), check.Unknown, []string{"MetadataOptions.HttpTokens"}},
		{"endpoint unknown", netInstance("running", "optional", ""), check.Unknown, []string{"MetadataOptions.HttpEndpoint"}},
	})
}
