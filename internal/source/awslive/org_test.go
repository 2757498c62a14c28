package awslive_test

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"strings"
	"sync"
	"testing"
	"testing/fstest"
	"time"

	"github.com/cloudward/cloudward/internal/check"
	awschecks "github.com/cloudward/cloudward/internal/checks/aws"
	"github.com/cloudward/cloudward/internal/fakeaws"
	awsm "github.com/cloudward/cloudward/internal/model/aws"
	"github.com/cloudward/cloudward/internal/source/awslive"
	"github.com/cloudward/cloudward/internal/source/snapshot"
)

// Organization of the tests: the management account (basic fixture), a
// member with a different snapshot (monitoring fixture, retargeted), a
// member whose role cannot be assumed, and a suspended account.
const (
	mgmtID      = "111122223333"
	memberID    = "444455556666"
	deniedID    = "777788889999"
	suspendedID = "222233334444"
)

// memberSnapshot is the basic fixture as another account with a strong
// password policy: its findings differ from the management account's.
func memberSnapshot(t *testing.T) fs.FS {
	t.Helper()
	m, err := fakeaws.Retarget(os.DirFS(basicDir), mgmtID, memberID)
	if err != nil {
		t.Fatal(err)
	}
	m.(fstest.MapFS)["global/iam/get-account-password-policy.json"] = &fstest.MapFile{Data: []byte(`{"PasswordPolicy": {
    "MinimumPasswordLength": 16, "RequireSymbols": true, "RequireNumbers": true,
    "RequireUppercaseCharacters": true, "RequireLowercaseCharacters": true,
    "AllowUsersToChangePassword": true, "ExpirePasswords": true, "MaxPasswordAge": 90,
    "PasswordReusePrevention": 24, "HardExpiry": false}}`)}
	return m
}

func orgScenario(t *testing.T) fakeaws.Scenario {
	t.Helper()
	mon := memberSnapshot(t)
	basic, _ := fakeaws.Retarget(os.DirFS(basicDir), mgmtID, suspendedID)
	return fakeaws.Scenario{Org: &fakeaws.Organization{Accounts: []fakeaws.OrgAccount{
		{ID: mgmtID, Name: "management"},
		{ID: memberID, Name: "monitoring", Snapshot: mon},
		{ID: deniedID, Name: "sandbox", DenyAssumeRole: true},
		{ID: suspendedID, Name: "old", Status: "SUSPENDED", Snapshot: basic},
	}}}
}

type memWriters struct {
	mu sync.Mutex
	m  map[string]*awslive.MemWriter
}

func (w *memWriters) writer(id string) (awslive.Writer, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.m == nil {
		w.m = map[string]*awslive.MemWriter{}
	}
	if w.m[id] != nil {
		return nil, errors.New("account collected twice: " + id)
	}
	w.m[id] = &awslive.MemWriter{}
	return w.m[id], nil
}

func collectOrg(t *testing.T, sc fakeaws.Scenario, opts awslive.Options) ([]awslive.AccountResult, *memWriters, *fakeaws.Server) {
	t.Helper()
	srv := startFake(t, sc)
	credsEnv(t)
	opts.EndpointURL = srv.URL
	opts.Now = func() time.Time { return time.Date(2024, 6, 1, 0, 0, 0, 0, time.UTC) }
	opts.MaxBackoff = 50 * time.Millisecond
	opts.CallTimeout = 10 * time.Second
	ws := &memWriters{}
	res, err := awslive.CollectOrg(context.Background(), opts, awslive.OrgOptions{Role: "cloudward-audit"}, ws.writer)
	if err != nil {
		t.Fatalf("CollectOrg: %v", err)
	}
	return res, ws, srv
}

