package cloudformation

import (
	"strconv"
	"strings"
	"testing"
	"time"
)

// evalBase is the template every intrinsic case evaluates in.
const evalBase = `AWSTemplateFormatVersion: "2010-09-09"
Parameters:
  Env: {Type: String, Default: prod}
  Subnets: {Type: CommaDelimitedList, Default: "subnet-a, subnet-b,subnet-c"}
  Port: {Type: Number, Default: 5432}
  NoDefault: {Type: String}
  Secret: {Type: String, NoEcho: true, Default: hunter2}
Mappings:
  RegionMap:
    eu-west-1: {Ami: ami-eu, Cidr: 10.1.0.0/16}
    us-east-1: {Ami: ami-us}
Conditions:
  IsProd: !Equals [!Ref Env, prod]
  IsDev: !Not [!Condition IsProd]
  Both: !And [!Condition IsProd, !Equals [a, a]]
  Either: !Or [!Condition IsDev, !Equals [!Ref NoDefault, x]]
  Unknowable: !Equals [!Ref NoDefault, x]
  LoopA: !Condition LoopB
  LoopB: !Not [!Condition LoopA]
  SecretIsSet: !Not [!Equals [!Ref Secret, ""]]
Resources:
  Named:
    Type: AWS::S3::Bucket
    Properties: {BucketName: !Sub "${Env}-assets"}
  Unnamed:
    Type: AWS::S3::Bucket
  Role:
    Type: AWS::IAM::Role
    Properties: {AssumeRolePolicyDocument: {}}
Outputs:
  X:
    Value: `

// evalExpr evaluates one YAML expression in evalBase.
func evalExpr(t *testing.T, expr string, opts Options) (*val, []Warning) {
	t.Helper()
	root, err := parse("t.yaml", []byte(evalBase+expr+"\n"))
	if err != nil {
		t.Fatalf("parse %q: %v", expr, err)
	}
	tm := newTemplate("t.yaml", root, opts)
	n := mapGet(mapGet(mapGet(root, "Outputs"), "X"), "Value")
	return tm.eval(n, 0), tm.warns
}

func render(v *val) string {
	switch v.kind {
	case kUnknown:
		if v.sym != "" {
			return "unknown<" + v.sym + ">"
		}
		return "unknown(" + v.str + ")"
	case kList:
		var parts []string
		for _, e := range v.list {
			parts = append(parts, render(e))
		}
		return "[" + strings.Join(parts, ",") + "]"
	case kMap:
		var parts []string
		for _, k := range v.keys {
			parts = append(parts, k+":"+render(v.m[k]))
		}
		return "{" + strings.Join(parts, ",") + "}"
	case kNoValue:
		return "novalue"
	case kNull:
		return "null"
	}
	return v.str
}

