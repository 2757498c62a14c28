package cli

import (
	"github.com/spf13/cobra"

	"github.com/cloudward/cloudward/internal/config"
)

// applyConfig loads the config file (--config, or the default locations)
// and fills the flags the command line left unset: flags win over the file,
// the file over defaults. Secrets from ${VAR} references stay in the loaded
// config; they are never flag values, so --help and errors cannot show them.
func (f *scanFlags) applyConfig(cmd *cobra.Command, env *Env) error {
	if f.cfgApplied {
		return nil
	}
	f.cfgApplied = true
	path, err := config.Locate(f.config, env.Getenv)
	if err != nil {
		return inputErr(err)
	}
	if path == "" {
		return nil
	}
	// An empty variable counts as unset: a blank secret is a mistake.
	lookup := func(k string) (string, bool) {
		v := env.Getenv(k)
		return v, v != ""
	}
	cfg, err := config.Load(path, lookup)
	if err != nil {
		return inputErr(err)
	}
	// Keys are checked against every scan command's flags, so one file
	// serves scan aws (which has --snapshot) and demo (which has not).
	known := func(name string) bool {
		return name != "config" && (name == "snapshot" || cmd.Flags().Lookup(name) != nil)
	}
	if err := cfg.ApplyFlags(cmd.Flags(), known); err != nil {
		return inputErr(err)
	}
	// The file's database is the scan database, unless --db, scan.db or
	// --no-store say otherwise.
	if db := cmd.Flags().Lookup("db"); cfg.Database != "" && db != nil && !db.Changed {
		if ns := cmd.Flags().Lookup("no-store"); ns == nil || ns.Value.String() != "true" {
			if err := cmd.Flags().Set("db", cfg.Database.Reveal()); err != nil {
				return inputErr(err)
			}
		}
	}
	f.cfg = cfg
	return nil
}
