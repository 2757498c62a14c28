package terraform

import (
	"encoding/json"
	"fmt"
	"math/big"
	"os"
	"sort"
	"strings"

	"github.com/hashicorp/hcl/v2"
	"github.com/zclconf/go-cty/cty"
)

// Terraform plan JSON (`terraform show -json plan.out`): Terraform has done
// the evaluation, so the planned values are read as they are. Attributes in
// after_unknown are unknown ("known only after apply"); the configuration
// section's references join companions to their parents, as marks do for
// configurations. A plan has no line numbers: locations name the plan file.

type planFile struct {
	FormatVersion string `json:"format_version"`
	PlannedValues struct {
		RootModule planModule `json:"root_module"`
	} `json:"planned_values"`
	ResourceChanges []struct {
		Address string `json:"address"`
		Change  struct {
			AfterUnknown json.RawMessage `json:"after_unknown"`
		} `json:"change"`
	} `json:"resource_changes"`
	Configuration struct {
		RootModule planConfigModule `json:"root_module"`
	} `json:"configuration"`
}

type planModule struct {
	Address      string         `json:"address"`
	Resources    []planResource `json:"resources"`
	ChildModules []planModule   `json:"child_modules"`
}

type planResource struct {
	Address string          `json:"address"`
	Mode    string          `json:"mode"`
	Type    string          `json:"type"`
	Name    string          `json:"name"`
	Values  json.RawMessage `json:"values"`
}

type planConfigModule struct {
	Resources []struct {
		Address     string `json:"address"`
		Expressions map[string]struct {
			References []string `json:"references"`
		} `json:"expressions"`
	} `json:"resources"`
	ModuleCalls map[string]struct {
		Module planConfigModule `json:"module"`
	} `json:"module_calls"`
}

// maxPlanSize bounds a plan file.
const maxPlanSize = 256 << 20

// loadPlan reads one plan's resources into the loader's instances.
func (l *loader) loadPlan(name string) {
	st, err := os.Stat(name)
	if err != nil {
		l.warn(name, 0, 0, "not readable: "+err.Error())
		return
	}
	if st.Size() > maxPlanSize {
		l.warn(name, 0, 0, fmt.Sprintf("skipped: %d bytes is over the %d-byte limit for a plan", st.Size(), maxPlanSize))
		return
	}
	data, err := os.ReadFile(name)
	if err != nil {
		l.warn(name, 0, 0, "not readable: "+err.Error())
		return
	}
	var p planFile
	if err := json.Unmarshal(data, &p); err != nil {
		line, col := jsonPosition(data, err)
		l.warn(name, line, col, "not a valid plan: "+err.Error())
		return
	}
	unknown := map[string]any{}
	for _, rc := range p.ResourceChanges {
		var u any
		if len(rc.Change.AfterUnknown) > 0 && json.Unmarshal(rc.Change.AfterUnknown, &u) == nil {
			unknown[rc.Address] = u
		}
	}
	// References per resource (configuration addresses have no index) and
	// attribute.
	refs := map[string]map[string][]string{}
	var walk func(prefix string, m planConfigModule)
	walk = func(prefix string, m planConfigModule) {
		for _, r := range m.Resources {
			for attr, e := range r.Expressions {
				if refs[prefix+r.Address] == nil {
					refs[prefix+r.Address] = map[string][]string{}
				}
				refs[prefix+r.Address][attr] = e.References
			}
		}
		names := make([]string, 0, len(m.ModuleCalls))
		for n := range m.ModuleCalls {
			names = append(names, n)
		}
		sort.Strings(names)
		for _, n := range names {
			walk(prefix+"module."+n+".", m.ModuleCalls[n].Module)
		}
	}
	walk("", p.Configuration.RootModule)

	root := l.rel(name)
	decl := hcl.Range{Filename: name}
	var visit func(m planModule)
	visit = func(m planModule) {
		for _, r := range m.Resources {
			if r.Mode != "managed" {
				continue
			}
			var vals any
			if len(r.Values) > 0 {
				if err := json.Unmarshal(r.Values, &vals); err != nil {
					continue
				}
			}
			v := planValue(vals, unknown[r.Address], 0)
			body := objOf(v, decl)
			reason := r.Address + ".%s is known only after apply"
			cfg := refs[configAddress(r.Address)]
			for n, a := range body.attrs {
				if !a.v.IsWhollyKnown() {
					a.reason = fmt.Sprintf(reason, n)
				}
				for _, ref := range cfg[n] {
					a.marks = append(a.marks, root+"\x00"+moduleOf(r.Address)+refTarget(ref))
				}
			}
			inst := &instance{typ: r.Type, name: r.Name, addr: r.Address, module: m.Address, decl: decl,
				body: body, key: root + "\x00" + r.Address, root: root}
			l.add(inst)
		}
		for _, c := range m.ChildModules {
			visit(c)
		}
	}
	visit(p.PlannedValues.RootModule)
}

