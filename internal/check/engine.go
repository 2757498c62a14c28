package check

import (
	"context"
	"fmt"
	"runtime"
	"sync"
	"sync/atomic"

	"github.com/cloudward/cloudward/internal/model/aws"
)

// Input is what a scan evaluates: one inventory per AWS account.
type Input struct {
	AWS []*aws.Inventory
}

// chunk is the unit of parallel work: a run of resources of one check in one
// account, with the place its results go in the output.
type chunk struct {
	check      *Check
	env        *Env
	start, end int
	out        int
}

const chunkSize = 512

// Run evaluates every check on every resource of in, using all CPUs. The
// findings come back in a deterministic order (account, check ID, resource
// order of the inventory) whatever the scheduling.
func Run(ctx context.Context, in Input, checks []*Check) ([]Finding, error) {
	var chunks []chunk
	total := 0
	for _, inv := range in.AWS {
		env := &Env{AWS: inv, Now: inv.CollectedAt}
		for _, c := range checks {
			if c.count == nil {
				continue
			}
			n := c.count(inv)
			for s := 0; s < n; s += chunkSize {
				e := min(s+chunkSize, n)
				chunks = append(chunks, chunk{check: c, env: env, start: s, end: e, out: total})
				total += e - s
			}
		}
	}
	results := make([]Finding, total)
	var next atomic.Int64
	var wg sync.WaitGroup
	workers := min(runtime.GOMAXPROCS(0), len(chunks))
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				i := int(next.Add(1) - 1)
				if i >= len(chunks) || ctx.Err() != nil {
					return
				}
				ch := chunks[i]
				for r := ch.start; r < ch.end; r++ {
					results[ch.out+r-ch.start] = evalSafe(ch.check, ch.env, r)
				}
			}
		}()
	}
	wg.Wait()
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	// Drop results for resources a check does not concern, keeping order.
	kept := results[:0]
	for _, f := range results {
		if f.Status != NotApplicable {
			kept = append(kept, f)
		}
	}
	return kept, nil
}

// evalSafe evaluates one resource; a panicking check (a bug) becomes an
// UNKNOWN finding naming the failure instead of killing the whole scan.
func evalSafe(c *Check, env *Env, i int) (f Finding) {
	defer func() {
		if p := recover(); p != nil {
			f = Finding{Check: c, Result: UnknownResult(fmt.Sprintf("internal error in check %s: %v", c.ID, p))}
			f.Resource.ID = fmt.Sprintf("resource #%d", i)
		}
	}()
	ref, res := c.evalAt(env, i)
	return Finding{Check: c, Resource: ref, Result: res}
}

// Evaluations is the number of (check, resource) evaluations Run performs
// for in, N/A results included: the unit of the engine's throughput that
// benchmarks report.
func Evaluations(in Input, checks []*Check) int {
	n := 0
	for _, inv := range in.AWS {
		for _, c := range checks {
			if c.count != nil {
				n += c.count(inv)
			}
		}
	}
	return n
}
