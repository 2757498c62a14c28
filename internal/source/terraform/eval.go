package terraform

import (
	"fmt"
	"math/big"
	"path/filepath"
	"sort"
	"strings"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/zclconf/go-cty/cty"
	"github.com/zclconf/go-cty/cty/convert"
	"github.com/zclconf/go-cty/cty/function"

	"github.com/cloudward/cloudward/internal/model"
)

// refMark marks a value that is, or came from, the id or ARN of a resource
// instance: companions (aws_s3_bucket_policy, aws_security_group_rule ...)
// find their parent by it even though the id itself is unknown before apply.
type refMark struct{ addr string }

func remark(v cty.Value, addrs []string) cty.Value {
	for _, a := range addrs {
		v = v.Mark(refMark{a})
	}
	return v
}

// unmark strips marks, returning the referenced addresses.
func unmark(v cty.Value) (cty.Value, []string) {
	if !v.ContainsMarked() {
		return v, nil
	}
	u, pvm := v.UnmarkDeepWithPaths()
	var addrs []string
	seen := map[string]bool{}
	for _, pm := range pvm {
		for m := range pm.Marks {
			if r, ok := m.(refMark); ok && !seen[r.addr] {
				seen[r.addr] = true
				addrs = append(addrs, r.addr)
			}
		}
	}
	sort.Strings(addrs)
	return u, addrs
}

// Limits that keep hostile or broken configurations from hanging the scan.
const (
	maxModuleDepth = 10 // nested module calls
	// DefaultMaxInstances bounds the instances of one resource or module
	// (count/for_each) and the blocks of one dynamic block.
	DefaultMaxInstances = 10000
)

// instance is one evaluated resource instance.
type instance struct {
	typ, name string
	addr      string // full address: module.a.aws_s3_bucket.b["x"]
	module    string // module instance path of the scope ("" for the root)
	decl      hcl.Range
	calls     []model.Source
	body      *obj
	key       string // root + address: what refMarks name
	root      string
	region    string // the provider's region, "" when unknown
}

// scope evaluates one module instance.
type scope struct {
	l     *loader
	mod   *module
	path  string // module instance address, "" for the root
	calls []model.Source
	chain []string // module folders from the root, for recursion detection
	root  string   // root module folder (path.root)
	// rootKey names the root in marks: addresses are unique only per root.
	rootKey string
	// modKey is the call path in .terraform/modules/modules.json: a.b
	modKey string
	// region is the aws provider's region, "" when unknown; modules
	// inherit it.
	region string

	vars    map[string]cty.Value
	locals  map[string]cty.Value
	res     map[string]cty.Value // "type.name" -> value seen by references
	lazy    map[string]func() cty.Value
	mods    map[string]cty.Value
	data    map[string]cty.Value // locally evaluated data sources, "type.name"
	reasons map[string]string    // unknown reasons by reference prefix
	state   map[string]int8      // 1 evaluating, 2 done
	funcs   map[string]function.Function
	outputs map[string]cty.Value
}

func (s *scope) prefix() string {
	if s.path == "" {
		return ""
	}
	return s.path + "."
}

// run evaluates every local, resource and module call of the module, in
// dependency order, then its outputs.
func (s *scope) run() {
	s.locals = map[string]cty.Value{}
	s.res = map[string]cty.Value{}
	s.lazy = map[string]func() cty.Value{}
	s.mods = map[string]cty.Value{}
	s.data = map[string]cty.Value{}
	s.state = map[string]int8{}
	s.outputs = map[string]cty.Value{}
	if s.reasons == nil {
		s.reasons = map[string]string{}
	}
	if r := s.mod.region; r != nil && s.path == "" {
		s.depsOf(r.Variables())
		if a := s.evalAttr(r, s.ctxFor(r.Variables(), nil), r.Range()); a.reason == "" && a.v.Type() == cty.String && !a.v.IsNull() {
			s.region = a.v.AsString()
		}
	}
	var keys []string
	for n := range s.mod.locals {
		keys = append(keys, "local."+n)
	}
	for n := range s.mod.calls {
		keys = append(keys, "module."+n)
	}
	keys = append(keys, s.mod.order...)
	sort.Strings(keys)
	for _, k := range keys {
		s.node(k)
	}
	names := make([]string, 0, len(s.mod.outputs))
	for n := range s.mod.outputs {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		a := s.mod.outputs[n]
		s.depsOf(a.Expr.Variables())
		v := s.evalAttr(a.Expr, s.ctxFor(a.Expr.Variables(), nil), a.Range)
		s.outputs[n] = remark(v.v, v.marks)
		if v.reason != "" {
			s.reasons["output."+n] = v.reason
		}
	}
}

