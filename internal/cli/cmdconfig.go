package cli

import (
	"strconv"

	"github.com/spf13/cobra"

	"github.com/cloudward/cloudward/internal/config"
)

// configFlag is the --config flag of the commands other than scan.
func configFlag(cmd *cobra.Command, path *string) {
	cmd.Flags().StringVar(path, "config", "", "read defaults for this command's flags and the database from `FILE` "+
		"(default ./cloudward.yaml, else $XDG_CONFIG_HOME/cloudward/cloudward.yaml; see docs/config.md)")
}

// loadCommandConfig loads the config file (explicit from --config, or the
// default locations; an empty config without one) and fills the command's
// flags from its section (serve:, worker:, history:...): flags win over the
// file, the file over defaults. The queue: and retention: settings are
// defaults for the flags that carry them.
func loadCommandConfig(cmd *cobra.Command, env *Env, explicit, section string) (*config.Config, error) {
	path, err := config.Locate(explicit, env.Getenv)
	if err != nil {
		return nil, inputErr(err)
	}
	if path == "" {
		return &config.Config{}, nil
	}
	// An empty variable counts as unset: a blank secret is a mistake.
	lookup := func(k string) (string, bool) { v := env.Getenv(k); return v, v != "" }
	cfg, err := config.Load(path, lookup)
	if err != nil {
		return nil, inputErr(err)
	}
	sec := cfg.Commands[section]
	if sec == nil {
		sec = map[string]config.FlagValue{}
		cfg.Commands[section] = sec
	}
	// Settings that several commands share become flag defaults, below the
	// command's own section.
	shared := map[string]string{}
	if cfg.Queue.Type != "" {
		shared["queue"] = cfg.Queue.Type
	}
	if cfg.Queue.Concurrency > 0 {
		shared["concurrency"] = strconv.Itoa(cfg.Queue.Concurrency)
	}
	if cfg.Retention.Days > 0 {
		shared["keep-days"] = strconv.Itoa(cfg.Retention.Days)
	}
	if cfg.Retention.Scans > 0 {
		shared["keep-scans"] = strconv.Itoa(cfg.Retention.Scans)
	}
	for name, v := range shared {
		if _, set := sec[name]; !set && cmd.Flags().Lookup(name) != nil {
			line := cfg.Queue.Line
			if name == "keep-days" || name == "keep-scans" {
				line = cfg.Retention.Line
			}
			sec[name] = config.FlagValue{Values: []string{v}, Line: line}
		}
	}
	if err := cfg.ApplySection(section, cmd.Flags()); err != nil {
		return nil, inputErr(err)
	}
	return cfg, nil
}

// storeCommandDB loads the config of a store command (history, diff,
// findings, prune) and returns the database to open: --db, else the
// section's db, else the file's database, else "" (the default path).
func storeCommandDB(cmd *cobra.Command, env *Env, explicit, section string) (string, error) {
	cfg, err := loadCommandConfig(cmd, env, explicit, section)
	if err != nil {
		return "", err
	}
	if db := cmd.Flags().Lookup("db").Value.String(); db != "" {
		return db, nil
	}
	return cfg.Database.Reveal(), nil
}
