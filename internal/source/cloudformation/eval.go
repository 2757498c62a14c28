package cloudformation

import (
	"encoding/base64"
	"fmt"
	"net/netip"
	"sort"
	"strconv"
	"strings"

	"gopkg.in/yaml.v3"
)

const (
	// maxDepth bounds nesting of intrinsic functions (and YAML aliases).
	maxDepth = 64
	// maxSteps bounds the work of one template's evaluation: alias bombs
	// and pathological nesting give unknown values and a warning, not a hang.
	maxSteps = 2_000_000
)

// template is one parsed template with its evaluation state.
type template struct {
	file      string
	root      *yaml.Node
	opts      Options
	params    map[string]*param
	mappings  *yaml.Node
	conds     map[string]*yaml.Node
	condState map[string]int8 // 0 unvisited, 1 evaluating, 2 done
	condVal   map[string]*val
	resources map[string]*resource
	order     []string // logical IDs in template order
	sam       bool
	steps     int
	warns     []Warning
	warned    map[string]bool
}

type param struct {
	name    string
	typ     string
	noEcho  bool
	value   *val // nil: no default and no override
	line    int
	col     int
	allowed []string
}

type resource struct {
	id        string
	typ       string
	node      *yaml.Node // the resource mapping
	keyLine   int
	endLine   int
	props     *yaml.Node
	condition string
	// evaluated properties (lazily, once) and physical name
	evaluated *val
	evalState int8
	nameState int8
	name      *val
}

func (t *template) warn(line, col int, format string, args ...any) {
	w := Warning{File: t.file, Line: line, Col: col, Msg: fmt.Sprintf(format, args...)}
	key := w.String()
	if t.warned[key] {
		return
	}
	if t.warned == nil {
		t.warned = map[string]bool{}
	}
	t.warned[key] = true
	t.warns = append(t.warns, w)
}

// eval evaluates a node, resolving intrinsic functions.
func (t *template) eval(n *yaml.Node, depth int) *val {
	t.steps++
	if n == nil {
		return &val{kind: kNull}
	}
	if t.steps > maxSteps {
		if t.steps == maxSteps+1 {
			t.warn(n.Line, n.Column, "template evaluation stopped after %d steps (alias bomb or pathological nesting); remaining values are unknown", maxSteps)
		}
		return unknown("template too expensive to evaluate", n.Line, n.Column)
	}
	if depth > maxDepth {
		t.warn(n.Line, n.Column, "values nested deeper than %d levels are unknown", maxDepth)
		return unknown("nested too deep", n.Line, n.Column)
	}
	if n.Kind == yaml.AliasNode {
		if n.Alias == nil {
			return unknown("dangling alias", n.Line, n.Column)
		}
		v := t.eval(n.Alias, depth+1)
		return v.at(n.Line, n.Column)
	}
	if fn, arg, ok := shortForm(n); ok {
		return t.call(fn, arg, n, depth)
	}
	switch n.Kind {
	case yaml.ScalarNode:
		v := &val{kind: kString, str: n.Value, line: n.Line, col: n.Column}
		switch n.Tag {
		case "!!int", "!!float":
			v.kind = kNumber
		case "!!bool":
			v.kind = kBool
			v.str = strings.ToLower(n.Value)
		case "!!null":
			v.kind = kNull
		}
		return v
	case yaml.SequenceNode:
		v := &val{kind: kList, line: n.Line, col: n.Column, node: n}
		for _, c := range n.Content {
			e := t.eval(c, depth+1)
			if e.kind == kNoValue {
				continue
			}
			v.list = append(v.list, e)
		}
		return v
	case yaml.MappingNode:
		if len(n.Content) == 2 {
			k := n.Content[0].Value
			if isIntrinsic(k, n.Content[1]) {
				return t.call(k, n.Content[1], n, depth)
			}
		}
		v := &val{kind: kMap, line: n.Line, col: n.Column, node: n, m: make(map[string]*val, len(n.Content)/2)}
		for i := 0; i+1 < len(n.Content); i += 2 {
			kn := n.Content[i]
			e := t.eval(n.Content[i+1], depth+1)
			if e.kind == kNoValue {
				continue // Fn::If ... AWS::NoValue removes the property
			}
			if _, dup := v.m[kn.Value]; dup {
				// CloudFormation rejects the template; we read the last one.
				t.warn(kn.Line, kn.Column, "duplicate key %s: the last one is used", kn.Value)
			} else {
				v.keys = append(v.keys, kn.Value)
			}
			// The property's source is its key line.
			v.m[kn.Value] = e.at(kn.Line, kn.Column)
		}
		return v
	}
	return &val{kind: kNull, line: n.Line, col: n.Column}
}