// node evaluates one graph node (local, resource, module call) after its
// dependencies. A node met again while it is being evaluated is a
// reference cycle: it stays unknown, and the cycle is reported.
func (s *scope) node(key string) {
	switch s.state[key] {
	case 2:
		return
	case 1:
		s.reasons[key] = "reference cycle through " + key
		s.l.warn(s.mod.dir, 0, 0, fmt.Sprintf("%sreference cycle through %s: its value is unknown", s.prefix(), key))
		return
	}
	s.state[key] = 1
	defer func() { s.state[key] = 2 }()
	switch {
	case strings.HasPrefix(key, "local."):
		a := s.mod.locals[key[len("local."):]]
		s.depsOf(a.Expr.Variables())
		v := s.evalAttr(a.Expr, s.ctxFor(a.Expr.Variables(), nil), a.Range)
		if s.state[key] == 1 && s.reasons[key] == "" && v.reason != "" {
			s.reasons[key] = v.reason
		}
		s.locals[key[len("local."):]] = remark(v.v, v.marks)
	case strings.HasPrefix(key, "module."):
		s.callModule(s.mod.calls[key[len("module."):]])
	case strings.HasPrefix(key, "data."):
		s.dataSource(key[len("data."):])
	default:
		s.resource(s.mod.resources[key])
	}
}

// depsOf evaluates the nodes that traversals refer to.
func (s *scope) depsOf(travs []hcl.Traversal) {
	for _, t := range travs {
		if k := s.nodeKey(t); k != "" {
			s.node(k)
		}
	}
}

// nodeKey maps a reference to the node that produces it, or "".
func (s *scope) nodeKey(t hcl.Traversal) string {
	root := t.RootName()
	name := ""
	if len(t) > 1 {
		if a, ok := t[1].(hcl.TraverseAttr); ok {
			name = a.Name
		}
	}
	if name == "" {
		return ""
	}
	switch root {
	case "local":
		if _, ok := s.mod.locals[name]; ok {
			return "local." + name
		}
	case "module":
		if _, ok := s.mod.calls[name]; ok {
			return "module." + name
		}
	case "data":
		if len(t) > 2 && localData[name] {
			if a, ok := t[2].(hcl.TraverseAttr); ok {
				if _, ok := s.mod.data[name+"."+a.Name]; ok {
					return "data." + name + "." + a.Name
				}
			}
		}
	default:
		if _, ok := s.mod.resources[root+"."+name]; ok {
			return root + "." + name
		}
	}
	return ""
}

// ctxFor builds an evaluation context holding just what travs refer to:
// building it per expression keeps a 20,000-resource module linear.
func (s *scope) ctxFor(travs []hcl.Traversal, extra map[string]cty.Value) *hcl.EvalContext {
	vars := map[string]cty.Value{}
	pick := map[string]map[string]cty.Value{}
	add := func(root, name string, v cty.Value) {
		if pick[root] == nil {
			pick[root] = map[string]cty.Value{}
		}
		pick[root][name] = v
	}
	dataTypes := map[string]map[string]cty.Value{}
	for _, t := range travs {
		root := t.RootName()
		name := ""
		if len(t) > 1 {
			if a, ok := t[1].(hcl.TraverseAttr); ok {
				name = a.Name
			}
		}
		switch root {
		case "var":
			if v, ok := s.vars[name]; ok {
				add("var", name, v)
			}
		case "local":
			if v, ok := s.locals[name]; ok {
				add("local", name, v)
			}
		case "module":
			if v, ok := s.mods[name]; ok {
				add("module", name, v)
			}
		case "data":
			if len(t) > 2 {
				if a, ok := t[2].(hcl.TraverseAttr); ok {
					if dataTypes[name] == nil {
						dataTypes[name] = map[string]cty.Value{}
					}
					v, ok := s.data[name+"."+a.Name]
					if !ok {
						v = cty.DynamicVal
					}
					dataTypes[name][a.Name] = v
				}
			}
		case "path":
			// As if Terraform ran in the root module's folder: path.root
			// is ".", path.module is relative to it.
			mod := "."
			if r, err := filepath.Rel(s.root, s.mod.dir); err == nil {
				mod = filepath.ToSlash(r)
			}
			cwd, _ := filepath.Abs(s.root)
			vars["path"] = cty.ObjectVal(map[string]cty.Value{
				"module": cty.StringVal(mod), "root": cty.StringVal("."), "cwd": cty.StringVal(filepath.ToSlash(cwd))})
		case "terraform":
			vars["terraform"] = cty.ObjectVal(map[string]cty.Value{"workspace": cty.StringVal(s.l.opts.workspace())})
		case "count", "each", "self":
		default:
			if v, ok := s.resValue(root + "." + name); ok {
				add(root, name, v)
			}
		}
	}
	for root, m := range pick {
		vars[root] = cty.ObjectVal(m)
	}
	if len(dataTypes) > 0 {
		d := map[string]cty.Value{}
		for t, m := range dataTypes {
			d[t] = cty.ObjectVal(m)
		}
		vars["data"] = cty.ObjectVal(d)
	}
	for k, v := range extra {
		vars[k] = v
	}
	return &hcl.EvalContext{Variables: vars, Functions: s.funcs}
}

