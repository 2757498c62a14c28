package cli

import (
	"slices"
	"strings"

	"github.com/spf13/cobra"

	"github.com/cloudward/cloudward/internal/compliance"
	"github.com/cloudward/cloudward/internal/report"
)

func newFrameworksCommand(env *Env) *cobra.Command {
	var format string
	cmd := &cobra.Command{
		Use:   "frameworks",
		Short: "List compliance frameworks and their coverage (docs/compliance.md is its markdown output)",
		Example: "  cloudward frameworks\n" +
			"  cloudward frameworks show cis-aws-4.0\n" +
			"  cloudward frameworks show pci-dss-4.0 --format csv > pci.csv",
		Args: noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if !slices.Contains(report.FrameworkFormats, format) {
				return usageErr("--format: unknown format %q (want %s)", format, strings.Join(report.FrameworkFormats, ", "))
			}
			fws, err := frameworks(env)
			if err != nil {
				return err
			}
			return report.WriteFrameworks(env.Stdout, format, fws)
		},
	}
	cmd.Flags().StringVar(&format, "format", "table", "output `FORMAT`: table, json or markdown")

	var showFormat string
	show := &cobra.Command{
		Use:   "show ID",
		Short: "List every control of a framework with the checks that decide it",
		Args: func(cmd *cobra.Command, args []string) error {
			if len(args) != 1 {
				return usageErr("frameworks show needs one framework ID (see cloudward frameworks)")
			}
			return nil
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			if !slices.Contains(report.FrameworkShowFormats, showFormat) {
				return usageErr("--format: unknown format %q (want %s)", showFormat, strings.Join(report.FrameworkShowFormats, ", "))
			}
			fws, err := frameworks(env)
			if err != nil {
				return err
			}
			sel, err := compliance.Select(fws, "aws", args)
			if err != nil {
				return usageErr("%v", err)
			}
			return report.WriteFramework(env.Stdout, showFormat, sel[0])
		},
	}
	show.Flags().StringVar(&showFormat, "format", "table", "output `FORMAT`: table, json, markdown or csv")
	cmd.AddCommand(show)
	return cmd
}

// frameworks returns the built-in frameworks, validated against the checks.
func frameworks(env *Env) ([]*compliance.Framework, error) {
	reg, err := registry(env)
	if err != nil {
		return nil, err
	}
	return builtinFrameworks(reg)
}
