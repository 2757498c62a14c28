package terraform

import (
	"math/big"
	"sort"

	"github.com/hashicorp/hcl/v2"
	"github.com/zclconf/go-cty/cty"
	"github.com/zclconf/go-cty/cty/convert"

	"github.com/cloudward/cloudward/internal/model"
)

// rd reads an evaluated body into model values, each with the source of
// the attribute, or of the block when the attribute is absent (absence is
// often the misconfiguration).
type rd struct {
	m    *mapper
	inst *instance
	o    *obj
	blk  hcl.Range // the enclosing block, for absent attributes
}

func (r rd) at(rng hcl.Range) model.Source { return r.m.l.source(rng) }

// block is the source of the block itself.
func (r rd) block() model.Source { return r.at(r.blk) }

// src is the attribute's source, or the block's when it is absent.
func (r rd) src(name string) model.Source {
	if a, ok := r.o.attrs[name]; ok {
		return r.at(a.rng)
	}
	return r.block()
}

func (r rd) has(name string) bool {
	a, ok := r.o.attrs[name]
	return ok && !(a.v.IsKnown() && a.v.IsNull())
}

// raw returns an attribute's value: ok false when absent or null, reason
// set when unknown.
func (r rd) raw(name string) (v cty.Value, reason string, ok bool) {
	a, found := r.o.attrs[name]
	if !found {
		return cty.NilVal, "", false
	}
	if !a.v.IsWhollyKnown() {
		return a.v, orStr(a.reason, name+" is known only after apply"), true
	}
	if a.v.IsNull() {
		return cty.NilVal, "", false
	}
	return a.v, "", true
}

// str reads a string attribute; absent gives the known default def. A
// string that is exactly another resource's id or ARN (a reference, known
// only after apply) is certainly set: it reads as that reference, e.g.
// "aws_kms_key.app.arn (known after apply)", so "is a key configured?"
// has an answer before apply.
func (r rd) str(name, def string) model.String {
	v, reason, ok := r.raw(name)
	switch {
	case !ok:
		return model.Known(def, r.block())
	case reason != "":
		if ref := r.reference(name); ref != "" {
			return model.Known(ref+" (known after apply)", r.src(name))
		}
		return model.Unknown[string](reason, r.src(name))
	}
	s, err := convert.Convert(v, cty.String)
	if err != nil {
		return model.Unknown[string](name+" is not a string", r.src(name))
	}
	return model.Known(s.AsString(), r.src(name))
}

// strAbsent reads a string attribute whose absence means "unknown": the
// provider or AWS computes it.
func (r rd) strAbsent(name, why string) model.String {
	if _, _, ok := r.raw(name); !ok {
		return model.Unknown[string](why, r.block())
	}
	return r.str(name, "")
}

// plain returns a known string attribute, or "".
func (r rd) plain(name string) string {
	s, _ := r.str(name, "").Get()
	return s
}

func (r rd) boolean(name string, def bool) model.Bool {
	v, reason, ok := r.raw(name)
	switch {
	case !ok:
		return model.Known(def, r.block())
	case reason != "":
		return model.Unknown[bool](reason, r.src(name))
	}
	b, err := convert.Convert(v, cty.Bool)
	if err != nil {
		return model.Unknown[bool](name+" is not a boolean", r.src(name))
	}
	return model.Known(b.True(), r.src(name))
}

func (r rd) integer(name string, def int64) model.Int {
	v, reason, ok := r.raw(name)
	switch {
	case !ok:
		return model.Known(def, r.block())
	case reason != "":
		return model.Unknown[int64](reason, r.src(name))
	}
	n, err := convert.Convert(v, cty.Number)
	if err != nil {
		return model.Unknown[int64](name+" is not a number", r.src(name))
	}
	i, acc := n.AsBigFloat().Int64()
	if acc != big.Exact && !n.AsBigFloat().IsInt() {
		return model.Unknown[int64](name+" is not a whole number", r.src(name))
	}
	return model.Known(i, r.src(name))
}

// strings reads a list or set of strings; absent is a known empty list.
func (r rd) strings(name string) model.Value[[]string] {
	v, reason, ok := r.raw(name)
	switch {
	case !ok:
		return model.Known([]string(nil), r.block())
	case reason != "":
		return model.Unknown[[]string](reason, r.src(name))
	}
	if v.Type() == cty.String {
		return model.Known([]string{v.AsString()}, r.src(name))
	}
	if !v.CanIterateElements() {
		return model.Unknown[[]string](name+" is not a list of strings", r.src(name))
	}
	var out []string
	for it := v.ElementIterator(); it.Next(); {
		_, e := it.Element()
		s, err := convert.Convert(e, cty.String)
		if err != nil || s.IsNull() {
			continue
		}
		out = append(out, s.AsString())
	}
	return model.Known(out, r.src(name))
}

// marks are the resources whose id/arn/name flowed into an attribute.
func (r rd) marks(name string) []string {
	if a, ok := r.o.attrs[name]; ok {
		return a.marks
	}
	return nil
}

// blocks reads nested blocks, in order; in JSON configurations they are
// object or list attributes. An unknown dynamic block gives ok false and
// the reason.
func (r rd) blocks(name string) (out []rd, reason string) {
	for _, b := range r.o.blocks[name] {
		if a, ok := b.attrs[unknownBlockAttr]; ok {
			return nil, a.reason
		}
		out = append(out, rd{m: r.m, inst: r.inst, o: b, blk: b.rng})
	}
	if len(out) > 0 {
		return out, ""
	}
	a, ok := r.o.attrs[name]
	if !ok {
		return nil, ""
	}
	if !a.v.IsWhollyKnown() {
		return nil, orStr(a.reason, name+" is unknown")
	}
	var vals []cty.Value
	switch {
	case a.v.IsNull():
	case a.v.Type().IsObjectType() || a.v.Type().IsMapType():
		vals = []cty.Value{a.v}
	case a.v.CanIterateElements():
		for it := a.v.ElementIterator(); it.Next(); {
			_, e := it.Element()
			vals = append(vals, e)
		}
	}
	for _, v := range vals {
		out = append(out, rd{m: r.m, inst: r.inst, o: objOf(v, a.rng), blk: a.rng})
	}
	return out, ""
}

// first returns the first nested block (or an empty one at the enclosing
// block's range), and the reason when it is unknown.
func (r rd) first(name string) (rd, bool, string) {
	bs, reason := r.blocks(name)
	if len(bs) == 0 {
		return rd{m: r.m, inst: r.inst, o: &obj{attrs: map[string]*attr{}, blocks: map[string][]*obj{}}, blk: r.blk}, false, reason
	}
	return bs[0], true, ""
}

// objOf turns a JSON-style object value into an obj, at rng.
func objOf(v cty.Value, rng hcl.Range) *obj {
	o := &obj{attrs: map[string]*attr{}, blocks: map[string][]*obj{}, rng: rng}
	if v.IsNull() || !v.IsKnown() || !(v.Type().IsObjectType() || v.Type().IsMapType()) {
		return o
	}
	m := v.AsValueMap()
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		o.attrs[k] = &attr{v: m[k], rng: rng}
	}
	return o
}

// reference returns the reference an attribute is made of when it is a
// single reference to another resource's computed id or arn, else "".
func (r rd) reference(name string) string {
	if a, ok := r.o.attrs[name]; ok {
		return a.ref
	}
	return ""
}
