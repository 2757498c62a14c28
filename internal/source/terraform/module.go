package terraform

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/ext/typeexpr"
	"github.com/zclconf/go-cty/cty"
	"github.com/zclconf/go-cty/cty/convert"

	"github.com/cloudward/cloudward/internal/model"
)

// isLocalSource reports whether a module source is a local path.
func isLocalSource(src string) bool {
	return strings.HasPrefix(src, "./") || strings.HasPrefix(src, "../") || src == "." || src == ".."
}

// modulesManifest is .terraform/modules/modules.json, written by terraform
// init: where each called registry or git module was downloaded.
type modulesManifest struct {
	Modules []struct {
		Key    string `json:"Key"`
		Source string `json:"Source"`
		Dir    string `json:"Dir"`
	} `json:"Modules"`
}

// manifest reads (once) the module manifest of a root folder.
func (l *loader) manifest(root string) map[string]string {
	l.mu.Lock()
	defer l.mu.Unlock()
	if m, ok := l.manifests[root]; ok {
		return m
	}
	out := map[string]string{}
	data, err := os.ReadFile(filepath.Join(root, ".terraform", "modules", "modules.json"))
	if err == nil {
		var mm modulesManifest
		if err := json.Unmarshal(data, &mm); err != nil {
			l.warnLocked(filepath.Join(root, ".terraform", "modules", "modules.json"), 0, 0, "unreadable module manifest: "+err.Error())
		}
		for _, m := range mm.Modules {
			if m.Key != "" && m.Dir != "" {
				out[m.Key] = filepath.Join(root, filepath.FromSlash(m.Dir))
			}
		}
	}
	l.manifests[root] = out
	return out
}

// callModule evaluates a module call: every instance (count/for_each) is a
// child scope whose outputs become module.NAME.
func (s *scope) callModule(mc *moduleCall) {
	name := "module." + mc.name
	key := mc.name
	if s.modKey != "" {
		key = s.modKey + "." + mc.name
	}
	unknown := func(reason string) {
		s.mods[mc.name] = cty.DynamicVal
		s.reasons[name] = reason
	}
	var dir string
	switch {
	case mc.source == "":
		unknown(name + " has no usable source")
		return
	case isLocalSource(mc.source):
		dir = filepath.Join(s.mod.dir, filepath.FromSlash(mc.source))
	default:
		dir = s.l.manifest(s.root)[key]
	}
	mod := (*module)(nil)
	if dir != "" {
		mod = s.l.module(dir)
	}
	if mod == nil {
		reason := fmt.Sprintf("%s%s is not available (source %q", s.prefix(), name, mc.source)
		if isLocalSource(mc.source) {
			reason += " has no Terraform files)"
		} else {
			reason += " not downloaded: run terraform init)"
		}
		s.l.warnOnce(s.root+"\x00"+key, mc.decl.Filename, mc.decl.Start.Line, mc.decl.Start.Column,
			reason+": what it creates is not checked and its outputs are unknown")
		unknown(reason)
		return
	}
	for _, d := range s.chain {
		if d == mod.dir {
			reason := s.prefix() + name + " calls itself (recursive module)"
			s.l.warnOnce(s.root+"\x00rec\x00"+key, mc.decl.Filename, mc.decl.Start.Line, mc.decl.Start.Column, reason+": not evaluated")
			unknown(reason)
			return
		}
	}
	if len(s.chain) >= maxModuleDepth {
		reason := fmt.Sprintf("%s%s is nested more than %d modules deep", s.prefix(), name, maxModuleDepth)
		s.l.warnOnce(s.root+"\x00deep\x00"+key, mc.decl.Filename, mc.decl.Start.Line, mc.decl.Start.Column, reason+": not evaluated")
		unknown(reason)
		return
	}

	var travs []hcl.Traversal
	for n, a := range mc.attrs {
		if !callMeta[n] {
			travs = append(travs, a.Expr.Variables()...)
		}
	}
	s.depsOf(travs)
	exp, ok := s.expand(mc.count, mc.forEach, s.prefix()+name)
	if !ok {
		s.l.warn(mc.decl.Filename, mc.decl.Start.Line, mc.decl.Start.Column,
			fmt.Sprintf("%s%s is not checked: %s", s.prefix(), name, exp.reason))
		unknown(exp.reason)
		return
	}
	one := func(extra map[string]cty.Value, suffix string) cty.Value {
		ctx := s.ctxFor(travs, extra)
		child := &scope{l: s.l, mod: mod, path: s.prefix() + name + suffix, root: s.root, rootKey: s.rootKey,
			modKey: key, region: s.region, chain: append(append([]string(nil), s.chain...), mod.dir),
			calls:   append(append([]model.Source(nil), s.calls...), s.l.source(mc.decl)),
			reasons: map[string]string{}, funcs: s.funcs}
		inputs := map[string]*attr{}
		for n, a := range mc.attrs {
			if !callMeta[n] {
				inputs[n] = s.evalAttr(a.Expr, ctx, a.Range)
			}
		}
		child.vars = child.variables(inputs, nil)
		child.run()
		outs := make(map[string]cty.Value, len(child.outputs))
		for n, v := range child.outputs {
			outs[n] = v
			if r := child.reasons["output."+n]; r != "" {
				s.reasons[name+"."+n] = r
				s.reasons[name+suffix+"."+n] = r
			}
		}
		return cty.ObjectVal(outs)
	}
	switch {
	case exp.keys == nil:
		s.mods[mc.name] = one(nil, "")
	case exp.isMap:
		m := map[string]cty.Value{}
		for i, k := range exp.keys {
			each := cty.ObjectVal(map[string]cty.Value{"key": k, "value": exp.values[i]})
			m[k.AsString()] = one(map[string]cty.Value{"each": each}, instanceKey(k))
		}
		s.mods[mc.name] = cty.ObjectVal(m)
	default:
		list := make([]cty.Value, len(exp.keys))
		for i, k := range exp.keys {
			list[i] = one(map[string]cty.Value{"count": cty.ObjectVal(map[string]cty.Value{"index": k})}, instanceKey(k))
		}
		s.mods[mc.name] = cty.TupleVal(list)
	}
}

