package cloudformation

import (
	"os"
	"path/filepath"
	"testing"

	awsm "github.com/cloudward/cloudward/internal/model/aws"
)

// FuzzLoadTemplate: any bytes give an inventory or a positioned error, never
// a panic or a hang.
func FuzzLoadTemplate(f *testing.F) {
	files, _ := filepath.Glob(filepath.Join("testdata", "*"))
	for _, file := range files {
		if data, err := os.ReadFile(file); err == nil {
			f.Add(data)
		}
	}
	f.Add([]byte("Resources:\n  B: {Type: AWS::S3::Bucket, Properties: {BucketName: !Sub '${B.Arn}'}}\n"))
	f.Add([]byte(`{"Resources": {"A": {"Type": "AWS::EC2::SecurityGroup", "Condition": "C"}}, "Conditions": {"C": {"Condition": "C"}}}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		Detect(data)
		inv := &awsm.Inventory{IaC: true}
		_, err := LoadTemplate(inv, "f.yaml", data, Options{Params: map[string]string{"Env": "prod"}})
		if err != nil {
			if _, ok := err.(*ParseError); !ok {
				t.Fatalf("error is not a ParseError: %v", err)
			}
			return
		}
		Finish(inv)
	})
}

// FuzzIntrinsics evaluates any expression inside a template with
// parameters, mappings, conditions and resources to refer to.
func FuzzIntrinsics(f *testing.F) {
	for _, s := range []string{
		`!Sub "arn:${AWS::Partition}:s3:::${Named}/${!x}"`,
		`!Sub ["${A}", {A: !Select [1, !Ref Subnets]}]`,
		`!If [IsProd, !Ref AWS::NoValue, [a, !GetAtt Unnamed.Arn]]`,
		`!Join [",", !Split ["/", !FindInMap [RegionMap, !Ref AWS::Region, Ami]]]`,
		`!Cidr ["10.0.0.0/16", 3, 8]`,
		`{"Fn::And": [{"Condition": "LoopA"}, {"Fn::Not": [{"Condition": "Either"}]}]}`,
		`!Base64 !Sub "${Secret}"`,
		`!GetAtt [Role, !Ref Env]`,
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, expr string) {
		root, err := parse("t.yaml", []byte(evalBase+expr+"\n"))
		if err != nil {
			return
		}
		tm := newTemplate("t.yaml", root, Options{})
		v := tm.eval(mapGet(mapGet(mapGet(root, "Outputs"), "X"), "Value"), 0)
		if v == nil {
			t.Fatal("nil value")
		}
		v.toJSON("", func(string) bool { return true })
	})
}
