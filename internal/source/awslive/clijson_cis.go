package awslive

import (
	"encoding/json"
	"math"
	"math/big"
	"reflect"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	smithy "github.com/aws/smithy-go"
	"github.com/aws/smithy-go/document"
)

// The CLI prints the model's member names. Go field names differ from them
// for services whose members are lowerCamel (CloudWatch Logs, AWS Config,
// Access Analyzer), so their outputs are rendered from the SDK's runtime
// schema (schemaCLI) or, for clients without one, with lowerCamel names
// (camelCLI).

// schemaCLI renders an SDK output through its runtime schema: member names
// as keys, CLI timestamps, and floats the way the CLI (Python) prints them
// (1.0, not 1).
type schemaCLI struct{ v smithy.Serializable }

func (s schemaCLI) MarshalCLI() []byte {
	ser := &cliSer{}
	s.v.Serialize(ser)
	return renderCLI(ser.root)
}

// renderCLI prints a tree the way cliJSON does; an object without members
// prints nothing.
func renderCLI(root any) []byte {
	if o, ok := root.(*ordered); !ok || o == nil || len(*o) == 0 {
		return nil
	}
	out, err := indentCLI(root)
	if err != nil {
		return []byte("{}\n")
	}
	return out
}

// cliSer is a smithy.ShapeSerializer building the CLI's JSON tree.
type cliSer struct {
	root  any
	stack []any // *ordered, *[]any or map[string]any
	key   string
}

func (x *cliSer) attach(s *smithy.Schema, v any) {
	if len(x.stack) == 0 {
		x.root = v
		return
	}
	switch top := x.stack[len(x.stack)-1].(type) {
	case *ordered:
		*top = append(*top, kv{s.MemberName(), v})
	case *[]any:
		*top = append(*top, v)
	case map[string]any:
		top[x.key] = v
	}
}

// cliFloat is a float as Python's repr prints it.
func cliFloat(f float64) json.Number {
	if math.IsInf(f, 0) || math.IsNaN(f) {
		return json.Number("0")
	}
	s := strconv.FormatFloat(f, 'f', -1, 64)
	if f == math.Trunc(f) && math.Abs(f) < 1e16 {
		return json.Number(s + ".0")
	}
	if math.Abs(f) < 1e-4 || math.Abs(f) >= 1e16 {
		s = strconv.FormatFloat(f, 'e', -1, 64)
	}
	return json.Number(s)
}

func (x *cliSer) Bytes() []byte                            { return renderCLI(x.root) }
func (x *cliSer) WriteInt8(s *smithy.Schema, v int8)       { x.attach(s, int64(v)) }
func (x *cliSer) WriteInt16(s *smithy.Schema, v int16)     { x.attach(s, int64(v)) }
func (x *cliSer) WriteInt32(s *smithy.Schema, v int32)     { x.attach(s, int64(v)) }
func (x *cliSer) WriteInt64(s *smithy.Schema, v int64)     { x.attach(s, v) }
func (x *cliSer) WriteFloat32(s *smithy.Schema, v float32) { x.attach(s, cliFloat(float64(v))) }
func (x *cliSer) WriteFloat64(s *smithy.Schema, v float64) { x.attach(s, cliFloat(v)) }
func (x *cliSer) WriteBool(s *smithy.Schema, v bool)       { x.attach(s, v) }
func (x *cliSer) WriteString(s *smithy.Schema, v string)   { x.attach(s, v) }
func (x *cliSer) WriteBigInt(s *smithy.Schema, v *big.Int) {
	x.attach(s, json.Number(v.String()))
}
func (x *cliSer) WriteBigFloat(s *smithy.Schema, v *big.Float) {
	x.attach(s, json.Number(v.Text('g', -1)))
}
func (x *cliSer) WriteBlob(s *smithy.Schema, v []byte) { x.attach(s, v) } // encoding/json: base64
func (x *cliSer) WriteTime(s *smithy.Schema, v time.Time) {
	x.attach(s, cliTime(v))
}
func (x *cliSer) WriteUnion(schema, variant *smithy.Schema)    { x.WriteStruct(schema) }
func (x *cliSer) CloseUnion()                                  { x.CloseStruct() }
func (x *cliSer) WriteDocument(*smithy.Schema, document.Value) {}
func (x *cliSer) WriteNil(*smithy.Schema)                      {}
func (x *cliSer) WriteStruct(s *smithy.Schema) {
	o := &ordered{}
	x.attach(s, o)
	x.stack = append(x.stack, o)
}
func (x *cliSer) CloseStruct() { x.stack = x.stack[:len(x.stack)-1] }
func (x *cliSer) WriteList(s *smithy.Schema) {
	l := &[]any{}
	x.attach(s, l)
	x.stack = append(x.stack, l)
}
func (x *cliSer) CloseList() { x.stack = x.stack[:len(x.stack)-1] }
func (x *cliSer) WriteMap(s *smithy.Schema) {
	m := map[string]any{}
	x.attach(s, m)
	x.stack = append(x.stack, m)
}
func (x *cliSer) WriteKey(_ *smithy.Schema, k string) { x.key = k }
func (x *cliSer) CloseMap()                           { x.stack = x.stack[:len(x.stack)-1] }

