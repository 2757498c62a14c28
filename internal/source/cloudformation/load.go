package cloudformation

import (
	"fmt"
	"os"
	"sort"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/cloudward/cloudward/internal/model"
	awsm "github.com/cloudward/cloudward/internal/model/aws"
)

// Options are what a template cannot say by itself.
type Options struct {
	// Params override parameter defaults (--cf-params); see ParseParams.
	Params map[string]string
	// AccountID, Region, Partition and StackName feed the pseudo parameters;
	// empty means unknown (Partition defaults to "aws").
	AccountID string
	Region    string
	Partition string
	StackName string
}

// Warning is a problem that did not stop the template from being read.
type Warning struct {
	File      string
	Line, Col int
	Msg       string
}

func (w Warning) String() string {
	if w.Line > 0 {
		return fmt.Sprintf("%s:%d:%d: %s", w.File, w.Line, w.Col, w.Msg)
	}
	return w.File + ": " + w.Msg
}

// Load reads the templates into one inventory. A file that is not valid YAML
// or JSON is an error naming file:line:column; so is an unreadable file.
// Everything else (unknown intrinsics, bad references, unsupported
// properties) is a warning and an unknown value.
func Load(files []string, opts Options) (*awsm.Inventory, []Warning, error) {
	inv := &awsm.Inventory{IaC: true, AccountID: opts.AccountID, Partition: opts.Partition}
	if inv.Partition == "" {
		inv.Partition = "aws"
	}
	if opts.Region != "" {
		inv.RegionNames = []string{opts.Region}
	}
	addAccount(inv, opts)
	var warns []Warning
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			return nil, warns, err
		}
		w, err := LoadTemplate(inv, f, data, opts)
		warns = append(warns, w...)
		if err != nil {
			return nil, warns, err
		}
	}
	finish(inv)
	return inv, warns, nil
}

// LoadTemplate adds one template's resources to inv. Callers that read
// files themselves (the IaC scan walks trees) use it directly and call
// Finish once all templates are in.
func LoadTemplate(inv *awsm.Inventory, file string, data []byte, opts Options) ([]Warning, error) {
	root, err := parse(file, data)
	if err != nil {
		return nil, err
	}
	t := newTemplate(file, root, opts)
	if looksJSON(data) {
		starts := lineStarts(data)
		for _, r := range t.resources {
			if e := flowEnd(data, starts, r.node.Line, r.node.Column); e > r.endLine {
				r.endLine = e
			}
		}
	}
	m := &mapper{t: t, inv: inv}
	m.run()
	return t.warns, nil
}

// addAccount gives a known account (--account) its account-level settings
// as unknown with the true reason: CloudFormation cannot declare them.
// Without an account ID, account-level checks do not run at all.
func addAccount(inv *awsm.Inventory, opts Options) {
	if opts.AccountID == "" || inv.Account != nil {
		return
	}
	src := model.Source{}
	u := model.Unknown[bool]("an account setting that CloudFormation templates do not declare", src)
	inv.Account = &awsm.Account{Identity: awsm.Identity{ARN: opts.AccountID, ID: opts.AccountID, Name: opts.AccountID,
		Region: "global", AccountID: opts.AccountID, Partition: inv.Partition}}
	inv.Account.Summary = model.Unknown[map[string]int64]("the account summary exists only once deployed", src)
	inv.Account.S3PublicAccessBlock = awsm.PublicAccessBlock{Configured: u, BlockPublicAcls: u, IgnorePublicAcls: u,
		BlockPublicPolicy: u, RestrictPublicBuckets: u}
	inv.Account.PasswordPolicy.Exists = u
}

// Finish sorts the inventory's lists and indexes it; Load calls it.
func Finish(inv *awsm.Inventory) { finish(inv) }

