package cloudformation

import (
	"fmt"
	"strings"
	"testing"

	awsm "github.com/cloudward/cloudward/internal/model/aws"
)

// synthTemplate writes a template with n groups of five resources: a bucket
// with its policy, a security group with a standalone rule, and a role.
func synthTemplate(n int) []byte {
	var b strings.Builder
	b.WriteString("AWSTemplateFormatVersion: \"2010-09-09\"\nParameters:\n  Env: {Type: String, Default: dev}\n")
	b.WriteString("Conditions:\n  IsProd: !Equals [!Ref Env, prod]\nResources:\n")
	for i := 0; i < n; i++ {
		fmt.Fprintf(&b, `  Bucket%[1]d:
    Type: AWS::S3::Bucket
    Properties:
      BucketName: !Sub "acme-${Env}-%[1]d"
      VersioningConfiguration: {Status: !If [IsProd, Enabled, Suspended]}
  Bucket%[1]dPolicy:
    Type: AWS::S3::BucketPolicy
    Properties:
      Bucket: !Ref Bucket%[1]d
      PolicyDocument:
        Statement:
          - Effect: Deny
            Principal: "*"
            Action: "s3:*"
            Resource: [!GetAtt Bucket%[1]d.Arn, !Sub "${Bucket%[1]d.Arn}/*"]
            Condition: {Bool: {"aws:SecureTransport": "false"}}
  Sg%[1]d:
    Type: AWS::EC2::SecurityGroup
    Properties:
      GroupDescription: web %[1]d
      SecurityGroupIngress:
        - {IpProtocol: tcp, FromPort: 443, ToPort: 443, CidrIp: 0.0.0.0/0}
  Sg%[1]dSsh:
    Type: AWS::EC2::SecurityGroupIngress
    Properties: {GroupId: !Ref Sg%[1]d, IpProtocol: tcp, FromPort: 22, ToPort: 22, CidrIp: 10.0.0.0/8}
  Role%[1]d:
    Type: AWS::IAM::Role
    Properties:
      AssumeRolePolicyDocument:
        Statement: [{Effect: Allow, Principal: {Service: ec2.amazonaws.com}, Action: sts:AssumeRole}]
`, i)
	}
	return []byte(b.String())
}

// BenchmarkLoadTemplate: 2,000 resources in one template (about 12,000
// lines), parsed, evaluated and mapped.
func BenchmarkLoadTemplate(b *testing.B) {
	data := synthTemplate(400)
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		inv := &awsm.Inventory{IaC: true}
		warns, err := LoadTemplate(inv, "big.yaml", data, Options{})
		if err != nil || len(warns) != 0 || len(inv.Buckets) != 400 {
			b.Fatalf("err %v, %d warnings, %d buckets", err, len(warns), len(inv.Buckets))
		}
		Finish(inv)
	}
}

func TestSynthTemplate(t *testing.T) {
	inv, warns := loadString(t, string(synthTemplate(3)), Options{})
	if len(warns) != 0 || len(inv.Buckets) != 3 || len(inv.SecurityGroups) != 3 || len(inv.Roles) != 3 {
		t.Fatalf("warnings %v, inventory %d/%d/%d", warns, len(inv.Buckets), len(inv.SecurityGroups), len(inv.Roles))
	}
	if doc, _ := inv.Buckets[0].Policy.Get(); doc == nil {
		t.Errorf("bucket policy not joined")
	}
	if in, _ := inv.SecurityGroups[0].Ingress.Get(); len(in) != 2 {
		t.Errorf("ingress = %+v", in)
	}
}
