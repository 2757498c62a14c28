package cloudformation

import (
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/cloudward/cloudward/internal/check"
	awsm "github.com/cloudward/cloudward/internal/model/aws"
)

func loadStringErr(tpl string, opts Options) (*awsm.Inventory, []Warning, error) {
	inv := &awsm.Inventory{IaC: true}
	warns, err := LoadTemplate(inv, "t.yaml", []byte(tpl), opts)
	Finish(inv)
	return inv, warns, err
}

func loadString(t *testing.T, tpl string, opts Options) (*awsm.Inventory, []Warning) {
	t.Helper()
	inv, warns, err := loadStringErr(tpl, opts)
	if err != nil {
		t.Fatalf("LoadTemplate: %v", err)
	}
	return inv, warns
}

func TestDetect(t *testing.T) {
	cases := []struct {
		name string
		data string
		want bool
	}{
		{"YAML with version", "AWSTemplateFormatVersion: 2010-09-09\nResources: {}\n", true},
		{"YAML resources only", "Resources:\n  B:\n    Type: AWS::S3::Bucket\n", true},
		{"SAM", "Transform: AWS::Serverless-2016-10-31\nResources:\n  F:\n    Type: AWS::Serverless::Function\n", true},
		{"JSON", `{"Resources": {"B": {"Type": "AWS::S3::Bucket"}}}`, true},
		{"docker compose", "services:\n  web:\n    image: nginx\n", false},
		{"kubernetes", "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: Resources}\n", false},
		{"resources of another kind", "Resources:\n  x:\n    Type: Custom::Thing\n", false},
		{"terraform JSON", `{"resource": {"aws_s3_bucket": {"b": {}}}}`, false},
		{"package.json", `{"name": "x", "version": "1.0.0"}`, false},
		{"invalid YAML", "Resources: [\n", false},
		{"binary", "Resources\x00\x01", false},
		{"empty", "", false},
	}
	for _, c := range cases {
		if got := Detect([]byte(c.data)); got != c.want {
			t.Errorf("%s: Detect = %v, want %v", c.name, got, c.want)
		}
	}
	for _, f := range []string{"s3.yaml", "network.yaml", "data.yaml", "iam.yaml", "sam.yaml", "network.json"} {
		data, err := os.ReadFile(filepath.Join("testdata", f))
		if err != nil {
			t.Fatal(err)
		}
		if !Detect(data) {
			t.Errorf("Detect(%s) = false", f)
		}
	}
}

func TestParseErrors(t *testing.T) {
	cases := []struct {
		name, data, want string
	}{
		{"YAML bad indentation", "Resources:\n  B:\n    Type: AWS::S3::Bucket\n   Properties: x\n", "t.yaml:4:4: invalid YAML"},
		{"YAML unclosed flow", "Resources:\n  B: {Type: AWS::S3::Bucket\n", "t.yaml:2:3:"},
		{"JSON trailing comma", "{\n  \"Resources\": {\n    \"B\": {\"Type\": \"AWS::S3::Bucket\",}\n  }\n}", "t.yaml:3:37: invalid JSON"},
		{"JSON truncated", "{\"Resources\": {", "t.yaml:1:"},
		{"not a mapping", "- a\n- b\n", "t.yaml:1:1: template is not a mapping"},
		{"empty", "", "t.yaml:1:1: empty template"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, _, err := loadStringErr(c.data, Options{})
			if err == nil {
				t.Fatalf("no error")
			}
			var pe *ParseError
			if !errors.As(err, &pe) || pe.Line == 0 || pe.Col == 0 {
				t.Errorf("error %v is not a positioned ParseError", err)
			}
			if !strings.HasPrefix(err.Error(), c.want) {
				t.Errorf("error %q does not start with %q", err, c.want)
			}
		})
	}
}

