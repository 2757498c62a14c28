package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/cloudward/cloudward/internal/check"
	"github.com/cloudward/cloudward/internal/config"
	awsm "github.com/cloudward/cloudward/internal/model/aws"
	"github.com/cloudward/cloudward/internal/mutelist"
	"github.com/cloudward/cloudward/internal/report"
	"github.com/cloudward/cloudward/internal/scanrun"
	"github.com/cloudward/cloudward/internal/source/snapshot"
)

// scanFlags are the flags shared by `scan aws` and `demo`.
type scanFlags struct {
	complianceFlags // --compliance, --level (compliance.go)

	format     string
	output     string
	noColor    bool
	severities []string
	checks     []string
	regions    []string
	services   []string
	statuses   []string
	failOn     string
	mutelist   string
	config     string
	db         string // --db: the scan database (store.go)
	noStore    bool   // --no-store
	// baseline is --baseline: an earlier JSON report (scan_baseline.go).
	baseline string
	// complianceCSV is --compliance-csv: a directory for one control-results
	// CSV per framework (scan_compliance_csv.go).
	complianceCSV string
	// cfg is the loaded config file (applyConfig in config.go); nil without.
	cfg        *config.Config
	cfgApplied bool
}

func (f *scanFlags) register(cmd *cobra.Command) {
	fl := cmd.Flags()
	fl.StringVar(&f.format, "format", "table", "report `FORMAT`: table, json, csv, html (one self-contained file), or for CI sarif, junit or github (docs/ci.md)")
	fl.StringVarP(&f.output, "output", "o", "", "write the report to `FILE`; the terminal gets a one-line summary")
	fl.BoolVar(&f.noColor, "no-color", false, "no colours in the table (also: NO_COLOR set, or stdout not a terminal)")
	fl.StringSliceVar(&f.severities, "severity", nil, "only these severities: `LIST` of critical,high,medium,low,info")
	fl.StringSliceVar(&f.checks, "check", nil, "only these check IDs: comma `LIST` (cloudward checks lists them)")
	fl.StringSliceVar(&f.regions, "region", nil, "only resources in these regions: comma `LIST` (IAM and account-wide resources are in \"global\")")
	fl.StringSliceVar(&f.services, "service", nil, "only checks of these services: `LIST` of iam,s3,ec2,rds,kms,cloudtrail,guardduty...")
	fl.StringSliceVar(&f.statuses, "status", nil, "only list these statuses: `LIST` of PASS,FAIL,UNKNOWN (default all; FAIL,UNKNOWN in the table)")
	fl.StringVar(&f.failOn, "fail-on", "low", "exit 1 when a finding in scope FAILs at or above this `SEVERITY` (critical|high|medium|low|info|none)")
	f.registerCompliance(fl)
	fl.StringVar(&f.mutelist, "mutelist", "", "mute the findings matched by the mutelist `FILE` (see docs/mutelist.md); muted findings are listed as MUTED and do not fail")
	fl.StringVar(&f.config, "config", "", "read settings and flag defaults from `FILE` (default ./cloudward.yaml, else $XDG_CONFIG_HOME/cloudward/cloudward.yaml; see docs/config.md)")
	dbFlag(cmd, &f.db)
	fl.StringVar(&f.baseline, "baseline", "", "report (and fail on) only failures that are not failing in `FILE`, an earlier --format json report (docs/ci.md)")
	fl.StringVar(&f.complianceCSV, "compliance-csv", "", "also write one CSV of control results per framework into `DIR` (<framework>.csv; see docs/report-format.md)")
	fl.BoolVar(&f.noStore, "no-store", false, "do not store the scan in the scan database (stored by default; see docs/store.md)")
}

// scanOptions are validated flags.
type scanOptions struct {
	format string
	output string
	color  bool
	filter report.Filter
	// failOn is the lowest failing severity that makes the exit code 1;
	// nil for "none".
	failOn *check.Severity
	// compliance is the frameworks to evaluate (--compliance, --level).
	compliance complianceSelection
	// mutelist is the parsed --mutelist file; nil without one.
	mutelist *mutelist.List
	// baseline is the parsed --baseline report; nil without one.
	baseline *report.Baseline
}

