package check

import (
	"fmt"
	"regexp"
	"sort"
	"time"

	"github.com/cloudward/cloudward/internal/model"
	"github.com/cloudward/cloudward/internal/model/aws"
)

// Env is what a check sees besides the resource: the whole inventory (for
// cross-resource questions) and the time the data was collected.
type Env struct {
	AWS *aws.Inventory
	// Now is the collection time; age-based checks measure against it.
	Now time.Time
}

// Check is a check's metadata plus its evaluation over one kind of resource.
type Check struct {
	Meta
	// bind picks the check's resources out of one inventory, once per
	// scan: listers may filter or build a slice, and must not run once per
	// resource.
	bind func(inv *aws.Inventory) bound
}

// bound is a check bound to one inventory's resources.
type bound struct {
	n      int
	evalAt func(env *Env, i int) (*model.Ref, Result)
}

// AWS builds a check over one kind of AWS resource: list picks the resources
// out of an inventory, eval judges one of them.
func AWS[R model.Resource](meta Meta, list func(*aws.Inventory) []R, eval func(*Env, R) Result) *Check {
	meta.Provider = "aws"
	return &Check{
		Meta: meta,
		bind: func(inv *aws.Inventory) bound {
			rs := list(inv)
			return bound{n: len(rs), evalAt: func(env *Env, i int) (*model.Ref, Result) {
				r := rs[i]
				return r.Ref(), eval(env, r)
			}}
		},
	}
}

// applies reports whether the check runs on inv at all.
func (c *Check) applies(inv *aws.Inventory) bool {
	return c.bind != nil && !(c.DeployedOnly && inv.IaC) && !inv.Unreached
}

// Evaluate runs the check on every resource of inv, in order. Tests use it to
// look at one check's results.
func (c *Check) Evaluate(inv *aws.Inventory) []Finding {
	if !inv.Indexed() {
		inv.Index()
	}
	env := &Env{AWS: inv, Now: inv.CollectedAt}
	var out []Finding
	if !c.applies(inv) {
		return nil
	}
	b := c.bind(inv)
	for i := 0; i < b.n; i++ {
		ref, res := b.evalAt(env, i)
		if res.Status != NotApplicable {
			out = append(out, Finding{Check: c, Resource: ref, Result: res})
		}
	}
	return out
}

// Registry is an ordered set of checks with unique IDs.
type Registry struct {
	checks []*Check
	byID   map[string]*Check
}

var idPattern = regexp.MustCompile(`^[a-z0-9]+(-[a-z0-9]+)+$`)

// NewRegistry validates the checks' metadata and returns them sorted by ID.
func NewRegistry(checks ...*Check) (*Registry, error) {
	r := &Registry{byID: make(map[string]*Check, len(checks))}
	for _, c := range checks {
		if err := c.Meta.validate(); err != nil {
			return nil, err
		}
		if _, dup := r.byID[c.ID]; dup {
			return nil, fmt.Errorf("check %s: duplicate ID", c.ID)
		}
		r.byID[c.ID] = c
		r.checks = append(r.checks, c)
	}
	sort.Slice(r.checks, func(i, j int) bool { return r.checks[i].ID < r.checks[j].ID })
	return r, nil
}

// All returns every check, sorted by ID.
func (r *Registry) All() []*Check { return r.checks }

// Get returns the check with the given ID, or nil.
func (r *Registry) Get(id string) *Check { return r.byID[id] }

func (m *Meta) validate() error {
	switch {
	case !idPattern.MatchString(m.ID):
		return fmt.Errorf("check %q: ID must be lower-case words joined by '-'", m.ID)
	case m.Title == "":
		return fmt.Errorf("check %s: no title", m.ID)
	case m.Severity < Info || m.Severity > Critical:
		return fmt.Errorf("check %s: bad severity", m.ID)
	case m.Domain == "":
		return fmt.Errorf("check %s: no domain", m.ID)
	case m.Service == "":
		return fmt.Errorf("check %s: no service", m.ID)
	case m.ResourceType == "":
		return fmt.Errorf("check %s: no resource type", m.ID)
	case m.Rationale == "":
		return fmt.Errorf("check %s: no rationale", m.ID)
	case m.Remediation.Console == "" || m.Remediation.CLI == "" || m.Remediation.Terraform == "":
		return fmt.Errorf("check %s: remediation needs console, CLI and Terraform", m.ID)
	case len(m.References) == 0:
		return fmt.Errorf("check %s: no references", m.ID)
	}
	return nil
}
