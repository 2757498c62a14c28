package terraform

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"sort"
	"strings"
	"sync"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	hcljson "github.com/hashicorp/hcl/v2/json"
)

// fileSchema is the top level of a Terraform file.
var fileSchema = &hcl.BodySchema{
	Blocks: []hcl.BlockHeaderSchema{
		{Type: "variable", LabelNames: []string{"name"}},
		{Type: "locals"},
		{Type: "output", LabelNames: []string{"name"}},
		{Type: "module", LabelNames: []string{"name"}},
		{Type: "resource", LabelNames: []string{"type", "name"}},
		{Type: "data", LabelNames: []string{"type", "name"}},
		{Type: "terraform"},
		{Type: "provider", LabelNames: []string{"name"}},
		{Type: "moved"},
		{Type: "import"},
		{Type: "check", LabelNames: []string{"name"}},
		{Type: "removed"},
	},
}

// module is the parsed configuration of one folder.
type module struct {
	dir       string
	variables map[string]*variable
	locals    map[string]*hcl.Attribute
	outputs   map[string]*hcl.Attribute
	calls     map[string]*moduleCall
	resources map[string]*resourceBlock // "type.name"
	data      map[string]*resourceBlock // "type.name"
	order     []string                  // resource keys in file order (deterministic output)
	// region is the default (unaliased) aws provider's region argument.
	region hcl.Expression
}

type variable struct {
	name     string
	dflt     hcl.Expression // nil when no default
	typ      hcl.Expression
	decl     hcl.Range
	nullable bool
}

type moduleCall struct {
	name    string
	source  string
	body    hcl.Body
	count   hcl.Expression
	forEach hcl.Expression
	decl    hcl.Range
	attrs   hcl.Attributes
}

type resourceBlock struct {
	typ, name string
	body      hcl.Body
	count     hcl.Expression
	forEach   hcl.Expression
	decl      hcl.Range // the whole block
}

// isTerraformFile reports whether name is a Terraform configuration file.
func isTerraformFile(name string) bool {
	if strings.HasPrefix(name, ".") || strings.HasSuffix(name, "~") {
		return false
	}
	return strings.HasSuffix(name, ".tf") || strings.HasSuffix(name, ".tf.json") ||
		strings.HasSuffix(name, ".tofu") || strings.HasSuffix(name, ".tofu.json")
}

// parsed is one parsed file.
type parsed struct {
	name string
	file *hcl.File
	diag hcl.Diagnostics
}

// parseFiles parses files concurrently (parsing is the CPU-heavy part of a
// large tree) and returns them in the order given.
func parseFiles(names []string, read func(string) ([]byte, error)) []parsed {
	out := make([]parsed, len(names))
	var wg sync.WaitGroup
	next := make(chan int)
	workers := min(runtime.GOMAXPROCS(0), len(names))
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				out[i] = parseOne(names[i], read)
			}
		}()
	}
	for i := range names {
		next <- i
	}
	close(next)
	wg.Wait()
	return out
}

func parseOne(name string, read func(string) ([]byte, error)) parsed {
	src, err := read(name)
	if err != nil {
		return parsed{name: name, diag: hcl.Diagnostics{{Severity: hcl.DiagError, Summary: err.Error()}}}
	}
	return parseSource(name, src)
}

// parseSource parses one file's bytes; it never panics on bad input.
func parseSource(name string, src []byte) (p parsed) {
	p.name = name
	if bytes.IndexByte(src[:min(len(src), 8000)], 0) >= 0 {
		p.diag = hcl.Diagnostics{{Severity: hcl.DiagError, Summary: "binary file skipped"}}
		return p
	}
	defer func() {
		if r := recover(); r != nil {
			p.file = nil
			p.diag = hcl.Diagnostics{{Severity: hcl.DiagError, Summary: fmt.Sprintf("parser failure: %v", r)}}
		}
	}()
	if strings.HasSuffix(name, ".json") {
		p.file, p.diag = hcljson.Parse(src, name)
	} else {
		p.file, p.diag = hclsyntax.ParseConfig(src, name, hcl.InitialPos)
	}
	return p
}