// evalAttr evaluates one expression. An error or an unknown result gives
// an unknown value with the reason: the reference it waited for.
func (s *scope) evalAttr(expr hcl.Expression, ctx *hcl.EvalContext, rng hcl.Range) *attr {
	v, diags := safeValue(expr, ctx)
	a := &attr{rng: rng}
	if diags.HasErrors() {
		a.v = cty.DynamicVal
		a.reason = s.reasonOf(expr, ctx, diags)
		return a
	}
	a.v, a.marks = unmark(v)
	if !a.v.IsWhollyKnown() {
		a.reason = s.reasonOf(expr, ctx, nil)
		if len(a.marks) == 1 {
			a.ref = computedRef(expr)
		}
	}
	return a
}

// safeValue evaluates expr, turning a panic in a function into an error.
func safeValue(expr hcl.Expression, ctx *hcl.EvalContext) (v cty.Value, diags hcl.Diagnostics) {
	defer func() {
		if r := recover(); r != nil {
			v = cty.DynamicVal
			diags = hcl.Diagnostics{{Severity: hcl.DiagError, Summary: fmt.Sprintf("evaluation failure: %v", r)}}
		}
	}()
	return expr.Value(ctx)
}

// reasonOf explains why expr is unknown: the first reference whose value is
// unknown, with the reason recorded for it, or the evaluation error.
func (s *scope) reasonOf(expr hcl.Expression, ctx *hcl.EvalContext, diags hcl.Diagnostics) string {
	for _, t := range expr.Variables() {
		v, d := t.TraverseAbs(ctx)
		if !d.HasErrors() && v.IsWhollyKnown() {
			continue
		}
		return s.describe(t)
	}
	if diags.HasErrors() {
		d := diags[0]
		msg := d.Summary
		if d.Detail != "" {
			msg += ": " + d.Detail
		}
		if d.Subject != nil {
			return fmt.Sprintf("%s:%d: %s", s.l.rel(d.Subject.Filename), d.Subject.Start.Line, msg)
		}
		return msg
	}
	return "the value is known only after apply"
}

// describe names an unknown reference and why it is unknown.
func (s *scope) describe(t hcl.Traversal) string {
	str := traversalString(t)
	// The longest recorded prefix wins: local.x, aws_s3_bucket.b.bucket ...
	for p := str; p != ""; {
		if r, ok := s.reasons[p]; ok {
			return r
		}
		i := strings.LastIndexAny(p, ".[")
		if i <= 0 {
			break
		}
		p = p[:i]
	}
	switch t.RootName() {
	case "var":
		return str + " has no value"
	case "local":
		return str + " is not declared"
	case "data":
		return str + " is read from the provider (data source): known only at plan time"
	case "module":
		return str + " is unknown"
	case "count", "each":
		return str + " is unknown"
	}
	if _, ok := s.mod.resources[firstTwo(t)]; !ok {
		return str + " is not declared"
	}
	return str + " is known only after apply"
}

func firstTwo(t hcl.Traversal) string {
	if len(t) > 1 {
		if a, ok := t[1].(hcl.TraverseAttr); ok {
			return t.RootName() + "." + a.Name
		}
	}
	return t.RootName()
}

// traversalString renders a reference as written: aws_kms_key.main.arn.
func traversalString(t hcl.Traversal) string {
	var b strings.Builder
	for i, step := range t {
		switch st := step.(type) {
		case hcl.TraverseRoot:
			b.WriteString(st.Name)
		case hcl.TraverseAttr:
			b.WriteString("." + st.Name)
		case hcl.TraverseIndex:
			b.WriteString("[" + keyString(st.Key) + "]")
		case hcl.TraverseSplat:
			b.WriteString("[*]")
		default:
			if i == 0 {
				b.WriteString("?")
			}
		}
	}
	return b.String()
}

func keyString(k cty.Value) string {
	if !k.IsKnown() || k.IsNull() {
		return "?"
	}
	switch k.Type() {
	case cty.String:
		return fmt.Sprintf("%q", k.AsString())
	case cty.Number:
		return k.AsBigFloat().Text('f', -1)
	}
	return "?"
}

