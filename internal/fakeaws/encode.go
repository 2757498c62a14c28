package fakeaws

import (
	"encoding/base64"
	"encoding/json"
	"math/big"
	"reflect"
	"strconv"
	"strings"
	"time"

	smithy "github.com/aws/smithy-go"
	"github.com/aws/smithy-go/document"
	smithytime "github.com/aws/smithy-go/time"
	"github.com/aws/smithy-go/traits"
)

// The SDK clients of IAM, STS, RDS, KMS and GuardDuty carry runtime schemas
// (Serialize/Deserialize methods on every shape). The fake encodes answers
// through those schemas, so wire names come from the model, not from us.

// xmlSer is a smithy.ShapeSerializer writing the awsQuery XML dialect
// (the body inside <OpResult>).
type xmlSer struct {
	b     strings.Builder
	stack []xmlFrame
}

type xmlFrame struct {
	kind     smithy.ShapeType // Structure, List or Map
	name     string           // element to close ("" for the root or a flattened list)
	item     string           // element name of list items
	keyName  string           // map entry key element
	valName  string           // map entry value element
	rootless bool
}

func directXMLName(s *smithy.Schema) (string, bool) {
	if t, ok := smithy.SchemaDirectTrait[*traits.XMLName](s); ok {
		return t.Name, true
	}
	return "", false
}

// elemName is the element name of a value written with schema s in the
// current container.
func (x *xmlSer) elemName(s *smithy.Schema) string {
	if len(x.stack) > 0 {
		top := x.stack[len(x.stack)-1]
		switch top.kind {
		case smithy.ShapeTypeList:
			return top.item
		case smithy.ShapeTypeMap:
			return top.valName
		}
	}
	if n, ok := directXMLName(s); ok {
		return n
	}
	return s.MemberName()
}

// afterValue closes a map entry once its value is written.
func (x *xmlSer) afterValue() {
	if len(x.stack) > 0 && x.stack[len(x.stack)-1].kind == smithy.ShapeTypeMap {
		x.b.WriteString("</entry>")
	}
}

func (x *xmlSer) scalar(s *smithy.Schema, text string) {
	n := x.elemName(s)
	x.b.WriteString("<" + n + ">" + xmlEscape(text) + "</" + n + ">")
	x.afterValue()
}

func (x *xmlSer) Bytes() []byte                      { return []byte(x.b.String()) }
func (x *xmlSer) WriteInt8(s *smithy.Schema, v int8) { x.scalar(s, strconv.FormatInt(int64(v), 10)) }
func (x *xmlSer) WriteInt16(s *smithy.Schema, v int16) {
	x.scalar(s, strconv.FormatInt(int64(v), 10))
}
func (x *xmlSer) WriteInt32(s *smithy.Schema, v int32) {
	x.scalar(s, strconv.FormatInt(int64(v), 10))
}
func (x *xmlSer) WriteInt64(s *smithy.Schema, v int64) { x.scalar(s, strconv.FormatInt(v, 10)) }
func (x *xmlSer) WriteFloat32(s *smithy.Schema, v float32) {
	x.scalar(s, strconv.FormatFloat(float64(v), 'f', -1, 32))
}
func (x *xmlSer) WriteFloat64(s *smithy.Schema, v float64) {
	x.scalar(s, strconv.FormatFloat(v, 'f', -1, 64))
}
func (x *xmlSer) WriteBool(s *smithy.Schema, v bool)     { x.scalar(s, strconv.FormatBool(v)) }
func (x *xmlSer) WriteString(s *smithy.Schema, v string) { x.scalar(s, v) }
func (x *xmlSer) WriteBigInt(s *smithy.Schema, v *big.Int) {
	x.scalar(s, v.String())
}
func (x *xmlSer) WriteBigFloat(s *smithy.Schema, v *big.Float) { x.scalar(s, v.String()) }
func (x *xmlSer) WriteBlob(s *smithy.Schema, v []byte) {
	x.scalar(s, base64.StdEncoding.EncodeToString(v))
}
func (x *xmlSer) WriteTime(s *smithy.Schema, v time.Time) {
	x.scalar(s, smithytime.FormatDateTime(v))
}
func (x *xmlSer) WriteUnion(schema, variant *smithy.Schema)    { x.WriteStruct(schema) }
func (x *xmlSer) CloseUnion()                                  { x.CloseStruct() }
func (x *xmlSer) WriteDocument(*smithy.Schema, document.Value) {}
func (x *xmlSer) WriteNil(*smithy.Schema)                      {}

func (x *xmlSer) WriteStruct(s *smithy.Schema) {
	if len(x.stack) == 0 {
		x.stack = append(x.stack, xmlFrame{kind: smithy.ShapeTypeStructure, rootless: true})
		return
	}
	n := x.elemName(s)
	x.b.WriteString("<" + n + ">")
	x.stack = append(x.stack, xmlFrame{kind: smithy.ShapeTypeStructure, name: n})
}

func (x *xmlSer) pop() xmlFrame {
	f := x.stack[len(x.stack)-1]
	x.stack = x.stack[:len(x.stack)-1]
	return f
}

