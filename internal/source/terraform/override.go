package terraform

import (
	"fmt"
	"path/filepath"
	"strings"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
)

// isOverrideFile reports whether name is an override file (override.tf,
// *_override.tf and their .tf.json/.tofu forms), which Terraform merges
// into the blocks of the folder's other files instead of reading as new
// blocks (https://developer.hashicorp.com/terraform/language/files/override).
func isOverrideFile(name string) bool {
	base := filepath.Base(name)
	for _, ext := range []string{".tf.json", ".tofu.json", ".tf", ".tofu"} {
		if strings.HasSuffix(base, ext) {
			base = strings.TrimSuffix(base, ext)
			break
		}
	}
	return base == "override" || strings.HasSuffix(base, "_override")
}

// applyOverrides merges the override files (in lexical order, after every
// primary file, as Terraform does) into m: each top-level block replaces,
// attribute by attribute, the block with the same address; a nested block
// type in the override replaces every block of that type (static or
// dynamic) of the original; lifecycle merges attribute by attribute;
// locals, variables and outputs are overridden value by value.
func applyOverrides(m *module, overrides []parsed) hcl.Diagnostics {
	var diags hcl.Diagnostics
	problem := func(rng hcl.Range, format string, args ...any) {
		r := rng
		diags = append(diags, &hcl.Diagnostic{Severity: hcl.DiagError, Summary: fmt.Sprintf(format, args...), Subject: &r})
	}
	for _, f := range overrides {
		if f.file == nil {
			continue
		}
		content, _, d := f.file.Body.PartialContent(fileSchema)
		diags = append(diags, d...)
		for _, b := range content.Blocks {
			switch b.Type {
			case "resource", "data":
				idx := m.resources
				if b.Type == "data" {
					idx = m.data
				}
				key := b.Labels[0] + "." + b.Labels[1]
				rb, ok := idx[key]
				if !ok {
					problem(b.DefRange, "override file: %s %q %q has no original block in %s (not merged)", b.Type, b.Labels[0], b.Labels[1], m.dir)
					continue
				}
				merged, ok := mergeBodies(rb.body, b.Body)
				if !ok {
					problem(b.DefRange, "override file: %s %s: only native-syntax (.tf) blocks are merged; JSON override not applied", b.Type, key)
					continue
				}
				rb.body = merged
				rb.count, rb.forEach = metaArgs(merged)
			case "module":
				mc, ok := m.calls[b.Labels[0]]
				if !ok {
					problem(b.DefRange, "override file: module %q has no original block in %s (not merged)", b.Labels[0], m.dir)
					continue
				}
				merged, ok := mergeBodies(mc.body, b.Body)
				if !ok {
					problem(b.DefRange, "override file: module %s: only native-syntax (.tf) blocks are merged; JSON override not applied", b.Labels[0])
					continue
				}
				fresh := newModuleCall(b.Labels[0], merged, mc.decl)
				*mc = *fresh
			case "variable":
				v, ok := m.variables[b.Labels[0]]
				if !ok {
					problem(b.DefRange, "override file: variable %q has no original declaration in %s (not merged)", b.Labels[0], m.dir)
					continue
				}
				attrs, _ := b.Body.JustAttributes()
				if a, ok := attrs["default"]; ok {
					v.dflt = a.Expr
				}
				if a, ok := attrs["type"]; ok {
					v.typ = a.Expr
				}
			case "locals":
				attrs, d := b.Body.JustAttributes()
				diags = append(diags, d...)
				for n, a := range attrs {
					if _, ok := m.locals[n]; !ok {
						problem(a.Range, "override file: local.%s has no original definition in %s (not merged)", n, m.dir)
						continue
					}
					m.locals[n] = a
				}
			case "output":
				if _, ok := m.outputs[b.Labels[0]]; !ok {
					continue // an output without value, or a new one: outputs are not checked
				}
				attrs, _ := b.Body.JustAttributes()
				if a, ok := attrs["value"]; ok {
					m.outputs[b.Labels[0]] = a
				}
			case "provider":
				if b.Labels[0] == "aws" {
					attrs, _ := b.Body.JustAttributes()
					if _, aliased := attrs["alias"]; !aliased {
						if a, ok := attrs["region"]; ok {
							m.region = a.Expr
						}
					}
				}
			}
		}
	}
	return diags
}

// mergeBodies returns base with over merged in (see applyOverrides); ok is
// false when either body is not native syntax.
func mergeBodies(base, over hcl.Body) (hcl.Body, bool) {
	b, ok1 := base.(*hclsyntax.Body)
	o, ok2 := over.(*hclsyntax.Body)
	if !ok1 || !ok2 {
		return nil, false
	}
	merged := *b // keeps the original block's source range
	merged.Attributes = make(hclsyntax.Attributes, len(b.Attributes)+len(o.Attributes))
	for n, a := range b.Attributes {
		merged.Attributes[n] = a
	}
	for n, a := range o.Attributes {
		merged.Attributes[n] = a
	}
	replaced := map[string]bool{}
	var lifecycle *hclsyntax.Block
	for _, blk := range o.Blocks {
		if blk.Type == "lifecycle" {
			lifecycle = blk
			continue
		}
		replaced[nestedType(blk)] = true
	}
	merged.Blocks = nil
	for _, blk := range b.Blocks {
		switch {
		case blk.Type == "lifecycle" && lifecycle != nil:
			lb, _ := mergeBodies(blk.Body, lifecycle.Body)
			cp := *blk
			cp.Body = lb.(*hclsyntax.Body)
			merged.Blocks = append(merged.Blocks, &cp)
			lifecycle = nil
		case !replaced[nestedType(blk)]:
			merged.Blocks = append(merged.Blocks, blk)
		}
	}
	for _, blk := range o.Blocks {
		if blk.Type != "lifecycle" || lifecycle != nil {
			merged.Blocks = append(merged.Blocks, blk)
		}
	}
	return &merged, true
}

// nestedType is the block type a nested block produces: a dynamic "x"
// block produces x blocks.
func nestedType(b *hclsyntax.Block) string {
	if b.Type == "dynamic" && len(b.Labels) == 1 {
		return b.Labels[0]
	}
	return b.Type
}
