package cli

import (
	"bufio"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/cloudward/cloudward/internal/compliance"
	"github.com/cloudward/cloudward/internal/store"
)

func newHistoryCommand(env *Env) *cobra.Command {
	var db, format, target, account, cfgPath string
	var limit int
	var frameworks []string
	cmd := &cobra.Command{
		Use:   "history",
		Short: "List stored scans, newest first, with their posture score per account and framework",
		Example: "  cloudward history\n" +
			"  cloudward history --framework cis-aws-5.0,pci-dss-4.0\n" +
			"  cloudward history --account 123456789012 --limit 10 --format json",
		Args: noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			var err error
			if db, err = storeCommandDB(cmd, env, cfgPath, "history"); err != nil {
				return err
			}
			if err := checkFormat(format); err != nil {
				return err
			}
			if limit < 0 {
				return usageErr("--limit: must be 0 (all) or more, got %d", limit)
			}
			st, err := openStore(cmd.Context(), env, db)
			if err != nil {
				return err
			}
			defer st.Close()
			fws, err := frameworkIDs(items(frameworks))
			if err != nil {
				return err
			}
			scans, err := st.Scans(cmd.Context(), store.ScanQuery{Target: target, Account: account, Limit: limit})
			if err != nil {
				return inputErr(err)
			}
			return writeHistory(env.Stdout, format, scans, fws)
		},
	}
	dbFlag(cmd, &db)
	configFlag(cmd, &cfgPath)
	cmd.Flags().StringVar(&format, "format", "table", "output `FORMAT`: table, json or csv")
	cmd.Flags().StringVar(&target, "target", "", "only scans of this `TARGET` (account IDs, comma separated, as listed)")
	cmd.Flags().StringVar(&account, "account", "", "only scans that include this AWS account `ID`")
	cmd.Flags().IntVar(&limit, "limit", 0, "at most `N` scans (0: all)")
	cmd.Flags().StringSliceVar(&frameworks, "framework", nil, "show the compliance score of these framework `IDs` "+
		"(a table column each; json and csv list every framework unless given; see cloudward frameworks)")
	return cmd
}

// frameworkIDs validates --framework values against the built-in frameworks.
func frameworkIDs(ids []string) ([]string, error) {
	if len(ids) == 0 {
		return nil, nil
	}
	all, err := compliance.Builtin()
	if err != nil {
		return nil, err
	}
	if _, err := compliance.Select(all, "aws", ids); err != nil {
		return nil, usageErr("--framework: %v", err)
	}
	return ids, nil
}

// historyFramework is one framework's score in `history --format json`.
type historyFramework struct {
	ID       string                   `json:"id"`
	Name     string                   `json:"name"`
	Version  string                   `json:"version"`
	Score    float64                  `json:"score"`
	Posture  float64                  `json:"posture"`
	Controls historyFrameworkControls `json:"controls"`
}

type historyFrameworkControls struct {
	Total   int `json:"total"`
	Pass    int `json:"pass"`
	Fail    int `json:"fail"`
	Unknown int `json:"unknown"`
}

// selectFrameworks returns the scan's framework scores, in the order of
// ids when given (a framework the scan lacks is skipped), else all.
func selectFrameworks(sc *store.Scan, ids []string) []store.FrameworkScore {
	if len(ids) == 0 {
		return sc.Frameworks
	}
	var out []store.FrameworkScore
	for _, id := range ids {
		for _, f := range sc.Frameworks {
			if f.ID == id {
				out = append(out, f)
			}
		}
	}
	return out
}

func frameworkScore(sc *store.Scan, id string) (float64, bool) {
	for _, f := range sc.Frameworks {
		if f.ID == id {
			return f.Score, true
		}
	}
	return 0, false
}

// frameworkScores renders framework scores as "ID=SCORE ...".
func frameworkScores(fs []store.FrameworkScore) string {
	parts := make([]string, len(fs))
	for i, f := range fs {
		parts[i] = f.ID + "=" + strconv.FormatFloat(f.Score, 'f', 1, 64)
	}
	return strings.Join(parts, " ")
}

// historyScan is one scan in `history --format json`.
type historyScan struct {
	ID          string          `json:"id"`
	Target      string          `json:"target"`
	Source      string          `json:"source"`
	StartedAt   string          `json:"started_at"`
	FinishedAt  string          `json:"finished_at"`
	ToolVersion string          `json:"tool_version"`
	AccountIDs  []string        `json:"account_ids"`
	Scoped      bool            `json:"scoped"`
	Findings    historyCounts   `json:"findings"`
	Score       historyScore    `json:"score"`
	Warnings    []string        `json:"warnings"`
	Coverage    json.RawMessage `json:"coverage"`
	// Frameworks are the compliance scores (empty for partial scans and
	// scans stored before schema version 3).
	Frameworks []historyFramework `json:"frameworks"`
}

type historyCounts struct {
	Total   int `json:"total"`
	Pass    int `json:"pass"`
	Fail    int `json:"fail"`
	Unknown int `json:"unknown"`
}