func isIntrinsic(key string, arg *yaml.Node) bool {
	if key == "Ref" {
		return true
	}
	if key == "Condition" {
		// {"Condition": "Name"} inside Fn::And/Or/Not; a policy statement's
		// Condition block is a mapping and is not this.
		return arg.Kind == yaml.ScalarNode
	}
	return strings.HasPrefix(key, "Fn::")
}

// shortForm maps a YAML short-form tag (!Ref, !Sub ...) to its function.
func shortForm(n *yaml.Node) (string, *yaml.Node, bool) {
	if len(n.Tag) < 2 || n.Tag[0] != '!' || n.Tag[1] == '!' {
		return "", nil, false
	}
	name := n.Tag[1:]
	fn := "Fn::" + name
	switch name {
	case "Ref", "Condition":
		fn = name
	}
	arg := *n
	arg.Tag = ""
	if arg.Kind == yaml.ScalarNode {
		arg.Tag = "!!str"
	}
	return fn, &arg, true
}

// call evaluates one intrinsic function.
func (t *template) call(fn string, arg *yaml.Node, at *yaml.Node, depth int) *val {
	line, col := at.Line, at.Column
	arg = deref(arg)
	switch fn {
	case "Ref":
		name, ok := t.scalarArg(arg, depth)
		if !ok {
			return t.bad(fn, "wants a name", line, col)
		}
		return t.ref(name, line, col)
	case "Condition":
		name, ok := t.scalarArg(arg, depth)
		if !ok {
			return t.bad(fn, "wants a condition name", line, col)
		}
		return t.condition(name, line, col)
	case "Fn::GetAtt":
		var res, attr string
		if arg.Kind == yaml.ScalarNode {
			res, attr, _ = strings.Cut(arg.Value, ".")
		} else if arg.Kind == yaml.SequenceNode && len(arg.Content) == 2 {
			r := t.eval(arg.Content[0], depth+1)
			a := t.eval(arg.Content[1], depth+1)
			res, _ = r.text()
			attr, _ = a.text()
			if !a.known() {
				return unknown("Fn::GetAtt attribute name is unknown: "+a.str, line, col)
			}
		}
		if res == "" || attr == "" {
			return t.bad(fn, "wants Resource.Attribute or [Resource, Attribute]", line, col)
		}
		return t.getAtt(res, attr, line, col)
	case "Fn::Sub":
		return t.sub(arg, line, col, depth)
	case "Fn::Join":
		if arg.Kind != yaml.SequenceNode || len(arg.Content) != 2 {
			return t.bad(fn, "wants [delimiter, [values]]", line, col)
		}
		d := t.eval(arg.Content[0], depth+1)
		l := t.eval(arg.Content[1], depth+1)
		delim, ok := d.text()
		if !ok {
			return unknownFrom(d, "Fn::Join delimiter", line, col)
		}
		if l.kind != kList {
			return unknownFrom(l, "Fn::Join list", line, col)
		}
		return concat(l.list, delim, line, col)
	case "Fn::Select":
		if arg.Kind != yaml.SequenceNode || len(arg.Content) != 2 {
			return t.bad(fn, "wants [index, list]", line, col)
		}
		iv := t.eval(arg.Content[0], depth+1)
		l := t.eval(arg.Content[1], depth+1)
		if !iv.known() {
			return unknownFrom(iv, "Fn::Select index", line, col)
		}
		if l.kind != kList {
			return unknownFrom(l, "Fn::Select list", line, col)
		}
		i, err := strconv.Atoi(iv.str)
		if err != nil || i < 0 || i >= len(l.list) {
			shown := iv.str
			if iv.secret {
				shown = "(NoEcho)"
			}
			t.warn(line, col, "Fn::Select: index %q out of range of a %d-item list", shown, len(l.list))
			return unknown("Fn::Select index out of range", line, col)
		}
		return l.list[i]
	case "Fn::Split":
		if arg.Kind != yaml.SequenceNode || len(arg.Content) != 2 {
			return t.bad(fn, "wants [delimiter, string]", line, col)
		}
		d := t.eval(arg.Content[0], depth+1)
		s := t.eval(arg.Content[1], depth+1)
		delim, ok1 := d.text()
		str, ok2 := s.text()
		if !ok1 || !ok2 || delim == "" {
			return unknownFrom(firstUnknown(d, s), "Fn::Split", line, col)
		}
		out := &val{kind: kList, line: line, col: col, secret: s.secret}
		for _, part := range strings.Split(str, delim) {
			e := sval(part, line, col)
			e.secret = s.secret
			out.list = append(out.list, e)
		}
		return out
	case "Fn::If":
		if arg.Kind != yaml.SequenceNode || len(arg.Content) != 3 {
			return t.bad(fn, "wants [condition, value if true, value if false]", line, col)
		}
		name, ok := t.scalarArg(arg.Content[0], depth)
		if !ok {
			return t.bad(fn, "wants a condition name first", line, col)
		}
		c := t.condition(name, line, col)
		if !c.known() {
			a := t.eval(arg.Content[1], depth+1)
			b := t.eval(arg.Content[2], depth+1)
			if same(a, b) {
				return a
			}
			return unknown("condition "+name+" is unknown: "+c.str, line, col)
		}
		if c.str == "true" {
			return t.eval(arg.Content[1], depth+1)
		}
		return t.eval(arg.Content[2], depth+1)
	case "Fn::Equals":
		if arg.Kind != yaml.SequenceNode || len(arg.Content) != 2 {
			return t.bad(fn, "wants two values", line, col)
		}
		a := t.eval(arg.Content[0], depth+1)
		b := t.eval(arg.Content[1], depth+1)
		if !a.known() || !b.known() {
			return unknownFrom(firstUnknown(a, b), "Fn::Equals", line, col)
		}
		return boolVal(same(a, b), line, col)
	case "Fn::And", "Fn::Or":
		if arg.Kind != yaml.SequenceNode || len(arg.Content) == 0 {
			return t.bad(fn, "wants a list of conditions", line, col)
		}
		isAnd := fn == "Fn::And"
		var unk *val
		for _, c := range arg.Content {
			v := t.eval(c, depth+1)
			if !v.known() {
				if unk == nil {
					unk = v
				}
				continue
			}
			if b := v.str == "true"; b != isAnd {
				return boolVal(b, line, col) // short-circuit on a known answer
			}
		}
		if unk != nil {
			return unknownFrom(unk, fn, line, col)
		}
		return boolVal(isAnd, line, col)
	case "Fn::Not":
		if arg.Kind != yaml.SequenceNode || len(arg.Content) != 1 {
			return t.bad(fn, "wants a one-item list", line, col)
		}
		v := t.eval(arg.Content[0], depth+1)
		if !v.known() {
			return unknownFrom(v, fn, line, col)
		}
		return boolVal(v.str != "true", line, col)
	case "Fn::FindInMap":
		return t.findInMap(arg, line, col, depth)
	case "Fn::Base64":
		v := t.eval(arg, depth+1)
		s, ok := v.text()
		if !ok {
			return unknownFrom(v, fn, line, col)
		}
		out := sval(base64.StdEncoding.EncodeToString([]byte(s)), line, col)
		out.secret = v.secret
		return out
	case "Fn::Cidr":
		return t.cidr(arg, line, col, depth)
	case "Fn::GetAZs":
		return unknown("Fn::GetAZs: the Availability Zones of the region are known at deploy time", line, col)
	case "Fn::ImportValue":
		v := t.eval(arg, depth+1)
		name, _ := v.text()
		return unknown("Fn::ImportValue "+name+": exported by another stack", line, col)
	case "Fn::Length": // AWS::LanguageExtensions
		v := t.eval(arg, depth+1)
		if v.kind != kList {
			return unknownFrom(v, fn, line, col)
		}
		return &val{kind: kNumber, str: strconv.Itoa(len(v.list)), line: line, col: col}
	case "Fn::ToJsonString": // AWS::LanguageExtensions
		v := t.eval(arg, depth+1)
		if v.kind != kMap && v.kind != kList {
			return unknownFrom(v, fn, line, col)
		}
		data, why := v.toJSON("", func(string) bool { return false })
		if why != "" {
			return unknown("Fn::ToJsonString: unknown value at "+why, line, col)
		}
		out := sval(string(data), line, col)
		return out
	case "Fn::Transform":
		return unknown("Fn::Transform: macros run at deploy time", line, col)
	}
	t.warn(line, col, "unknown intrinsic function %s: its value is unknown", fn)
	return unknown("unknown intrinsic function "+fn, line, col)
}

