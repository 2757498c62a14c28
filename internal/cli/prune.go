package cli

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/cloudward/cloudward/internal/store"
)

func newPruneCommand(env *Env) *cobra.Command {
	var db, cfgPath, target, format string
	var keepDays, keepScans int
	var dryRun bool
	cmd := &cobra.Command{
		Use:   "prune",
		Short: "Delete old stored scans by a retention rule (days and/or scans per target to keep)",
		Long: "Delete the stored scans older than --keep-days or beyond the --keep-scans newest of their target,\n" +
			"with their findings, in one transaction. Always kept: the newest scan of each target, and a scan in\n" +
			"which a finding still open was last seen failing. A finding keeps its first-seen date; a resolved\n" +
			"finding whose failing scans are all deleted is forgotten. The config file's retention: gives defaults.",
		Example: "  cloudward prune --keep-days 90\n" +
			"  cloudward prune --keep-scans 30 --dry-run\n" +
			"  cloudward prune --config cloudward.yaml   # retention: from the file",
		Args: noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			var err error
			if db, err = storeCommandDB(cmd, env, cfgPath, "prune"); err != nil {
				return err
			}
			if format != "table" && format != "json" {
				return usageErr("--format: unknown format %q (want table or json)", format)
			}
			if keepDays < 0 || keepScans < 0 {
				return usageErr("--keep-days and --keep-scans must be 0 or more")
			}
			if keepDays == 0 && keepScans == 0 {
				return usageErr("give --keep-days N and/or --keep-scans N (or retention: in the config file)")
			}
			st, err := openStore(cmd.Context(), env, db)
			if err != nil {
				return err
			}
			defer st.Close()
			res, err := st.Prune(cmd.Context(), store.PruneQuery{KeepDays: keepDays, KeepScans: keepScans, Target: target,
				Now: env.Now(), DryRun: dryRun})
			if errors.Is(err, store.ErrNoRetention) {
				return usageErr("%v", err)
			}
			if err != nil {
				return inputErr(err)
			}
			return writePrune(env, format, res, dryRun)
		},
	}
	dbFlag(cmd, &db)
	configFlag(cmd, &cfgPath)
	retentionFlags(cmd, &keepDays, &keepScans, "delete the scans")
	fl := cmd.Flags()
	fl.StringVar(&target, "target", "", "only prune the scans of this `TARGET` (as listed by cloudward history)")
	fl.BoolVar(&dryRun, "dry-run", false, "list what would be deleted; delete nothing")
	fl.StringVar(&format, "format", "table", "output `FORMAT`: table or json")
	return cmd
}

// pruneOut is `prune --format json`.
type pruneOut struct {
	DryRun   bool        `json:"dry_run"`
	Scans    []pruneScan `json:"scans"`
	Findings int64       `json:"findings"`
	States   int64       `json:"states_forgotten"`
	Pinned   int         `json:"kept_for_open_findings"`
}

type pruneScan struct {
	ID         string `json:"id"`
	Target     string `json:"target"`
	FinishedAt string `json:"finished_at"`
	Findings   int    `json:"findings"`
}

func writePrune(env *Env, format string, res *store.PruneResult, dryRun bool) error {
	out := pruneOut{DryRun: dryRun, Scans: []pruneScan{}, Findings: res.Findings, States: res.States, Pinned: res.Pinned}
	for _, sc := range res.Scans {
		out.Scans = append(out.Scans, pruneScan{ID: sc.ID, Target: sc.Target, FinishedAt: utc(sc.FinishedAt), Findings: sc.Total})
	}
	if format == "json" {
		enc := json.NewEncoder(env.Stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(out)
	}
	bw := bufio.NewWriter(env.Stdout)
	verb := "Deleted"
	if dryRun {
		verb = "Would delete"
	}
	if len(res.Scans) == 0 {
		fmt.Fprintln(bw, "Nothing to prune.")
	} else {
		tw := tabwriter.NewWriter(bw, 0, 0, 2, ' ', 0)
		fmt.Fprintln(tw, "SCAN ID\tFINISHED (UTC)\tTARGET\tFINDINGS")
		for _, sc := range res.Scans {
			fmt.Fprintf(tw, "%s\t%s\t%s\t%d\n", sc.ID, sc.FinishedAt.UTC().Format("2006-01-02 15:04:05"), sc.Target, sc.Total)
		}
		tw.Flush()
		fmt.Fprintf(bw, "%s %d scans (%d findings); %d resolved findings forgotten.\n", verb, len(res.Scans), res.Findings, res.States)
	}
	if res.Pinned > 0 {
		fmt.Fprintf(bw, "Kept %d older scans in which open findings were last seen failing.\n", res.Pinned)
	}
	return bw.Flush()
}