func (x *xmlSer) CloseStruct() {
	f := x.pop()
	if f.rootless {
		return
	}
	x.b.WriteString("</" + f.name + ">")
	x.afterValue()
}

func (x *xmlSer) WriteList(s *smithy.Schema) {
	n := x.elemName(s)
	item := "member"
	if lm := s.ListMember(); lm != nil {
		if in, ok := directXMLName(lm); ok {
			item = in
		} else if t, ok := smithy.SchemaTrait[*traits.XMLName](lm); ok {
			item = t.Name
		}
	}
	if _, flat := smithy.SchemaTrait[*traits.XMLFlattened](s); flat {
		x.stack = append(x.stack, xmlFrame{kind: smithy.ShapeTypeList, item: n})
		return
	}
	x.b.WriteString("<" + n + ">")
	x.stack = append(x.stack, xmlFrame{kind: smithy.ShapeTypeList, name: n, item: item})
}

func (x *xmlSer) CloseList() {
	f := x.pop()
	if f.name != "" {
		x.b.WriteString("</" + f.name + ">")
	}
	x.afterValue()
}

func (x *xmlSer) WriteMap(s *smithy.Schema) {
	n := x.elemName(s)
	f := xmlFrame{kind: smithy.ShapeTypeMap, name: n, keyName: "key", valName: "value"}
	if k, ok := directXMLName(s.MapKey()); ok {
		f.keyName = k
	}
	if v, ok := directXMLName(s.MapValue()); ok {
		f.valName = v
	}
	x.b.WriteString("<" + n + ">")
	x.stack = append(x.stack, f)
}

func (x *xmlSer) WriteKey(_ *smithy.Schema, k string) {
	f := x.stack[len(x.stack)-1]
	x.b.WriteString("<entry><" + f.keyName + ">" + xmlEscape(k) + "</" + f.keyName + ">")
}

func (x *xmlSer) CloseMap() {
	f := x.pop()
	x.b.WriteString("</" + f.name + ">")
	x.afterValue()
}

// jsonSer is a smithy.ShapeSerializer building the JSON body of awsJson1.1
// (member names) or restJson1 (jsonName traits) answers. Timestamps are
// epoch seconds, as both protocols send them by default.
type jsonSer struct {
	useJSONName bool
	root        any
	stack       []any // map[string]any or *[]any
	key         string
	hasKey      bool
}

func (j *jsonSer) name(s *smithy.Schema) string {
	if j.useJSONName {
		if t, ok := smithy.SchemaTrait[*traits.JSONName](s); ok {
			return t.Name
		}
	}
	return s.MemberName()
}

func (j *jsonSer) attach(s *smithy.Schema, v any) {
	if len(j.stack) == 0 {
		j.root = v
		return
	}
	switch c := j.stack[len(j.stack)-1].(type) {
	case *[]any:
		*c = append(*c, v)
	case jsonMap:
		c.m[j.key] = v
	case map[string]any:
		c[j.name(s)] = v
	}
}

// jsonMap marks a smithy map (keys from WriteKey) apart from a structure.
type jsonMap struct{ m map[string]any }

func (j *jsonSer) Bytes() []byte {
	b, _ := json.Marshal(j.root)
	return b
}
func (j *jsonSer) WriteInt8(s *smithy.Schema, v int8)       { j.attach(s, v) }
func (j *jsonSer) WriteInt16(s *smithy.Schema, v int16)     { j.attach(s, v) }
func (j *jsonSer) WriteInt32(s *smithy.Schema, v int32)     { j.attach(s, v) }
func (j *jsonSer) WriteInt64(s *smithy.Schema, v int64)     { j.attach(s, v) }
func (j *jsonSer) WriteFloat32(s *smithy.Schema, v float32) { j.attach(s, v) }
func (j *jsonSer) WriteFloat64(s *smithy.Schema, v float64) { j.attach(s, v) }
func (j *jsonSer) WriteBool(s *smithy.Schema, v bool)       { j.attach(s, v) }
func (j *jsonSer) WriteString(s *smithy.Schema, v string)   { j.attach(s, v) }
func (j *jsonSer) WriteBigInt(s *smithy.Schema, v *big.Int) { j.attach(s, json.Number(v.String())) }
func (j *jsonSer) WriteBigFloat(s *smithy.Schema, v *big.Float) {
	j.attach(s, json.Number(v.String()))
}
func (j *jsonSer) WriteBlob(s *smithy.Schema, v []byte) {
	j.attach(s, base64.StdEncoding.EncodeToString(v))
}
func (j *jsonSer) WriteTime(s *smithy.Schema, v time.Time) {
	if t, ok := smithy.SchemaTrait[*traits.TimestampFormat](s); ok && t.Format == "date-time" {
		j.attach(s, smithytime.FormatDateTime(v))
		return
	}
	j.attach(s, json.Number(strconv.FormatFloat(smithytime.FormatEpochSeconds(v), 'f', -1, 64)))
}
func (j *jsonSer) WriteUnion(schema, variant *smithy.Schema)    { j.WriteStruct(schema) }
func (j *jsonSer) CloseUnion()                                  { j.CloseStruct() }
func (j *jsonSer) WriteDocument(*smithy.Schema, document.Value) {}
func (j *jsonSer) WriteNil(*smithy.Schema)                      {}
func (j *jsonSer) WriteStruct(s *smithy.Schema) {
	m := map[string]any{}
	j.attach(s, m)
	j.stack = append(j.stack, m)
}
func (j *jsonSer) CloseStruct() { j.stack = j.stack[:len(j.stack)-1] }
func (j *jsonSer) WriteList(s *smithy.Schema) {
	l := &[]any{}
	j.attach(s, l)
	j.stack = append(j.stack, l)
}
func (j *jsonSer) CloseList() { j.stack = j.stack[:len(j.stack)-1] }
func (j *jsonSer) WriteMap(s *smithy.Schema) {
	m := jsonMap{m: map[string]any{}}
	j.attach(s, m.m)
	j.stack = append(j.stack, m)
}
func (j *jsonSer) WriteKey(_ *smithy.Schema, k string) { j.key = k }
func (j *jsonSer) CloseMap()                           { j.stack = j.stack[:len(j.stack)-1] }