// buildModule assembles the blocks of a folder's parsed files. Diagnostics
// (duplicate names, unexpected blocks) come back as warnings.
func buildModule(dir string, files []parsed) (*module, hcl.Diagnostics) {
	m := &module{dir: dir, variables: map[string]*variable{}, locals: map[string]*hcl.Attribute{},
		outputs: map[string]*hcl.Attribute{}, calls: map[string]*moduleCall{},
		resources: map[string]*resourceBlock{}, data: map[string]*resourceBlock{}}
	var diags hcl.Diagnostics
	var overrides []parsed
	for _, f := range files {
		if f.file == nil {
			continue
		}
		if isOverrideFile(f.name) {
			overrides = append(overrides, f)
			continue
		}
		content, _, d := f.file.Body.PartialContent(fileSchema)
		diags = append(diags, d...)
		for _, b := range content.Blocks {
			switch b.Type {
			case "variable":
				v := &variable{name: b.Labels[0], decl: b.DefRange, nullable: true}
				attrs, _ := b.Body.JustAttributes()
				if a, ok := attrs["default"]; ok {
					v.dflt = a.Expr
				}
				if a, ok := attrs["type"]; ok {
					v.typ = a.Expr
				}
				m.variables[v.name] = v
			case "locals":
				attrs, d := b.Body.JustAttributes()
				diags = append(diags, d...)
				for n, a := range attrs {
					m.locals[n] = a
				}
			case "output":
				attrs, _ := b.Body.JustAttributes()
				if a, ok := attrs["value"]; ok {
					m.outputs[b.Labels[0]] = a
				}
			case "module":
				mc := newModuleCall(b.Labels[0], b.Body, blockRange(b))
				m.calls[mc.name] = mc
			case "provider":
				if b.Labels[0] == "aws" {
					attrs, _ := b.Body.JustAttributes()
					if _, aliased := attrs["alias"]; !aliased {
						if a, ok := attrs["region"]; ok {
							m.region = a.Expr
						}
					}
				}
			case "resource", "data":
				rb := &resourceBlock{typ: b.Labels[0], name: b.Labels[1], body: b.Body, decl: blockRange(b)}
				rb.count, rb.forEach = metaArgs(b.Body)
				key := rb.typ + "." + rb.name
				if b.Type == "data" {
					m.data[key] = rb
				} else {
					if _, dup := m.resources[key]; !dup {
						m.order = append(m.order, key)
					}
					m.resources[key] = rb
				}
			}
		}
	}
	diags = append(diags, applyOverrides(m, overrides)...)
	return m, diags
}

// newModuleCall reads a module block's arguments.
func newModuleCall(name string, body hcl.Body, decl hcl.Range) *moduleCall {
	mc := &moduleCall{name: name, body: body, decl: decl}
	attrs, _ := body.JustAttributes()
	mc.attrs = attrs
	if a, ok := attrs["source"]; ok {
		if v, d := a.Expr.Value(nil); !d.HasErrors() && v.Type().FriendlyName() == "string" && v.IsKnown() && !v.IsNull() {
			mc.source = v.AsString()
		}
	}
	if a, ok := attrs["count"]; ok {
		mc.count = a.Expr
	}
	if a, ok := attrs["for_each"]; ok {
		mc.forEach = a.Expr
	}
	return mc
}

// metaArgs returns the count and for_each expressions of a block body.
func metaArgs(body hcl.Body) (count, forEach hcl.Expression) {
	if sb, ok := body.(*hclsyntax.Body); ok {
		if a, ok := sb.Attributes["count"]; ok {
			count = a.Expr
		}
		if a, ok := sb.Attributes["for_each"]; ok {
			forEach = a.Expr
		}
		return count, forEach
	}
	content, _, _ := body.PartialContent(&hcl.BodySchema{Attributes: []hcl.AttributeSchema{{Name: "count"}, {Name: "for_each"}}})
	if a, ok := content.Attributes["count"]; ok {
		count = a.Expr
	}
	if a, ok := content.Attributes["for_each"]; ok {
		forEach = a.Expr
	}
	return count, forEach
}

// blockRange is the whole block, header to closing brace, where the syntax
// gives it.
func blockRange(b *hcl.Block) hcl.Range {
	if sb, ok := b.Body.(*hclsyntax.Body); ok {
		return hcl.RangeBetween(b.DefRange, sb.SrcRange)
	}
	return hcl.RangeBetween(b.DefRange, b.Body.MissingItemRange())
}

// terraformFilesIn lists a folder's Terraform files in lexical order (the
// order Terraform reads them in); buildModule merges the override files.
func terraformFilesIn(dir string) ([]string, error) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, err
	}
	var out []string
	for _, e := range entries {
		if e.Type().IsRegular() && isTerraformFile(e.Name()) {
			out = append(out, filepath.Join(dir, e.Name()))
		}
	}
	sort.Strings(out)
	return out, nil
}