// camelCLI renders an SDK output of a lowerCamel service whose client has
// no runtime schema (Access Analyzer): Go field names with a lower-case
// first letter, a union member as {"variant": value}.
type camelCLI struct{ v any }

func (c camelCLI) MarshalCLI() []byte {
	root := camelTree(reflect.ValueOf(c.v))
	o, ok := root.(ordered)
	if !ok {
		return nil
	}
	return renderCLI(&o)
}

func lowerFirst(s string) string {
	r, n := utf8.DecodeRuneInString(s)
	return string(unicode.ToLower(r)) + s[n:]
}

func camelTree(v reflect.Value) any {
	switch v.Kind() {
	case reflect.Pointer, reflect.Interface:
		if v.IsNil() {
			return nil
		}
		return camelTree(v.Elem())
	case reflect.Slice:
		if v.IsNil() {
			return nil
		}
		if v.Type().Elem().Kind() == reflect.Uint8 {
			return v.Bytes()
		}
		out := make([]any, 0, v.Len())
		for i := 0; i < v.Len(); i++ {
			out = append(out, camelTree(v.Index(i)))
		}
		return out
	case reflect.Map:
		if v.IsNil() {
			return nil
		}
		out := map[string]any{}
		iter := v.MapRange()
		for iter.Next() {
			out[iter.Key().String()] = camelTree(iter.Value())
		}
		return out
	case reflect.Struct:
		if t, ok := v.Interface().(time.Time); ok {
			return cliTime(t)
		}
		typ := v.Type()
		// A union variant (XxxMemberYyy{Value}) prints as {"yyy": value}.
		if i := strings.Index(typ.Name(), "Member"); i > 0 {
			if f, ok := typ.FieldByName("Value"); ok {
				return ordered{{lowerFirst(typ.Name()[i+len("Member"):]), camelTree(v.FieldByIndex(f.Index))}}
			}
		}
		out := ordered{}
		for i := 0; i < v.NumField(); i++ {
			f := typ.Field(i)
			if !f.IsExported() || f.Name == "ResultMetadata" {
				continue
			}
			fv := v.Field(i)
			if fv.Kind() == reflect.String && fv.String() == "" {
				continue
			}
			val := camelTree(fv)
			if val == nil {
				continue
			}
			out = append(out, kv{lowerFirst(f.Name), val})
		}
		return out
	case reflect.String:
		return v.String()
	case reflect.Bool:
		return v.Bool()
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return v.Int()
	case reflect.Float32, reflect.Float64:
		return cliFloat(v.Float())
	}
	return nil
}
