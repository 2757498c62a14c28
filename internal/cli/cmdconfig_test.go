package cli

import (
	"testing"

	"github.com/spf13/cobra"

	"github.com/cloudward/cloudward/internal/config"
)

// Every section of the annotated example sets real flags of its command.
func TestExampleConfigSectionsAreFlags(t *testing.T) {
	cfg, err := config.Load("../../examples/cloudward.yaml", func(k string) (string, bool) { return "https://example.com/" + k, true })
	if err != nil {
		t.Fatal(err)
	}
	env := &Env{Getenv: func(string) string { return "" }}
	cmds := map[string]func(*Env) *cobra.Command{
		"serve": newServeCommand, "worker": newWorkerCommand, "history": newHistoryCommand, "diff": newDiffCommand,
		"findings": newFindingsCommand, "prune": newPruneCommand,
	}
	for _, section := range config.CommandSections {
		newCmd := cmds[section]
		if newCmd == nil {
			t.Fatalf("no command for section %s", section)
		}
		if len(cfg.Commands[section]) == 0 {
			t.Errorf("the example has no %s: section", section)
		}
		cmd := newCmd(env)
		if err := cfg.ApplySection(section, cmd.Flags()); err != nil {
			t.Errorf("%s: %v", section, err)
		}
		for name := range cfg.Commands[section] {
			if f := cmd.Flags().Lookup(name); f == nil || f.Changed {
				t.Errorf("%s.%s: not applied as a default (%v)", section, name, f)
			}
		}
	}
	if cfg.Queue.Type != "postgres" || cfg.Queue.Concurrency != 4 || cfg.Retention.Days != 180 || cfg.Retention.Scans != 500 {
		t.Errorf("queue %+v, retention %+v", cfg.Queue, cfg.Retention)
	}
}
