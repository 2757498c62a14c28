package cli

import (
	"slices"

	"github.com/spf13/cobra"

	"github.com/cloudward/cloudward/internal/report"
)

func newChecksCommand(env *Env) *cobra.Command {
	var format string
	cmd := &cobra.Command{
		Use:   "checks",
		Short: "List every check (docs/checks.md is its markdown output)",
		Args:  noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if !slices.Contains(report.CheckFormats, format) {
				return usageErr("--format: unknown format %q (want table, json or markdown)", format)
			}
			reg, err := registry(env)
			if err != nil {
				return err
			}
			return report.WriteChecks(env.Stdout, format, reg.All())
		},
	}
	cmd.Flags().StringVar(&format, "format", "table", "output format: table, json or markdown")
	return cmd
}