func (t *template) bad(fn, msg string, line, col int) *val {
	t.warn(line, col, "%s %s", fn, msg)
	return unknown(fn+" "+msg, line, col)
}

func (t *template) scalarArg(n *yaml.Node, depth int) (string, bool) {
	n = deref(n)
	if n == nil {
		return "", false
	}
	if n.Kind == yaml.ScalarNode && (n.Tag == "" || n.Tag == "!" || strings.HasPrefix(n.Tag, "!!")) {
		return n.Value, true
	}
	v := t.eval(n, depth+1)
	return v.text()
}

func boolVal(b bool, line, col int) *val {
	return &val{kind: kBool, str: strconv.FormatBool(b), line: line, col: col}
}

func firstUnknown(vs ...*val) *val {
	for _, v := range vs {
		if !v.known() {
			return v
		}
	}
	return vs[0]
}

// unknownFrom propagates an unknown input's reason (and only that).
func unknownFrom(v *val, what string, line, col int) *val {
	if v != nil && v.kind == kUnknown {
		return unknown(v.str, line, col)
	}
	return unknown(what+": argument is not a value of the right type", line, col)
}

// same compares two values as CloudFormation does (text of scalars).
func same(a, b *val) bool {
	if a.kind == kUnknown || b.kind == kUnknown {
		return false
	}
	if a.scalar() && b.scalar() {
		return a.str == b.str
	}
	if a.kind != b.kind {
		return false
	}
	switch a.kind {
	case kList:
		if len(a.list) != len(b.list) {
			return false
		}
		for i := range a.list {
			if !same(a.list[i], b.list[i]) {
				return false
			}
		}
		return true
	case kMap:
		if len(a.keys) != len(b.keys) {
			return false
		}
		for _, k := range a.keys {
			if bv, ok := b.m[k]; !ok || !same(a.m[k], bv) {
				return false
			}
		}
		return true
	}
	return a.kind == b.kind
}