type historyScore struct {
	Value     float64            `json:"value"`
	ByAccount map[string]float64 `json:"by_account"`
}

func scoreOf(sc *store.Scan) historyScore {
	s, _ := sc.Scores()
	out := historyScore{Value: s.Overall.Value, ByAccount: map[string]float64{}}
	for a, v := range s.ByAccount {
		out.ByAccount[a] = v.Value
	}
	return out
}

// accountScores renders per-account scores as "ACCOUNT=SCORE ...", sorted.
func accountScores(sc *store.Scan) string {
	s, _ := sc.Scores()
	var parts []string
	for _, a := range s.Accounts() {
		parts = append(parts, a+"="+strconv.FormatFloat(s.ByAccount[a].Value, 'f', 1, 64))
	}
	return strings.Join(parts, " ")
}

func writeHistory(w io.Writer, format string, scans []store.Scan, fwIDs []string) error {
	switch format {
	case "json":
		out := struct {
			Scans []historyScan `json:"scans"`
		}{Scans: []historyScan{}}
		for i := range scans {
			sc := &scans[i]
			cov := sc.Coverage
			if len(cov) == 0 {
				cov = json.RawMessage("{}")
			}
			hs := historyScan{
				ID: sc.ID, Target: sc.Target, Source: sc.Source, StartedAt: utc(sc.StartedAt), FinishedAt: utc(sc.FinishedAt),
				ToolVersion: sc.ToolVersion, AccountIDs: nonNilStrings(sc.AccountIDs), Scoped: sc.Scoped,
				Findings: historyCounts{sc.Total, sc.Pass, sc.Fail, sc.Unknown}, Score: scoreOf(sc),
				Warnings: nonNilStrings(sc.Warnings), Coverage: cov, Frameworks: []historyFramework{},
			}
			for _, f := range selectFrameworks(sc, fwIDs) {
				hs.Frameworks = append(hs.Frameworks, historyFramework{ID: f.ID, Name: f.Name, Version: f.Version,
					Score: f.Score, Posture: f.Posture, Controls: historyFrameworkControls{f.Controls, f.Pass, f.Fail, f.Unknown}})
			}
			out.Scans = append(out.Scans, hs)
		}
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		return enc.Encode(out)
	case "csv":
		cw := csv.NewWriter(w)
		cw.Write([]string{"scan_id", "started_at", "finished_at", "target", "source", "scoped", "total", "pass", "fail", "unknown", "score", "scores_by_account", "scores_by_framework"})
		for i := range scans {
			sc := &scans[i]
			cw.Write([]string{sc.ID, utc(sc.StartedAt), utc(sc.FinishedAt), sc.Target, sc.Source, strconv.FormatBool(sc.Scoped),
				strconv.Itoa(sc.Total), strconv.Itoa(sc.Pass), strconv.Itoa(sc.Fail), strconv.Itoa(sc.Unknown),
				strconv.FormatFloat(scoreOf(sc).Value, 'f', 1, 64), accountScores(sc), frameworkScores(selectFrameworks(sc, fwIDs))})
		}
		cw.Flush()
		return cw.Error()
	}
	bw := bufio.NewWriter(w)
	if len(scans) == 0 {
		fmt.Fprintln(bw, "No scans stored yet: run cloudward scan (or cloudward demo).")
		return bw.Flush()
	}
	tw := tabwriter.NewWriter(bw, 0, 0, 2, ' ', 0)
	head := "SCAN ID\tFINISHED (UTC)\tTARGET\tSOURCE\tFINDINGS\tFAIL\tUNKNOWN\tSCORE\tBY ACCOUNT"
	for _, id := range fwIDs {
		head += "\t" + strings.ToUpper(id)
	}
	fmt.Fprintln(tw, head)
	stored := map[string]bool{}
	for i := range scans {
		sc := &scans[i]
		id := sc.ID
		if sc.Scoped {
			id += " (partial)"
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%d\t%d\t%d\t%.1f\t%s", id, sc.FinishedAt.UTC().Format("2006-01-02 15:04:05"),
			sc.Target, sc.Source, sc.Total, sc.Fail, sc.Unknown, scoreOf(sc).Value, accountScores(sc))
		for _, fw := range fwIDs {
			// "-": not stored for this scan (partial, or an older cloudward).
			if v, ok := frameworkScore(sc, fw); ok {
				fmt.Fprintf(tw, "\t%.1f%%", v)
			} else {
				fmt.Fprint(tw, "\t-")
			}
		}
		fmt.Fprintln(tw)
		for _, f := range sc.Frameworks {
			stored[f.ID] = true
		}
	}
	tw.Flush()
	if len(fwIDs) == 0 && len(stored) > 0 {
		ids := make([]string, 0, len(stored))
		for id := range stored {
			ids = append(ids, id)
		}
		slices.Sort(ids)
		fmt.Fprintf(bw, "\nCompliance scores per framework: --framework ID[,ID] (stored: %s)\n", strings.Join(ids, ", "))
	}
	return bw.Flush()
}

func nonNilStrings(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}