// encodeEC2 writes v (an EC2 output or shape) in EC2's XML dialect, with the
// element names of names_gen.go: lowerCamel names, <item> list elements.
func encodeEC2(b *strings.Builder, v reflect.Value) {
	for v.Kind() == reflect.Pointer {
		if v.IsNil() {
			return
		}
		v = v.Elem()
	}
	names := ec2Names[v.Type().Name()]
	for i := 0; i < v.NumField(); i++ {
		f := v.Type().Field(i)
		name, ok := names[f.Name]
		if !ok {
			continue
		}
		encodeEC2Value(b, name, v.Field(i))
	}
}

func encodeEC2Value(b *strings.Builder, name string, fv reflect.Value) {
	switch fv.Kind() {
	case reflect.Pointer:
		if fv.IsNil() {
			return
		}
		encodeEC2Value(b, name, fv.Elem())
		return
	case reflect.Slice:
		if fv.IsNil() {
			return
		}
		b.WriteString("<" + name + ">")
		for i := 0; i < fv.Len(); i++ {
			encodeEC2Value(b, "item", fv.Index(i))
		}
		b.WriteString("</" + name + ">")
		return
	case reflect.Struct:
		if t, ok := fv.Interface().(time.Time); ok {
			b.WriteString("<" + name + ">" + smithytime.FormatDateTime(t) + "</" + name + ">")
			return
		}
		b.WriteString("<" + name + ">")
		encodeEC2(b, fv)
		b.WriteString("</" + name + ">")
		return
	}
	b.WriteString("<" + name + ">" + xmlEscape(scalarText(fv)) + "</" + name + ">")
}

func scalarText(v reflect.Value) string {
	switch v.Kind() {
	case reflect.Bool:
		return strconv.FormatBool(v.Bool())
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return strconv.FormatInt(v.Int(), 10)
	case reflect.Float32, reflect.Float64:
		return strconv.FormatFloat(v.Float(), 'f', -1, 64)
	}
	return v.String()
}

// encodeCloudTrail builds the JSON 1.1 body of a CloudTrail answer (the
// CloudTrail client has no runtime schema): member names, with the
// exceptions of names_gen.go, and epoch-second timestamps.
func encodeCloudTrail(v reflect.Value) any {
	switch v.Kind() {
	case reflect.Pointer, reflect.Interface:
		if v.IsNil() {
			return nil
		}
		return encodeCloudTrail(v.Elem())
	case reflect.Slice:
		if v.IsNil() {
			return nil
		}
		out := []any{}
		for i := 0; i < v.Len(); i++ {
			out = append(out, encodeCloudTrail(v.Index(i)))
		}
		return out
	case reflect.Map:
		out := map[string]any{}
		for _, k := range v.MapKeys() {
			out[k.String()] = encodeCloudTrail(v.MapIndex(k))
		}
		return out
	case reflect.Struct:
		if t, ok := v.Interface().(time.Time); ok {
			return json.Number(strconv.FormatFloat(smithytime.FormatEpochSeconds(t), 'f', -1, 64))
		}
		out := map[string]any{}
		names := cloudTrailNames[v.Type().Name()]
		for i := 0; i < v.NumField(); i++ {
			f := v.Type().Field(i)
			if !f.IsExported() || f.Name == "ResultMetadata" {
				continue
			}
			val := encodeCloudTrail(v.Field(i))
			if val == nil {
				continue
			}
			n := f.Name
			if alt, ok := names[f.Name]; ok {
				n = alt
			}
			out[n] = val
		}
		return out
	case reflect.String:
		return v.String()
	case reflect.Bool:
		return v.Bool()
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return v.Int()
	case reflect.Float32, reflect.Float64:
		return v.Float()
	}
	return nil
}

var xmlEscaper = strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;", `"`, "&quot;", "'", "&apos;", "\r", "&#xD;", "\n", "&#xA;")

func xmlEscape(s string) string { return xmlEscaper.Replace(s) }