// concat joins scalars; unknown parts with a symbolic text keep the result
// symbolic, other unknown parts make it plainly unknown.
func concat(parts []*val, delim string, line, col int) *val {
	var b, sym strings.Builder
	var unk *val
	secret := false
	for i, p := range parts {
		if i > 0 {
			b.WriteString(delim)
			sym.WriteString(delim)
		}
		secret = secret || p.secret
		switch {
		case p.scalar():
			b.WriteString(p.str)
			sym.WriteString(p.str)
		case p.kind == kUnknown:
			if unk == nil || (unk.sym != "" && p.sym == "") {
				unk = p
			}
			sym.WriteString(p.sym)
		default:
			return unknown("a list or map cannot be joined into a string", line, col)
		}
	}
	if unk != nil {
		if unk.sym != "" {
			v := unknownSym(unk.str, sym.String(), line, col)
			v.secret = secret
			return v
		}
		return unknown(unk.str, line, col)
	}
	v := sval(b.String(), line, col)
	v.secret = secret
	return v
}

// ref resolves Ref: a parameter, a pseudo parameter or a resource.
func (t *template) ref(name string, line, col int) *val {
	if p, ok := t.params[name]; ok {
		if p.value == nil {
			return unknown("parameter "+name+" has no Default and no value in --cf-params", line, col)
		}
		v := p.value.at(line, col)
		v.secret = p.noEcho
		return v
	}
	if strings.HasPrefix(name, "AWS::") {
		return t.pseudo(name, line, col)
	}
	if r, ok := t.resources[name]; ok {
		return t.resourceRef(r, line, col)
	}
	t.warn(line, col, "Ref to %s: no such parameter or resource", name)
	return unknown("Ref to undefined "+name, line, col)
}

