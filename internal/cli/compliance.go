package cli

import (
	"github.com/spf13/pflag"

	"github.com/cloudward/cloudward/internal/check"
	"github.com/cloudward/cloudward/internal/compliance"
	"github.com/cloudward/cloudward/internal/report"
)

// complianceFlags are scan's --compliance and --level.
type complianceFlags struct {
	frameworks []string
	level      int
}

func (f *complianceFlags) registerCompliance(fl *pflag.FlagSet) {
	fl.StringSliceVar(&f.frameworks, "compliance", nil,
		"evaluate these frameworks: comma `LIST` of IDs (default: every framework of the provider; cloudward frameworks lists them)")
	fl.IntVar(&f.level, "level", 0, "only CIS controls of this profile `LEVEL`: 1 (Level 1) or 2 (Level 1 and 2); default all")
}

// complianceSelection is the validated --compliance and --level.
type complianceSelection struct {
	frameworks []*compliance.Framework
	level      int
}

// complianceOptions validates the flags against the built-in frameworks and
// the check registry (a framework mapping an unknown check is a bug).
func (f *complianceFlags) complianceOptions(reg *check.Registry) (complianceSelection, error) {
	fws, err := builtinFrameworks(reg)
	if err != nil {
		return complianceSelection{}, err
	}
	if f.level < 0 || f.level > 2 {
		return complianceSelection{}, usageErr("--level: %d is not a CIS profile level (want 1 or 2)", f.level)
	}
	sel, err := compliance.Select(fws, "aws", items(f.frameworks))
	if err != nil {
		return complianceSelection{}, usageErr("--compliance: %v (see cloudward frameworks)", err)
	}
	return complianceSelection{frameworks: sel, level: f.level}, nil
}

// builtinFrameworks loads the embedded frameworks and checks their mappings
// against the registry.
func builtinFrameworks(reg *check.Registry) ([]*compliance.Framework, error) {
	fws, err := compliance.Builtin()
	if err == nil {
		err = compliance.Validate(fws, func(id string) bool { return reg.Get(id) != nil })
	}
	if err != nil {
		return nil, &exitError{code: ExitUsage, err: err}
	}
	return fws, nil
}

// evaluate returns the compliance results of a scan: over the findings in
// the report's scope, knowing which checks ran.
func (s complianceSelection) evaluate(findings []check.Finding, ran []*check.Check, fl report.Filter) []compliance.Result {
	runSet := make(map[string]bool, len(ran))
	for _, c := range ran {
		runSet[c.ID] = true
	}
	fws := make([]*compliance.Framework, len(s.frameworks))
	for i, fw := range s.frameworks {
		fws[i] = fw.WithLevel(s.level)
	}
	res := compliance.Evaluate(fws, report.InScope(findings, fl), func(id string) bool { return runSet[id] })
	for i := range res {
		if res[i].Framework.Profiles {
			res[i].Level = s.level
		}
	}
	return res
}

// withFrameworks derives the checks' framework mappings from the framework
// files. If the embedded files do not load (a build bug the compliance tests
// catch), the checks keep their own mappings and the commands that need the
// frameworks report the error.
func withFrameworks(checks []*check.Check) []*check.Check {
	fws, err := compliance.Builtin()
	if err != nil {
		return checks
	}
	return compliance.Annotate(checks, fws)
}