// options validates the flags against the registry.
func (f *scanFlags) options(cmd *cobra.Command, env *Env, reg *check.Registry) (*scanOptions, error) {
	o := &scanOptions{format: f.format, output: f.output}
	if !slices.Contains(report.Formats, f.format) {
		return nil, usageErr("--format: unknown format %q (want one of %s)", f.format, strings.Join(report.Formats, ", "))
	}
	if f.baseline != "" { // read before the scan: a wrong file fails fast
		bl, err := report.LoadBaseline(f.baseline)
		if err != nil {
			return nil, inputErr(err)
		}
		o.baseline = bl
	}
	if f.complianceCSV != "" { // before the scan: a file in the way fails fast
		if fi, err := os.Stat(f.complianceCSV); err == nil && !fi.IsDir() {
			return nil, usageErr("--compliance-csv: %s is not a directory", f.complianceCSV)
		}
	}
	for _, s := range items(f.severities) {
		sev, err := check.ParseSeverity(s)
		if err != nil {
			return nil, usageErr("--severity: %v", err)
		}
		set(&o.filter.Severities, sev)
	}
	for _, id := range items(f.checks) {
		if reg.Get(id) == nil {
			return nil, usageErr("--check: unknown check ID %q (see cloudward checks)", id)
		}
		set(&o.filter.Checks, id)
	}
	for _, r := range items(f.regions) {
		set(&o.filter.Regions, r)
	}
	for _, s := range items(f.services) {
		set(&o.filter.Services, strings.ToLower(s))
	}
	for _, s := range items(f.statuses) {
		st := check.Status(strings.ToUpper(s))
		if st != check.Pass && st != check.Fail && st != check.Unknown && st != check.Muted && st != check.Suppressed {
			return nil, usageErr("--status: unknown status %q (want PASS, FAIL, UNKNOWN, MUTED or SUPPRESSED)", s)
		}
		set(&o.filter.Statuses, st)
	}
	if !cmd.Flags().Changed("status") && f.format == "table" {
		// The table lists what needs attention; its summary still counts PASS.
		o.filter.Statuses = map[check.Status]bool{check.Fail: true, check.Unknown: true, check.Muted: true, check.Suppressed: true}
	}
	if f.mutelist != "" {
		ml, err := loadMutelist(f.mutelist, reg)
		if err != nil {
			return nil, inputErr(err)
		}
		o.mutelist = ml
	} else if f.cfg != nil && f.cfg.Mutelist != nil {
		if err := f.cfg.Mutelist.CheckIDs(func(id string) bool { return reg.Get(id) != nil }); err != nil {
			return nil, inputErr(err)
		}
		o.mutelist = f.cfg.Mutelist
	}
	var err error
	if o.compliance, err = f.complianceOptions(reg); err != nil {
		return nil, err
	}
	if !strings.EqualFold(f.failOn, "none") {
		sev, err := check.ParseSeverity(f.failOn)
		if err != nil {
			return nil, usageErr("--fail-on: %v, or none", err)
		}
		o.failOn = &sev
	}
	o.color = f.format == "table" && f.output == "" && !f.noColor &&
		env.Getenv("NO_COLOR") == "" && env.IsTerminal(env.Stdout)
	return o, nil
}

// items splits comma lists (pflag already split on commas), trimming blanks.
func items(vals []string) []string {
	var out []string
	for _, v := range vals {
		for _, s := range strings.Split(v, ",") {
			if s = strings.TrimSpace(s); s != "" {
				out = append(out, s)
			}
		}
	}
	return out
}

func set[K comparable](m *map[K]bool, k K) {
	if *m == nil {
		*m = map[K]bool{}
	}
	(*m)[k] = true
}