func (t *template) pseudo(name string, line, col int) *val {
	known := func(s string) *val { return sval(s, line, col) }
	sym := func(opt, reason string) *val {
		if opt != "" {
			return known(opt)
		}
		return unknownSym(reason, "${"+name+"}", line, col)
	}
	switch name {
	case "AWS::AccountId":
		return sym(t.opts.AccountID, "AWS::AccountId is the deploying account (not given)")
	case "AWS::Region":
		return sym(t.opts.Region, "AWS::Region is the deploying region (not given)")
	case "AWS::Partition":
		return known(t.partition())
	case "AWS::URLSuffix":
		if strings.HasPrefix(t.partition(), "aws-cn") {
			return known("amazonaws.com.cn")
		}
		return known("amazonaws.com")
	case "AWS::StackName":
		return sym(t.opts.StackName, "AWS::StackName is chosen at deploy time (not given)")
	case "AWS::StackId":
		return unknownSym("AWS::StackId is assigned at deploy time", "${AWS::StackId}", line, col)
	case "AWS::NotificationARNs":
		return unknown("AWS::NotificationARNs are given at deploy time", line, col)
	case "AWS::NoValue":
		return &val{kind: kNoValue, line: line, col: col}
	}
	t.warn(line, col, "unknown pseudo parameter %s", name)
	return unknown("unknown pseudo parameter "+name, line, col)
}

func (t *template) partition() string {
	if t.opts.Partition != "" {
		return t.opts.Partition
	}
	return "aws"
}

// nameProps are the properties that set a resource's physical ID (its Ref
// value); without them CloudFormation generates the name at deploy time.
var nameProps = map[string]string{
	"AWS::S3::Bucket":            "BucketName",
	"AWS::IAM::Role":             "RoleName",
	"AWS::IAM::User":             "UserName",
	"AWS::IAM::Group":            "GroupName",
	"AWS::RDS::DBParameterGroup": "DBParameterGroupName",
	"AWS::RDS::DBInstance":       "DBInstanceIdentifier",
	"AWS::CloudTrail::Trail":     "TrailName",
	"AWS::SQS::Queue":            "QueueName",
	"AWS::Logs::LogGroup":        "LogGroupName",
	"AWS::Serverless::Function":  "FunctionName",
	"AWS::Lambda::Function":      "FunctionName",
}

// resourceRef is a resource's physical ID: known when the template names it,
// otherwise unknown with the symbol ${LogicalId}.
func (t *template) resourceRef(r *resource, line, col int) *val {
	v := t.physicalName(r)
	if v.known() {
		out := v.at(line, col)
		out.ref = r.id
		return out
	}
	out := unknownSym("Ref "+r.id+": the physical ID of "+r.typ+" is assigned at deploy time", "${"+r.id+"}", line, col)
	out.ref = r.id
	return out
}

func (t *template) physicalName(r *resource) *val {
	if r.nameState == 2 {
		return r.name
	}
	if r.nameState == 1 {
		t.warn(r.keyLine, 1, "resource %s: its name depends on itself", r.id)
		return unknown("name of "+r.id+" depends on itself", r.keyLine, 1)
	}
	r.nameState = 1
	r.name = unknown("", r.keyLine, 1)
	if prop, ok := nameProps[r.typ]; ok {
		if n := mapGet(r.props, prop); n != nil {
			v := t.eval(n, 1)
			if _, ok := v.text(); ok {
				r.name = v
			} else if v.kind == kUnknown && v.sym != "" {
				r.name = v
			}
		}
	}
	r.nameState = 2
	return r.name
}

