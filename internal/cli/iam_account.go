package cli

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/cloudward/cloudward/internal/iam"
	"github.com/cloudward/cloudward/internal/source/snapshot"
)

// iamAccountFlags are the flags shared by `iam can` and `iam who-can`.
type iamAccountFlags struct {
	snapshot string
	demo     bool
	format   string
	context  []string
	live     liveFlags
}

func (f *iamAccountFlags) register(cmd *cobra.Command) {
	cmd.Flags().StringVar(&f.snapshot, "snapshot", "", "answer from the snapshot in `DIR` (see docs/snapshot-format.md)")
	cmd.Flags().BoolVar(&f.demo, "demo", false, "answer from the embedded demo account")
	cmd.Flags().StringVar(&f.format, "format", "table", "output format: table or json")
	cmd.Flags().StringArrayVar(&f.context, "context", nil, "condition key of the request, `KEY=VALUE` (repeatable), e.g. aws:MultiFactorAuthPresent=true")
	f.live.register(cmd) // without --snapshot/--demo: collect the account live (read-only)
}

// load validates the flags and builds the account analysis.
func (f *iamAccountFlags) load(cmd *cobra.Command, env *Env, cmdName string) (*iam.Account, map[string]string, error) {
	if f.format != "table" && f.format != "json" {
		return nil, nil, usageErr("%s: --format %q: want table or json", cmdName, f.format)
	}
	ctx := map[string]string{}
	for _, kv := range f.context {
		k, v, ok := strings.Cut(kv, "=")
		if !ok || k == "" {
			return nil, nil, usageErr("%s: --context %q: want KEY=VALUE", cmdName, kv)
		}
		ctx[k] = v
	}
	var res *snapshot.Result
	var err error
	snap := cmd.Flags().Changed("snapshot")
	switch {
	case f.demo && snap:
		return nil, nil, usageErr("%s: give --snapshot or --demo, not both", cmdName)
	case snap && f.snapshot == "":
		return nil, nil, usageErr("%s: --snapshot: empty directory name", cmdName)
	case f.demo || snap:
		if err := f.live.notWithSnapshot(cmd); err != nil {
			return nil, nil, err
		}
	}
	switch {
	case f.demo:
		fsys := env.DemoFS()
		if fsys == nil {
			return nil, nil, inputErr(fmt.Errorf("%s: demo snapshot not available in this build", cmdName))
		}
		res, err = snapshot.LoadFS(fsys)
	case snap:
		res, err = snapshot.Load(f.snapshot)
	default:
		// Live: collect the account into memory (read-only API calls), then
		// the same import as a snapshot directory.
		load, lerr := liveLoader(env, &f.live)
		if lerr != nil {
			return nil, nil, lerr
		}
		res, err = load()
		if err != nil {
			return nil, nil, &exitError{code: ExitUsage, err: fmt.Errorf("%s: live collection: %w", cmdName, err)}
		}
	}
	if err != nil {
		return nil, nil, inputErr(fmt.Errorf("%s: %w", cmdName, err))
	}
	return iam.NewAccount(res.Inventory), ctx, nil
}

func newIAMCanCommand(env *Env) *cobra.Command {
	var flags iamAccountFlags
	cmd := &cobra.Command{
		Use:   "can PRINCIPAL ACTION RESOURCE [--snapshot DIR | --demo]",
		Short: "Decide whether a user or role of an account may call an action on a resource, and why",
		Long: "PRINCIPAL is a user or role ARN, user/NAME or role/NAME; ACTION is service:Action; RESOURCE is an ARN\n" +
			"or * for actions without a resource. The answer uses the principal's inline, managed and group\n" +
			"policies, its permissions boundary, the resource's policy (S3 bucket, role trust, KMS key, Lambda,\n" +
			"SQS, SNS, Secrets Manager, ECR) and the SCPs/RCPs of the account's organization path when collected;\n" +
			"an Allow that assumes SCPs/RCPs not collected allow says so.\n" +
			"Without --snapshot or --demo the account is collected live first (read-only; the flags of\n" +
			"`cloudward scan aws`: --profile, --role-arn, --regions, ...).\n" +
			"Exit code 0 whenever the question was answered, whatever the decision (read it from the output);\n" +
			"2 for usage errors, an unknown principal or an unreadable snapshot.",
		Args: cobra.ExactArgs(3),
		RunE: func(cmd *cobra.Command, args []string) error {
			a, ctx, err := flags.load(cmd, env, "iam can")
			if err != nil {
				return err
			}
			p := a.Principal(args[0])
			if p == nil {
				return usageErr("iam can: principal %q is not a user or role of account %s (use an ARN, user/NAME or role/NAME)", args[0], a.ID)
			}
			ans, err := a.NewAsker().Can(p, args[1], args[2], ctx)
			if err != nil {
				return usageErr("iam can: %v", err)
			}
			if flags.format == "json" {
				return writeJSON(env.Stdout, answerJSON(&ans))
			}
			return writeAnswerTable(env.Stdout, &ans)
		},
	}
	flags.register(cmd)
	return cmd
}