// configAddress drops instance keys: module.a["x"].aws_s3_bucket.b[0] ->
// module.a.aws_s3_bucket.b.
func configAddress(addr string) string {
	var b strings.Builder
	depth := 0
	inStr := false
	for i := 0; i < len(addr); i++ {
		c := addr[i]
		switch {
		case inStr:
			if c == '\\' {
				i++
			} else if c == '"' {
				inStr = false
			}
		case c == '"' && depth > 0:
			inStr = true
		case c == '[':
			depth++
		case c == ']':
			depth--
		case depth == 0:
			b.WriteByte(c)
		}
	}
	return b.String()
}

// moduleOf is the module instance prefix of an address, with its keys
// ("" at the root): module.a["x"].aws_s3_bucket.b[0] -> module.a["x"].
func moduleOf(addr string) string {
	var cuts []int // depth-0 dots
	depth, inStr := 0, false
	for i := 0; i < len(addr); i++ {
		c := addr[i]
		switch {
		case inStr:
			if c == '\\' {
				i++
			} else if c == '"' {
				inStr = false
			}
		case c == '"' && depth > 0:
			inStr = true
		case c == '[':
			depth++
		case c == ']':
			depth--
		case c == '.' && depth == 0:
			cuts = append(cuts, i)
		}
	}
	if len(cuts) < 2 {
		return ""
	}
	return addr[:cuts[len(cuts)-2]+1]
}

// refTarget keeps type.name of a configuration reference
// (aws_s3_bucket.b.id -> aws_s3_bucket.b).
func refTarget(ref string) string {
	parts := strings.SplitN(ref, ".", 3)
	if len(parts) < 2 {
		return ref
	}
	return parts[0] + "." + parts[1]
}

// planValue converts planned JSON values to cty, with unknown leaves where
// after_unknown says true.
func planValue(v, unknown any, depth int) cty.Value {
	if u, ok := unknown.(bool); ok && u {
		return cty.DynamicVal
	}
	if depth > 64 {
		return cty.DynamicVal
	}
	switch t := v.(type) {
	case nil:
		if unknown != nil {
			return cty.DynamicVal
		}
		return cty.NullVal(cty.DynamicPseudoType)
	case bool:
		return cty.BoolVal(t)
	case float64:
		return cty.NumberVal(new(big.Float).SetFloat64(t))
	case string:
		return cty.StringVal(t)
	case []any:
		um, _ := unknown.([]any)
		out := make([]cty.Value, len(t))
		for i, e := range t {
			var u any
			if i < len(um) {
				u = um[i]
			}
			out[i] = planValue(e, u, depth+1)
		}
		return cty.TupleVal(out)
	case map[string]any:
		um, _ := unknown.(map[string]any)
		out := make(map[string]cty.Value, len(t))
		for k, e := range t {
			out[k] = planValue(e, um[k], depth+1)
		}
		for k, u := range um {
			if _, ok := out[k]; !ok {
				if b, ok := u.(bool); ok && b {
					out[k] = cty.DynamicVal
				}
			}
		}
		return cty.ObjectVal(out)
	}
	return cty.DynamicVal
}

// jsonPosition turns a JSON syntax error's offset into line and column.
func jsonPosition(data []byte, err error) (int, int) {
	se, ok := err.(*json.SyntaxError)
	if !ok {
		return 0, 0
	}
	line, col := 1, 1
	for i := 0; i < int(se.Offset) && i < len(data); i++ {
		if data[i] == '\n' {
			line++
			col = 1
		} else {
			col++
		}
	}
	return line, col
}
