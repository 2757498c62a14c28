package aws

import (
	"testing"

	"github.com/cloudward/cloudward/internal/check"
	"github.com/cloudward/cloudward/internal/model"
	awsm "github.com/cloudward/cloudward/internal/model/aws"
)

func sgWith(rules ...awsm.SGRule) *awsm.SecurityGroup {
	src := model.Source{File: "us-east-1/ec2/describe-security-groups.json", Path: "SecurityGroups[0].IpPermissions"}
	return &awsm.SecurityGroup{
		Identity: awsm.Identity{ARN: "arn:aws:ec2:us-east-1:111122223333:security-group/sg-0a1b2c3d", ID: "sg-0a1b2c3d", Name: "web", Region: "us-east-1", AccountID: "111122223333"},
		Ingress:  model.Known(rules, src),
	}
}

func TestSGSSHOpen(t *testing.T) {
	tests := []struct {
		name string
		sg   *awsm.SecurityGroup
		want check.Status
	}{
		{"ssh from anywhere", sgWith(awsm.SGRule{Protocol: "tcp", FromPort: 22, ToPort: 22, IPv4Ranges: []string{"0.0.0.0/0"}}), check.Fail},
		{"rdp from anywhere v6", sgWith(awsm.SGRule{Protocol: "tcp", FromPort: 3389, ToPort: 3389, IPv6Ranges: []string{"::/0"}}), check.Fail},
		{"range covering 22", sgWith(awsm.SGRule{Protocol: "tcp", FromPort: 0, ToPort: 1024, IPv4Ranges: []string{"0.0.0.0/0"}}), check.Fail},
		{"all protocols", sgWith(awsm.SGRule{Protocol: "-1", FromPort: -1, ToPort: -1, IPv4Ranges: []string{"0.0.0.0/0"}}), check.Fail},
		{"ssh from office", sgWith(awsm.SGRule{Protocol: "tcp", FromPort: 22, ToPort: 22, IPv4Ranges: []string{"203.0.113.0/24"}}), check.Pass},
		{"https from anywhere", sgWith(awsm.SGRule{Protocol: "tcp", FromPort: 443, ToPort: 443, IPv4Ranges: []string{"0.0.0.0/0"}}), check.Pass},
		{"udp 22 from anywhere", sgWith(awsm.SGRule{Protocol: "udp", FromPort: 22, ToPort: 22, IPv4Ranges: []string{"0.0.0.0/0"}}), check.Pass},
		{"rules not collected", &awsm.SecurityGroup{Identity: awsm.Identity{ARN: "arn:aws:ec2:us-east-1:111122223333:security-group/sg-1"}}, check.Unknown},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			inv := &awsm.Inventory{SecurityGroups: []*awsm.SecurityGroup{tt.sg}}
			got := sgSSHOpen.Evaluate(inv)
			if len(got) != 1 || got[0].Status != tt.want {
				t.Fatalf("got %+v, want one %s", got, tt.want)
			}
			if tt.want == check.Fail && len(got[0].Evidence) == 0 {
				t.Fatal("FAIL without evidence")
			}
		})
	}
}

func TestRegistryAcceptsAllChecks(t *testing.T) {
	if _, err := check.NewRegistry(Checks()...); err != nil {
		t.Fatal(err)
	}
}
