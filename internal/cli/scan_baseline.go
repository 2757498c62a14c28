package cli

import (
	"fmt"

	"github.com/cloudward/cloudward/internal/report"
)

// noteBaseline tells stderr how many failures --baseline left out, so a
// green run with a baseline never looks like a clean scan.
func noteBaseline(env *Env, bl *report.Baseline, dropped int) {
	if bl == nil {
		return
	}
	fmt.Fprintf(env.Stderr, "cloudward: --baseline %s: %d failing findings already failing in the baseline are not reported (baseline: %d findings, %d failing)\n",
		bl.File, dropped, bl.Findings, bl.Failing())
}
