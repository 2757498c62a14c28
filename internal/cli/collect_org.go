package cli

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"sync"

	awsm "github.com/cloudward/cloudward/internal/model/aws"
	"github.com/cloudward/cloudward/internal/source/awslive"
	"github.com/cloudward/cloudward/internal/source/snapshot"
)

// orgIndexFile, at the root of a `collect aws --org` folder, lists the
// accounts and why some were not collected, so that a later scan of the
// folder still reports them.
const orgIndexFile = "organization.json"

type orgIndex struct {
	Accounts []orgIndexAccount `json:"accounts"`
}

type orgIndexAccount struct {
	ID    string `json:"id"`
	Name  string `json:"name,omitempty"`
	Error string `json:"error,omitempty"` // "" : collected into <id>/
	// AssumeRole is set when the error is the role assumption (Code is
	// then the AWS error code): the account is a coverage entry too.
	AssumeRole bool   `json:"assume_role_failed,omitempty"`
	Code       string `json:"code,omitempty"`
}

func orgOptions(live *liveFlags) awslive.OrgOptions {
	return awslive.OrgOptions{Role: live.orgRole}
}

// accountWarning is how an account that could not be collected is reported.
func accountWarning(a awslive.OrgAccount, err string) string {
	name := ""
	if a.Name != "" {
		name = " (" + a.Name + ")"
	}
	return fmt.Sprintf("account %s%s not scanned: %s", a.ID, name, err)
}

// collectOrgToDir is `collect aws --org --out DIR`: DIR/<account-id>/ per
// account and DIR/organization.json.
func collectOrgToDir(env *Env, live *liveFlags, opts awslive.Options, out string) error {
	prog := orgProgress(env, live.quiet, &opts)
	res, err := awslive.CollectOrg(context.Background(), opts, orgOptions(live), func(id string) (awslive.Writer, error) {
		return awslive.DirWriter{Dir: filepath.Join(out, id)}, nil
	})
	prog.done()
	if err != nil {
		return inputErr(err)
	}
	var idx orgIndex
	ok := 0
	for _, r := range res {
		e := orgIndexAccount{ID: r.Account.ID, Name: r.Account.Name}
		if r.Err != nil {
			e.Error = r.Err.Error()
			var re *awslive.AssumeRoleError
			if errors.As(r.Err, &re) {
				e.AssumeRole, e.Code = true, re.Code
			}
			fmt.Fprintf(env.Stderr, "cloudward: warning: %s\n", accountWarning(r.Account, e.Error))
		} else {
			ok++
			if !live.quiet {
				fmt.Fprintf(env.Stderr, "cloudward: collected %s into %s\n", summaryLine(r.Summary), filepath.Join(out, r.Account.ID))
			}
		}
		idx.Accounts = append(idx.Accounts, e)
	}
	data, _ := json.MarshalIndent(idx, "", "    ")
	if err := (awslive.DirWriter{Dir: out}).WriteFile(orgIndexFile, append(data, '\n')); err != nil {
		return inputErr(err)
	}
	if ok == 0 {
		return inputErr(fmt.Errorf("no account of the organization could be collected"))
	}
	return nil
}

// orgProgress is collectProgress with the accounts counted.
func orgProgress(env *Env, quiet bool, opts *awslive.Options) *progress {
	prog := newProgress(env)
	if quiet {
		prog.done()
		return prog
	}
	tr := &awslive.Progress{}
	opts.Tracker = tr
	prog.follow(func() string { return "collecting the organization: " + tr.Snapshot().String() })
	return prog
}

