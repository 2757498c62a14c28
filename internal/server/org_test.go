package server

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"testing/fstest"

	"github.com/cloudward/cloudward/internal/config"
	"github.com/cloudward/cloudward/internal/fakeaws"
	"github.com/cloudward/cloudward/internal/scanrun"
	"github.com/cloudward/cloudward/internal/store"
)

const (
	orgMgmt   = "111122223333"
	orgMember = "444455556666"
	orgDenied = "777788889999"
	orgClosed = "222233334444"
)

// fakeOrg serves the basic snapshot as the management account of an
// organization: a member with its own data, an account whose audit role
// cannot be assumed, and a suspended account (never scanned).
func fakeOrg(t *testing.T) *fakeaws.Server {
	t.Helper()
	basic := os.DirFS(filepath.Join("..", "source", "snapshot", "testdata", "basic"))
	member, err := fakeaws.Retarget(basic, orgMgmt, orgMember)
	if err != nil {
		t.Fatal(err)
	}
	member.(fstest.MapFS)["global/iam/get-account-password-policy.json"] = &fstest.MapFile{Data: []byte(`{"PasswordPolicy": {
    "MinimumPasswordLength": 16, "RequireSymbols": true, "RequireNumbers": true,
    "RequireUppercaseCharacters": true, "RequireLowercaseCharacters": true,
    "AllowUsersToChangePassword": true, "ExpirePasswords": true, "MaxPasswordAge": 90,
    "PasswordReusePrevention": 24, "HardExpiry": false}}`)}
	sc := fakeaws.Scenario{
		Snapshot: basic, AccessKeyID: "AKIAFAKESERVETEST001", SecretAccessKey: "serve/test/SecretDoNotLeak0123456789abcd",
		Org: &fakeaws.Organization{Accounts: []fakeaws.OrgAccount{
			{ID: orgMgmt, Name: "management"},
			{ID: orgMember, Name: "workloads", Snapshot: member},
			{ID: orgDenied, Name: "sandbox", DenyAssumeRole: true},
			{ID: orgClosed, Name: "old", Status: "SUSPENDED"},
		}},
	}
	srv, err := fakeaws.Start(sc)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(srv.Close)
	t.Setenv("AWS_ACCESS_KEY_ID", sc.AccessKeyID)
	t.Setenv("AWS_SECRET_ACCESS_KEY", sc.SecretAccessKey)
	t.Setenv("AWS_SESSION_TOKEN", "")
	t.Setenv("AWS_REGION", "us-east-1")
	t.Setenv("AWS_PROFILE", "")
	t.Setenv("AWS_CONFIG_FILE", filepath.Join(t.TempDir(), "none"))
	t.Setenv("AWS_SHARED_CREDENTIALS_FILE", filepath.Join(t.TempDir(), "none"))
	t.Setenv("AWS_EC2_METADATA_DISABLED", "true")
	t.Setenv("AWS_ENDPOINT_URL", "")
	return srv
}

// An organization target is scanned account by account: the accounts are
// listed at each tick (organizations ListAccounts), every active account
// is scanned through the audit role and stored as its own target; an
// account whose role cannot be assumed fails alone.
func TestOrganizationTargetScansEveryAccount(t *testing.T) {
	srv := fakeOrg(t)
	org := config.Target{Name: "org", AWS: &config.AWSTarget{Organization: true, Role: "Audit", EndpointURL: srv.URL,
		Regions: []string{"us-east-1"}}}
	s := newServer(t, testConfig(t, org))
	s.Tick()
	s.scans.Wait()

	scans, err := s.store().Scans(context.Background(), store.ScanQuery{})
	if err != nil {
		t.Fatal(err)
	}
	var targets []string
	for _, sc := range scans {
		targets = append(targets, sc.Target)
	}
	slices.Sort(targets)
	if !slices.Equal(targets, []string{orgMgmt, orgMember}) {
		t.Fatalf("stored targets %v, want the management and member accounts", targets)
	}
	_, body := get(t, s.Handler(), "/metrics", "")
	for _, want := range []string{
		`cloudward_scans_total{result="ok",target="org"} 2`,
		`cloudward_scans_total{result="failed",target="org"} 1`,
	} {
		if !strings.Contains(body, want) {
			t.Errorf("metrics lack %q", want)
		}
	}
	// The member's own data: its strong password policy passes there.
	member, _ := s.store().Scans(context.Background(), store.ScanQuery{Target: orgMember})
	fs, _ := s.store().ScanFindings(context.Background(), member[0].Seq)
	found := false
	for _, f := range fs {
		if f.CheckID == "aws-iam-password-policy-weak" {
			found = true
			if f.Status != "PASS" || f.Account != orgMember {
				t.Errorf("member password policy: %+v", f)
			}
		}
	}
	if !found {
		t.Error("no password policy finding for the member")
	}
}

var errPermanentTest = errors.New("permanent")

type recordingQueue struct {
	mu    sync.Mutex
	units []scanrun.Unit
}

func (q *recordingQueue) Enqueue(_ context.Context, u scanrun.Unit) (bool, error) {
	q.mu.Lock()
	defer q.mu.Unlock()
	q.units = append(q.units, u)
	return true, nil
}

// With a queue, serve enqueues one job per active account of the
// organization (workers then scan them); listing failures are counted.
func TestOrganizationTargetEnqueuesPerAccount(t *testing.T) {
	srv := fakeOrg(t)
	org := config.Target{Name: "org", AWS: &config.AWSTarget{Organization: true, Role: "Audit", EndpointURL: srv.URL}}
	broken := config.Target{Name: "nowhere", AWS: &config.AWSTarget{Organization: true, Role: "Audit",
		EndpointURL: "http://127.0.0.1:1"}}
	cfg := testConfig(t, org, broken)
	q := &recordingQueue{}
	cfg.Queue = q
	s := newServer(t, cfg)
	s.Tick()
	s.scans.Wait()
	want := []scanrun.Unit{{Target: "org", Account: orgMgmt}, {Target: "org", Account: orgMember}, {Target: "org", Account: orgDenied}}
	slices.SortFunc(q.units, func(a, b scanrun.Unit) int { return strings.Compare(a.Account, b.Account) })
	slices.SortFunc(want, func(a, b scanrun.Unit) int { return strings.Compare(a.Account, b.Account) })
	if !slices.Equal(q.units, want) {
		t.Fatalf("enqueued %v, want %v", q.units, want)
	}
	_, body := get(t, s.Handler(), "/metrics", "")
	for _, w := range []string{`cloudward_scans_total{result="enqueued",target="org"} 3`,
		`cloudward_collection_errors_total{target="nowhere"} 1`} {
		if !strings.Contains(body, w) {
			t.Errorf("metrics lack %q", w)
		}
	}
	// A worker given the job scans that account through the role.
	if err := s.RunUnit(context.Background(), scanrun.Unit{Target: "org", Account: orgMember}, errPermanentTest); err != nil {
		t.Fatal(err)
	}
	if sc, err := s.store().Scans(context.Background(), store.ScanQuery{Target: orgMember}); err != nil || len(sc) != 1 {
		t.Fatalf("worker scan of the member: %v %v", sc, err)
	}
}
