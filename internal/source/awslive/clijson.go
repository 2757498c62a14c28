package awslive

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/url"
	"reflect"
	"strings"
	"time"
)

// cliJSON renders an SDK output the way `aws <svc> <op> --output json`
// prints it: member names as keys (in the SDK's field order), absent members
// omitted, timestamps in the CLI's ISO 8601 form, 4-space indentation. An output
// with no members prints nothing (as the CLI does), so the result is empty.
//
// decodePolicies turns IAM's URL-encoded policy documents into JSON objects,
// as the CLI does for IAM.
func cliJSON(v any, decodePolicies bool) []byte {
	if m, ok := v.(interface{ MarshalCLI() []byte }); ok {
		return m.MarshalCLI()
	}
	tree := toCLI(reflect.ValueOf(v), "", decodePolicies)
	obj, ok := tree.(ordered)
	if !ok || len(obj) == 0 {
		return nil
	}
	out, err := indentCLI(obj)
	if err != nil {
		// Only reachable with a value encoding/json rejects (NaN); keep the
		// collection going with what we can say.
		return fmt.Appendf(nil, "{\"Error\": %q}\n", err.Error())
	}
	return out
}

// ordered is a JSON object that keeps its key order.
type ordered []kv

type kv struct {
	k string
	v any
}

func (o ordered) MarshalJSON() ([]byte, error) {
	var b bytes.Buffer
	b.WriteByte('{')
	for i, e := range o {
		if i > 0 {
			b.WriteByte(',')
		}
		k, _ := json.Marshal(e.k)
		b.Write(k)
		b.WriteByte(':')
		var vb bytes.Buffer
		enc := json.NewEncoder(&vb)
		enc.SetEscapeHTML(false)
		if err := enc.Encode(e.v); err != nil {
			return nil, err
		}
		b.Write(bytes.TrimRight(vb.Bytes(), "\n"))
	}
	b.WriteByte('}')
	return b.Bytes(), nil
}

// fieldNames are the CLI keys that differ from the SDK's Go field names
// (members the model spells in lowerCamel).
var fieldNames = map[string]string{
	"DescribeTrailsOutput.TrailList": "trailList",
}

// cliTime is the CLI's timestamp form: 2024-06-01T12:00:00+00:00, with
// microseconds when present.
func cliTime(t time.Time) string {
	t = t.UTC()
	s := t.Format("2006-01-02T15:04:05")
	if us := t.Nanosecond() / 1000; us != 0 {
		s += fmt.Sprintf(".%06d", us)
	}
	return s + "+00:00"
}

var policyFields = map[string]bool{"PolicyDocument": true, "AssumeRolePolicyDocument": true, "Document": true}

func toCLI(v reflect.Value, field string, decodePolicies bool) any {
	switch v.Kind() {
	case reflect.Pointer, reflect.Interface:
		if v.IsNil() {
			return nil
		}
		return toCLI(v.Elem(), field, decodePolicies)
	case reflect.Slice:
		if v.IsNil() {
			return nil
		}
		if v.Type().Elem().Kind() == reflect.Uint8 {
			return base64.StdEncoding.EncodeToString(v.Bytes())
		}
		out := make([]any, 0, v.Len())
		for i := 0; i < v.Len(); i++ {
			out = append(out, toCLI(v.Index(i), "", decodePolicies))
		}
		return out
	case reflect.Map:
		if v.IsNil() {
			return nil
		}
		out := map[string]any{}
		iter := v.MapRange()
		for iter.Next() {
			out[fmt.Sprint(iter.Key().Interface())] = toCLI(iter.Value(), "", decodePolicies)
		}
		return out
	case reflect.Struct:
		if t, ok := v.Interface().(time.Time); ok {
			return cliTime(t)
		}
		var out ordered
		typ := v.Type()
		for i := 0; i < v.NumField(); i++ {
			f := typ.Field(i)
			if !f.IsExported() || f.Name == "ResultMetadata" {
				continue
			}
			fv := v.Field(i)
			// A non-pointer enum left empty was absent from the answer.
			if fv.Kind() == reflect.String && fv.String() == "" {
				continue
			}
			val := toCLI(fv, f.Name, decodePolicies)
			if val == nil {
				continue
			}
			name := f.Name
			if n, ok := fieldNames[typ.Name()+"."+f.Name]; ok {
				name = n
			}
			out = append(out, kv{name, val})
		}
		return out
	case reflect.String:
		s := v.String()
		if decodePolicies && policyFields[field] {
			if dec, err := url.PathUnescape(s); err == nil && json.Valid([]byte(dec)) && strings.HasPrefix(strings.TrimSpace(dec), "{") {
				return json.RawMessage(compact(dec))
			}
		}
		return s
	case reflect.Bool:
		return v.Bool()
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return v.Int()
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return v.Uint()
	case reflect.Float32, reflect.Float64:
		return v.Float()
	}
	return nil
}

func compact(s string) []byte {
	var b bytes.Buffer
	if err := json.Compact(&b, []byte(s)); err != nil {
		return []byte(s)
	}
	return b.Bytes()
}
