package check

import (
	"context"
	"fmt"
	"runtime"
	"sort"
	"sync"
	"sync/atomic"

	"github.com/cloudward/cloudward/internal/model"
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
	eval       func(env *Env, i int) (*model.Ref, Result) // the check bound to env's inventory
	env        *Env
	acct       int // index of env's inventory in the input
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
	for a, inv := range in.AWS {
		// Index before the workers start: checks then only read the
		// inventory's lookup tables and cached refs, never build them.
		if !inv.Indexed() {
			inv.Index()
		}
		env := &Env{AWS: inv, Now: inv.CollectedAt}
		for _, c := range checks {
			if !c.applies(inv) {
				continue
			}
			b := c.bind(inv)
			for s := 0; s < b.n; s += chunkSize {
				e := min(s+chunkSize, b.n)
				chunks = append(chunks, chunk{check: c, eval: b.evalAt, env: env, acct: a, start: s, end: e, out: total})
				total += e - s
			}
		}
	}
	// Output offsets follow check order; execution order instead groups the
	// checks of one resource type block by block, so that a block of
	// resources is read from memory once and then served from cache to every
	// check of that type (a measurable win on 100,000-resource inventories).
	order := make([]int, len(chunks))
	for i := range order {
		order[i] = i
	}
	sort.SliceStable(order, func(i, j int) bool {
		a, b := &chunks[order[i]], &chunks[order[j]]
		if a.acct != b.acct {
			return a.acct < b.acct
		}
		if a.check.ResourceType != b.check.ResourceType {
			return a.check.ResourceType < b.check.ResourceType
		}
		return a.start < b.start
	})
	// One slice for every result; each chunk writes its own window in place
	// and compacts it (drops N/A) while it is still in cache, so the only
	// serial work left is closing the gaps between windows.
	results := make([]Finding, total)
	kept := make([]int, len(chunks))
	var next atomic.Int64
	var wg sync.WaitGroup
	workers := min(runtime.GOMAXPROCS(0), len(chunks))
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				k := int(next.Add(1) - 1)
				if k >= len(order) || ctx.Err() != nil {
					return
				}
				i := order[k]
				ch := chunks[i]
				window := results[ch.out : ch.out+ch.end-ch.start]
				evalChunk(ch, window)
				kept[i] = compact(window)
			}
		}()
	}
	wg.Wait()
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	n := 0
	for i, ch := range chunks {
		if ch.out != n {
			copy(results[n:], results[ch.out:ch.out+kept[i]])
		}
		n += kept[i]
	}
	// Clear the tail so the dropped findings' strings can be collected.
	clear(results[n:])
	return results[:n:n], nil
}

// evalChunk evaluates a chunk's resources into out. A panicking check (a
// bug) turns that one resource into an UNKNOWN finding naming the failure,
// and the chunk goes on with the next resource: one recover per chunk, not
// per evaluation, keeps the common path cheap.
func evalChunk(ch chunk, out []Finding) {
	for r := ch.start; r < ch.end; {
		r = evalFrom(ch, out, r)
	}
}

// evalFrom evaluates from resource r until the chunk ends or a check
// panics, and returns where to resume.
func evalFrom(ch chunk, out []Finding, r int) (next int) {
	c := ch.check
	defer func() {
		if p := recover(); p != nil {
			f := &out[r-ch.start]
			*f = Finding{Check: c, Resource: &model.Ref{ID: fmt.Sprintf("resource #%d", r)},
				Result: UnknownResult(fmt.Sprintf("internal error in check %s: %v", c.ID, p))}
			next = r + 1
		}
	}()
	for ; r < ch.end; r++ {
		f := &out[r-ch.start]
		f.Check = c
		f.Resource, f.Result = ch.eval(ch.env, r)
	}
	return r
}

// compact moves the findings that apply to the front of window, keeping
// their order, and returns how many there are.
func compact(window []Finding) int {
	n := 0
	for i := range window {
		if window[i].Status == NotApplicable {
			continue
		}
		if i != n {
			window[n] = window[i]
		}
		n++
	}
	return n
}

// Evaluations is the number of (check, resource) evaluations Run performs
// for in, N/A results included: the unit of the engine's throughput that
// benchmarks report.
func Evaluations(in Input, checks []*Check) int {
	n := 0
	for _, inv := range in.AWS {
		for _, c := range checks {
			if c.applies(inv) {
				n += c.bind(inv).n
			}
		}
	}
	return n
}