// expansion is how many instances a count/for_each block has.
type expansion struct {
	keys   []cty.Value // nil for a single instance
	values []cty.Value // each.value
	isMap  bool        // for_each (keys are strings) vs count (numbers)
	reason string      // set when the expansion is unknown
}

// expand evaluates count or for_each.
func (s *scope) expand(count, forEach hcl.Expression, what string) (expansion, bool) {
	switch {
	case count != nil:
		s.depsOf(count.Variables())
		a := s.evalAttr(count, s.ctxFor(count.Variables(), nil), count.Range())
		n, err := convert.Convert(a.v, cty.Number)
		if a.reason != "" || err != nil || n.IsNull() || !n.IsKnown() {
			return expansion{reason: orStr(a.reason, "count of "+what+" is not a number")}, false
		}
		bf := n.AsBigFloat()
		c, _ := bf.Int64()
		if c < 0 || !bf.IsInt() {
			return expansion{reason: "count of " + what + " is not a whole number"}, false
		}
		maxInstances := int64(s.l.maxInstances())
		if c > maxInstances {
			s.l.warn(s.mod.dir, count.Range().Start.Line, count.Range().Start.Column,
				fmt.Sprintf("%s: count %d is over the limit of %d instances; only the first %d are checked", what, c, maxInstances, maxInstances))
			c = maxInstances
		}
		e := expansion{keys: make([]cty.Value, 0, c)}
		for i := int64(0); i < c; i++ {
			e.keys = append(e.keys, cty.NumberVal(new(big.Float).SetInt64(i)))
		}
		return e, true
	case forEach != nil:
		s.depsOf(forEach.Variables())
		a := s.evalAttr(forEach, s.ctxFor(forEach.Variables(), nil), forEach.Range())
		// Only the keys must be known: values (ids of other resources)
		// may be unknown.
		v := a.v
		if v.IsNull() || !v.IsKnown() || !v.CanIterateElements() {
			return expansion{reason: orStr(a.reason, "for_each of "+what+" is not a map or set")}, false
		}
		e := expansion{isMap: true, keys: []cty.Value{}}
		for it := v.ElementIterator(); it.Next() && len(e.keys) < s.l.maxInstances(); {
			k, ev := it.Element()
			if v.Type().IsSetType() {
				k = ev
			}
			if !k.IsKnown() || k.IsNull() {
				return expansion{reason: "for_each of " + what + " has an unknown key"}, false
			}
			ks, err := convert.Convert(k, cty.String)
			if err != nil {
				return expansion{reason: "for_each of " + what + " has a key that is not a string"}, false
			}
			e.keys = append(e.keys, ks)
			e.values = append(e.values, ev)
		}
		return e, true
	}
	return expansion{}, true
}

