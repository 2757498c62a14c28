package scanrun

import (
	"context"
	"fmt"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/cloudward/cloudward/internal/check"
	awschecks "github.com/cloudward/cloudward/internal/checks/aws"
	"github.com/cloudward/cloudward/internal/config"
	"github.com/cloudward/cloudward/internal/report"
)

// The options `cloudward scan` uses: a check selection, a post-processing
// hook, a report that lists only some findings, a report filter, and the
// IaC scan's empty account kept.
func TestEvaluateOptionsOfTheScanCommand(t *testing.T) {
	reg, err := check.NewRegistry(awschecks.Checks()...)
	if err != nil {
		t.Fatal(err)
	}
	demo := config.Target{Name: "demo", Snapshot: filepath.Join("..", "demo", "snapshot")}
	src, load, err := LoaderFor(demo, "", nil)
	if err != nil {
		t.Fatal(err)
	}
	var critical []*check.Check
	for _, c := range reg.All() {
		if c.Severity == check.Critical {
			critical = append(critical, c)
		}
	}
	var phases []string
	hooked := 0
	o := Options{Registry: reg, Version: "test", Now: time.Now, NewID: func() string { return "opts" },
		Checks:   critical,
		Progress: func(p string) { phases = append(phases, p) },
		After: []func([]check.Finding, time.Time) []string{func(fs []check.Finding, _ time.Time) []string {
			hooked = len(fs)
			return []string{"hook ran"}
		}},
		// Report only the failures (as --baseline reports the new ones).
		Reported: func(fs []check.Finding) []check.Finding {
			return slices.DeleteFunc(slices.Clone(fs), func(f check.Finding) bool { return f.Status != check.Fail })
		},
		Filter: report.Filter{Severities: map[check.Severity]bool{check.Critical: true}},
	}
	res, err := Evaluate(context.Background(), src, load, o)
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Checks) != len(critical) || len(res.Findings) == 0 || hooked != len(res.Findings) {
		t.Fatalf("%d checks ran, %d findings, hook saw %d", len(res.Checks), len(res.Findings), hooked)
	}
	fails := 0
	for _, f := range res.Findings {
		if f.Check.Severity != check.Critical {
			t.Fatalf("a check outside the selection ran: %s", f.Check.ID)
		}
		if f.Status == check.Fail {
			fails++
		}
	}
	if fails == 0 || fails == len(res.Findings) || len(res.Report.Findings) != fails {
		t.Errorf("report lists %d findings, want the %d failures of %d", len(res.Report.Findings), fails, len(res.Findings))
	}
	if !slices.Contains(res.Report.Scan.Warnings, "hook ran") || len(phases) != 1 ||
		phases[0] != "evaluating "+itoa(len(critical))+" checks" {
		t.Errorf("warnings %v, phases %v", res.Report.Scan.Warnings, phases)
	}

	// An IaC scan has no account: dropped for serve (target iac:PATH),
	// kept on request (the scan command's store target).
	iac := config.Target{Name: "iac", IaC: filepath.Join("..", "cli", "testdata", "iac", "mixed")}
	src, load, _ = LoaderFor(iac, "", func(string) string { return "" })
	for _, keep := range []bool{false, true} {
		res, err := Evaluate(context.Background(), src, load, Options{Registry: reg, Now: time.Now,
			NewID: func() string { return "iac" }, KeepEmptyAccount: keep})
		if err != nil {
			t.Fatal(err)
		}
		if got := res.Report.Scan.AccountIDs; keep != slices.Equal(got, []string{""}) || !keep && len(got) != 0 {
			t.Errorf("keep %v: account IDs %q", keep, got)
		}
	}
}

func itoa(n int) string { return fmt.Sprint(n) }