func newTemplate(file string, root *yaml.Node, opts Options) *template {
	t := &template{
		file: file, root: root, opts: opts,
		params:    map[string]*param{},
		conds:     map[string]*yaml.Node{},
		condState: map[string]int8{},
		condVal:   map[string]*val{},
		resources: map[string]*resource{},
	}
	t.mappings = mapGet(root, "Mappings")
	if tr := mapGet(root, "Transform"); tr != nil {
		if strings.Contains(nodeText(tr), "AWS::Serverless") {
			t.sam = true
		}
	}
	if ps := mapGet(root, "Parameters"); ps != nil && ps.Kind == yaml.MappingNode {
		for i := 0; i+1 < len(ps.Content); i += 2 {
			t.addParam(ps.Content[i], deref(ps.Content[i+1]))
		}
	}
	if cs := mapGet(root, "Conditions"); cs != nil && cs.Kind == yaml.MappingNode {
		for i := 0; i+1 < len(cs.Content); i += 2 {
			t.conds[cs.Content[i].Value] = cs.Content[i+1]
		}
	}
	rs := mapGet(root, "Resources")
	if rs == nil || rs.Kind != yaml.MappingNode {
		t.warn(root.Line, root.Column, "template has no Resources mapping")
		return t
	}
	for i := 0; i+1 < len(rs.Content); i += 2 {
		k, n := rs.Content[i], deref(rs.Content[i+1])
		if n.Kind != yaml.MappingNode {
			t.warn(k.Line, k.Column, "resource %s is not a mapping", k.Value)
			continue
		}
		r := &resource{id: k.Value, node: n, keyLine: k.Line, endLine: endLine(n)}
		if ty := mapGet(n, "Type"); ty != nil && ty.Kind == yaml.ScalarNode {
			r.typ = ty.Value
		} else {
			t.warn(k.Line, k.Column, "resource %s has no Type", k.Value)
			continue
		}
		r.props = mapGet(n, "Properties")
		if c := mapGet(n, "Condition"); c != nil && c.Kind == yaml.ScalarNode {
			r.condition = c.Value
		}
		if _, dup := t.resources[r.id]; dup {
			t.warn(k.Line, k.Column, "resource %s is defined twice; the first definition is used", k.Value)
			continue
		}
		t.resources[r.id] = r
		t.order = append(t.order, r.id)
	}
	return t
}

func nodeText(n *yaml.Node) string {
	if n.Kind == yaml.ScalarNode {
		return n.Value
	}
	var parts []string
	for _, c := range n.Content {
		parts = append(parts, nodeText(c))
	}
	return strings.Join(parts, " ")
}

func (t *template) addParam(k, n *yaml.Node) {
	p := &param{name: k.Value, line: k.Line, col: k.Column}
	if n.Kind != yaml.MappingNode {
		t.warn(k.Line, k.Column, "parameter %s is not a mapping", k.Value)
		t.params[p.name] = p
		return
	}
	if ty := mapGet(n, "Type"); ty != nil {
		p.typ = ty.Value
	}
	if ne := mapGet(n, "NoEcho"); ne != nil {
		p.noEcho = strings.EqualFold(ne.Value, "true")
	}
	if av := mapGet(n, "AllowedValues"); av != nil && av.Kind == yaml.SequenceNode {
		for _, c := range av.Content {
			p.allowed = append(p.allowed, c.Value)
		}
	}
	var raw string
	var line, col int
	have := false
	if d := mapGet(n, "Default"); d != nil && d.Kind == yaml.ScalarNode {
		raw, line, col, have = d.Value, d.Line, d.Column, true
	}
	if o, ok := t.opts.Params[p.name]; ok {
		// An override has no line in the template: point at the parameter.
		raw, line, col, have = o, k.Line, k.Column, true
	}
	if !have {
		t.params[p.name] = p
		return
	}
	if len(p.allowed) > 0 && !strings.HasPrefix(p.typ, "List<") && p.typ != "CommaDelimitedList" {
		ok := false
		for _, a := range p.allowed {
			ok = ok || a == raw
		}
		if !ok {
			if p.noEcho {
				t.warn(line, col, "parameter %s: value is not one of its AllowedValues", p.name)
			} else {
				t.warn(line, col, "parameter %s: value %q is not one of its AllowedValues %v", p.name, raw, p.allowed)
			}
		}
	}
	switch {
	case p.typ == "CommaDelimitedList" || strings.HasPrefix(p.typ, "List<"):
		v := &val{kind: kList, line: line, col: col}
		for _, s := range strings.Split(raw, ",") {
			v.list = append(v.list, sval(strings.TrimSpace(s), line, col))
		}
		p.value = v
	case p.typ == "Number":
		p.value = &val{kind: kNumber, str: raw, line: line, col: col}
	default:
		p.value = sval(raw, line, col)
	}
	t.params[p.name] = p
}

