package cli

import (
	"fmt"
	"os"
	"runtime/debug"
	"strings"

	"github.com/spf13/cobra"

	awsm "github.com/cloudward/cloudward/internal/model/aws"
	"github.com/cloudward/cloudward/internal/scanrun"
	"github.com/cloudward/cloudward/internal/source/cloudformation"
	"github.com/cloudward/cloudward/internal/suppress"
)

// iacMemoryLimit and iacGCPercent tune the Go runtime during scan iac.
const (
	iacMemoryLimit = 352 << 20
	iacGCPercent   = 400
)

// iacFlags are the flags of `scan iac` besides the report flags.
type iacFlags struct {
	vars      []string
	varFiles  []string
	skipPaths []string
	cfParams  string
}

func newScanIaCCommand(env *Env) *cobra.Command {
	var flags scanFlags
	var f iacFlags
	cmd := &cobra.Command{
		Use:   "iac PATH...",
		Short: "Scan Terraform and CloudFormation files (folders are walked recursively)",
		Long: "Scan infrastructure as code before it is deployed: Terraform (.tf, .tf.json, .tofu) evaluated like\n" +
			"Terraform does (variables, locals, modules, count/for_each, dynamic blocks, functions), Terraform plan JSON\n" +
			"(terraform show -json) and CloudFormation templates (YAML or JSON), all recognised by content. The same\n" +
			"checks as for live accounts judge the resources; values known only after apply are UNKNOWN, never guessed.\n" +
			"See docs/iac.md.",
		Example: "  cloudward scan iac ./infra\n" +
			"  cloudward scan iac ./infra --var env=prod --var-file prod.tfvars --fail-on high\n" +
			"  cloudward scan iac . --skip-path 'examples/**' --format json --output iac.json",
		Args: func(cmd *cobra.Command, args []string) error {
			if len(args) == 0 {
				return usageErr("scan iac needs at least one file or folder: cloudward scan iac PATH...")
			}
			return nil
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			for _, kv := range f.vars {
				if k, _, ok := strings.Cut(kv, "="); !ok || strings.TrimSpace(k) == "" {
					return usageErr("--var: %q is not NAME=VALUE", kv)
				}
			}
			for _, vf := range f.varFiles {
				if _, err := os.Stat(vf); err != nil {
					return usageErr("--var-file: %s: no such file", vf)
				}
			}
			var params map[string]string
			if f.cfParams != "" {
				p, err := cloudformation.LoadParams(f.cfParams)
				if err != nil {
					return inputErr(fmt.Errorf("--cf-params: %w", err))
				}
				params = p
			}
			// Garbage collection is a third of the CPU of a big tree: collect
			// rarely (GOGC 400) but never let the heap pass a soft limit,
			// which keeps a 20,000-resource tree under 500 MB of RSS with
			// ~20% less CPU (docs/performance.md). GOGC and GOMEMLIMIT
			// override these.
			if env.Getenv("GOGC") == "" {
				debug.SetGCPercent(iacGCPercent)
			}
			if env.Getenv("GOMEMLIMIT") == "" {
				debug.SetMemoryLimit(iacMemoryLimit)
			}
			load := func() ([]*awsm.Inventory, []string, error) {
				return loadIaC(args, f, params, env.Getenv)
			}
			// Inline suppressions (docs/suppressions.md) are read from the
			// files the findings point at, after the checks ran.
			sup := suppress.NewApplier()
			if env.Getenv("CLOUDWARD_DEBUG") != "" {
				sup.Debug = func(msg string) { fmt.Fprintf(env.Stderr, "cloudward: debug: %s\n", msg) }
			}
			return runScanInventories(cmd, env, &flags, "iac:"+strings.Join(args, ","), "reading infrastructure as code", load, sup.Apply)
		},
	}
	fl := cmd.Flags()
	fl.StringArrayVar(&f.vars, "var", nil, "set a Terraform root variable: `NAME=VALUE` (repeatable; highest precedence)")
	fl.StringArrayVar(&f.varFiles, "var-file", nil, "read Terraform root variables from a .tfvars or .tfvars.json `FILE` (repeatable)")
	fl.StringArrayVar(&f.skipPaths, "skip-path", nil, "skip files and folders matching `GLOB` (repeatable; e.g. 'examples/**', '*.generated.tf')")
	fl.StringVar(&f.cfParams, "cf-params", "", "CloudFormation parameter values `FILE` (JSON list of ParameterKey/ParameterValue, or a key/value object)")
	flags.register(cmd)
	return cmd
}

// loadIaC discovers the IaC files under paths and evaluates them
// (scanrun.LoadIaC, shared with cloudward serve).
func loadIaC(paths []string, f iacFlags, cfParams map[string]string, getenv func(string) string) ([]*awsm.Inventory, []string, error) {
	return scanrun.LoadIaC(paths, scanrun.IaCOptions{Vars: f.vars, VarFiles: f.varFiles, SkipPaths: f.skipPaths, CFParams: cfParams}, getenv)
}