// liveOrgLoader is a live `scan aws --org`: every account collected into
// memory, imported, and scanned together.
func liveOrgLoader(env *Env, live *liveFlags) (func() ([]*awsm.Inventory, []string, error), error) {
	opts, err := live.options()
	if err != nil {
		return nil, err
	}
	return func() ([]*awsm.Inventory, []string, error) {
		var mu sync.Mutex
		mems := map[string]*awslive.MemWriter{}
		prog := orgProgress(env, live.quiet, &opts)
		res, err := awslive.CollectOrg(context.Background(), opts, orgOptions(live), func(id string) (awslive.Writer, error) {
			mu.Lock()
			defer mu.Unlock()
			mems[id] = &awslive.MemWriter{}
			return mems[id], nil
		})
		prog.done()
		if err != nil {
			return nil, nil, err
		}
		var invs, unreached []*awsm.Inventory
		var warnings []string
		for _, r := range res {
			if r.Err != nil {
				warnings = append(warnings, accountWarning(r.Account, r.Err.Error()))
				var re *awslive.AssumeRoleError
				if errors.As(r.Err, &re) {
					unreached = append(unreached, awslive.UnreachedInventory(r.Account.ID, re))
				}
				continue
			}
			if !live.quiet {
				fmt.Fprintf(env.Stderr, "cloudward: collected %s\n", summaryLine(r.Summary))
			}
			sr, err := snapshot.LoadFS(mems[r.Account.ID].FS())
			if err != nil {
				return nil, nil, fmt.Errorf("account %s: %w", r.Account.ID, err)
			}
			invs = append(invs, sr.Inventory)
			for _, w := range sr.Warnings {
				warnings = append(warnings, "account "+r.Account.ID+": "+w.String())
			}
		}
		if len(invs) == 0 {
			return nil, nil, errors.New("no account of the organization could be collected: " + fmt.Sprint(warnings))
		}
		return append(invs, unreached...), warnings, nil
	}, nil
}

// isSnapshotFolder: dir holds no snapshot.json of its own but
// subdirectories that do (the output of `collect aws --org`).
func isSnapshotFolder(dir string) bool {
	if _, err := os.Stat(filepath.Join(dir, "snapshot.json")); err == nil {
		return false
	}
	subs, _ := snapshotSubdirs(dir)
	return len(subs) > 0
}

func snapshotSubdirs(dir string) ([]string, error) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, err
	}
	var out []string
	for _, e := range entries {
		if !e.IsDir() {
			continue
		}
		if _, err := os.Stat(filepath.Join(dir, e.Name(), "snapshot.json")); err == nil {
			out = append(out, e.Name())
		}
	}
	sort.Strings(out)
	return out, nil
}

// loadSnapshotFolder imports every snapshot of a folder, one inventory per
// account; accounts the collection could not reach (organization.json)
// are warnings.
func loadSnapshotFolder(dir string) ([]*awsm.Inventory, []string, error) {
	subs, err := snapshotSubdirs(dir)
	if err != nil {
		return nil, nil, err
	}
	var invs []*awsm.Inventory
	var warnings []string
	seen := map[string]string{}
	for _, sub := range subs {
		p := filepath.Join(dir, sub)
		res, err := snapshot.Load(p)
		if err != nil {
			return nil, nil, err // names the file already
		}
		id := res.Inventory.AccountID
		if prev, dup := seen[id]; dup {
			return nil, nil, fmt.Errorf("%s and %s are both snapshots of account %s", filepath.Join(dir, prev), p, id)
		}
		seen[id] = sub
		invs = append(invs, res.Inventory)
		for _, w := range res.Warnings {
			warnings = append(warnings, sub+"/"+w.String())
		}
	}
	raw, err := os.ReadFile(filepath.Join(dir, orgIndexFile))
	switch {
	case errors.Is(err, fs.ErrNotExist):
	case err != nil:
		return nil, nil, err
	default:
		var idx orgIndex
		if err := json.Unmarshal(raw, &idx); err != nil {
			return nil, nil, fmt.Errorf("%s: %w", filepath.Join(dir, orgIndexFile), err)
		}
		for _, a := range idx.Accounts {
			if a.Error != "" {
				warnings = append(warnings, accountWarning(awslive.OrgAccount{ID: a.ID, Name: a.Name}, a.Error))
			}
			if a.AssumeRole {
				// The stored message already starts with "assuming ROLE: ".
				re := &awslive.AssumeRoleError{Code: a.Code, Message: a.Error}
				inv := awslive.UnreachedInventory(a.ID, re)
				inv.Coverage[0].Detail = a.Error
				invs = append(invs, inv)
			}
		}
	}
	return invs, warnings, nil
}

// quietEnv is env with stderr no longer taken for a terminal when quiet:
// every progress display stays off, warnings and errors still print.
func quietEnv(env *Env, quiet bool) *Env {
	if !quiet {
		return env
	}
	e := *env
	isTerm := env.IsTerminal
	e.IsTerminal = func(w io.Writer) bool { return w != env.Stderr && isTerm(w) }
	return &e
}