func newIAMWhoCanCommand(env *Env) *cobra.Command {
	var flags iamAccountFlags
	cmd := &cobra.Command{
		Use:   "who-can ACTION RESOURCE [--snapshot DIR | --demo]",
		Short: "List every user and role of an account that may call an action on a resource",
		Long: "Asks the `iam can` question for every user and role of the account and lists those allowed, with\n" +
			"the statements that allow. Exit code 0 whenever the question was answered (also when nobody can).",
		Args: cobra.ExactArgs(2),
		RunE: func(cmd *cobra.Command, args []string) error {
			a, ctx, err := flags.load(cmd, env, "iam who-can")
			if err != nil {
				return err
			}
			answers, err := a.WhoCan(args[0], args[1], ctx)
			if err != nil {
				return usageErr("iam who-can: %v", err)
			}
			if flags.format == "json" {
				out := struct {
					Action     string          `json:"action"`
					Resource   string          `json:"resource"`
					Principals []iamAnswerJSON `json:"principals"`
				}{Action: args[0], Resource: args[1], Principals: []iamAnswerJSON{}}
				for i := range answers {
					out.Principals = append(out.Principals, answerJSON(&answers[i]))
				}
				return writeJSON(env.Stdout, out)
			}
			tw := tabwriter.NewWriter(env.Stdout, 0, 4, 2, ' ', 0)
			fmt.Fprintf(tw, "PRINCIPAL\tALLOWED BY\n")
			for i := range answers {
				ex := answers[i].Explain()
				for j, line := range ex {
					name := answers[i].Principal.ARN
					if j > 0 {
						name = ""
					}
					fmt.Fprintf(tw, "%s\t%s\n", name, line)
				}
			}
			if err := tw.Flush(); err != nil {
				return err
			}
			inside := 0
			for i := range answers {
				if answers[i].Principal.Type != "external" {
					inside++
				}
			}
			_, err = fmt.Fprintf(env.Stdout, "%d of %d principals of account %s, and %d outside it, can call %s on %s\n",
				inside, len(a.Principals), a.ID, len(answers)-inside, args[0], args[1])
			for i := range answers {
				if answers[i].OrgNote != "" {
					_, err = fmt.Fprintf(env.Stdout, "note: answers %s (%s)\n", answers[i].OrgNote, answers[i].OrgDetail)
					break
				}
			}
			return err
		},
	}
	flags.register(cmd)
	return cmd
}

type iamReasonJSON struct {
	Kind      string `json:"kind"`
	Policy    string `json:"policy,omitempty"`
	Via       string `json:"via,omitempty"`
	Statement *int   `json:"statement,omitempty"`
	Sid       string `json:"sid,omitempty"`
	Effect    string `json:"effect,omitempty"`
	Rule      string `json:"rule"`
}

type iamAnswerJSON struct {
	Principal           string          `json:"principal"`
	External            bool            `json:"external,omitempty"`
	Action              string          `json:"action"`
	Resource            string          `json:"resource"`
	Decision            iam.Decision    `json:"decision"`
	Reasons             []iamReasonJSON `json:"reasons"`
	ResourcePolicyKnown bool            `json:"resource_policy_known"`
	Incomplete          []string        `json:"incomplete,omitempty"`
	// Assumption is set on an Allow that assumes organization policies
	// (SCPs/RCPs) that were not collected allow the request.
	Assumption string `json:"assumption,omitempty"`
}

func answerJSON(ans *iam.Answer) iamAnswerJSON {
	out := iamAnswerJSON{Principal: ans.Principal.ARN, External: ans.Principal.Type == "external", Action: ans.Action, Resource: ans.Resource,
		Decision: ans.Result.Decision, Reasons: []iamReasonJSON{}, ResourcePolicyKnown: ans.ResourcePolicyKnown,
		Incomplete: ans.Principal.Incomplete, Assumption: strings.TrimSpace(ans.OrgNote + ": " + ans.OrgDetail)}
	if ans.OrgNote == "" {
		out.Assumption = ""
	}
	for _, r := range ans.Result.Reasons {
		rj := iamReasonJSON{Kind: string(r.Kind), Policy: r.Policy, Sid: r.Sid, Effect: r.Effect, Rule: r.Rule}
		for pol, via := range ans.Principal.Via {
			if pol.Name == r.Policy {
				rj.Via = via
			}
		}
		if r.Statement >= 0 {
			s := r.Statement
			rj.Statement = &s
		}
		out.Reasons = append(out.Reasons, rj)
	}
	return out
}

func writeAnswerTable(w io.Writer, ans *iam.Answer) error {
	decision := string(ans.Result.Decision)
	if ans.OrgNote != "" {
		decision += " (" + ans.OrgNote + ")"
		defer fmt.Fprintf(w, "  note: %s\n", ans.OrgDetail)
	}
	fmt.Fprintf(w, "%s: %s may call %s on %s? %s\n", decision, ans.Principal.ARN, ans.Action, ans.Resource,
		map[bool]string{true: "yes", false: "no"}[ans.Result.Decision == iam.Allow])
	for _, line := range ans.Explain() {
		fmt.Fprintf(w, "  - %s\n", line)
	}
	if !ans.ResourcePolicyKnown {
		fmt.Fprintf(w, "  note: the resource's policy is not in the snapshot; the answer assumes it has none\n")
	}
	for _, why := range ans.Principal.Incomplete {
		fmt.Fprintf(w, "  note: %s\n", why)
	}
	return nil
}

func writeJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}