func TestLoadErrorNamesFile(t *testing.T) {
	dir := t.TempDir()
	bad := filepath.Join(dir, "bad.yaml")
	if err := os.WriteFile(bad, []byte("Resources:\n  - [\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	_, _, err := Load([]string{bad}, Options{})
	if err == nil || !strings.HasPrefix(err.Error(), bad+":") {
		t.Errorf("err = %v", err)
	}
	if _, _, err := Load([]string{filepath.Join(dir, "missing.yaml")}, Options{}); err == nil {
		t.Errorf("missing file: no error")
	}
}

func TestParseParams(t *testing.T) {
	want := map[string]string{"Env": "prod", "Subnets": "subnet-a,subnet-b", "Port": "5432"}
	cases := map[string]string{
		"CLI list form": `[{"ParameterKey": "Env", "ParameterValue": "prod"},
 {"ParameterKey": "Subnets", "ParameterValue": "subnet-a,subnet-b"},
 {"ParameterKey": "Port", "ParameterValue": "5432"},
 {"ParameterKey": "Old", "UsePreviousValue": true}]`,
		"map":                    `{"Env": "prod", "Subnets": "subnet-a,subnet-b", "Port": 5432}`,
		"YAML map with a list":   "Env: prod\nSubnets: [subnet-a, subnet-b]\nPort: 5432\n",
		"template configuration": `{"Parameters": {"Env": "prod", "Subnets": "subnet-a,subnet-b", "Port": "5432"}, "Tags": {"team": "x"}}`,
		"YAML CLI list":          "- ParameterKey: Env\n  ParameterValue: prod\n- ParameterKey: Subnets\n  ParameterValue: subnet-a,subnet-b\n- {ParameterKey: Port, ParameterValue: '5432'}\n",
	}
	for name, data := range cases {
		got, err := ParseParams("p.json", []byte(data))
		if err != nil {
			t.Errorf("%s: %v", name, err)
			continue
		}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("%s: got %v", name, got)
		}
	}
	for name, data := range map[string]string{
		"no value":     `[{"ParameterKey": "Env"}]`,
		"object value": `{"Env": {"a": 1}}`,
		"scalar":       `"x"`,
		"bad YAML":     "[\n",
	} {
		_, err := ParseParams("p.json", []byte(data))
		if err == nil || !strings.HasPrefix(err.Error(), "p.json") {
			t.Errorf("%s: err = %v", name, err)
		}
	}
}

// TestLines: resource ranges, attribute lines and finding evidence point to
// the template.
func TestLines(t *testing.T) {
	got, inv, _ := scan(t, Options{}, "network.yaml")
	f := got["aws-ec2-sg-ssh-open BastionSG"]
	if loc := f.Resource.Location; loc == nil || loc.StartLine != 49 || loc.EndLine != 58 {
		t.Errorf("BastionSG location = %+v, want 49-58", f.Resource.Location)
	}
	found := false
	for _, e := range f.Evidence {
		if e.Source.StartLine == 55 && e.Source.EndLine == 58 && strings.HasSuffix(e.Source.File, "network.yaml") {
			found = true
		}
	}
	if !found {
		t.Errorf("no evidence at the rule's lines 55-58: %+v", f.Evidence)
	}
	// The standalone ingress rule is the evidence for WindowsSG.
	f = got["aws-ec2-sg-rdp-open WindowsSG"]
	if len(f.Evidence) == 0 || f.Evidence[0].Source.StartLine != 66 {
		t.Errorf("WindowsSG evidence = %+v, want line 66 (WindowsRdpIngress)", f.Evidence)
	}
	// UNKNOWN points at the rule that uses the parameter.
	f = got["aws-ec2-sg-ssh-open AdminSG"]
	if len(f.Evidence) == 0 || f.Evidence[0].Source.StartLine != 104 {
		t.Errorf("AdminSG evidence = %+v, want line 104 (CidrIp: !Ref AdminCidr)", f.Evidence)
	}
	for _, v := range inv.VPCs {
		if v.Address == "AppVpc" {
			cidr := v.CIDRBlock
			if s := cidr.Source(); s.StartLine != 30 || s.Path != "Resources.AppVpc.Properties.CidrBlock" {
				t.Errorf("CidrBlock source = %+v", s)
			}
		}
	}
	// Volume without Encrypted: FAIL at the block (the missing attribute is
	// the bug).
	got, _, _ = scan(t, Options{}, "data.yaml")
	f = got["aws-ec2-ebs-volume-unencrypted ScratchVolume"]
	if f.Status != check.Fail || f.Resource.Location.StartLine != 50 || f.Resource.Location.EndLine != 55 {
		t.Errorf("ScratchVolume = %s at %+v", f.Status, f.Resource.Location)
	}
}

func TestCompanionWithUnknownTarget(t *testing.T) {
	tpl := `Parameters:
  VpcId: {Type: String}
  SgId: {Type: String}
Resources:
  Vpc:
    Type: AWS::EC2::VPC
    Properties: {CidrBlock: 10.0.0.0/16}
  Log:
    Type: AWS::EC2::FlowLog
    Properties: {ResourceId: !Ref VpcId, ResourceType: VPC, TrafficType: ALL}
  Sg:
    Type: AWS::EC2::SecurityGroup
    Properties: {GroupDescription: x}
  Rule:
    Type: AWS::EC2::SecurityGroupIngress
    Properties: {GroupId: !Ref SgId, IpProtocol: tcp, FromPort: 22, ToPort: 22, CidrIp: 0.0.0.0/0}
`
	inv, warns := loadString(t, tpl, Options{})
	if len(warns) != 2 {
		t.Errorf("warnings = %v", warns)
	}
	if inv.VPCs[0].FlowLogs.Known() {
		t.Errorf("flow logs known although a flow log names an unknown VPC")
	}
	if inv.SecurityGroups[0].Ingress.Known() {
		t.Errorf("ingress known although a rule names an unknown group")
	}
}