func TestIntrinsics(t *testing.T) {
	eu := Options{Region: "eu-west-1", AccountID: "111122223333", StackName: "web"}
	cases := []struct {
		name, expr string
		opts       Options
		want       string
		warn       string
	}{
		{"Ref parameter default", "!Ref Env", Options{}, "prod", ""},
		{"Ref parameter override", "!Ref Env", Options{Params: map[string]string{"Env": "dev"}}, "dev", ""},
		{"Ref parameter without default", "!Ref NoDefault", Options{}, "unknown(parameter NoDefault has no Default and no value in --cf-params)", ""},
		{"Ref list parameter", "!Ref Subnets", Options{}, "[subnet-a,subnet-b,subnet-c]", ""},
		{"Ref number", "{Ref: Port}", Options{}, "5432", ""},
		{"Ref named resource", "!Ref Named", Options{}, "prod-assets", ""},
		{"Ref unnamed resource", "!Ref Unnamed", Options{}, "unknown<${Unnamed}>", ""},
		{"Ref undefined", "!Ref Nope", Options{}, "unknown(Ref to undefined Nope)", "no such parameter or resource"},
		{"pseudo unknown by default", "!Ref AWS::Region", Options{}, "unknown<${AWS::Region}>", ""},
		{"pseudo given", "!Ref AWS::AccountId", eu, "111122223333", ""},
		{"partition default", "!Ref AWS::Partition", Options{}, "aws", ""},
		{"URL suffix China", "!Ref AWS::URLSuffix", Options{Partition: "aws-cn"}, "amazonaws.com.cn", ""},
		{"NoValue", "!Ref AWS::NoValue", Options{}, "novalue", ""},
		{"Sub string form", `!Sub "arn:${AWS::Partition}:s3:::${Named}/*"`, Options{}, "arn:aws:s3:::prod-assets/*", ""},
		{"Sub with pseudo and options", `!Sub "${AWS::StackName}-${AWS::Region}"`, eu, "web-eu-west-1", ""},
		{"Sub symbolic", `!Sub "${Unnamed.Arn}/*"`, Options{}, "unknown<arn:aws:s3:::${Unnamed}/*>", ""},
		{"Sub literal", `!Sub "echo ${!HOME} ${Env}"`, Options{}, "echo ${HOME} prod", ""},
		{"Sub list form", `!Sub ["${A}-${Env}", {A: !Select [1, !Ref Subnets]}]`, Options{}, "subnet-b-prod", ""},
		{"Sub long form", `{"Fn::Sub": "x-${Port}"}`, Options{}, "x-5432", ""},
		{"Sub unknown", `!Sub "${NoDefault}-x"`, Options{}, "unknown(parameter NoDefault has no Default and no value in --cf-params)", ""},
		{"Join", `!Join [":", [a, !Ref Env, "1"]]`, Options{}, "a:prod:1", ""},
		{"Join list param", `!Join ["|", !Ref Subnets]`, Options{}, "subnet-a|subnet-b|subnet-c", ""},
		{"Select", "!Select [2, !Ref Subnets]", Options{}, "subnet-c", ""},
		{"Select out of range", "!Select [5, [a]]", Options{}, "unknown(Fn::Select index out of range)", "out of range"},
		{"Split", `!Split [",", "a,b,,c"]`, Options{}, "[a,b,,c]", ""},
		{"Split then Select", `!Select [1, !Split ["/", "arn/role/x"]]`, Options{}, "role", ""},
		{"If true", "!If [IsProd, big, small]", Options{}, "big", ""},
		{"If false", "!If [IsDev, big, small]", Options{}, "small", ""},
		{"If NoValue removes the key", "{A: !If [IsDev, x, !Ref AWS::NoValue], B: 1}", Options{}, "{B:1}", ""},
		{"If NoValue removes the list item", "[a, !If [IsDev, b, !Ref AWS::NoValue], c]", Options{}, "[a,c]", ""},
		{"If unknown condition", "!If [Unknowable, a, b]", Options{}, "unknown(condition Unknowable is unknown: parameter NoDefault has no Default and no value in --cf-params)", ""},
		{"If unknown condition same branches", "!If [Unknowable, a, a]", Options{}, "a", ""},
		{"And", "!If [Both, yes, no]", Options{}, "yes", ""},
		{"Or short-circuits an unknown", "!If [Either, yes, no]", Options{Params: map[string]string{"Env": "dev"}}, "yes", ""},
		{"Or unknown", "!If [Either, yes, no]", Options{}, "unknown(condition Either is unknown: parameter NoDefault has no Default and no value in --cf-params)", ""},
		{"condition cycle", "!If [LoopA, yes, no]", Options{}, "unknown(condition LoopA is unknown: condition LoopA depends on itself)", "depends on itself"},
		{"secret usable in conditions", "!If [SecretIsSet, set, unset]", Options{}, "set", ""},
		{"Equals long form", `{"Fn::Equals": [{"Ref": "Env"}, "prod"]}`, Options{}, "true", ""},
		{"FindInMap", "!FindInMap [RegionMap, !Ref AWS::Region, Ami]", eu, "ami-eu", ""},
		{"FindInMap unknown region", "!FindInMap [RegionMap, !Ref AWS::Region, Ami]", Options{}, "unknown(AWS::Region is the deploying region (not given))", ""},
		{"FindInMap missing key", "!FindInMap [RegionMap, us-east-1, Cidr]", Options{}, "unknown(Fn::FindInMap RegionMap/us-east-1/Cidr is not in Mappings)", "not in Mappings"},
		{"FindInMap default value", "!FindInMap [RegionMap, us-east-1, Cidr, {DefaultValue: 10.9.0.0/16}]", Options{}, "10.9.0.0/16", ""},
		{"GetAtt dotted", "!GetAtt Named.Arn", Options{}, "arn:aws:s3:::prod-assets", ""},
		{"GetAtt list", "!GetAtt [Unnamed, Arn]", Options{}, "unknown<arn:aws:s3:::${Unnamed}>", ""},
		{"GetAtt deploy-time", "!GetAtt Role.RoleId", Options{}, "unknown<${Role.RoleId}>", ""},
		{"GetAtt missing resource", "!GetAtt Ghost.Arn", Options{}, "unknown(Fn::GetAtt of undefined resource Ghost)", "no such resource"},
		{"ImportValue", "!ImportValue shared-vpc-id", Options{}, "unknown(Fn::ImportValue shared-vpc-id: exported by another stack)", ""},
		{"GetAZs", `!Select [0, !GetAZs ""]`, Options{}, "unknown(Fn::GetAZs: the Availability Zones of the region are known at deploy time)", ""},
		{"Base64", `!Base64 "#!/bin/bash"`, Options{}, "IyEvYmluL2Jhc2g=", ""},
		{"Cidr", `!Cidr ["10.0.0.0/16", 3, 8]`, Options{}, "[10.0.0.0/24,10.0.1.0/24,10.0.2.0/24]", ""},
		{"Cidr selected", `!Select [1, !Cidr [!FindInMap [RegionMap, eu-west-1, Cidr], 2, 12]]`, Options{}, "10.1.16.0/20", ""},
		{"Length", "!Length [a, b, !If [IsDev, c, !Ref AWS::NoValue]]", Options{}, "2", ""},
		{"ToJsonString", `{"Fn::ToJsonString": {Statement: [{Effect: Allow, Action: "s3:*", Port: !Ref Port}]}}`, Options{}, `{"Statement":[{"Effect":"Allow","Action":"s3:*","Port":"5432"}]}`, ""},
		{"ToJsonString unknown", `{"Fn::ToJsonString": [!Ref NoDefault]}`, Options{}, "unknown(Fn::ToJsonString: unknown value at line 32: parameter NoDefault has no Default and no value in --cf-params)", ""},
		{"non-specific tag", "!If [! IsProd, a, b]", Options{}, "a", ""},
		{"non-specific tag on Ref", "! x", Options{}, "x", ""},
		{"unknown intrinsic", `{"Fn::Frobnicate": [1]}`, Options{}, "unknown(unknown intrinsic function Fn::Frobnicate)", "unknown intrinsic function Fn::Frobnicate"},
		{"unknown short tag", `!Frobnicate x`, Options{}, "unknown(unknown intrinsic function Fn::Frobnicate)", "unknown intrinsic"},
		{"bad Join shape", `!Join [","]`, Options{}, "unknown(Fn::Join wants [delimiter, [values]])", "Fn::Join wants"},
		{"policy Condition block is not an intrinsic", `{Condition: {Bool: {"aws:SecureTransport": "false"}}}`, Options{}, "{Condition:{Bool:{aws:SecureTransport:false}}}", ""},
		{"recursive YAML alias", "&a [x, *a]", Options{}, "", "nested deeper than"},
		{"YAML alias", "[&v abc, *v]", Options{}, "[abc,abc]", ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			v, warns := evalExpr(t, c.expr, c.opts)
			if c.want != "" {
				if got := render(v); got != c.want {
					t.Errorf("%s = %s, want %s", c.expr, got, c.want)
				}
			}
			var all []string
			for _, w := range warns {
				all = append(all, w.String())
			}
			joined := strings.Join(all, "\n")
			if c.warn == "" && joined != "" {
				t.Errorf("unexpected warnings: %s", joined)
			}
			if c.warn != "" && !strings.Contains(joined, c.warn) {
				t.Errorf("warnings %q do not mention %q", joined, c.warn)
			}
			for _, w := range warns {
				if !strings.HasPrefix(w.String(), "t.yaml:") || w.Line == 0 {
					t.Errorf("warning without position: %s", w)
				}
			}
		})
	}
}

