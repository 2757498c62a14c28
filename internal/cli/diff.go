package cli

import (
	"bufio"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"strconv"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"github.com/cloudward/cloudward/internal/store"
)

func newDiffCommand(env *Env) *cobra.Command {
	var db, format, cfgPath string
	cmd := &cobra.Command{
		Use:   "diff [SCAN_A] [SCAN_B]",
		Short: "Compare two stored scans: new, resolved, still failing, regressed findings",
		Long: "Compare two stored scans (IDs or unique ID prefixes, see cloudward history).\n" +
			"Without arguments: the last two scans of the target of the latest scan.\n" +
			"With one: that scan against the latest scan of the same target.",
		Example: "  cloudward diff\n  cloudward diff 3f2a9c 8b41d0 --format json",
		Args: func(cmd *cobra.Command, args []string) error {
			if len(args) > 2 {
				return usageErr("diff takes at most two scan IDs, got %d", len(args))
			}
			return nil
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			var err error
			if db, err = storeCommandDB(cmd, env, cfgPath, "diff"); err != nil {
				return err
			}
			if err := checkFormat(format); err != nil {
				return err
			}
			ctx := cmd.Context()
			st, err := openStore(ctx, env, db)
			if err != nil {
				return err
			}
			defer st.Close()
			var a, b *store.Scan
			switch len(args) {
			case 0:
				latest, err := st.Scans(ctx, store.ScanQuery{Limit: 1})
				if err != nil {
					return inputErr(err)
				}
				if len(latest) == 0 {
					return usageErr("no scans stored yet in %s: nothing to compare", st.Location())
				}
				two, err := st.Scans(ctx, store.ScanQuery{Target: latest[0].Target, Limit: 2})
				if err != nil {
					return inputErr(err)
				}
				if len(two) < 2 {
					return usageErr("only one scan of target %s is stored: nothing to compare", latest[0].Target)
				}
				a, b = &two[1], &two[0]
			case 1:
				if a, err = resolveScan(ctx, st, args[0]); err != nil {
					return err
				}
				latest, err := st.Scans(ctx, store.ScanQuery{Target: a.Target, Limit: 1})
				if err != nil {
					return inputErr(err)
				}
				if latest[0].Seq == a.Seq {
					return usageErr("scan %s is the latest of target %s: give a second scan to compare", a.ID, a.Target)
				}
				b = &latest[0]
			default:
				if a, err = resolveScan(ctx, st, args[0]); err != nil {
					return err
				}
				if b, err = resolveScan(ctx, st, args[1]); err != nil {
					return err
				}
			}
			fa, err := st.ScanFindings(ctx, a.Seq)
			if err != nil {
				return inputErr(err)
			}
			fb, err := st.ScanFindings(ctx, b.Seq)
			if err != nil {
				return inputErr(err)
			}
			d := store.Compare(fa, fb, b.Scoped)
			if a.Target != b.Target {
				fmt.Fprintf(env.Stderr, "cloudward: warning: the scans have different targets (%s, %s)\n", a.Target, b.Target)
			}
			return writeDiff(env.Stdout, format, a, b, d)
		},
	}
	dbFlag(cmd, &db)
	configFlag(cmd, &cfgPath)
	cmd.Flags().StringVar(&format, "format", "table", "output `FORMAT`: table, json or csv")
	return cmd
}

type diffSection struct {
	key, title string
	list       []store.Finding
}

func sections(d *store.Diff) []diffSection {
	return []diffSection{
		{"new", "NEW", d.New},
		{"regressed", "REGRESSED (was PASS)", d.Regressed},
		{"resolved", "RESOLVED", d.Resolved},
		{"still_failing", "STILL FAILING", d.StillFailing},
		{"unknown", "NO LONGER KNOWN (was FAIL, now UNKNOWN)", d.Unknown},
	}
}

type diffScanJSON struct {
	ID         string  `json:"id"`
	Target     string  `json:"target"`
	FinishedAt string  `json:"finished_at"`
	Score      float64 `json:"score"`
}

func writeDiff(w io.Writer, format string, a, b *store.Scan, d *store.Diff) error {
	secs := sections(d)
	switch format {
	case "json":
		out := map[string]any{}
		summary := map[string]int{}
		for _, s := range secs {
			l := make([]findingJSON, len(s.list))
			for i := range s.list {
				l[i] = toJSON(&s.list[i])
			}
			out[s.key] = l
			summary[s.key] = len(s.list)
		}
		out["a"] = diffScanJSON{a.ID, a.Target, utc(a.FinishedAt), scoreOf(a).Value}
		out["b"] = diffScanJSON{b.ID, b.Target, utc(b.FinishedAt), scoreOf(b).Value}
		out["summary"] = summary
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		return enc.Encode(out)
	case "csv":
		cw := csv.NewWriter(w)
		cw.Write([]string{"change", "fingerprint", "severity", "check_id", "status", "resource_id", "resource_type",
			"region", "account", "muted", "message"})
		for _, s := range secs {
			for _, f := range s.list {
				cw.Write([]string{s.key, f.Fingerprint, severityName(f.Severity), f.CheckID, f.Status, f.ResourceID,
					f.ResourceType, f.Region, f.Account, strconv.FormatBool(f.Muted), f.Message})
			}
		}
		cw.Flush()
		return cw.Error()
	}
	bw := bufio.NewWriter(w)
	sa, sb := scoreOf(a).Value, scoreOf(b).Value
	fmt.Fprintf(bw, "Scan A: %s  %s  %s  score %.1f\n", a.ID, a.FinishedAt.UTC().Format("2006-01-02 15:04:05"), a.Target, sa)
	fmt.Fprintf(bw, "Scan B: %s  %s  %s  score %.1f (%+.1f)\n", b.ID, b.FinishedAt.UTC().Format("2006-01-02 15:04:05"), b.Target, sb, sb-sa)
	fmt.Fprintf(bw, "%d new, %d regressed, %d resolved, %d still failing, %d no longer known\n",
		len(d.New), len(d.Regressed), len(d.Resolved), len(d.StillFailing), len(d.Unknown))
	for _, s := range secs {
		if len(s.list) == 0 {
			continue
		}
		fmt.Fprintf(bw, "\n%s (%d)\n", s.title, len(s.list))
		tw := tabwriter.NewWriter(bw, 0, 0, 2, ' ', 0)
		fmt.Fprintln(tw, "  SEVERITY\tCHECK\tRESOURCE\tREGION\tSTATUS")
		for _, f := range s.list {
			status := f.Status
			if f.Muted {
				status += " (muted)"
			}
			fmt.Fprintf(tw, "  %s\t%s\t%s\t%s\t%s\n", severityName(f.Severity), f.CheckID, f.ResourceID, f.Region, status)
		}
		tw.Flush()
	}
	return bw.Flush()
}

// day is a date for tables.
func day(t time.Time) string {
	if t.IsZero() {
		return "-"
	}
	return t.UTC().Format("2006-01-02")
}