func newScanCommand(env *Env) *cobra.Command {
	scan := &cobra.Command{
		Use:   "scan PROVIDER",
		Short: "Scan a cloud account (today: an AWS snapshot)",
		Args:  cobra.ArbitraryArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if len(args) == 0 {
				return usageErr("scan needs a provider: cloudward scan aws --snapshot DIR")
			}
			return usageErr("unsupported provider %q (supported: aws)", args[0])
		},
	}
	var flags scanFlags
	var snapDir string
	var live liveFlags
	aws := &cobra.Command{
		Use:   "aws [--snapshot DIR]",
		Short: "Scan an AWS account, live through the SDK or from a snapshot (see docs/live-scanning.md)",
		Example: "  cloudward scan aws --profile audit --regions us-east-1,eu-west-1\n" +
			"  cloudward scan aws --snapshot ./snap\n" +
			"  cloudward scan aws --snapshot ./snap --format json --output report.json\n" +
			"  cloudward scan aws --snapshot ./snap --severity critical,high --fail-on high",
		Args:    noArgs,
		PreRunE: func(cmd *cobra.Command, _ []string) error { return flags.applyConfig(cmd, env) },
		RunE: func(cmd *cobra.Command, _ []string) error {
			env := quietEnv(env, live.quiet) // --quiet: no progress display at all
			if !cmd.Flags().Changed("snapshot") && live.org {
				// A whole organization: one inventory per account, one report.
				load, err := liveOrgLoader(env, &live)
				if err != nil {
					return err
				}
				return runScanInventories(cmd, env, &flags, "live:aws-org", "collecting the organization", load)
			}
			if !cmd.Flags().Changed("snapshot") {
				// Live: collect into memory, then the same import and report.
				load, err := liveLoader(env, &live)
				if err != nil {
					return err
				}
				return runScan(cmd, env, &flags, "live:aws", load)
			}
			if err := live.notWithSnapshot(cmd); err != nil {
				return err
			}
			if snapDir == "" {
				return usageErr("--snapshot: empty directory name")
			}
			if isSnapshotFolder(snapDir) { // collect aws --org output: one snapshot per account
				return runScanInventories(cmd, env, &flags, "snapshot:"+snapDir, "loading snapshots", func() ([]*awsm.Inventory, []string, error) {
					return loadSnapshotFolder(snapDir)
				})
			}
			load := func() (*snapshot.Result, error) { return snapshot.Load(snapDir) }
			return runScan(cmd, env, &flags, "snapshot:"+snapDir, load)
		},
	}
	aws.Flags().StringVar(&snapDir, "snapshot", "", "scan the snapshot in `DIR` (see docs/snapshot-format.md)")
	flags.register(aws)
	live.register(aws) // live collection flags (collect.go)
	scan.AddCommand(aws)
	scan.AddCommand(newScanIaCCommand(env))
	return scan
}

func newDemoCommand(env *Env) *cobra.Command {
	var flags scanFlags
	cmd := &cobra.Command{
		Use:   "demo",
		Short: "Scan the embedded demo AWS account and print the report",
		Long: "Scan the embedded demo AWS account: a realistic snapshot with good and bad resources.\n" +
			"The demo's failures are the point of it, so it exits 0 unless --fail-on is given.",
		Args:    noArgs,
		PreRunE: func(cmd *cobra.Command, _ []string) error { return flags.applyConfig(cmd, env) },
		RunE: func(cmd *cobra.Command, _ []string) error {
			load := func() (*snapshot.Result, error) {
				fsys := env.DemoFS()
				if fsys == nil {
					return nil, fmt.Errorf("demo snapshot: not available in this build")
				}
				res, err := snapshot.LoadFS(fsys)
				if err != nil {
					return nil, fmt.Errorf("demo snapshot: %w", err)
				}
				return res, nil
			}
			return runScan(cmd, env, &flags, "demo", load)
		},
	}
	flags.register(cmd)
	// A first run should not look like a failure: the demo reports its
	// findings and exits 0 unless the user asks for a gate.
	fl := cmd.Flags().Lookup("fail-on")
	fl.DefValue = "none"
	_ = fl.Value.Set("none")
	return cmd
}

// runScan is scan and demo: validate flags, load, evaluate, report, and turn
// the result into the exit code.
func runScan(cmd *cobra.Command, env *Env, flags *scanFlags, source string, load func() (*snapshot.Result, error)) error {
	return runScanInventories(cmd, env, flags, source, "loading snapshot", func() ([]*awsm.Inventory, []string, error) {
		res, err := load()
		if err != nil {
			return nil, nil, err
		}
		warnings := make([]string, len(res.Warnings))
		for i, w := range res.Warnings {
			warnings[i] = w.String()
		}
		return []*awsm.Inventory{res.Inventory}, warnings, nil
	})
}

