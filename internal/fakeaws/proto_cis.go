package fakeaws

import (
	"encoding/json"
	"fmt"
	"math"
	"math/big"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	smithy "github.com/aws/smithy-go"
	"github.com/aws/smithy-go/document"
	"github.com/aws/smithy-go/encoding/cbor"
)

// Wire protocols of the services issue 4's cis group reads: CloudWatch
// (smithy RPCv2 CBOR), CloudWatch Logs and AWS Config (JSON 1.1), SNS
// (query/XML), Security Hub, Access Analyzer, EFS and Account (REST-JSON).

// jsonTargets are the X-Amz-Target prefixes of the JSON 1.1 services.
var cisJSONTargets = map[string]string{"logs": "Logs_20140328.", "config": "StarlingDoveService."}

// cisRESTRoutes map "METHOD path" to the operation of a REST-JSON service
// (by SigV4 signing name).
var cisRESTRoutes = map[string]map[string]string{
	"securityhub":       {"GET /accounts": "DescribeHub"},
	"access-analyzer":   {"GET /analyzer": "ListAnalyzers"},
	"elasticfilesystem": {"GET /2015-02-01/file-systems": "DescribeFileSystems"},
	"account":           {"POST /getAlternateContact": "GetAlternateContact"},
}

// decodeCIS finds the protocol and operation of a request to one of the
// cis group's services.
func (c *call) decodeCIS() error {
	switch c.service {
	case "sns":
		return c.decodeQuery()
	case "logs", "config":
		t, prefix := c.r.Header.Get("X-Amz-Target"), cisJSONTargets[c.service]
		if !strings.HasPrefix(t, prefix) {
			return fmt.Errorf("X-Amz-Target %q is not a %s operation", t, c.service)
		}
		c.action = strings.TrimPrefix(t, prefix)
		c.proto = protoJSON
	case "monitoring":
		const prefix = "/service/GraniteServiceVersion20100801/operation/"
		if !strings.EqualFold(c.r.Header.Get("Smithy-Protocol"), "rpc-v2-cbor") || c.r.Method != http.MethodPost ||
			!strings.HasPrefix(c.r.URL.Path, prefix) {
			return fmt.Errorf("not an RPCv2 CBOR CloudWatch request: %s %s", c.r.Method, c.r.URL.Path)
		}
		c.action = strings.TrimPrefix(c.r.URL.Path, prefix)
		c.proto = protoCBOR
		form, err := cborParams(c.body)
		if err != nil {
			return fmt.Errorf("CBOR body: %v", err)
		}
		c.r.Form = form
	default:
		op, ok := cisRESTRoutes[c.service][c.r.Method+" "+c.r.URL.Path]
		if !ok {
			return fmt.Errorf("unknown %s request %s %s", c.service, c.r.Method, c.r.URL.Path)
		}
		c.action = op
		c.proto = protoRESTJSON
	}
	return nil
}

// cborParams reads the top-level string members of an RPCv2 CBOR request
// (NextToken and the like); an empty body is an input without members.
func cborParams(body []byte) (url.Values, error) {
	form := url.Values{}
	if len(body) == 0 {
		return form, nil
	}
	v, err := cbor.Decode(body)
	if err != nil {
		return nil, err
	}
	m, ok := v.(cbor.Map)
	if !ok {
		return nil, fmt.Errorf("the body is not a CBOR map")
	}
	for k, e := range m {
		if s, ok := e.(cbor.String); ok {
			form.Set(k, string(s))
		}
	}
	return form, nil
}

// writeCBOR answers an RPCv2 CBOR call with out encoded through its schema.
func (s *Server) writeCBOR(c *call, out any) {
	ser := &cborSer{}
	out.(smithy.Serializable).Serialize(ser)
	root := ser.root
	if root == nil {
		root = cbor.Map{}
	}
	c.w.Header().Set("Smithy-Protocol", "rpc-v2-cbor")
	c.w.Header().Set("Content-Type", "application/cbor")
	c.w.WriteHeader(http.StatusOK)
	_, _ = c.w.Write(cbor.Encode(root))
}

// writeCBORError is an RPCv2 CBOR error answer: a map with __type and
// message. CloudWatch is query-compatible, so the query code travels in
// X-Amzn-Query-Error as well.
func writeCBORError(c *call, e Error) {
	if e.Code == "" {
		e.Code = "Throttling"
	}
	c.w.Header().Set("Smithy-Protocol", "rpc-v2-cbor")
	c.w.Header().Set("Content-Type", "application/cbor")
	c.w.Header().Set("X-Amzn-Query-Error", e.Code+";Sender")
	c.w.WriteHeader(e.Status)
	_, _ = c.w.Write(cbor.Encode(cbor.Map{"__type": cbor.String(e.Code), "message": cbor.String(e.Message)}))
}

// cborSer is a smithy.ShapeSerializer building a CBOR value tree: member
// names as keys, timestamps as tag 1 epoch seconds.
type cborSer struct {
	root  cbor.Value
	stack []cbor.Value // cbor.Map or *cbor.List
	key   string
	inMap []bool // per stack frame: a smithy map (keys from WriteKey)
}

func (x *cborSer) attach(s *smithy.Schema, v cbor.Value) {
	if len(x.stack) == 0 {
		x.root = v
		return
	}
	switch top := x.stack[len(x.stack)-1].(type) {
	case *cbor.List:
		*top = append(*top, v)
	case cbor.Map:
		if x.inMap[len(x.inMap)-1] {
			top[x.key] = v
		} else {
			top[s.MemberName()] = v
		}
	}
}