func orStr(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

// instanceKey renders an instance key for an address: [0] or ["eu"].
func instanceKey(k cty.Value) string {
	return "[" + keyString(k) + "]"
}

// resource evaluates every instance of a resource block.
func (s *scope) resource(rb *resourceBlock) {
	key := rb.typ + "." + rb.name
	travs := bodyTraversals(rb.body)
	s.depsOf(travs)
	exp, ok := s.expand(rb.count, rb.forEach, s.prefix()+key)
	if !ok {
		// How many instances exist is unknown: none is checked, and the
		// scan says so rather than guessing.
		s.l.warn(rb.decl.Filename, rb.decl.Start.Line, rb.decl.Start.Column,
			fmt.Sprintf("%s%s is not checked: %s", s.prefix(), key, exp.reason))
		s.res[key] = cty.DynamicVal
		s.reasons[key] = exp.reason
		return
	}
	// The value references see is built on first use: most resources are
	// never referenced, and building it is a good part of evaluation.
	var insts []*instance
	one := func(extra map[string]cty.Value, suffix string) {
		addr := s.prefix() + key + suffix
		body := s.evalBody(rb.body, s.ctxFor(travs, extra), 0)
		inst := &instance{typ: rb.typ, name: rb.name, addr: addr, module: s.path, decl: rb.decl,
			calls: s.calls, body: body, key: s.rootKey + "\x00" + addr, root: s.rootKey, region: s.region}
		s.l.add(inst)
		insts = append(insts, inst)
		for n, a := range body.attrs {
			if a.reason != "" {
				s.reasons[key+"."+n] = a.reason
			}
		}
	}
	switch {
	case exp.keys == nil:
		one(nil, "")
		s.lazy[key] = func() cty.Value { return s.refValue(insts[0]) }
	case exp.isMap:
		for i, k := range exp.keys {
			each := cty.ObjectVal(map[string]cty.Value{"key": k, "value": exp.values[i]})
			one(map[string]cty.Value{"each": each}, instanceKey(k))
		}
		keys := exp.keys
		s.lazy[key] = func() cty.Value {
			m := make(map[string]cty.Value, len(keys))
			for i, k := range keys {
				m[k.AsString()] = s.refValue(insts[i])
			}
			return cty.ObjectVal(m)
		}
	default:
		for _, k := range exp.keys {
			one(map[string]cty.Value{"count": cty.ObjectVal(map[string]cty.Value{"index": k})}, instanceKey(k))
		}
		s.lazy[key] = func() cty.Value {
			list := make([]cty.Value, len(insts))
			for i, in := range insts {
				list[i] = s.refValue(in)
			}
			return cty.TupleVal(list)
		}
	}
}

// resValue returns the value of resource "type.name" as references see it.
func (s *scope) resValue(key string) (cty.Value, bool) {
	if v, ok := s.res[key]; ok {
		return v, true
	}
	if f, ok := s.lazy[key]; ok {
		v := f()
		s.res[key] = v
		delete(s.lazy, key)
		return v, true
	}
	return cty.NilVal, false
}

// refValue is what references to an instance see: its attributes, plus the
// provider-computed id and arn, unknown and marked with the instance.
func (s *scope) refValue(inst *instance) cty.Value {
	v := inst.body.value(nil)
	m := v.AsValueMap()
	if m == nil {
		m = map[string]cty.Value{}
	}
	mark := refMark{s.rootKey + "\x00" + inst.addr}
	id, arn := computedIdentity(inst)
	m["id"] = id.Mark(mark)
	m["arn"] = arn.Mark(mark)
	if inst.typ == "aws_sqs_queue" {
		m["url"] = id.Mark(mark) // a queue's id is its URL
	}
	for _, n := range []string{"name", "bucket"} {
		if _, ok := m[n]; !ok {
			m[n] = cty.UnknownVal(cty.String).Mark(mark)
		} else {
			m[n] = m[n].Mark(mark)
		}
	}
	return cty.ObjectVal(m)
}

// computedIdentity gives the id and ARN that Terraform knows before apply:
// an S3 bucket's id is its name and its ARN follows from it (partition aws
// assumed); everything else is known only after apply.
func computedIdentity(inst *instance) (id, arn cty.Value) {
	id, arn = cty.UnknownVal(cty.String), cty.UnknownVal(cty.String)
	if inst.typ == "aws_s3_bucket" {
		if a, ok := inst.body.attrs["bucket"]; ok && a.v.Type() == cty.String && a.v.IsKnown() && !a.v.IsNull() {
			id = a.v
			arn = cty.StringVal("arn:aws:s3:::" + a.v.AsString())
		}
	}
	if s, ok := placeholderARN(inst); ok {
		arn = cty.StringVal(s)
	}
	return id, arn
}

// iacAccount stands for the deploying account in ARNs built before apply
// (docs/iac.md): the account is not part of a configuration.
const iacAccount = "000000000000"

// placeholderARN is the ARN of a queue, topic or function whose name is
// set literally: arn:aws:SERVICE:REGION:000000000000:NAME. Policies that
// name the resource through .arn then stay known and match the resource
// (whose model ARN is the same string), so they can be judged before apply.
func placeholderARN(inst *instance) (string, bool) {
	var service, nameAttr, kind string
	switch inst.typ {
	case "aws_sqs_queue":
		service, nameAttr = "sqs", "name"
	case "aws_sns_topic":
		service, nameAttr = "sns", "name"
	case "aws_lambda_function":
		service, nameAttr, kind = "lambda", "function_name", "function:"
	default:
		return "", false
	}
	a, ok := inst.body.attrs[nameAttr]
	if !ok || a.v.Type() != cty.String || !a.v.IsKnown() || a.v.IsNull() {
		return "", false
	}
	return "arn:aws:" + service + ":" + inst.region + ":" + iacAccount + ":" + kind + a.v.AsString(), true
}

// computedRef returns the reference expr consists of when it is a single
// reference to a resource's id or arn, else "".
func computedRef(expr hcl.Expression) string {
	st, ok := expr.(*hclsyntax.ScopeTraversalExpr)
	if !ok {
		return ""
	}
	last, ok := st.Traversal[len(st.Traversal)-1].(hcl.TraverseAttr)
	if !ok || (last.Name != "id" && last.Name != "arn") {
		return ""
	}
	return traversalString(st.Traversal)
}
