// Package compliance holds the compliance frameworks cloudward evaluates
// (CIS AWS Foundations, NIST SP 800-53, PCI DSS, SOC 2, ISO 27001 and the
// cspm-baseline) as embedded data files, loads and validates them, and turns
// a scan's findings into per-control statuses and per-framework scores.
//
// The framework files are the single source of truth for which check decides
// which control; docs/frameworks-schema.md documents their schema.
package compliance

import (
	"bytes"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"path"
	"regexp"
	"sort"
	"strings"
	"sync"

	"gopkg.in/yaml.v3"

	"github.com/cloudward/cloudward/internal/check"
)

// Assessment says whether the framework's authors consider a control
// decidable by a tool (automated) or by a person (manual).
type Assessment string

// Assessments.
const (
	AssessAutomated Assessment = "automated"
	AssessManual    Assessment = "manual"
)

// Framework is one version of a compliance framework.
type Framework struct {
	ID          string `yaml:"id"`
	Name        string `yaml:"name"`
	Version     string `yaml:"version"`
	Provider    string `yaml:"provider"`
	Source      string `yaml:"source"`
	Description string `yaml:"description"`
	// Profiles is true for frameworks with CIS profile levels: every
	// control then has level 1 or 2, and --level filters them.
	Profiles bool      `yaml:"profiles"`
	Controls []Control `yaml:"controls"`

	file string // the file it was loaded from, for error messages
}

// Control is one requirement of a framework.
type Control struct {
	// ID is a string: "1.10" and "1.1" are different controls.
	ID      string `yaml:"id"`
	Title   string `yaml:"title"`
	Section string `yaml:"section"`
	// Level is the CIS profile level (1 or 2); 0 for frameworks without
	// profiles.
	Level      int        `yaml:"level"`
	Assessment Assessment `yaml:"assessment"`
	// Description says what the control asks, in cloudward's words.
	Description string `yaml:"description"`
	// Audit is the procedure a person follows to verify the control; the
	// report shows it for controls no check decides.
	Audit string `yaml:"audit"`
	// Checks are the cloudward check IDs that decide the control; empty when
	// no check exists yet.
	Checks []string `yaml:"checks"`
	// NotAPIEvaluable, when set, says why no API can answer the control
	// (security questions have no API; "current" contact details are a
	// fact only the owner knows). Such a control stays MANUAL and counts
	// outside the API-evaluable controls of Coverage.
	NotAPIEvaluable string `yaml:"not_api_evaluable"`

	line int // line in the framework file
}

var controlKeys = map[string]bool{"id": true, "title": true, "section": true, "level": true,
	"assessment": true, "description": true, "audit": true, "checks": true, "not_api_evaluable": true}

// UnmarshalYAML decodes a control strictly: unknown keys are errors, and the
// id must be a string in the file, because an unquoted 1.10 is the number
// 1.1 to every other YAML reader.
func (c *Control) UnmarshalYAML(n *yaml.Node) error {
	if n.Kind != yaml.MappingNode {
		return fmt.Errorf("line %d: a control must be a mapping", n.Line)
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		if !controlKeys[k.Value] {
			return fmt.Errorf("line %d: unknown control field %q", k.Line, k.Value)
		}
		if k.Value == "id" && (v.Kind != yaml.ScalarNode || v.Tag != "!!str") {
			return fmt.Errorf("line %d: control id %s must be a quoted string (\"%s\")", v.Line, v.Value, v.Value)
		}
	}
	type plain Control
	var p plain
	if err := n.Decode(&p); err != nil {
		return err
	}
	*c = Control(p)
	c.line = n.Line
	return nil
}

// Line is the control's line in its framework file (0 when built in code).
func (c *Control) Line() int { return c.line }

// File is the file the framework was loaded from.
func (f *Framework) File() string { return f.file }

// Control returns the control with the given ID, or nil.
func (f *Framework) Control(id string) *Control {
	for i := range f.Controls {
		if f.Controls[i].ID == id {
			return &f.Controls[i]
		}
	}
	return nil
}

// Coverage counts a framework's controls: all of them, those the framework
// marks automated, those an API can answer (every control not marked
// not_api_evaluable), and those cloudward evaluates (mapped to a check).
type Coverage struct {
	Controls     int `json:"controls"`
	Automated    int `json:"automated"`
	APIEvaluable int `json:"api_evaluable"`
	Evaluated    int `json:"evaluated"`
}

// Coverage counts the framework's controls.
func (f *Framework) Coverage() Coverage {
	c := Coverage{Controls: len(f.Controls)}
	for i := range f.Controls {
		if f.Controls[i].Assessment == AssessAutomated {
			c.Automated++
		}
		if f.Controls[i].NotAPIEvaluable == "" {
			c.APIEvaluable++
		}
		if len(f.Controls[i].Checks) > 0 {
			c.Evaluated++
		}
	}
	return c
}

