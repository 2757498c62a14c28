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

	"github.com/cloudward/cloudward/internal/store"
)

func newFindingsCommand(env *Env) *cobra.Command {
	var db, format, scanID, cfgPath string
	var states, severities, checks, accounts, regions, statuses []string
	var limit, offset int
	cmd := &cobra.Command{
		Use:   "findings",
		Short: "List stored findings with their state over time (open, resolved, reopened, muted)",
		Long: "List the findings tracked in the scan database: one per (check, resource) and target that ever\n" +
			"failed, with its state, first and last seen. Without --state it lists the open and reopened ones;\n" +
			"--state all lists every state. With --scan it lists that scan's findings (every status) instead.",
		Example: "  cloudward findings\n" +
			"  cloudward findings --state resolved --severity critical,high --format json\n" +
			"  cloudward findings --scan 3f2a --status FAIL --region eu-west-1 --limit 50",
		Args: noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			var err error
			if db, err = storeCommandDB(cmd, env, cfgPath, "findings"); err != nil {
				return err
			}
			if err := checkFormat(format); err != nil {
				return err
			}
			q := store.FindingQuery{CheckIDs: items(checks), Accounts: items(accounts), Regions: items(regions),
				Statuses: upper(statuses), Limit: limit, Offset: offset}
			if limit < 0 || offset < 0 {
				return usageErr("--limit and --offset must be 0 or more")
			}
			if offset > 0 && limit == 0 {
				return usageErr("--offset needs --limit")
			}
			if q.Severities, err = parseSeverities(severities); err != nil {
				return err
			}
			for _, s := range q.Statuses {
				if !slices.Contains([]string{"PASS", "FAIL", "UNKNOWN", "ABSENT"}, s) {
					return usageErr("--status: unknown status %q (want PASS, FAIL, UNKNOWN, or ABSENT for gone resources)", s)
				}
			}
			for _, s := range items(states) {
				s = strings.ToLower(s)
				if s == "all" {
					q.States = nil
					break
				}
				if !slices.Contains(store.States, s) {
					return usageErr("--state: unknown state %q (want open, resolved, reopened, muted or all)", s)
				}
				q.States = append(q.States, s)
			}
			// --state given, or set by the config file's findings: section.
			if len(items(states)) == 0 && scanID == "" {
				q.States = []string{store.StateOpen, store.StateReopened}
			}
			st, err := openStore(cmd.Context(), env, db)
			if err != nil {
				return err
			}
			defer st.Close()
			if scanID != "" {
				sc, err := resolveScan(cmd.Context(), st, scanID)
				if err != nil {
					return err
				}
				q.ScanSeq = sc.Seq
			}
			fs, err := st.Findings(cmd.Context(), q)
			if err != nil {
				return inputErr(err)
			}
			return writeTracked(env.Stdout, format, fs)
		},
	}
	dbFlag(cmd, &db)
	configFlag(cmd, &cfgPath)
	fl := cmd.Flags()
	fl.StringVar(&format, "format", "table", "output `FORMAT`: table, json or csv")
	fl.StringSliceVar(&states, "state", nil, "only these states: `LIST` of open,resolved,reopened,muted, or all (default open,reopened)")
	fl.StringSliceVar(&severities, "severity", nil, "only these severities: `LIST` of critical,high,medium,low,info")
	fl.StringSliceVar(&checks, "check", nil, "only these check IDs: comma `LIST`")
	fl.StringSliceVar(&accounts, "account", nil, "only resources of these AWS accounts: comma `LIST`")
	fl.StringSliceVar(&regions, "region", nil, "only resources in these regions: comma `LIST` (\"global\" for IAM)")
	fl.StringSliceVar(&statuses, "status", nil, "only these statuses (with --scan: in that scan; otherwise in the target's last scan): `LIST` of PASS,FAIL,UNKNOWN,ABSENT")
	fl.StringVar(&scanID, "scan", "", "the findings of the scan with this `ID` (or unique ID prefix) instead of the tracked ones")
	fl.IntVar(&limit, "limit", 0, "at most `N` findings (0: all)")
	fl.IntVar(&offset, "offset", 0, "skip the first `N` findings (with --limit: pages)")
	return cmd
}

