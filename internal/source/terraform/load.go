// Package terraform evaluates Terraform configurations the way Terraform
// does (variables by precedence, locals, references, count/for_each,
// dynamic blocks, modules, built-in functions) and maps the evaluated AWS
// resources into the typed model of internal/model/aws.
//
// What cannot be known before apply (provider-computed ids and ARNs, data
// sources, variables without a value, modules that are not downloaded)
// stays unknown, with the reason naming the reference it waits for, so
// that checks report UNKNOWN and never guess.
package terraform

import (
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
	"github.com/zclconf/go-cty/cty"
	"github.com/zclconf/go-cty/cty/function"

	"github.com/cloudward/cloudward/internal/model"
	awsm "github.com/cloudward/cloudward/internal/model/aws"
)

// Options tune an evaluation. The zero Options evaluates with declared
// defaults and auto-loaded variable files only.
type Options struct {
	// Vars are --var NAME=VALUE assignments, in command-line order.
	Vars []string
	// VarFiles are --var-file paths, in command-line order; they apply
	// before Vars.
	VarFiles []string
	// Getenv reads TF_VAR_<name> for each root variable; nil reads none.
	Getenv func(string) string
	// Workspace is terraform.workspace; "default" when empty.
	Workspace string
	// Root confines file() and templatefile(); default: the folder of each
	// scanned path.
	Root string
	// MaxInstances overrides DefaultMaxInstances when > 0.
	MaxInstances int
}

func (o Options) workspace() string {
	if o.Workspace == "" {
		return "default"
	}
	return o.Workspace
}

// Warning is a problem that did not stop the scan: an invalid file, a
// module that is not available, a reference cycle.
type Warning struct {
	File         string
	Line, Column int
	Message      string
}

func (w Warning) String() string {
	switch {
	case w.File == "":
		return w.Message
	case w.Line > 0 && w.Column > 0:
		return fmt.Sprintf("%s:%d:%d: %s", w.File, w.Line, w.Column, w.Message)
	case w.Line > 0:
		return fmt.Sprintf("%s:%d: %s", w.File, w.Line, w.Message)
	}
	return w.File + ": " + w.Message
}

// Result is the evaluated configuration.
type Result struct {
	Inventory *awsm.Inventory
	Warnings  []Warning
	// Roots are the root module folders evaluated.
	Roots []string
	// Resources is the number of resource instances evaluated (all types).
	Resources int
}

type loader struct {
	opts      Options
	cwd       string
	confine   string
	mu        sync.Mutex
	modules   map[string]*module
	manifests map[string]map[string]string
	warnings  []Warning
	once      map[string]bool
	insts     []*instance
	funcCache map[string]map[string]function.Function
}

// Load evaluates the Terraform root modules in dirs (each folder holding
// .tf files is a root module unless another scanned folder calls it as a
// local module). files maps each folder to its Terraform files, in lexical
// order; folders come from the caller's walk of the tree.
func Load(files map[string][]string, opts Options) (*Result, error) {
	return LoadWithPlans(files, nil, opts)
}

// LoadWithPlans is Load plus Terraform plan JSON files (terraform show
// -json), whose planned values are read as Terraform evaluated them.
func LoadWithPlans(files map[string][]string, plans []string, opts Options) (*Result, error) {
	cwd, _ := os.Getwd()
	l := &loader{opts: opts, cwd: cwd, modules: map[string]*module{}, manifests: map[string]map[string]string{},
		once: map[string]bool{}, funcCache: map[string]map[string]function.Function{}}
	l.confine = opts.Root
	var all []string
	var dirs []string
	for d, fs := range files {
		dirs = append(dirs, d)
		// Override files are merged by buildModule.
		all = append(all, fs...)
	}
	sort.Strings(dirs)
	sort.Strings(all)
	if l.confine == "" && len(dirs) > 0 {
		l.confine = commonDir(dirs)
	}
	parsedFiles := parseFiles(all, os.ReadFile)
	byDir := map[string][]parsed{}
	for _, p := range parsedFiles {
		for _, d := range p.diag {
			if d.Severity == hcl.DiagError {
				l.diag(p.name, d)
			}
		}
		byDir[filepath.Dir(p.name)] = append(byDir[filepath.Dir(p.name)], p)
	}
	for _, d := range dirs {
		m, diags := buildModule(d, byDir[d])
		for _, dg := range diags {
			if dg.Severity == hcl.DiagError {
				l.diag(d, dg)
			}
		}
		l.modules[d] = m
	}
	// A folder that another scanned folder calls is a module, not a root.
	called := map[string]bool{}
	for _, d := range dirs {
		for _, mc := range l.modules[d].calls {
			if isLocalSource(mc.source) {
				// A folder calling itself is still a root (the recursion is
				// reported when it is evaluated).
				if target := filepath.Join(d, filepath.FromSlash(mc.source)); target != d {
					called[target] = true
				}
			}
		}
	}
	var roots []string
	for _, d := range dirs {
		if !called[d] {
			roots = append(roots, d)
		}
	}
	// Roots are independent: evaluate them concurrently.
	var wg sync.WaitGroup
	next := make(chan string)
	for w := 0; w < min(runtime.GOMAXPROCS(0), len(roots)); w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for r := range next {
				l.evalRoot(r)
			}
		}()
	}
	for _, r := range roots {
		next <- r
	}
	close(next)
	wg.Wait()

	for _, p := range plans {
		l.loadPlan(p)
	}
	// The syntax trees are not needed any more: let them go before the
	// model is built.
	l.modules = nil
	inv := l.inventory()
	sort.Slice(l.warnings, func(i, j int) bool {
		a, b := l.warnings[i], l.warnings[j]
		if a.File != b.File {
			return a.File < b.File
		}
		if a.Line != b.Line {
			return a.Line < b.Line
		}
		return a.Message < b.Message
	})
	res := &Result{Inventory: inv, Warnings: l.warnings, Resources: len(l.insts)}
	for _, r := range roots {
		res.Roots = append(res.Roots, l.rel(r))
	}
	return res, nil
}