func TestSecretNeverInModelOrWarnings(t *testing.T) {
	tpl := `Parameters:
  Secret: {Type: String, NoEcho: true, Default: s3cr3t-value, AllowedValues: [other]}
Resources:
  B:
    Type: AWS::S3::Bucket
    Properties:
      BucketName: !Sub "x-${Secret}"
      Tags: [{Key: token, Value: !Ref Secret}]
`
	inv, warns := loadString(t, tpl, Options{})
	for _, w := range warns {
		if strings.Contains(w.String(), "s3cr3t") {
			t.Errorf("warning prints the NoEcho value: %s", w)
		}
	}
	if len(warns) == 0 {
		t.Errorf("no warning for a value outside AllowedValues")
	}
	b := inv.Buckets[0]
	if strings.Contains(b.Name+b.ARN, "s3cr3t") || b.Tags.Or(nil)["token"] != "" {
		t.Errorf("secret reached the model: name %q arn %q tags %v", b.Name, b.ARN, b.Tags.Or(nil))
	}
}

// TestPathologicalInput: nested aliases (billion laughs) and deep nesting end
// quickly with unknown values.
func TestPathologicalInput(t *testing.T) {
	var b strings.Builder
	b.WriteString("a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n")
	for i := 1; i < 12; i++ {
		prev := "*a" + itoa(i-1)
		b.WriteString("a" + itoa(i) + ": &a" + itoa(i) + " [" + strings.Repeat(prev+", ", 9) + prev + "]\n")
	}
	b.WriteString("Resources:\n  B:\n    Type: AWS::S3::Bucket\n    Properties:\n      Tags: *a11\n")
	b.WriteString("  C:\n    Type: AWS::S3::Bucket\n    Properties:\n      BucketName: " + strings.Repeat("!Base64 ", 200) + "x\n")
	start := time.Now()
	_, warns, err := loadStringErr(b.String(), Options{})
	if d := time.Since(start); d > 5*time.Second {
		t.Errorf("took %v", d)
	}
	if err == nil && len(warns) == 0 {
		t.Errorf("no warning about the expensive template")
	}
}

func itoa(i int) string { return strconv.Itoa(i) }