// ParseParams reads a --cf-params file: the AWS CLI's list form
// [{"ParameterKey": "K", "ParameterValue": "V"}], a {"K": "V"} map, or the
// same in YAML. Values are never echoed in errors (they may be secrets).
func ParseParams(file string, data []byte) (map[string]string, error) {
	var node yaml.Node
	if err := yaml.Unmarshal(data, &node); err != nil {
		return nil, fmt.Errorf("%s: %v", file, err)
	}
	if node.Kind != yaml.DocumentNode || len(node.Content) == 0 {
		return map[string]string{}, nil
	}
	root := deref(node.Content[0])
	out := map[string]string{}
	scalar := func(n *yaml.Node, what string) (string, error) {
		n = deref(n)
		switch n.Kind {
		case yaml.ScalarNode:
			return n.Value, nil
		case yaml.SequenceNode: // a list parameter given as a list
			var parts []string
			for _, c := range n.Content {
				if c.Kind != yaml.ScalarNode {
					return "", fmt.Errorf("%s:%d:%d: %s: list items must be scalars", file, c.Line, c.Column, what)
				}
				parts = append(parts, c.Value)
			}
			return strings.Join(parts, ","), nil
		}
		return "", fmt.Errorf("%s:%d:%d: %s must be a string", file, n.Line, n.Column, what)
	}
	switch root.Kind {
	case yaml.SequenceNode:
		for _, e := range root.Content {
			e = deref(e)
			k, v := mapGet(e, "ParameterKey"), mapGet(e, "ParameterValue")
			if k == nil || k.Kind != yaml.ScalarNode {
				return nil, fmt.Errorf("%s:%d:%d: want {\"ParameterKey\": ..., \"ParameterValue\": ...}", file, e.Line, e.Column)
			}
			if u := mapGet(e, "UsePreviousValue"); v == nil && u != nil {
				continue // the deployed value: unknown here
			}
			if v == nil {
				return nil, fmt.Errorf("%s:%d:%d: parameter %s has no ParameterValue", file, e.Line, e.Column, k.Value)
			}
			s, err := scalar(v, "ParameterValue of "+k.Value)
			if err != nil {
				return nil, err
			}
			out[k.Value] = s
		}
	case yaml.MappingNode:
		// {"Parameters": {...}} (CodePipeline template configuration) or flat.
		if p := mapGet(root, "Parameters"); p != nil && p.Kind == yaml.MappingNode && len(root.Content) <= 6 {
			root = p
		}
		for i := 0; i+1 < len(root.Content); i += 2 {
			s, err := scalar(root.Content[i+1], root.Content[i].Value)
			if err != nil {
				return nil, err
			}
			out[root.Content[i].Value] = s
		}
	default:
		return nil, fmt.Errorf("%s:%d:%d: want a list of ParameterKey/ParameterValue or a mapping of names to values", file, root.Line, root.Column)
	}
	return out, nil
}

// LoadParams reads and parses a --cf-params file.
func LoadParams(file string) (map[string]string, error) {
	data, err := os.ReadFile(file)
	if err != nil {
		return nil, err
	}
	return ParseParams(file, data)
}

func finish(inv *awsm.Inventory) {
	key := func(id awsm.Identity) string {
		if id.Source.File != "" {
			return fmt.Sprintf("%s\x00%09d\x00%s", id.Source.File, id.Source.StartLine, id.Address)
		}
		return id.ARN + "\x00" + id.Address
	}
	sortBy(inv.Buckets, func(b *awsm.Bucket) string { return key(b.Identity) })
	sortBy(inv.SecurityGroups, func(b *awsm.SecurityGroup) string { return key(b.Identity) })
	sortBy(inv.Instances, func(b *awsm.Instance) string { return key(b.Identity) })
	sortBy(inv.Volumes, func(b *awsm.Volume) string { return key(b.Identity) })
	sortBy(inv.VPCs, func(b *awsm.VPC) string { return key(b.Identity) })
	sortBy(inv.NetworkACLs, func(b *awsm.NetworkACL) string { return key(b.Identity) })
	sortBy(inv.DBInstances, func(b *awsm.DBInstance) string { return key(b.Identity) })
	sortBy(inv.KMSKeys, func(b *awsm.KMSKey) string { return key(b.Identity) })
	sortBy(inv.Users, func(b *awsm.User) string { return key(b.Identity) })
	sortBy(inv.Groups, func(b *awsm.Group) string { return key(b.Identity) })
	sortBy(inv.Roles, func(b *awsm.Role) string { return key(b.Identity) })
	sortBy(inv.Policies, func(b *awsm.ManagedPolicy) string { return key(b.Identity) })
	if trails, ok := inv.Trails.Get(); ok {
		sortBy(trails, func(b *awsm.Trail) string { return key(b.Identity) })
	}
	inv.Index()
}

func sortBy[T any](s []T, key func(T) string) {
	sort.SliceStable(s, func(i, j int) bool { return key(s[i]) < key(s[j]) })
}