// Percent is the share of API-evaluable controls that cloudward evaluates,
// rounded down to a whole percent (100 only when none is missing).
func (c Coverage) Percent() int {
	if c.APIEvaluable == 0 {
		return 100
	}
	return 100 * min(c.Evaluated, c.APIEvaluable) / c.APIEvaluable
}

// WithLevel returns the framework restricted to a CIS profile: level 1 keeps
// the Level 1 controls, level 2 keeps Level 1 and Level 2 (the Level 2
// profile extends Level 1). Frameworks without profiles are returned as is.
func (f *Framework) WithLevel(level int) *Framework {
	if !f.Profiles || level <= 0 {
		return f
	}
	out := *f
	out.Controls = nil
	for _, c := range f.Controls {
		if c.Level <= level {
			out.Controls = append(out.Controls, c)
		}
	}
	return &out
}

//go:embed frameworks/*.yaml
var builtinFS embed.FS

var builtin = sync.OnceValues(func() ([]*Framework, error) {
	sub, err := fs.Sub(builtinFS, "frameworks")
	if err != nil {
		return nil, err
	}
	return LoadFS(sub)
})

// Builtin returns the embedded frameworks, sorted by ID. They are validated
// on first use; callers must not modify them.
func Builtin() ([]*Framework, error) { return builtin() }

// LoadFS loads every *.yaml file at the root of fsys as a framework and
// validates each one (without the check registry: see Validate).
func LoadFS(fsys fs.FS) ([]*Framework, error) {
	names, err := fs.Glob(fsys, "*.yaml")
	if err != nil {
		return nil, err
	}
	var out []*Framework
	seen := map[string]string{}
	for _, name := range names {
		data, err := fs.ReadFile(fsys, name)
		if err != nil {
			return nil, err
		}
		fw, err := Parse(name, data)
		if err != nil {
			return nil, err
		}
		if want := strings.TrimSuffix(path.Base(name), ".yaml"); fw.ID != want {
			return nil, fmt.Errorf("%s: framework id %q must match the file name (%s.yaml)", name, fw.ID, fw.ID)
		}
		if prev, dup := seen[fw.ID]; dup {
			return nil, fmt.Errorf("%s: framework id %q already defined in %s", name, fw.ID, prev)
		}
		seen[fw.ID] = name
		out = append(out, fw)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].ID < out[j].ID })
	return out, nil
}

var frameworkKeys = map[string]bool{"id": true, "name": true, "version": true, "provider": true,
	"source": true, "description": true, "profiles": true, "controls": true}

// Parse decodes and validates one framework file; errors name the file and
// the line.
func Parse(file string, data []byte) (*Framework, error) {
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		return nil, fmt.Errorf("%s: %w", file, err)
	}
	if doc.Kind != yaml.DocumentNode || len(doc.Content) != 1 || doc.Content[0].Kind != yaml.MappingNode {
		return nil, fmt.Errorf("%s: a framework file must be one YAML mapping", file)
	}
	root := doc.Content[0]
	for i := 0; i+1 < len(root.Content); i += 2 {
		if k := root.Content[i]; !frameworkKeys[k.Value] {
			return nil, fmt.Errorf("%s: line %d: unknown framework field %q", file, k.Line, k.Value)
		}
	}
	dec := yaml.NewDecoder(bytes.NewReader(data))
	var fw Framework
	if err := dec.Decode(&fw); err != nil {
		return nil, fmt.Errorf("%s: %w", file, err)
	}
	fw.file = file
	if err := fw.validate(); err != nil {
		return nil, err
	}
	return &fw, nil
}

