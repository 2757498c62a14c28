package awslive

import (
	"bytes"
	"encoding/json"
	"math"
	"testing"
)

// encoderIndent is what indentCLI must print: encoding/json's encoder as
// the CLI output was produced before indentCLI.
func encoderIndent(v any) ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "    ")
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

func checkSameAsEncoder(t *testing.T, v any) {
	t.Helper()
	want, werr := encoderIndent(v)
	got, gerr := indentCLI(v)
	if (werr != nil) != (gerr != nil) {
		t.Fatalf("error mismatch: encoder %v, indentCLI %v", werr, gerr)
	}
	if werr != nil {
		return // NaN, ±Inf: both refuse (the messages differ in wording)
	}
	if !bytes.Equal(got, want) {
		t.Fatalf("indentCLI differs from encoding/json\n got: %s\nwant: %s", got, want)
	}
}

// TestIndentCLIMatchesEncoder: the CLI shapes the collector prints (an
// EC2 security group, an IAM role with a decoded policy document, tags as
// a map, KMS dates, CloudWatch floats, S3 blobs) and the awkward strings
// AWS data holds come out byte for byte as encoding/json prints them.
func TestIndentCLIMatchesEncoder(t *testing.T) {
	sg := ordered{
		{"SecurityGroups", []any{
			ordered{
				{"Description", "launch-wizard <web> & \"ssh\""},
				{"GroupName", "web-sg"},
				{"IpPermissions", []any{
					ordered{
						{"FromPort", int64(22)},
						{"IpProtocol", "tcp"},
						{"IpRanges", []any{ordered{{"CidrIp", "0.0.0.0/0"}, {"Description", "office\tVPN\n"}}}},
						{"Ipv6Ranges", []any{}},
						{"PrefixListIds", []any{}},
						{"ToPort", int64(22)},
						{"UserIdGroupPairs", []any{}},
					},
				}},
				{"OwnerId", "123456789012"},
				{"GroupId", "sg-0a1b2c3d4e5f67890"},
				{"Tags", []any{ordered{{"Key", "Name"}, {"Value", "wéb – prod ☁ \u2028 \x01 \x7f"}}}},
				{"VpcId", "vpc-0123456789abcdef0"},
			},
		}},
	}
	role := ordered{{"RoleDetailList", []any{ordered{
		{"Path", "/"},
		{"RoleName", "admin"},
		{"AssumeRolePolicyDocument", json.RawMessage(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"ec2.amazonaws.com"},"Action":"sts:AssumeRole","Condition":{}}]}`)},
		{"RolePolicyList", []any{}},
		{"Tags", map[string]any{"b": "2", "a": "1", "é": nil, "<x>": []any{true, false}}},
		{"CreateDate", "2024-06-01T12:00:00+00:00"},
		{"MaxSessionDuration", int64(3600)},
		{"RoleLastUsed", ordered{}},
	}}}}
	numbers := ordered{
		{"Threshold", 80.5}, {"Zero", 0.0}, {"Big", 1e21}, {"Small", 1e-7}, {"Tiny", 5e-324},
		{"Neg", -123456.789}, {"Int", 3.0}, {"Min", int64(math.MinInt64)}, {"Max", uint64(math.MaxUint64)},
		{"Number", json.Number("1.0")}, {"Period", json.Number("300")},
		{"Blob", []byte("\x00\xffpolicy")}, {"EmptyBlob", []byte{}}, {"NilBlob", []byte(nil)},
		{"Nil", nil}, {"NilList", []any(nil)}, {"NilMap", map[string]any(nil)}, {"NilObj", (*ordered)(nil)},
		{"Bad", "\xff\xfe invalid utf-8"},
		{"Nested", &ordered{{"List", &[]any{ordered{{"Deep", []any{[]any{}, map[string]any{}}}}}}}},
	}
	for _, v := range []any{sg, role, numbers, ordered{{"Only", "one"}}} {
		checkSameAsEncoder(t, v)
	}
	// NaN is refused with the encoder's message (cliJSON prints it).
	checkSameAsEncoder(t, ordered{{"Bad", math.NaN()}})
	checkSameAsEncoder(t, ordered{{"Bad", math.Inf(-1)}})
}

// fromJSON turns decoded JSON into a CLI tree: objects become ordered
// (keys in the text's order, which is not sorted), numbers float64 or
// json.Number alternately.
func fromJSON(dec *json.Decoder) (any, error) {
	tok, err := dec.Token()
	if err != nil {
		return nil, err
	}
	switch t := tok.(type) {
	case json.Delim:
		switch t {
		case '{':
			o := ordered{}
			for dec.More() {
				k, err := dec.Token()
				if err != nil {
					return nil, err
				}
				v, err := fromJSON(dec)
				if err != nil {
					return nil, err
				}
				o = append(o, kv{k.(string), v})
			}
			_, err := dec.Token()
			return o, err
		case '[':
			l := []any{}
			for dec.More() {
				v, err := fromJSON(dec)
				if err != nil {
					return nil, err
				}
				l = append(l, v)
			}
			_, err := dec.Token()
			return l, err
		}
	case json.Number:
		if f, err := t.Float64(); err == nil && len(t)%2 == 0 {
			return f, nil
		}
		return t, nil
	}
	return tok, nil
}

// FuzzIndentCLI: for any JSON document, indentCLI prints what
// encoding/json prints.
func FuzzIndentCLI(f *testing.F) {
	for _, s := range []string{
		`{"a":1,"b":[1,2,{"c":null}],"d":"x<y>&\u2028"}`,
		`{"Policy":{"Statement":[]},"Tags":{},"E":1e-7,"F":1e21,"G":-0.0}`,
		`[]`, `"s"`, `{"k\n":"\u0001\t\ufffd"}`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		dec := json.NewDecoder(bytes.NewReader(data))
		dec.UseNumber()
		v, err := fromJSON(dec)
		if err != nil {
			return
		}
		checkSameAsEncoder(t, v)
	})
}
