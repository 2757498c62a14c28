package cli

import (
	"fmt"
	"os"
	"strings"

	"github.com/spf13/cobra"

	awsm "github.com/cloudward/cloudward/internal/model/aws"
	"github.com/cloudward/cloudward/internal/source/cloudformation"
	"github.com/cloudward/cloudward/internal/source/iac"
	"github.com/cloudward/cloudward/internal/source/terraform"
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
			load := func() ([]*awsm.Inventory, []string, error) {
				return loadIaC(args, f, params, env.Getenv)
			}
			return runScanInventories(cmd, env, &flags, "iac:"+strings.Join(args, ","), "reading infrastructure as code", load)
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

// loadIaC discovers the IaC files under paths and evaluates them: one
// inventory for the Terraform roots and one for the CloudFormation
// templates (when there are any of each).
func loadIaC(paths []string, f iacFlags, cfParams map[string]string, getenv func(string) string) ([]*awsm.Inventory, []string, error) {
	tree, walkWarnings, err := iac.Discover(paths, iac.Options{SkipPaths: f.skipPaths, IsCloudFormation: cloudformation.Detect})
	if err != nil {
		return nil, nil, err
	}
	var warnings []string
	for _, w := range walkWarnings {
		warnings = append(warnings, w.String())
	}
	var invs []*awsm.Inventory
	if len(tree.Terraform) > 0 || len(tree.Plans) > 0 {
		res, err := terraform.LoadWithPlans(tree.Terraform, tree.Plans, terraform.Options{Vars: f.vars, VarFiles: f.varFiles, Getenv: getenv})
		if err != nil {
			return nil, nil, err
		}
		for _, w := range res.Warnings {
			warnings = append(warnings, w.String())
		}
		invs = append(invs, res.Inventory)
	}
	if len(tree.CloudFormation) > 0 {
		inv := &awsm.Inventory{IaC: true, Partition: "aws"}
		opts := cloudformation.Options{Params: cfParams}
		for _, file := range tree.CloudFormation {
			data, err := os.ReadFile(file)
			if err != nil {
				warnings = append(warnings, fmt.Sprintf("%s: not readable: %v", file, err))
				continue
			}
			ws, err := cloudformation.LoadTemplate(inv, file, data, opts)
			for _, w := range ws {
				warnings = append(warnings, w.String())
			}
			if err != nil {
				// A broken template is reported; the rest of the tree is scanned.
				warnings = append(warnings, err.Error())
			}
		}
		cloudformation.Finish(inv)
		invs = append(invs, inv)
	}
	if len(invs) == 0 {
		// Nothing to scan is not an error: the report says 0 resources.
		invs = append(invs, &awsm.Inventory{IaC: true, Partition: "aws"})
	}
	for _, inv := range invs {
		inv.Index()
	}
	return invs, warnings, nil
}
