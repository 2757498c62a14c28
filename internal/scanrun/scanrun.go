// Package scanrun is the scan pipeline shared by `cloudward serve`,
// `cloudward worker`, `cloudward scan` and `cloudward demo`: load a configured target's inventories, run the
// checks, apply the mutelist, build the report, store the scan and turn the
// diff with the target's previous scan into alerts.
package scanrun

import (
	"context"
	"errors"
	"fmt"
	"os"
	"slices"
	"strings"
	"time"

	"github.com/cloudward/cloudward/internal/alert"
	"github.com/cloudward/cloudward/internal/check"
	"github.com/cloudward/cloudward/internal/config"
	awsm "github.com/cloudward/cloudward/internal/model/aws"
	"github.com/cloudward/cloudward/internal/mutelist"
	"github.com/cloudward/cloudward/internal/report"
	"github.com/cloudward/cloudward/internal/source/awslive"
	"github.com/cloudward/cloudward/internal/source/cloudformation"
	"github.com/cloudward/cloudward/internal/source/iac"
	"github.com/cloudward/cloudward/internal/source/snapshot"
	"github.com/cloudward/cloudward/internal/source/terraform"
	"github.com/cloudward/cloudward/internal/store"
)

// Loader produces the inventories of a scan and the warnings to report.
type Loader func(ctx context.Context) ([]*awsm.Inventory, []string, error)

// Unit is one scan job: a configured target, or one account of a
// multi-account AWS target.
type Unit struct {
	Target  string `json:"target"`
	Account string `json:"account,omitempty"`
}

func (u Unit) String() string {
	if u.Account != "" {
		return u.Target + "/" + u.Account
	}
	return u.Target
}

// ErrUnavailable marks a target kind this build cannot scan yet.
var ErrUnavailable = errors.New("not available yet")

// ErrDiscovery marks a target whose units are only known at scan time:
// an AWS organization's accounts (see Discover).
var ErrDiscovery = errors.New("units are discovered at scan time")

// Units lists the scan units of a target. An AWS organization's accounts
// are listed by Discover: ErrDiscovery.
func Units(t config.Target) ([]Unit, error) {
	if t.AWS != nil {
		if t.AWS.Organization {
			return nil, fmt.Errorf("target %q: %w", t.Name, ErrDiscovery)
		}
		if len(t.AWS.Accounts) > 0 {
			us := make([]Unit, len(t.AWS.Accounts))
			for i, a := range t.AWS.Accounts {
				us[i] = Unit{Target: t.Name, Account: a}
			}
			return us, nil
		}
	}
	return []Unit{{Target: t.Name}}, nil
}

// Discover lists the units of t now: for an AWS organization target, one
// per ACTIVE account of the organization (organizations ListAccounts with
// the target's profile, from the management or a delegated administrator
// account); for other targets, Units.
func Discover(ctx context.Context, t config.Target) ([]Unit, error) {
	if t.AWS == nil || !t.AWS.Organization {
		return Units(t)
	}
	opts := awsOptions(t)
	cfg, err := awslive.LoadConfig(ctx, opts)
	if err != nil {
		return nil, fmt.Errorf("target %q: %w", t.Name, err)
	}
	accounts, err := awslive.ListOrgAccounts(ctx, cfg, awslive.DefaultCallTimeout)
	if err != nil {
		return nil, fmt.Errorf("target %q: %w", t.Name, err)
	}
	us := make([]Unit, len(accounts))
	for i, a := range accounts {
		us[i] = Unit{Target: t.Name, Account: a.ID}
	}
	return us, nil
}

func awsOptions(t config.Target) awslive.Options {
	return awslive.Options{Profile: t.AWS.Profile, Regions: t.AWS.Regions, SessionName: "cloudward-serve",
		EndpointURL: t.AWS.EndpointURL}
}

// LoaderFor returns the source name and the loader of one unit of t.
func LoaderFor(t config.Target, account string, getenv func(string) string) (string, Loader, error) {
	switch {
	case t.Snapshot != "":
		dir := t.Snapshot
		return "snapshot:" + dir, SnapshotLoader(dir), nil
	case t.IaC != "":
		paths := []string{t.IaC}
		return "iac:" + t.IaC, func(context.Context) ([]*awsm.Inventory, []string, error) {
			return LoadIaC(paths, IaCOptions{}, getenv)
		}, nil
	case t.AWS != nil:
		opts := awsOptions(t)
		if account != "" {
			if t.AWS.Role == "" {
				return "", nil, fmt.Errorf("target %q: accounts need a role to assume", t.Name)
			}
			opts.RoleARN = fmt.Sprintf("arn:aws:iam::%s:role/%s", account, t.AWS.Role)
			opts.ExternalID = t.AWS.ExternalID.Reveal()
		}
		return "live:aws", AWSLoader(opts), nil
	}
	return "", nil, fmt.Errorf("target %q: nothing to scan", t.Name)
}