// getAtt resolves the few attributes that follow from the template (an S3
// bucket's ARN and domain names from its name); everything else is assigned
// at deploy time and is unknown with a symbol.
func (t *template) getAtt(res, attr string, line, col int) *val {
	r, ok := t.resources[res]
	if !ok {
		t.warn(line, col, "Fn::GetAtt %s.%s: no such resource", res, attr)
		return unknown("Fn::GetAtt of undefined resource "+res, line, col)
	}
	reason := "Fn::GetAtt " + res + "." + attr + " is assigned at deploy time"
	if r.typ == "AWS::S3::Bucket" {
		name := t.physicalName(r)
		nameSym := "${" + res + "}"
		if n, ok := name.text(); ok {
			nameSym = n
		} else if name.sym != "" {
			nameSym = name.sym
		}
		var s string
		switch attr {
		case "Arn":
			s = "arn:" + t.partition() + ":s3:::" + nameSym
		case "DomainName":
			s = nameSym + ".s3.amazonaws.com"
		}
		if s != "" {
			if name.known() {
				v := sval(s, line, col)
				v.ref = res
				return v
			}
			v := unknownSym(reason, s, line, col)
			v.ref = res
			return v
		}
	}
	v := unknownSym(reason, "${"+res+"."+attr+"}", line, col)
	v.ref = res
	return v
}

// sub evaluates Fn::Sub in both forms.
func (t *template) sub(arg *yaml.Node, line, col, depth int) *val {
	var tmplNode *yaml.Node
	vars := map[string]*val{}
	switch arg.Kind {
	case yaml.ScalarNode:
		tmplNode = arg
	case yaml.SequenceNode:
		if len(arg.Content) != 2 {
			return t.bad("Fn::Sub", "wants a string or [string, {variables}]", line, col)
		}
		tmplNode = deref(arg.Content[0])
		vm := t.eval(arg.Content[1], depth+1)
		if vm.kind != kMap {
			return t.bad("Fn::Sub", "variables must be a mapping", line, col)
		}
		vars = vm.m
	default:
		return t.bad("Fn::Sub", "wants a string or [string, {variables}]", line, col)
	}
	if tmplNode == nil || tmplNode.Kind != yaml.ScalarNode {
		return t.bad("Fn::Sub", "template must be a string", line, col)
	}
	s := tmplNode.Value
	var parts []*val
	lit := strings.Builder{}
	flush := func() {
		if lit.Len() > 0 {
			parts = append(parts, sval(lit.String(), line, col))
			lit.Reset()
		}
	}
	for {
		i := strings.Index(s, "${")
		if i < 0 {
			lit.WriteString(s)
			break
		}
		lit.WriteString(s[:i])
		rest := s[i+2:]
		j := strings.IndexByte(rest, '}')
		if j < 0 {
			lit.WriteString(s[i:])
			break
		}
		name := rest[:j]
		s = rest[j+1:]
		if strings.HasPrefix(name, "!") {
			// ${!Literal} writes ${Literal}.
			lit.WriteString("${" + name[1:] + "}")
			continue
		}
		flush()
		name = strings.TrimSpace(name)
		switch {
		case vars[name] != nil:
			parts = append(parts, vars[name])
		case strings.Contains(name, ".") && !strings.HasPrefix(name, "AWS::"):
			res, attr, _ := strings.Cut(name, ".")
			parts = append(parts, t.getAtt(res, attr, line, col))
		default:
			parts = append(parts, t.ref(name, line, col))
		}
	}
	flush()
	if len(parts) == 0 {
		return sval("", line, col)
	}
	return concat(parts, "", line, col)
}

