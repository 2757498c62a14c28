package scanrun

import (
	"context"
	"errors"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/cloudward/cloudward/internal/check"
	awschecks "github.com/cloudward/cloudward/internal/checks/aws"
	"github.com/cloudward/cloudward/internal/config"
	"github.com/cloudward/cloudward/internal/store"
)

func TestUnits(t *testing.T) {
	us, err := Units(config.Target{Name: "w", AWS: &config.AWSTarget{Accounts: []string{"111122223333", "444455556666"}, Role: "Audit"}})
	if err != nil || len(us) != 2 || us[1].String() != "w/444455556666" {
		t.Errorf("accounts: %v %v", us, err)
	}
	if us, err := Units(config.Target{Name: "s", Snapshot: "x"}); err != nil || len(us) != 1 || us[0].String() != "s" {
		t.Errorf("snapshot: %v %v", us, err)
	}
	_, err = Units(config.Target{Name: "o", AWS: &config.AWSTarget{Organization: true, Role: "Audit"}})
	if !errors.Is(err, ErrDiscovery) || !strings.Contains(err.Error(), `target "o"`) {
		t.Errorf("organization: %v", err)
	}
	if _, _, err := LoaderFor(config.Target{Name: "n", AWS: &config.AWSTarget{}}, "111122223333", nil); err == nil {
		t.Error("an account without a role: no error")
	}
	if _, _, err := LoaderFor(config.Target{Name: "e"}, "", nil); err == nil {
		t.Error("an empty target: no error")
	}
}

func evaluate(t *testing.T, tg config.Target) *Result {
	t.Helper()
	reg, err := check.NewRegistry(awschecks.Checks()...)
	if err != nil {
		t.Fatal(err)
	}
	src, load, err := LoaderFor(tg, "", func(string) string { return "" })
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	res, err := Evaluate(context.Background(), src, load, Options{Registry: reg, Version: "test", Now: time.Now,
		NewID: func() string { n++; return tg.Name + "-scan" }})
	if err != nil {
		t.Fatal(err)
	}
	return res
}

func TestSaveDiffsWithTheTargetsPreviousScan(t *testing.T) {
	st, err := store.Open(context.Background(), filepath.Join(t.TempDir(), "s.db"), store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	demo := config.Target{Name: "demo", Snapshot: filepath.Join("..", "demo", "snapshot")}
	iac := config.Target{Name: "iac", IaC: filepath.Join("..", "cli", "testdata", "iac", "mixed")}

	first, err := Save(context.Background(), st, evaluate(t, demo))
	if err != nil {
		t.Fatal(err)
	}
	if first.Previous != nil || len(first.Diff.New) == 0 || len(first.Diff.Resolved) != 0 {
		t.Errorf("first scan: previous %v, %d new, %d resolved", first.Previous, len(first.Diff.New), len(first.Diff.Resolved))
	}
	// An IaC scan in between is another target: it keeps its own history.
	other, err := Save(context.Background(), st, evaluate(t, iac))
	if err != nil {
		t.Fatal(err)
	}
	if other.Scan.Target != "iac:"+iac.IaC || other.Previous != nil {
		t.Errorf("IaC target %q, previous %v", other.Scan.Target, other.Previous)
	}
	// The demo again, with its critical failures fixed.
	res := evaluate(t, demo)
	res.Report.Scan.ID = "demo-scan-2"
	fixed := 0
	for i := range res.Findings {
		if f := &res.Findings[i]; f.Check.Severity == check.Critical && f.Status == check.Fail {
			f.Status = check.Pass
			fixed++
		}
	}
	second, err := Save(context.Background(), st, res)
	if err != nil {
		t.Fatal(err)
	}
	if second.Previous == nil || second.Previous.ID != first.Scan.ID {
		t.Fatalf("previous of the second demo scan: %+v", second.Previous)
	}
	if fixed == 0 || len(second.Diff.Resolved) != fixed || len(second.Diff.New) != 0 || len(second.Diff.StillFailing) == 0 {
		t.Errorf("diff: %d resolved (want %d), %d new, %d still failing", len(second.Diff.Resolved), fixed, len(second.Diff.New), len(second.Diff.StillFailing))
	}
	// A cancelled context stores nothing.
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	res = evaluate(t, iac)
	res.Report.Scan.ID = "cancelled"
	if _, err := Save(ctx, st, res); err == nil {
		t.Error("save with a cancelled context: no error")
	}
	if _, err := st.Scan(context.Background(), "cancelled"); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("cancelled scan: %v", err)
	}
}

func TestLoadErrorNamesTheSource(t *testing.T) {
	reg, _ := check.NewRegistry(awschecks.Checks()...)
	_, err := Evaluate(context.Background(), "snapshot:/nope", SnapshotLoader("/nope"), Options{Registry: reg, Now: time.Now, NewID: func() string { return "x" }})
	var le *LoadError
	if !errors.As(err, &le) || !strings.Contains(err.Error(), "snapshot:/nope") {
		t.Errorf("%v", err)
	}
}
