package mutelist

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/cloudward/cloudward/internal/check"
	awschecks "github.com/cloudward/cloudward/internal/checks/aws"
	"github.com/cloudward/cloudward/internal/model"
)

// BenchmarkApply mutes 100,000 findings (half failing) against a 50-entry
// mutelist of literal, glob, regex and tag entries, as a large account's
// exceptions would be.
func BenchmarkApply(b *testing.B) {
	checks := awschecks.Checks()
	const n = 100_000
	refs := make([]model.Ref, n)
	tags := map[string]model.Tags{}
	base := make([]check.Finding, n)
	for i := range base {
		c := checks[i%len(checks)]
		refs[i] = model.Ref{ID: fmt.Sprintf("arn:aws:ec2:us-east-1:123456789012:volume/vol-%012d", i),
			Name: fmt.Sprintf("vol-%d", i), Region: "us-east-1", Account: "123456789012"}
		tags[refs[i].ID] = model.Known(map[string]string{"team": fmt.Sprintf("team-%d", i%40)}, model.Source{})
		st := check.Pass
		if i%2 == 0 {
			st = check.Fail
		}
		base[i] = check.Finding{Check: c, Resource: &refs[i], Result: check.Result{Status: st}}
	}
	var y strings.Builder
	y.WriteString("entries:\n")
	for i := 0; i < 50; i++ {
		fmt.Fprintf(&y, "  - check: %s\n    reason: r\n    owner: o\n", checks[i%len(checks)].ID)
		switch i % 4 {
		case 0:
			fmt.Fprintf(&y, "    resource: arn:aws:ec2:us-east-1:123456789012:volume/vol-%012d\n", i*997)
		case 1:
			fmt.Fprintf(&y, "    resource: \"*vol-0000000%d*\"\n", i)
		case 2:
			fmt.Fprintf(&y, "    resource: \"regex:vol-0+%d9$\"\n", i)
		case 3:
			fmt.Fprintf(&y, "    tags: {team: team-%d}\n", i%40)
		}
	}
	l, err := Parse("bench.yaml", []byte(y.String()))
	if err != nil {
		b.Fatal(err)
	}
	lookup := func(r *model.Ref) (model.Tags, bool) { t, ok := tags[r.ID]; return t, ok }
	fs := make([]check.Finding, n)
	now := time.Now()
	b.ResetTimer()
	for b.Loop() {
		copy(fs, base)
		l.Apply(fs, now, lookup)
	}
	b.ReportMetric(float64(n), "findings/op")
}