// SnapshotLoader loads a snapshot folder.
func SnapshotLoader(dir string) Loader {
	return func(context.Context) ([]*awsm.Inventory, []string, error) {
		res, err := snapshot.Load(dir)
		if err != nil {
			return nil, nil, err
		}
		return []*awsm.Inventory{res.Inventory}, snapshotWarnings(res), nil
	}
}

// AWSLoader collects an AWS account live into memory and imports it.
func AWSLoader(opts awslive.Options) Loader {
	return func(ctx context.Context) ([]*awsm.Inventory, []string, error) {
		mem := &awslive.MemWriter{}
		if _, err := awslive.Collect(ctx, opts, mem); err != nil {
			return nil, nil, err
		}
		res, err := snapshot.LoadFS(mem.FS())
		if err != nil {
			return nil, nil, err
		}
		return []*awsm.Inventory{res.Inventory}, snapshotWarnings(res), nil
	}
}

func snapshotWarnings(res *snapshot.Result) []string {
	ws := make([]string, len(res.Warnings))
	for i, w := range res.Warnings {
		ws[i] = w.String()
	}
	return ws
}

// IaCOptions tune LoadIaC.
type IaCOptions struct {
	Vars, VarFiles, SkipPaths []string
	// CFParams are CloudFormation parameter values.
	CFParams map[string]string
}

// LoadIaC discovers the IaC files under paths and evaluates them: one
// inventory for the Terraform roots and one for the CloudFormation
// templates (when there are any of each).
func LoadIaC(paths []string, o IaCOptions, getenv func(string) string) ([]*awsm.Inventory, []string, error) {
	tree, walkWarnings, err := iac.Discover(paths, iac.Options{SkipPaths: o.SkipPaths, IsCloudFormation: cloudformation.Detect})
	if err != nil {
		return nil, nil, err
	}
	var warnings []string
	for _, w := range walkWarnings {
		warnings = append(warnings, w.String())
	}
	var invs []*awsm.Inventory
	if len(tree.Terraform) > 0 || len(tree.Plans) > 0 {
		res, err := terraform.LoadWithPlans(tree.Terraform, tree.Plans, terraform.Options{Vars: o.Vars, VarFiles: o.VarFiles, Getenv: getenv})
		if err != nil {
			return nil, nil, err
		}
		for _, w := range res.Warnings {
			warnings = append(warnings, w.String())
		}
		invs = append(invs, res.Inventory)
	}
	if len(tree.CloudFormation) > 0 {
		inv := &awsm.Inventory{IaC: true, Partition: "aws"}
		opts := cloudformation.Options{Params: o.CFParams}
		for _, file := range tree.CloudFormation {
			data, err := os.ReadFile(file)
			if err != nil {
				warnings = append(warnings, fmt.Sprintf("%s: not readable: %v", file, err))
				continue
			}
			ws, err := cloudformation.LoadTemplate(inv, file, data, opts)
			for _, w := range ws {
				warnings = append(warnings, w.String())
			}
			if err != nil {
				// A broken template is reported; the rest of the tree is scanned.
				warnings = append(warnings, err.Error())
			}
		}
		cloudformation.Finish(inv)
		invs = append(invs, inv)
	}
	if len(invs) == 0 {
		// Nothing to scan is not an error: the report says 0 resources.
		invs = append(invs, &awsm.Inventory{IaC: true, Partition: "aws"})
	}
	for _, inv := range invs {
		inv.Index()
	}
	return invs, warnings, nil
}

// Options are what a scan needs besides its inventories.
type Options struct {
	Registry *check.Registry
	// Mutelist mutes findings; nil for none.
	Mutelist *mutelist.List
	Version  string
	Now      func() time.Time
	NewID    func() string

	// The fields below let `cloudward scan` and `demo` run the same
	// pipeline; their zero values are what serve and workers want.

	// Checks are the checks to run; nil runs every registered check.
	Checks []*check.Check
	// Progress, when set, is told the phase ("evaluating N checks").
	Progress func(phase string)
	// After post-process the findings before the mutelist (inline IaC
	// suppressions); their warnings join the scan's.
	After []func(findings []check.Finding, started time.Time) []string
	// Reported chooses the findings the report lists (--baseline: the new
	// ones); nil lists them all. Result.Findings keeps every finding.
	Reported func(findings []check.Finding) []check.Finding
	// Filter is the report's filter (--severity, --check, --service...).
	Filter report.Filter
	// KeepEmptyAccount keeps the empty account ID of IaC inventories in
	// the report (the CLI's historical store target for IaC scans).
	KeepEmptyAccount bool
}

// Result is a finished, evaluated scan.
type Result struct {
	Report   *report.Report
	Findings []check.Finding
	// Checks are the checks that ran.
	Checks []*check.Check
}