func cborInt(v int64) cbor.Value {
	if v < 0 {
		return cbor.NegInt(uint64(-(v + 1)))
	}
	return cbor.Uint(uint64(v))
}

func (x *cborSer) Bytes() []byte                            { return cbor.Encode(x.root) }
func (x *cborSer) WriteInt8(s *smithy.Schema, v int8)       { x.attach(s, cborInt(int64(v))) }
func (x *cborSer) WriteInt16(s *smithy.Schema, v int16)     { x.attach(s, cborInt(int64(v))) }
func (x *cborSer) WriteInt32(s *smithy.Schema, v int32)     { x.attach(s, cborInt(int64(v))) }
func (x *cborSer) WriteInt64(s *smithy.Schema, v int64)     { x.attach(s, cborInt(v)) }
func (x *cborSer) WriteFloat32(s *smithy.Schema, v float32) { x.attach(s, cbor.Float32(v)) }
func (x *cborSer) WriteFloat64(s *smithy.Schema, v float64) { x.attach(s, cbor.Float64(v)) }
func (x *cborSer) WriteBool(s *smithy.Schema, v bool)       { x.attach(s, cbor.Bool(v)) }
func (x *cborSer) WriteString(s *smithy.Schema, v string)   { x.attach(s, cbor.String(v)) }
func (x *cborSer) WriteBigInt(s *smithy.Schema, v *big.Int) {
	x.attach(s, cbor.String(v.String()))
}
func (x *cborSer) WriteBigFloat(s *smithy.Schema, v *big.Float) {
	x.attach(s, cbor.String(v.String()))
}
func (x *cborSer) WriteBlob(s *smithy.Schema, v []byte) { x.attach(s, cbor.Slice(v)) }
func (x *cborSer) WriteTime(s *smithy.Schema, v time.Time) {
	secs := float64(v.UnixNano()) / 1e9
	if v.Nanosecond() == 0 {
		x.attach(s, &cbor.Tag{ID: 1, Value: cborInt(v.Unix())})
		return
	}
	x.attach(s, &cbor.Tag{ID: 1, Value: cbor.Float64(math.Round(secs*1000) / 1000)})
}
func (x *cborSer) WriteUnion(schema, variant *smithy.Schema)    { x.WriteStruct(schema) }
func (x *cborSer) CloseUnion()                                  { x.CloseStruct() }
func (x *cborSer) WriteDocument(*smithy.Schema, document.Value) {}
func (x *cborSer) WriteNil(*smithy.Schema)                      {}
func (x *cborSer) push(v cbor.Value, isMap bool) {
	x.stack = append(x.stack, v)
	x.inMap = append(x.inMap, isMap)
}
func (x *cborSer) pop() {
	x.stack = x.stack[:len(x.stack)-1]
	x.inMap = x.inMap[:len(x.inMap)-1]
}
func (x *cborSer) WriteStruct(s *smithy.Schema) {
	m := cbor.Map{}
	x.attach(s, m)
	x.push(m, false)
}
func (x *cborSer) CloseStruct() { x.pop() }

// A list is attached when closed: appending may move the slice.
func (x *cborSer) WriteList(s *smithy.Schema) {
	l := &cbor.List{}
	x.attach(s, l)
	x.push(l, false)
}
func (x *cborSer) CloseList() { x.pop() }
func (x *cborSer) WriteMap(s *smithy.Schema) {
	m := cbor.Map{}
	x.attach(s, m)
	x.push(m, true)
}
func (x *cborSer) WriteKey(_ *smithy.Schema, k string) { x.key = k }
func (x *cborSer) CloseMap()                           { x.pop() }

// rawJSON answers a REST-JSON operation whose SDK client has no runtime
// schema (Security Hub, Access Analyzer, EFS, Account): for JSON protocols
// the CLI prints the wire's member names, so the snapshot's JSON is the
// answer, with timestamps in the wire's format.
type rawJSON struct {
	tree any
	// epoch converts CLI timestamps to epoch seconds (EFS); other
	// services send ISO 8601 strings, as the CLI prints them.
	epoch bool
}

func (r *rawJSON) UnmarshalJSON(b []byte) error {
	d := json.NewDecoder(strings.NewReader(string(b)))
	d.UseNumber()
	if err := d.Decode(&r.tree); err != nil {
		return err
	}
	if r.epoch {
		r.tree = epochTimes(r.tree)
	}
	return nil
}

// Serialize hands the tree to the fake's JSON serializer (the REST-JSON
// branch of handle).
func (r *rawJSON) Serialize(s smithy.ShapeSerializer) {
	if j, ok := s.(*jsonSer); ok {
		j.root = r.tree
	}
}

func epochTimes(v any) any {
	switch t := v.(type) {
	case map[string]any:
		for k, e := range t {
			t[k] = epochTimes(e)
		}
	case []any:
		for i, e := range t {
			t[i] = epochTimes(e)
		}
	case string:
		if ts, err := time.Parse(time.RFC3339Nano, t); err == nil && strings.Contains(t, "T") {
			return json.Number(strconv.FormatFloat(float64(ts.UnixNano())/1e9, 'f', -1, 64))
		}
	}
	return v
}
