package cli

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"strings"

	"github.com/spf13/cobra"

	"github.com/cloudward/cloudward/internal/source/awslive"
	"github.com/cloudward/cloudward/internal/source/snapshot"
)

// liveFlags are the flags of live AWS collection, shared by `collect aws`
// and a live `scan aws`.
type liveFlags struct {
	profile, roleARN, externalID, sessionName string
	regions, services                         []string
	parallel                                  int
	endpointURL                               string
	quiet                                     bool
	org                                       bool   // every account of the organization (org.go)
	orgRole                                   string // role name assumed in each account with --org
}

func (f *liveFlags) register(cmd *cobra.Command) {
	fl := cmd.Flags()
	fl.StringVar(&f.profile, "profile", "", "use the shared config `PROFILE` (default: AWS_PROFILE, else the standard credential chain)")
	fl.StringVar(&f.roleARN, "role-arn", "", "assume the role `ARN` before collecting")
	fl.StringVar(&f.externalID, "external-id", "", "external `ID` for --role-arn")
	fl.StringVar(&f.sessionName, "session-name", "", "session `NAME` for --role-arn (default cloudward)")
	fl.StringSliceVar(&f.regions, "regions", nil, "collect these regions: comma `LIST` (default: every enabled region)")
	fl.StringSliceVar(&f.services, "services", nil, "collect these services: comma `LIST` of "+strings.Join(awslive.Services, ",")+" (default all)")
	fl.IntVar(&f.parallel, "parallel", awslive.DefaultParallel, "at most `N` API calls in flight in each region")
	fl.StringVar(&f.endpointURL, "endpoint-url", "", "send every AWS call to `URL` (an emulator or a fake; AWS_ENDPOINT_URL works too)")
	fl.BoolVar(&f.quiet, "quiet", false, "no progress or summary on stderr")
	fl.BoolVar(&f.org, "org", false, "collect every active account of the organization (run from the management or a delegated administrator account; needs --org-role)")
	fl.StringVar(&f.orgRole, "org-role", "", "with --org: assume the role `NAME` in each account (a read-only audit role; no default)")
}

// liveFlagNames are the flags that only mean something when collecting.
var liveFlagNames = []string{"profile", "role-arn", "external-id", "session-name", "regions", "services", "parallel", "endpoint-url", "org", "org-role"}

// notWithSnapshot rejects live flags on a snapshot scan, where they would
// silently do nothing.
func (f *liveFlags) notWithSnapshot(cmd *cobra.Command) error {
	for _, n := range liveFlagNames {
		if cmd.Flags().Changed(n) {
			return usageErr("--%s is for live scans and cannot be used with --snapshot (to filter the report by region or service, use --region or --service)", n)
		}
	}
	return nil
}

func (f *liveFlags) options() (awslive.Options, error) {
	if f.parallel < 1 {
		return awslive.Options{}, usageErr("--parallel: must be at least 1, got %d", f.parallel)
	}
	if (f.externalID != "" || f.sessionName != "") && f.roleARN == "" {
		return awslive.Options{}, usageErr("--external-id and --session-name need --role-arn")
	}
	if f.org && f.orgRole == "" {
		return awslive.Options{}, usageErr("--org needs --org-role NAME: the role assumed in every account (cloudward picks no default, so as not to use a role with write rights)")
	}
	if f.orgRole != "" && !f.org {
		return awslive.Options{}, usageErr("--org-role is for --org")
	}
	services := items(f.services)
	for _, s := range services {
		s = strings.ToLower(s)
		if s != "sts" && s != "s3control" && !contains(awslive.Services, s) {
			return awslive.Options{}, usageErr("--services: unknown service %q (known: %s)", s, strings.Join(awslive.Services, ", "))
		}
	}
	return awslive.Options{
		Profile: f.profile, RoleARN: f.roleARN, ExternalID: f.externalID, SessionName: f.sessionName,
		Regions: items(f.regions), Services: services, Parallel: f.parallel, EndpointURL: f.endpointURL,
	}, nil
}

func contains(list []string, s string) bool {
	for _, e := range list {
		if e == s {
			return true
		}
	}
	return false
}

// collectProgress shows the collection's progress on a terminal.
func collectProgress(env *Env, quiet bool, opts *awslive.Options) *progress {
	prog := newProgress(env)
	if quiet {
		prog.done()
		return prog
	}
	// Counters are redrawn at most ten times a second (progress.follow).
	tr := &awslive.Progress{}
	opts.Tracker = tr
	prog.follow(func() string { return "collecting AWS: " + tr.Snapshot().String() })
	return prog
}

func summaryLine(s *awslive.Summary) string {
	return fmt.Sprintf("account %s, %d regions, %d calls, %d errors", s.AccountID, len(s.Regions), s.Calls, s.Errors)
}

func newCollectCommand(env *Env) *cobra.Command {
	collect := &cobra.Command{
		Use:   "collect PROVIDER",
		Short: "Collect a cloud account into a snapshot directory (today: AWS)",
		Args:  cobra.ArbitraryArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if len(args) == 0 {
				return usageErr("collect needs a provider: cloudward collect aws --out DIR")
			}
			return usageErr("unsupported provider %q (supported: aws)", args[0])
		},
	}
	var live liveFlags
	var out string
	aws := &cobra.Command{
		Use:   "aws --out DIR",
		Short: "Collect an AWS account into a snapshot (read-only API calls; see docs/live-scanning.md)",
		Example: "  cloudward collect aws --out ./snap\n" +
			"  cloudward collect aws --out ./snap --profile audit --regions us-east-1,eu-west-1\n" +
			"  cloudward scan aws --snapshot ./snap",
		Args: noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if out == "" {
				return usageErr("--out: a directory is required")
			}
			opts, err := live.options()
			if err != nil {
				return err
			}
			// Never mix a new collection into existing files.
			if entries, err := os.ReadDir(out); err == nil && len(entries) > 0 {
				return usageErr("--out %s: directory is not empty", out)
			} else if err != nil && !errors.Is(err, fs.ErrNotExist) {
				return inputErr(fmt.Errorf("--out %s: %w", out, err))
			}
			if live.org {
				return collectOrgToDir(env, &live, opts, out)
			}
			prog := collectProgress(env, live.quiet, &opts)
			sum, err := awslive.Collect(context.Background(), opts, awslive.DirWriter{Dir: out})
			prog.done()
			if err != nil {
				return inputErr(err)
			}
			if !live.quiet {
				fmt.Fprintf(env.Stderr, "cloudward: collected %s into %s\n", summaryLine(sum), out)
			}
			return nil
		},
	}
	aws.Flags().StringVar(&out, "out", "", "write the snapshot into `DIR` (created; must be empty)")
	live.register(aws)
	collect.AddCommand(aws)
	return collect
}

// liveLoader is a live scan's load step: collect into memory and import
// with the snapshot importer, exactly as a collected directory would be.
func liveLoader(env *Env, live *liveFlags) (func() (*snapshot.Result, error), error) {
	opts, err := live.options()
	if err != nil {
		return nil, err
	}
	return func() (*snapshot.Result, error) {
		mem := &awslive.MemWriter{}
		prog := collectProgress(env, live.quiet, &opts)
		sum, err := awslive.Collect(context.Background(), opts, mem)
		prog.done()
		if err != nil {
			return nil, err
		}
		if !live.quiet {
			fmt.Fprintf(env.Stderr, "cloudward: collected %s\n", summaryLine(sum))
		}
		return snapshot.LoadFS(mem.FS())
	}, nil
}