// Evaluate loads, runs every registered check, applies the mutelist and
// builds the report. A load failure is returned as a *LoadError.
func Evaluate(ctx context.Context, source string, load Loader, o Options) (*Result, error) {
	started := o.Now()
	invs, warnings, err := load(ctx)
	if err != nil {
		return nil, &LoadError{Source: source, Err: err}
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	checks := o.Checks
	if checks == nil {
		checks = o.Registry.All()
	}
	if o.Progress != nil {
		o.Progress(fmt.Sprintf("evaluating %d checks", len(checks)))
	}
	findings, err := check.Run(ctx, check.Input{AWS: invs}, checks)
	if err != nil {
		return nil, err
	}
	finished := o.Now()
	for _, fn := range o.After {
		warnings = append(warnings, fn(findings, started)...)
	}
	if o.Mutelist != nil {
		// Expiry is judged against the time of the scan, not of the data.
		out := o.Mutelist.Apply(findings, started, mutelist.InventoryTags(invs))
		warnings = append(warnings, out.Warnings()...)
	}
	reported := findings
	if o.Reported != nil {
		reported = o.Reported(findings)
	}
	r := report.Build(report.Input{
		Tool:        report.Tool{Name: "cloudward", Version: o.Version},
		Scan:        report.Scan{ID: o.NewID(), StartedAt: started, FinishedAt: finished, Source: source, Warnings: warnings},
		Inventories: invs,
		Findings:    reported,
		Filter:      o.Filter,
	})
	// IaC inventories have no account: without one, the scan's target is
	// its source, so that every IaC target keeps its own history.
	if !o.KeepEmptyAccount {
		r.Scan.AccountIDs = slices.DeleteFunc(r.Scan.AccountIDs, func(a string) bool { return a == "" })
	}
	return &Result{Report: r, Findings: findings, Checks: checks}, nil
}

// LoadError is a failure to collect or read a target: a collection error.
type LoadError struct {
	Source string
	Err    error
}

func (e *LoadError) Error() string { return fmt.Sprintf("%s: %v", e.Source, e.Err) }
func (e *LoadError) Unwrap() error { return e.Err }

// Stored is a scan written to the store, with its diff against the
// target's previous scan (nil for a first scan).
type Stored struct {
	Scan     *store.Scan
	Records  []store.Finding
	Previous *store.Scan
	Diff     *store.Diff
}

// Save stores a result in one transaction and diffs it with the previous
// scan of the same target. A cancelled ctx rolls the write back.
func Save(ctx context.Context, st store.Store, res *Result) (*Stored, error) {
	sc, err := store.NewScan(res.Report, res.Findings, false)
	if err != nil {
		return nil, err
	}
	recs := store.Records(res.Findings)
	if sc.Target == "" {
		return nil, errors.New("scan without a target")
	}
	prevs, err := st.Scans(ctx, store.ScanQuery{Target: sc.Target, Limit: 1})
	if err != nil {
		return nil, err
	}
	if err := st.SaveScan(ctx, sc, recs); err != nil {
		return nil, err
	}
	out := &Stored{Scan: sc, Records: recs}
	if len(prevs) > 0 {
		prev := prevs[0]
		old, err := st.ScanFindings(ctx, prev.Seq)
		if err != nil {
			return out, fmt.Errorf("scan %s stored; reading the previous scan %s: %w", sc.ID, prev.ID, err)
		}
		out.Previous = &prev
		out.Diff = store.Compare(old, recs, sc.Scoped)
	} else {
		// A first scan: every failure is new.
		out.Diff = store.Compare(nil, recs, sc.Scoped)
	}
	return out, nil
}

// Alerts turns a stored scan's diff into alert events and dispatches them;
// nil dispatcher, nil results.
func Alerts(ctx context.Context, d *alert.Dispatcher, reg *check.Registry, s *Stored) []alert.Result {
	if d == nil || s.Diff == nil {
		return nil
	}
	events := alert.FromDiff(s.Diff, reg)
	if len(events) == 0 {
		return nil
	}
	return d.Dispatch(ctx, alert.Scan{ID: s.Scan.ID, Target: s.Scan.Target, Time: s.Scan.FinishedAt}, events)
}

// FindTarget returns the configured target named name.
func FindTarget(targets []config.Target, name string) (config.Target, bool) {
	i := slices.IndexFunc(targets, func(t config.Target) bool { return t.Name == name })
	if i < 0 {
		return config.Target{}, false
	}
	return targets[i], true
}

// Describe names the kind of a target for logs and /readyz.
func Describe(t config.Target) string {
	switch {
	case t.Snapshot != "":
		return "snapshot " + t.Snapshot
	case t.IaC != "":
		return "iac " + t.IaC
	case t.AWS != nil:
		parts := []string{"aws"}
		if t.AWS.Profile != "" {
			parts = append(parts, "profile "+t.AWS.Profile)
		}
		if len(t.AWS.Accounts) > 0 {
			parts = append(parts, "accounts "+strings.Join(t.AWS.Accounts, ","))
		}
		if t.AWS.Organization {
			parts = append(parts, "organization")
		}
		return strings.Join(parts, " ")
	}
	return "empty"
}