// commonDir is the deepest folder containing every dir.
func commonDir(dirs []string) string {
	c := dirs[0]
	for _, d := range dirs[1:] {
		for c != "" && d != c && !strings.HasPrefix(d, c+string(filepath.Separator)) {
			parent := filepath.Dir(c)
			if parent == c {
				return c
			}
			c = parent
		}
	}
	return c
}

func (l *loader) maxInstances() int {
	if l.opts.MaxInstances > 0 {
		return l.opts.MaxInstances
	}
	return DefaultMaxInstances
}

func (l *loader) evalRoot(dir string) {
	defer func() {
		if r := recover(); r != nil {
			l.warn(dir, 0, 0, fmt.Sprintf("internal error evaluating this root module (its resources are not checked): %v", r))
		}
	}()
	m := l.module(dir)
	if m == nil {
		return
	}
	s := &scope{l: l, mod: m, root: dir, rootKey: l.rel(dir), chain: []string{dir}, reasons: map[string]string{}, funcs: l.funcs(dir)}
	inputs := l.rootInputs(s)
	s.vars = s.variables(inputs, func(name string) string {
		return fmt.Sprintf("var.%s has no value (no default; set it with --var %s=..., --var-file or TF_VAR_%s)", name, name, name)
	})

	s.run()
}