// findingJSON is one finding in the JSON output of findings and diff.
type findingJSON struct {
	Fingerprint string          `json:"fingerprint"`
	CheckID     string          `json:"check_id"`
	Severity    string          `json:"severity"`
	Status      string          `json:"status"`
	Resource    resourceJSON    `json:"resource"`
	Message     string          `json:"message"`
	Evidence    json.RawMessage `json:"evidence"`
	Muted       bool            `json:"muted"`
	MuteReason  string          `json:"mute_reason,omitempty"`
	// Tracking fields, set by `findings`.
	Target     string `json:"target,omitempty"`
	ScanID     string `json:"scan_id,omitempty"`
	State      string `json:"state,omitempty"`
	FirstSeen  string `json:"first_seen,omitempty"`
	LastSeen   string `json:"last_seen,omitempty"`
	LastStatus string `json:"last_status,omitempty"`
}

type resourceJSON struct {
	ID      string `json:"id"`
	Type    string `json:"type"`
	Region  string `json:"region"`
	Account string `json:"account"`
}

func toJSON(f *store.Finding) findingJSON {
	ev := f.Evidence
	if len(ev) == 0 {
		ev = json.RawMessage("[]")
	}
	return findingJSON{Fingerprint: f.Fingerprint, CheckID: f.CheckID, Severity: severityName(f.Severity), Status: f.Status,
		Resource: resourceJSON{f.ResourceID, f.ResourceType, f.Region, f.Account}, Message: f.Message, Evidence: ev,
		Muted: f.Muted, MuteReason: f.MuteReason}
}

func trackedJSON(t *store.TrackedFinding) findingJSON {
	j := toJSON(&t.Finding)
	j.Target, j.ScanID, j.State, j.LastStatus = t.Target, t.ScanID, t.State, t.LastStatus
	j.FirstSeen, j.LastSeen = utc(t.FirstSeen), utc(t.LastSeen)
	return j
}

var trackedCSVHeader = []string{"fingerprint", "state", "severity", "check_id", "status", "last_status", "resource_id",
	"resource_type", "region", "account", "target", "scan_id", "first_seen", "last_seen", "muted", "mute_reason", "message"}

func writeTracked(w io.Writer, format string, fs []store.TrackedFinding) error {
	switch format {
	case "json":
		bw := bufio.NewWriterSize(w, 256<<10)
		bw.WriteString("{\n  \"findings\": [")
		for i := range fs {
			b, err := json.Marshal(trackedJSON(&fs[i]))
			if err != nil {
				return err
			}
			if i > 0 {
				bw.WriteByte(',')
			}
			bw.WriteString("\n    ")
			bw.Write(b)
		}
		if len(fs) > 0 {
			bw.WriteString("\n  ")
		}
		bw.WriteString("]\n}\n")
		return bw.Flush()
	case "csv":
		cw := csv.NewWriter(w)
		cw.Write(trackedCSVHeader)
		for i := range fs {
			f := &fs[i]
			cw.Write([]string{f.Fingerprint, f.State, severityName(f.Severity), f.CheckID, f.Status, f.LastStatus, f.ResourceID,
				f.ResourceType, f.Region, f.Account, f.Target, f.ScanID, utc(f.FirstSeen), utc(f.LastSeen),
				strconv.FormatBool(f.Muted), f.MuteReason, f.Message})
		}
		cw.Flush()
		return cw.Error()
	}
	bw := bufio.NewWriter(w)
	if len(fs) == 0 {
		fmt.Fprintln(bw, "No findings match.")
		return bw.Flush()
	}
	tw := tabwriter.NewWriter(bw, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "STATE\tSEVERITY\tSTATUS\tCHECK\tRESOURCE\tREGION\tFIRST SEEN\tLAST SEEN")
	for i := range fs {
		f := &fs[i]
		state := f.State
		if state == "" {
			state = "-"
		}
		status := f.Status
		if f.Muted {
			status += " (muted)"
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n", state, severityName(f.Severity), status, f.CheckID, f.ResourceID,
			f.Region, day(f.FirstSeen), day(f.LastSeen))
	}
	tw.Flush()
	fmt.Fprintf(bw, "\n%d findings\n", len(fs))
	return bw.Flush()
}
