package cli

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"

	"github.com/spf13/cobra"

	"github.com/cloudward/cloudward/internal/iam"
)

func newIAMCommand(env *Env) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "iam",
		Short: "Evaluate AWS IAM policies the way AWS decides requests",
		Args:  noArgs,
		RunE:  func(cmd *cobra.Command, _ []string) error { return cmd.Help() },
	}
	cmd.AddCommand(newIAMSimulateCommand(env), newIAMCanCommand(env), newIAMWhoCanCommand(env))
	return cmd
}

func newIAMSimulateCommand(env *Env) *cobra.Command {
	var cases string
	cmd := &cobra.Command{
		Use:   "simulate --cases FILE.jsonl",
		Short: "Decide each request case of a JSON Lines file (docs/iam.md)",
		Long: "Reads one case per line (policies and a request) and prints one JSON line per case:\n" +
			"{\"name\", \"decision\": \"Allow\"|\"ImplicitDeny\"|\"ExplicitDeny\", \"reasons\": [...]}.\n" +
			"A malformed case prints {\"name\", \"error\"} and the run goes on. Exit code 0 once the\n" +
			"file was read, whatever the decisions; 2 when it cannot be read.",
		Args: noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if cases == "" {
				return usageErr("iam simulate: --cases FILE.jsonl is required")
			}
			f, err := os.Open(cases)
			if err != nil {
				return inputErr(fmt.Errorf("iam simulate: %v", err))
			}
			defer f.Close()
			return simulateCases(f, cases, env.Stdout)
		},
	}
	cmd.Flags().StringVar(&cases, "cases", "", "JSON Lines file of cases (required)")
	return cmd
}

// simulateCases evaluates every non-blank line of r; blank lines are skipped
// but counted, so errors give the file's own line numbers.
func simulateCases(r io.Reader, file string, w io.Writer) error {
	br := bufio.NewReaderSize(r, 1<<16)
	bw := bufio.NewWriter(w)
	enc := json.NewEncoder(bw)
	enc.SetEscapeHTML(false)
	for line := 1; ; line++ {
		data, err := br.ReadBytes('\n')
		if err != nil && !errors.Is(err, io.EOF) {
			_ = bw.Flush()
			return inputErr(fmt.Errorf("iam simulate: %s:%d: %v", file, line, err))
		}
		if len(bytes.TrimSpace(data)) > 0 {
			if encErr := enc.Encode(iam.Simulate(data, file, line)); encErr != nil {
				return encErr
			}
		}
		if err != nil { // io.EOF
			break
		}
	}
	return bw.Flush()
}