func (t *template) findInMap(arg *yaml.Node, line, col, depth int) *val {
	if arg.Kind != yaml.SequenceNode || len(arg.Content) < 3 {
		return t.bad("Fn::FindInMap", "wants [MapName, TopLevelKey, SecondLevelKey]", line, col)
	}
	keys := make([]string, 3)
	secret := false
	for i := 0; i < 3; i++ {
		v := t.eval(arg.Content[i], depth+1)
		s, ok := v.text()
		if !ok {
			return unknownFrom(v, "Fn::FindInMap key", line, col)
		}
		keys[i] = s
		secret = secret || v.secret
	}
	n := mapGet(t.mappings, keys[0])
	if n != nil {
		n = mapGet(n, keys[1])
	}
	if n != nil {
		n = mapGet(n, keys[2])
	}
	if n == nil {
		// AWS::LanguageExtensions' DefaultValue form.
		if len(arg.Content) == 4 {
			if d := mapGet(arg.Content[3], "DefaultValue"); d != nil {
				return t.eval(d, depth+1)
			}
		}
		if secret {
			t.warn(line, col, "Fn::FindInMap: a key from a NoEcho parameter is not in Mappings")
			return unknown("Fn::FindInMap key is not in Mappings", line, col)
		}
		t.warn(line, col, "Fn::FindInMap: %s/%s/%s is not in Mappings", keys[0], keys[1], keys[2])
		return unknown("Fn::FindInMap "+strings.Join(keys, "/")+" is not in Mappings", line, col)
	}
	v := t.eval(n, depth+1).at(line, col)
	if secret {
		// The value chosen by a secret tells about the secret.
		v.secret = true
	}
	return v
}

// cidr evaluates Fn::Cidr for IPv4 blocks: [ipBlock, count, cidrBits].
func (t *template) cidr(arg *yaml.Node, line, col, depth int) *val {
	if arg.Kind != yaml.SequenceNode || len(arg.Content) != 3 {
		return t.bad("Fn::Cidr", "wants [ipBlock, count, cidrBits]", line, col)
	}
	var s [3]string
	for i := range s {
		v := t.eval(arg.Content[i], depth+1)
		x, ok := v.text()
		if !ok {
			return unknownFrom(v, "Fn::Cidr", line, col)
		}
		s[i] = x
	}
	pfx, err1 := netip.ParsePrefix(s[0])
	count, err2 := strconv.Atoi(s[1])
	bits, err3 := strconv.Atoi(s[2])
	if err1 != nil || err2 != nil || err3 != nil || !pfx.Addr().Is4() || count < 1 || count > 256 || bits < 1 || 32-bits < pfx.Bits() {
		return unknown("Fn::Cidr arguments are not an IPv4 block, a count (1-256) and subnet bits", line, col)
	}
	newLen := 32 - bits
	if count > 1<<(newLen-pfx.Bits()) {
		return unknown("Fn::Cidr: the block has room for fewer subnets", line, col)
	}
	base := pfx.Masked().Addr().As4()
	start := uint32(base[0])<<24 | uint32(base[1])<<16 | uint32(base[2])<<8 | uint32(base[3])
	out := &val{kind: kList, line: line, col: col}
	for i := 0; i < count; i++ {
		a := start + uint32(i)<<bits
		addr := netip.AddrFrom4([4]byte{byte(a >> 24), byte(a >> 16), byte(a >> 8), byte(a)})
		out.list = append(out.list, sval(netip.PrefixFrom(addr, newLen).String(), line, col))
	}
	return out
}

// condition evaluates a named condition once; cycles give unknown.
func (t *template) condition(name string, line, col int) *val {
	switch t.condState[name] {
	case 2:
		return t.condVal[name]
	case 1:
		t.warn(line, col, "condition %s depends on itself", name)
		return unknown("condition "+name+" depends on itself", line, col)
	}
	n, ok := t.conds[name]
	if !ok {
		t.warn(line, col, "condition %s is not defined in Conditions", name)
		return unknown("condition "+name+" is not defined", line, col)
	}
	t.condState[name] = 1
	v := t.eval(n, 1)
	if v.known() && v.kind != kBool {
		v = boolVal(strings.EqualFold(v.str, "true"), v.line, v.col)
	}
	if !v.known() {
		v = unknown(v.str, v.line, v.col)
	}
	t.condVal[name] = v
	t.condState[name] = 2
	return v
}

// sortedKeys is for deterministic iteration over Go maps.
func sortedKeys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
