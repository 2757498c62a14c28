// Package cli is cloudward's command line: commands and flags, turned into
// calls to the snapshot importer, the check engine and the report encoders.
//
// Everything the commands touch outside the process (streams, clock, scan
// IDs, terminal detection, environment) comes through Env, so tests run the
// real command tree in-process.
package cli

import (
	"crypto/rand"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"runtime/debug"
	"time"

	"github.com/spf13/cobra"
	"golang.org/x/term"

	"github.com/cloudward/cloudward/internal/check"
	awschecks "github.com/cloudward/cloudward/internal/checks/aws"
	"github.com/cloudward/cloudward/internal/demo"
)

// Exit codes.
const (
	ExitOK       = 0 // nothing fails at or above --fail-on
	ExitFindings = 1 // something fails at or above --fail-on
	ExitUsage    = 2 // usage or input error
)

// Env is the outside world of one CLI run.
type Env struct {
	Stdout, Stderr io.Writer
	// Getenv reads environment variables (NO_COLOR).
	Getenv func(string) string
	// IsTerminal reports whether w is an interactive terminal.
	IsTerminal func(w io.Writer) bool
	// Now is the clock of scan start and finish times.
	Now func() time.Time
	// NewScanID returns a fresh scan ID.
	NewScanID func() string
	// Version is the tool version printed by `version` and in reports.
	Version string
	// Checks returns the checks to register.
	Checks func() []*check.Check
	// DemoFS returns the embedded demo snapshot.
	DemoFS func() fs.FS
}

// DefaultEnv is the real environment. version comes from the linker
// (-ldflags "-X main.version=..."); "" falls back to the module version.
func DefaultEnv(version string) Env {
	return Env{
		Stdout:     os.Stdout,
		Stderr:     os.Stderr,
		Getenv:     os.Getenv,
		IsTerminal: isTerminal,
		Now:        time.Now,
		NewScanID:  newUUID,
		Version:    resolveVersion(version),
		Checks:     awschecks.Checks,
		DemoFS:     demo.FS,
	}
}

func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	return ok && term.IsTerminal(int(f.Fd()))
}

// newUUID returns a random (version 4) UUID.
func newUUID() string {
	var b [16]byte
	_, _ = rand.Read(b[:]) // crypto/rand.Read never fails
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:16])
}

func resolveVersion(v string) string {
	if v != "" {
		return v
	}
	if bi, ok := debug.ReadBuildInfo(); ok && bi.Main.Version != "" && bi.Main.Version != "(devel)" {
		return bi.Main.Version
	}
	return "dev"
}

// exitError carries an exit code; a nil err means "exit quietly".
type exitError struct {
	code int
	err  error
}

func (e *exitError) Error() string {
	if e.err == nil {
		return fmt.Sprintf("exit %d", e.code)
	}
	return e.err.Error()
}

func (e *exitError) Unwrap() error { return e.err }

// usageErr is a usage or input error: exit 2.
func usageErr(format string, args ...any) error {
	return &exitError{code: ExitUsage, err: fmt.Errorf(format, args...)}
}

// inputErr wraps an input error (missing or malformed snapshot): exit 2.
func inputErr(err error) error { return &exitError{code: ExitUsage, err: err} }

// errFindings is the quiet exit 1: the report already says what failed.
var errFindings = &exitError{code: ExitFindings}

// Main runs the CLI with args (without the program name) and returns the
// exit code. Errors are printed to Stderr as "cloudward: <message>".
func Main(args []string, env Env) int {
	root := NewRootCommand(&env)
	root.SetArgs(args)
	err := root.Execute()
	if err == nil {
		return ExitOK
	}
	code := ExitUsage // cobra's own errors (unknown command, bad args) are usage errors
	var ee *exitError
	if errors.As(err, &ee) {
		code = ee.code
		if ee.err == nil {
			return code
		}
	}
	fmt.Fprintf(env.Stderr, "cloudward: %v\n", err)
	return code
}

// NewRootCommand builds the command tree.
func NewRootCommand(env *Env) *cobra.Command {
	root := &cobra.Command{
		Use:   "cloudward",
		Short: "Audit cloud accounts for security misconfigurations",
		Long: "cloudward audits cloud accounts against security benchmarks (CIS AWS Foundations)\n" +
			"and reports each finding with its evidence, its fix and its compliance mapping.",
		SilenceErrors: true,
		SilenceUsage:  true,
		// Without a subcommand, show the help.
		RunE: func(cmd *cobra.Command, args []string) error {
			if len(args) > 0 {
				return usageErr("unknown command %q (see cloudward --help)", args[0])
			}
			return cmd.Help()
		},
		Args: cobra.ArbitraryArgs,
	}
	root.CompletionOptions.DisableDefaultCmd = true
	root.SetOut(env.Stdout)
	root.SetErr(env.Stderr)
	// Flag errors (unknown flag, bad value) are usage errors, with a hint.
	root.SetFlagErrorFunc(func(cmd *cobra.Command, err error) error {
		return usageErr("%v (see %s --help)", err, cmd.CommandPath())
	})
	// One command per line: each feature adds its own.
	root.AddCommand(
		newScanCommand(env),
		newCollectCommand(env),
		newDemoCommand(env),
		newChecksCommand(env),
		newFrameworksCommand(env),
		newVersionCommand(env),
		newIAMCommand(env),
		newHistoryCommand(env), newDiffCommand(env), newFindingsCommand(env),
		newPruneCommand(env),
		newServeCommand(env), newWorkerCommand(env),
	)
	return root
}

func newVersionCommand(env *Env) *cobra.Command {
	return &cobra.Command{
		Use:   "version",
		Short: "Print the cloudward version",
		Args:  noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			fmt.Fprintf(env.Stdout, "cloudward %s\n", env.Version)
			return nil
		},
	}
}

// noArgs rejects positional arguments as a usage error.
func noArgs(cmd *cobra.Command, args []string) error {
	if len(args) > 0 {
		return usageErr("%s takes no arguments, got %q", cmd.CommandPath(), args[0])
	}
	return nil
}

// registry builds the check registry; a bad registry is a bug, reported as
// an error rather than a panic.
func registry(env *Env) (*check.Registry, error) {
	reg, err := check.NewRegistry(withFrameworks(env.Checks())...)
	if err != nil {
		return nil, &exitError{code: ExitUsage, err: fmt.Errorf("internal error: %v", err)}
	}
	return reg, nil
}