func TestCollectOrg(t *testing.T) {
	tr := &awslive.Progress{}
	res, ws, srv := collectOrg(t, orgScenario(t), awslive.Options{Tracker: tr, Parallel: 8})
	if len(res) != 3 {
		t.Fatalf("%d results, want 3 (the suspended account is skipped): %+v", len(res), res)
	}
	for _, r := range res {
		switch r.Account.ID {
		case mgmtID, memberID:
			if r.Err != nil || r.Summary == nil || r.Summary.AccountID != r.Account.ID {
				t.Errorf("account %s: %+v, err %v", r.Account.ID, r.Summary, r.Err)
			}
		case deniedID:
			if r.Err == nil || !strings.Contains(r.Err.Error(), "AccessDenied") || !strings.Contains(r.Err.Error(), "arn:aws:iam::"+deniedID+":role/cloudward-audit") {
				t.Errorf("denied account: err %v", r.Err)
			}
			if ws.m[deniedID] != nil {
				t.Errorf("a writer was opened for the account that could not be assumed")
			}
		default:
			t.Errorf("unexpected account %s", r.Account.ID)
		}
	}
	if n := srv.Calls()["sts:AssumeRole"]; n != 3 {
		t.Errorf("%d AssumeRole calls, want one per active account (3)", n)
	}

	// One check run over both inventories: findings carry their account,
	// and each account's findings are those of its own snapshot.
	var invs []*awsm.Inventory
	for _, id := range []string{mgmtID, memberID} {
		r, err := snapshot.LoadFS(ws.m[id].FS())
		if err != nil {
			t.Fatal(err)
		}
		if r.Inventory.AccountID != id {
			t.Fatalf("snapshot of %s says account %s", id, r.Inventory.AccountID)
		}
		invs = append(invs, r.Inventory)
	}
	all, err := check.Run(context.Background(), check.Input{AWS: invs}, awschecks.Checks())
	if err != nil {
		t.Fatal(err)
	}
	per := map[string]int{}
	for _, f := range all {
		per[f.Resource.Account]++
	}
	mgmtWant, _ := findings(t, os.DirFS(basicDir))
	if per[mgmtID] != len(mgmtWant) {
		t.Errorf("management account: %d findings, want %d (the basic fixture's)", per[mgmtID], len(mgmtWant))
	}
	monWant, _ := findings(t, memberSnapshot(t))
	if per[memberID] != len(monWant) || per[memberID] == 0 {
		t.Errorf("member account: %d findings, want %d (the monitoring fixture's)", per[memberID], len(monWant))
	}
	if len(per) != 2 {
		t.Errorf("findings of accounts %v, want exactly the two collected", per)
	}
	memberLive, _ := findings(t, ws.m[memberID].FS())
	if strings.Join(memberLive, "\n") != strings.Join(monWant, "\n") {
		t.Errorf("member findings differ from its snapshot's:\n%s\nvs\n%s", strings.Join(memberLive, "\n"), strings.Join(monWant, "\n"))
	}
	status := map[string]check.Status{}
	for _, f := range all {
		if f.Check.ID == "aws-iam-password-policy-weak" {
			status[f.Resource.Account] = f.Status
		}
	}
	if status[mgmtID] != check.Fail || status[memberID] != check.Pass {
		t.Errorf("password policy: %v, want FAIL for the management account and PASS for the member", status)
	}

	s := tr.Snapshot()
	if s.AccountsTotal != 3 || s.AccountsDone != 3 || s.AccountsFailed != 1 || s.Regions != 4 ||
		s.ServicesDone != s.ServicesTotal || s.ServicesTotal != int64(2*awslive.ServiceUnitsPerAccount(2)) || s.Calls == 0 {
		t.Errorf("progress %+v", s)
	}
	if units := 2 * awslive.ServiceUnitsPerAccount(2); !strings.HasPrefix(s.String(), fmt.Sprintf("accounts 3/3 (1 failed) · regions 4 · services %d/%d · ", units, units)) {
		t.Errorf("progress line %q", s.String())
	}
}

// TestCollectOrgPaginatedAndErrors: ListAccounts is paginated; a failing
// ListAccounts (not the management account) is fatal with a clear message;
// an AssumeRole failure chosen by the scenario is per account.
func TestCollectOrgPaginatedAndErrors(t *testing.T) {
	sc := orgScenario(t)
	sc.PageSize = 1
	sc.Errors = map[string]fakeaws.Error{"global/sts/assume-role/" + memberID: {Code: "AccessDenied", Message: "no trust"}}
	res, _, srv := collectOrg(t, sc, awslive.Options{Services: []string{"iam"}})
	if n := srv.Calls()["organizations:ListAccounts"]; n != 4 {
		t.Errorf("%d ListAccounts calls, want 4 pages", n)
	}
	failed := 0
	for _, r := range res {
		if r.Err != nil {
			failed++
		}
	}
	if len(res) != 3 || failed != 2 {
		t.Errorf("results %+v", res)
	}

	srv2 := startFake(t, fakeaws.Scenario{})
	credsEnv(t)
	_, err := awslive.CollectOrg(context.Background(), awslive.Options{EndpointURL: srv2.URL, CallTimeout: 5 * time.Second},
		awslive.OrgOptions{Role: "cloudward-audit"}, (&memWriters{}).writer)
	if err == nil || !strings.Contains(err.Error(), "AWSOrganizationsNotInUseException") || !strings.Contains(err.Error(), "list-accounts") {
		t.Errorf("no organization: err %v", err)
	}
	for _, bad := range []string{"", "role/x", "a b"} {
		if _, err := awslive.CollectOrg(context.Background(), awslive.Options{}, awslive.OrgOptions{Role: bad}, nil); err == nil {
			t.Errorf("role name %q accepted", bad)
		}
	}
}