var (
	frameworkID = regexp.MustCompile(`^[a-z0-9]+(-[a-z0-9.]+)*$`)
	controlID   = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9.()\-]*$`)
	checkID     = regexp.MustCompile(`^[a-z0-9]+(-[a-z0-9]+)+$`)
)

// validate checks what the schema requires; errors name the file and line.
func (f *Framework) validate() error {
	fail := func(line int, format string, args ...any) error {
		msg := fmt.Sprintf(format, args...)
		if line > 0 {
			return fmt.Errorf("%s: line %d: %s", f.file, line, msg)
		}
		return fmt.Errorf("%s: %s", f.file, msg)
	}
	switch {
	case !frameworkID.MatchString(f.ID):
		return fail(0, "framework id %q must be lower-case words joined by '-'", f.ID)
	case f.Name == "":
		return fail(0, "framework %s: no name", f.ID)
	case f.Version == "":
		return fail(0, "framework %s: no version", f.ID)
	case f.Provider == "":
		return fail(0, "framework %s: no provider", f.ID)
	case len(f.Controls) == 0:
		return fail(0, "framework %s: no controls", f.ID)
	}
	if u, err := url.Parse(f.Source); err != nil || u.Scheme != "https" || u.Host == "" {
		return fail(0, "framework %s: source %q must be an https URL", f.ID, f.Source)
	}
	seen := map[string]int{}
	for i := range f.Controls {
		c := &f.Controls[i]
		switch {
		case !controlID.MatchString(c.ID):
			return fail(c.line, "control id %q is empty or has odd characters", c.ID)
		case c.Title == "":
			return fail(c.line, "control %s: no title", c.ID)
		case c.Section == "":
			return fail(c.line, "control %s: no section", c.ID)
		case c.Assessment != AssessAutomated && c.Assessment != AssessManual:
			return fail(c.line, "control %s: assessment %q must be automated or manual", c.ID, c.Assessment)
		case c.Description == "":
			return fail(c.line, "control %s: no description", c.ID)
		case c.Audit == "":
			return fail(c.line, "control %s: no audit procedure", c.ID)
		case f.Profiles && c.Level != 1 && c.Level != 2:
			return fail(c.line, "control %s: level %d must be 1 or 2", c.ID, c.Level)
		case !f.Profiles && c.Level != 0:
			return fail(c.line, "control %s: level set but the framework has no profiles", c.ID)
		case c.NotAPIEvaluable != "" && len(c.Checks) > 0:
			return fail(c.line, "control %s: marked not_api_evaluable but mapped to checks", c.ID)
		case c.NotAPIEvaluable != "" && c.Assessment == AssessAutomated:
			return fail(c.line, "control %s: the framework automates it, so it cannot be not_api_evaluable", c.ID)
		}
		if prev, dup := seen[c.ID]; dup {
			return fail(c.line, "control id %q already used on line %d", c.ID, prev)
		}
		seen[c.ID] = c.line
		checks := map[string]bool{}
		for _, id := range c.Checks {
			if !checkID.MatchString(id) {
				return fail(c.line, "control %s: %q is not a check ID", c.ID, id)
			}
			if checks[id] {
				return fail(c.line, "control %s: check %s listed twice", c.ID, id)
			}
			checks[id] = true
		}
	}
	return nil
}

// Validate checks every mapped check ID against the known checks.
func Validate(fws []*Framework, known func(id string) bool) error {
	var errs []error
	for _, f := range fws {
		for _, c := range f.Controls {
			for _, id := range c.Checks {
				if !known(id) {
					errs = append(errs, fmt.Errorf("%s: line %d: control %s maps unknown check %s", f.file, c.line, c.ID, id))
				}
			}
		}
	}
	return errors.Join(errs...)
}

// Mappings derives each check's framework mappings (framework ID -> control
// IDs, in file order) from the frameworks: the inverse of Control.Checks.
func Mappings(fws []*Framework) map[string]map[string][]string {
	out := map[string]map[string][]string{}
	for _, f := range fws {
		for _, c := range f.Controls {
			for _, id := range c.Checks {
				m := out[id]
				if m == nil {
					m = map[string][]string{}
					out[id] = m
				}
				m[f.ID] = append(m[f.ID], c.ID)
			}
		}
	}
	return out
}

// Select returns the frameworks with the given IDs, in the given order, or
// every framework of provider when ids is empty.
func Select(fws []*Framework, provider string, ids []string) ([]*Framework, error) {
	if len(ids) == 0 {
		var out []*Framework
		for _, f := range fws {
			if f.Provider == provider {
				out = append(out, f)
			}
		}
		return out, nil
	}
	byID := map[string]*Framework{}
	var all []string
	for _, f := range fws {
		byID[f.ID] = f
		all = append(all, f.ID)
	}
	var out []*Framework
	for _, id := range ids {
		f := byID[id]
		if f == nil {
			return nil, fmt.Errorf("unknown framework %q (known: %s)", id, strings.Join(all, ", "))
		}
		out = append(out, f)
	}
	return out, nil
}

// Annotate returns copies of the checks whose Meta.Frameworks are derived
// from the frameworks (framework ID -> control IDs): the framework files are
// the source of truth. Entries for frameworks without a file are kept.
func Annotate(checks []*check.Check, fws []*Framework) []*check.Check {
	derived := Mappings(fws)
	known := make(map[string]bool, len(fws))
	for _, f := range fws {
		known[f.ID] = true
	}
	out := make([]*check.Check, len(checks))
	for i, c := range checks {
		cp := *c
		m := map[string][]string{}
		for fw, ids := range c.Frameworks {
			if !known[fw] {
				m[fw] = ids
			}
		}
		for fw, ids := range derived[c.ID] {
			m[fw] = ids
		}
		cp.Frameworks = m
		out[i] = &cp
	}
	return out
}