// callMeta are module-call arguments that are not inputs.
var callMeta = map[string]bool{"source": true, "version": true, "count": true, "for_each": true,
	"providers": true, "depends_on": true}

// variables resolves the module's input variables: inputs (module call
// arguments, or the root's variable values by precedence), else the
// declared default, else unknown with the reason.
func (s *scope) variables(inputs map[string]*attr, rootHint func(string) string) map[string]cty.Value {
	vars := make(map[string]cty.Value, len(s.mod.variables))
	for name, v := range s.mod.variables {
		ref := "var." + name
		ty := cty.DynamicPseudoType
		var defaults *typeexpr.Defaults
		if v.typ != nil {
			if t, d, diags := typeexpr.TypeConstraintWithDefaults(v.typ); !diags.HasErrors() {
				ty, defaults = t, d
			}
		}
		if in, ok := inputs[name]; ok {
			val := in.v
			if len(in.marks) > 0 {
				val = remark(val, in.marks)
			}
			if in.reason != "" {
				s.reasons[ref] = in.reason
			}
			vars[name] = conform(val, ty, defaults)
			continue
		}
		if v.dflt != nil {
			if d, diags := v.dflt.Value(nil); !diags.HasErrors() {
				vars[name] = conform(d, ty, defaults)
				continue
			}
		}
		vars[name] = cty.DynamicVal
		switch {
		case rootHint != nil:
			s.reasons[ref] = rootHint(name)
		default:
			s.reasons[ref] = fmt.Sprintf("%s has no value (module %s passes none and it has no default)", ref, s.path)
		}
	}
	return vars
}

// conform converts a value to the variable's type, applying optional
// attribute defaults; a value that does not convert is kept as it is.
func conform(v cty.Value, ty cty.Type, defaults *typeexpr.Defaults) (out cty.Value) {
	defer func() {
		if recover() != nil {
			out = v
		}
	}()
	if defaults != nil && v.IsWhollyKnown() {
		v = defaults.Apply(v)
	}
	if ty == cty.DynamicPseudoType {
		return v
	}
	if c, err := convert.Convert(v, ty); err == nil {
		return c
	}
	return v
}
