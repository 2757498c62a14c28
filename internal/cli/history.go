package cli

import (
	"bufio"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"strconv"
	"strings"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/cloudward/cloudward/internal/store"
)

func newHistoryCommand(env *Env) *cobra.Command {
	var db, format, target, account string
	var limit int
	cmd := &cobra.Command{
		Use:   "history",
		Short: "List stored scans, newest first, with their posture score per account",
		Example: "  cloudward history\n" +
			"  cloudward history --account 123456789012 --limit 10 --format json",
		Args: noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
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
			scans, err := st.Scans(cmd.Context(), store.ScanQuery{Target: target, Account: account, Limit: limit})
			if err != nil {
				return inputErr(err)
			}
			return writeHistory(env.Stdout, format, scans)
		},
	}
	dbFlag(cmd, &db)
	cmd.Flags().StringVar(&format, "format", "table", "output `FORMAT`: table, json or csv")
	cmd.Flags().StringVar(&target, "target", "", "only scans of this `TARGET` (account IDs, comma separated, as listed)")
	cmd.Flags().StringVar(&account, "account", "", "only scans that include this AWS account `ID`")
	cmd.Flags().IntVar(&limit, "limit", 0, "at most `N` scans (0: all)")
	return cmd
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

func writeHistory(w io.Writer, format string, scans []store.Scan) error {
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
			out.Scans = append(out.Scans, historyScan{
				ID: sc.ID, Target: sc.Target, Source: sc.Source, StartedAt: utc(sc.StartedAt), FinishedAt: utc(sc.FinishedAt),
				ToolVersion: sc.ToolVersion, AccountIDs: nonNilStrings(sc.AccountIDs), Scoped: sc.Scoped,
				Findings: historyCounts{sc.Total, sc.Pass, sc.Fail, sc.Unknown}, Score: scoreOf(sc),
				Warnings: nonNilStrings(sc.Warnings), Coverage: cov,
			})
		}
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		return enc.Encode(out)
	case "csv":
		cw := csv.NewWriter(w)
		cw.Write([]string{"scan_id", "started_at", "finished_at", "target", "source", "scoped", "total", "pass", "fail", "unknown", "score", "scores_by_account"})
		for i := range scans {
			sc := &scans[i]
			cw.Write([]string{sc.ID, utc(sc.StartedAt), utc(sc.FinishedAt), sc.Target, sc.Source, strconv.FormatBool(sc.Scoped),
				strconv.Itoa(sc.Total), strconv.Itoa(sc.Pass), strconv.Itoa(sc.Fail), strconv.Itoa(sc.Unknown),
				strconv.FormatFloat(scoreOf(sc).Value, 'f', 1, 64), accountScores(sc)})
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
	fmt.Fprintln(tw, "SCAN ID\tFINISHED (UTC)\tTARGET\tSOURCE\tFINDINGS\tFAIL\tUNKNOWN\tSCORE\tBY ACCOUNT")
	for i := range scans {
		sc := &scans[i]
		id := sc.ID
		if sc.Scoped {
			id += " (partial)"
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%d\t%d\t%d\t%.1f\t%s\n", id, sc.FinishedAt.UTC().Format("2006-01-02 15:04:05"),
			sc.Target, sc.Source, sc.Total, sc.Fail, sc.Unknown, scoreOf(sc).Value, accountScores(sc))
	}
	tw.Flush()
	return bw.Flush()
}

func nonNilStrings(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}