// module returns the parsed module in dir, parsing it on first use (called
// modules outside the scanned folders, e.g. under .terraform/modules).
func (l *loader) module(dir string) *module {
	dir = filepath.Clean(dir)
	l.mu.Lock()
	if m, ok := l.modules[dir]; ok {
		l.mu.Unlock()
		return m
	}
	l.mu.Unlock()
	names, err := terraformFilesIn(dir)
	var m *module
	if err == nil && len(names) > 0 {
		ps := parseFiles(names, os.ReadFile)
		var diags hcl.Diagnostics
		m, diags = buildModule(dir, ps)
		for _, p := range ps {
			diags = append(diags, p.diag...)
		}
		for _, d := range diags {
			if d.Severity == hcl.DiagError {
				l.diag(dir, d)
			}
		}
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	if prev, ok := l.modules[dir]; ok {
		return prev
	}
	l.modules[dir] = m
	return m
}

func (l *loader) funcs(dir string) map[string]function.Function {
	l.mu.Lock()
	defer l.mu.Unlock()
	if f, ok := l.funcCache[dir]; ok {
		return f
	}
	f := functions(dir, l.confine)
	l.funcCache[dir] = f
	return f
}

func (l *loader) add(inst *instance) {
	l.mu.Lock()
	l.insts = append(l.insts, inst)
	l.mu.Unlock()
}

// rel renders a path relative to the working directory when it is inside.
func (l *loader) rel(p string) string {
	if p == "" {
		return ""
	}
	if r, err := filepath.Rel(l.cwd, p); err == nil && !strings.HasPrefix(r, "..") {
		return filepath.ToSlash(r)
	}
	return filepath.ToSlash(p)
}

// source is the model location of a range.
func (l *loader) source(r hcl.Range) model.Source {
	return model.Source{File: l.rel(r.Filename), StartLine: r.Start.Line, EndLine: r.End.Line}
}

func (l *loader) warn(file string, line, col int, msg string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.warnLocked(file, line, col, msg)
}

func (l *loader) warnLocked(file string, line, col int, msg string) {
	l.warnings = append(l.warnings, Warning{File: l.rel(file), Line: line, Column: col, Message: msg})
}

// warnOnce reports a problem once per key (a missing module called from
// many places is one warning).
func (l *loader) warnOnce(key, file string, line, col int, msg string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.once[key] {
		return
	}
	l.once[key] = true
	l.warnLocked(file, line, col, msg)
}

func (l *loader) diag(file string, d *hcl.Diagnostic) {
	msg := d.Summary
	if d.Detail != "" {
		msg += ": " + d.Detail
	}
	if d.Subject != nil {
		l.warn(d.Subject.Filename, d.Subject.Start.Line, d.Subject.Start.Column, msg)
		return
	}
	l.warn(file, 0, 0, msg)
}

// rootInputs collects the root module's variable values in Terraform's
// precedence, lowest first: TF_VAR_* environment variables,
// terraform.tfvars, terraform.tfvars.json, *.auto.tfvars(.json) in lexical
// order, then --var-file and --var in the order given.
func (l *loader) rootInputs(s *scope) map[string]*attr {
	in := map[string]*attr{}
	typed := func(name string) bool {
		v, ok := s.mod.variables[name]
		if !ok || v.typ == nil {
			return false
		}
		return hcl.ExprAsKeyword(v.typ) != "string"
	}
	raw := func(name, value, origin string) {
		if _, declared := s.mod.variables[name]; !declared {
			return
		}
		if typed(name) {
			expr, diags := hclsyntax.ParseExpression([]byte(value), origin, hcl.InitialPos)
			if !diags.HasErrors() {
				if v, d := expr.Value(nil); !d.HasErrors() {
					in[name] = &attr{v: v}
					return
				}
			}
			l.warn(origin, 0, 0, fmt.Sprintf("value of %s is not a valid expression: the variable is unknown", name))
			in[name] = &attr{v: cty.DynamicVal, reason: "var." + name + " from " + origin + " is not a valid expression"}
			return
		}
		in[name] = &attr{v: cty.StringVal(value)}
	}
	if l.opts.Getenv != nil {
		names := make([]string, 0, len(s.mod.variables))
		for n := range s.mod.variables {
			names = append(names, n)
		}
		sort.Strings(names)
		for _, n := range names {
			if v := l.opts.Getenv("TF_VAR_" + n); v != "" {
				raw(n, v, "environment variable TF_VAR_"+n)
			}
		}
	}
	files := []string{filepath.Join(s.mod.dir, "terraform.tfvars"), filepath.Join(s.mod.dir, "terraform.tfvars.json")}
	if entries, err := os.ReadDir(s.mod.dir); err == nil {
		var auto []string
		for _, e := range entries {
			n := e.Name()
			if strings.HasSuffix(n, ".auto.tfvars") || strings.HasSuffix(n, ".auto.tfvars.json") {
				auto = append(auto, filepath.Join(s.mod.dir, n))
			}
		}
		sort.Strings(auto)
		files = append(files, auto...)
	}
	for _, f := range files {
		if _, err := os.Stat(f); err == nil {
			l.varFile(f, s, in)
		}
	}
	for _, f := range l.opts.VarFiles {
		l.varFile(f, s, in)
	}
	for _, kv := range l.opts.Vars {
		if k, v, ok := strings.Cut(kv, "="); ok {
			raw(strings.TrimSpace(k), v, "--var "+k)
		}
	}
	return in
}

// varFile reads one .tfvars(.json) file into in.
func (l *loader) varFile(name string, s *scope, in map[string]*attr) {
	src, err := os.ReadFile(name)
	if err != nil {
		l.warn(name, 0, 0, "cannot read variable file: "+err.Error())
		return
	}
	var f *hcl.File
	var diags hcl.Diagnostics
	if strings.HasSuffix(name, ".json") {
		f, diags = hcljson.Parse(src, name)
	} else {
		f, diags = hclsyntax.ParseConfig(src, name, hcl.InitialPos)
	}
	for _, d := range diags {
		if d.Severity == hcl.DiagError {
			l.diag(name, d)
		}
	}
	if f == nil {
		return
	}
	attrs, diags := f.Body.JustAttributes()
	for _, d := range diags {
		if d.Severity == hcl.DiagError {
			l.diag(name, d)
		}
	}
	for n, a := range attrs {
		if _, declared := s.mod.variables[n]; !declared {
			continue
		}
		v, d := a.Expr.Value(nil)
		if d.HasErrors() {
			l.diag(name, d[0])
			continue
		}
		in[n] = &attr{v: v, rng: a.Range}
	}
}
