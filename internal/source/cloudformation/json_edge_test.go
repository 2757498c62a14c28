package cloudformation

import "testing"

// TestJSONEdgeCases: JSON that YAML parsers trip on reads the same as
// encoding/json reads it.
func TestJSONEdgeCases(t *testing.T) {
	cases := []struct{ name, value, want string }{
		{"escaped slash", `"arn:aws:s3:::a\/b"`, "arn:aws:s3:::a/b"},
		{"BMP escape", `"caf\u00e9"`, "café"},
		{"surrogate pair", `"\ud83d\ude00"`, "😀"},
		{"no space after colon", `"x"`, "x"},
		{"exponent number", `1e3`, "1e3"},
		{"tab-indented", "\t\"x\"", "x"},
		{"string with colon and hash", `"a: b # c"`, "a: b # c"},
		{"true", `true`, "true"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			tpl := "{\"Resources\":{\"B\":{\"Type\":\"AWS::S3::Bucket\",\"Properties\":{\"BucketName\":" + c.value + "}}}}"
			root, err := parse("t.json", []byte(tpl))
			if err != nil {
				t.Fatalf("parse: %v", err)
			}
			tm := newTemplate("t.json", root, Options{})
			v := tm.eval(mapGet(tm.resources["B"].props, "BucketName"), 0)
			if v.str != c.want {
				t.Errorf("BucketName = %q, want %q", v.str, c.want)
			}
		})
	}
}

func TestYAMLFlowTemplateAndBOM(t *testing.T) {
	for name, tpl := range map[string]string{
		"YAML flow mapping": "{Resources: {B: {Type: AWS::S3::Bucket, Properties: {BucketName: !Sub 'x-${AWS::Partition}'}}}}",
		"JSON with BOM":     "\ufeff{\"Resources\": {\"B\": {\"Type\": \"AWS::S3::Bucket\", \"Properties\": {\"BucketName\": \"x-aws\"}}}}",
	} {
		if !Detect([]byte(tpl)) {
			t.Errorf("%s: not detected", name)
		}
		inv, _ := loadString(t, tpl, Options{})
		if len(inv.Buckets) != 1 || inv.Buckets[0].Name != "x-aws" {
			t.Errorf("%s: buckets %+v", name, inv.Buckets)
		}
	}
}