// runScanInventories is runScan for any source of inventories (snapshot,
// IaC): load gives the inventories and the warnings to report.
func runScanInventories(cmd *cobra.Command, env *Env, flags *scanFlags, source, loading string,
	load func() ([]*awsm.Inventory, []string, error), after ...func([]check.Finding, time.Time) []string) error {
	if err := flags.applyConfig(cmd, env); err != nil { // once; scan aws did it in PreRunE
		return err
	}
	reg, err := registry(env)
	if err != nil {
		return err
	}
	opts, err := flags.options(cmd, env, reg)
	if err != nil {
		return err
	}
	// Open the scan database first: a bad --db fails before the work.
	st, err := openScanStore(cmd.Context(), env, flags.db, flags.noStore)
	if err != nil {
		return err
	}
	defer st.close()
	prog := newProgress(env)
	defer prog.done()

	// Run only the checks the filters can keep; the report filters again.
	var checks []*check.Check
	for _, c := range reg.All() {
		if (len(opts.filter.Checks) == 0 || opts.filter.Checks[c.ID]) &&
			(len(opts.filter.Severities) == 0 || opts.filter.Severities[c.Severity]) &&
			(len(opts.filter.Services) == 0 || opts.filter.Services[c.Service]) {
			checks = append(checks, c)
		}
	}
	// The pipeline serve and workers run (internal/scanrun), with the
	// scan command's selection, hooks and --baseline.
	baselined := 0
	ro := scanrun.Options{
		Registry: reg, Mutelist: opts.mutelist, Version: env.Version, Now: env.Now, NewID: env.NewScanID,
		Checks: checks, Progress: prog.set, After: after, Filter: opts.filter, KeepEmptyAccount: true,
	}
	if opts.baseline != nil {
		// --baseline: the report lists and fails on new failures only; the
		// store and compliance still see the whole scan.
		ro.Reported = func(fs []check.Finding) []check.Finding {
			var reported []check.Finding
			reported, baselined = opts.baseline.New(fs)
			return reported
		}
	}
	prog.set(loading)
	res, err := scanrun.Evaluate(cmd.Context(), source, func(context.Context) ([]*awsm.Inventory, []string, error) { return load() }, ro)
	var le *scanrun.LoadError
	if errors.As(err, &le) {
		return inputErr(le.Err)
	}
	if err != nil {
		return err
	}
	r, findings := res.Report, res.Findings
	warnings := r.Scan.Warnings
	prog.set("writing report")

	r.Compliance = opts.compliance.evaluate(findings, checks, opts.filter)
	prog.done()
	// Warnings always reach stderr (JSON also carries them in scan.warnings).
	for _, w := range warnings {
		fmt.Fprintf(env.Stderr, "cloudward: warning: %s\n", w)
	}
	noteBaseline(env, opts.baseline, baselined)

	if opts.output == "" {
		if err := report.Write(env.Stdout, opts.format, r, report.TableOptions{Color: opts.color}); err != nil {
			return fmt.Errorf("writing report: %w", err)
		}
	} else {
		if err := writeFile(opts.output, func(w io.Writer) error {
			return report.Write(w, opts.format, r, report.TableOptions{})
		}); err != nil {
			return inputErr(err)
		}
		fmt.Fprintf(env.Stdout, "cloudward: wrote %s: %s\n", opts.output, r.OneLine())
	}

	if flags.complianceCSV != "" {
		if err := writeComplianceCSVs(env, flags.complianceCSV, r); err != nil {
			return inputErr(err)
		}
	}

	// Stored after the report is out; a failure (disk full) is loud.
	if err := st.save(cmd.Context(), r, findings, len(checks) < len(reg.All())); err != nil {
		return err
	}
	if opts.failOn != nil && r.FailsAtOrAbove(*opts.failOn) {
		return errFindings
	}
	return nil
}

// loadMutelist reads and validates a mutelist file against the registry.
func loadMutelist(name string, reg *check.Registry) (*mutelist.List, error) {
	data, err := os.ReadFile(name)
	if err != nil {
		return nil, fmt.Errorf("--mutelist: %w", err)
	}
	ml, err := mutelist.Parse(name, data)
	if err != nil {
		return nil, err
	}
	if err := ml.CheckIDs(func(id string) bool { return reg.Get(id) != nil }); err != nil {
		return nil, err
	}
	return ml, nil
}

// writeFile writes a report file, naming the file in any error.
func writeFile(name string, write func(io.Writer) error) error {
	f, err := os.Create(name)
	if err != nil {
		return fmt.Errorf("--output: %w", err)
	}
	if err := write(f); err != nil {
		f.Close()
		return fmt.Errorf("writing %s: %w", name, err)
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("writing %s: %w", name, err)
	}
	return nil
}
