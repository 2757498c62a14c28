package terraform

import (
	"encoding/json"
	"sort"

	"github.com/zclconf/go-cty/cty"
)

// Data sources are read from the provider at plan time, so their results
// are unknown here, with one exception: aws_iam_policy_document is a pure
// function of its arguments, computed by the provider without calling AWS.
// Evaluating it keeps the most common way of writing policies checkable.

// localData lists the data sources evaluated locally.
var localData = map[string]bool{"aws_iam_policy_document": true}

// dataSource evaluates a locally computable data source into data.T.N.
func (s *scope) dataSource(key string) {
	rb := s.mod.data[key]
	if rb == nil || rb.count != nil || rb.forEach != nil {
		s.data[key] = cty.DynamicVal
		return
	}
	travs := bodyTraversals(rb.body)
	s.depsOf(travs)
	body := s.evalBody(rb.body, s.ctxFor(travs, nil), 0)
	inst := &instance{typ: rb.typ, name: rb.name, addr: "data." + key, decl: rb.decl, body: body}
	r := rd{m: &mapper{l: s.l}, inst: inst, o: body, blk: rb.decl}
	doc, reason := policyDocument(r)
	if reason != "" {
		s.data[key] = cty.DynamicVal
		s.reasons["data."+key] = reason
		return
	}
	s.data[key] = cty.ObjectVal(map[string]cty.Value{"json": cty.StringVal(doc), "minified_json": cty.StringVal(doc),
		"id": cty.StringVal(doc)})
}

// policyDocument renders an aws_iam_policy_document body as policy JSON,
// or the reason it cannot be known.
func policyDocument(r rd) (string, string) {
	var statements []any
	for _, attr := range []string{"source_policy_documents", "source_json"} {
		v, reason, ok := r.raw(attr)
		if !ok {
			continue
		}
		if reason != "" {
			return "", reason
		}
		var docs []string
		if v.Type() == cty.String {
			docs = []string{v.AsString()}
		} else if v.CanIterateElements() {
			for it := v.ElementIterator(); it.Next(); {
				_, e := it.Element()
				if e.Type() == cty.String && !e.IsNull() {
					docs = append(docs, e.AsString())
				}
			}
		}
		for _, d := range docs {
			var parsed struct {
				Statement json.RawMessage
			}
			if err := json.Unmarshal([]byte(d), &parsed); err != nil {
				return "", attr + " is not a policy document"
			}
			var list []any
			if json.Unmarshal(parsed.Statement, &list) != nil {
				var one any
				if json.Unmarshal(parsed.Statement, &one) == nil && one != nil {
					list = []any{one}
				}
			}
			statements = append(statements, list...)
		}
	}
	sts, reason := r.blocks("statement")
	if reason != "" {
		return "", reason
	}
	for _, st := range sts {
		out := map[string]any{}
		if sid := st.str("sid", ""); !sid.Known() {
			return "", sid.Reason()
		} else if v := sid.Or(""); v != "" {
			out["Sid"] = v
		}
		effect := st.str("effect", "Allow")
		if !effect.Known() {
			return "", effect.Reason()
		}
		out["Effect"] = effect.Or("Allow")
		for _, f := range [][2]string{{"actions", "Action"}, {"not_actions", "NotAction"}, {"resources", "Resource"}, {"not_resources", "NotResource"}} {
			if !st.has(f[0]) {
				continue
			}
			list := st.strings(f[0])
			if !list.Known() {
				return "", list.Reason()
			}
			out[f[1]] = oneOrMany(list.Or(nil))
		}
		for _, f := range [][2]string{{"principals", "Principal"}, {"not_principals", "NotPrincipal"}} {
			ps, reason := st.blocks(f[0])
			if reason != "" {
				return "", reason
			}
			if len(ps) == 0 {
				continue
			}
			m := map[string][]string{}
			for _, p := range ps {
				typ, ids := p.str("type", ""), p.strings("identifiers")
				if !typ.Known() {
					return "", typ.Reason()
				}
				if !ids.Known() {
					return "", ids.Reason()
				}
				m[typ.Or("")] = append(m[typ.Or("")], ids.Or(nil)...)
			}
			if ids, ok := m["*"]; ok && len(m) == 1 && len(ids) == 1 && ids[0] == "*" {
				out[f[1]] = "*"
				continue
			}
			pm := map[string]any{}
			for k, v := range m {
				pm[k] = oneOrMany(v)
			}
			out[f[1]] = pm
		}
		conds, reason := st.blocks("condition")
		if reason != "" {
			return "", reason
		}
		if len(conds) > 0 {
			cm := map[string]map[string]any{}
			for _, c := range conds {
				test, variable, values := c.str("test", ""), c.str("variable", ""), c.strings("values")
				for _, u := range []interface {
					Known() bool
					Reason() string
				}{test, variable, values} {
					if !u.Known() {
						return "", u.Reason()
					}
				}
				if cm[test.Or("")] == nil {
					cm[test.Or("")] = map[string]any{}
				}
				cm[test.Or("")][variable.Or("")] = oneOrMany(values.Or(nil))
			}
			out["Condition"] = cm
		}
		statements = append(statements, out)
	}
	version := r.str("version", "2012-10-17")
	if !version.Known() {
		return "", version.Reason()
	}
	doc := map[string]any{"Version": version.Or(""), "Statement": statements}
	if id := r.str("policy_id", ""); id.Or("") != "" {
		doc["Id"] = id.Or("")
	}
	b, err := json.Marshal(doc)
	if err != nil {
		return "", "the policy document cannot be rendered: " + err.Error()
	}
	return string(b), ""
}

func oneOrMany(list []string) any {
	if len(list) == 1 {
		return list[0]
	}
	sorted := append([]string(nil), list...)
	sort.Strings(sorted)
	return sorted
}
