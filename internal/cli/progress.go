package cli

import (
	"fmt"
	"sync"
	"time"
)

// progressDelay is how long a scan runs before a progress line appears:
// quick scans print nothing. A variable so that tests can shorten it.
var progressDelay = 700 * time.Millisecond

// progressInterval is the redraw period of a followed status: at most ten
// redraws a second, so a fast collection does not flood the terminal.
var progressInterval = 100 * time.Millisecond

// progress shows a one-line status on stderr, only when stderr is a
// terminal and the scan takes a while; never on a pipe or file.
type progress struct {
	env   *Env
	mu    sync.Mutex
	on    bool // stderr is a terminal
	shown bool // a line is on screen
	phase string
	timer *time.Timer
	stop  chan struct{} // ends follow's redraws
}

func newProgress(env *Env) *progress {
	p := &progress{env: env, on: env.IsTerminal(env.Stderr)}
	if p.on {
		p.timer = time.AfterFunc(progressDelay, func() {
			p.mu.Lock()
			defer p.mu.Unlock()
			if p.on {
				p.shown = true
				// Before the first phase is named there is nothing to
				// say: the next set draws the line.
				if p.phase != "" {
					p.draw()
				}
			}
		})
	}
	return p
}

// set names the current phase.
func (p *progress) set(phase string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.phase = phase
	if p.shown {
		p.draw()
	}
}

func (p *progress) draw() {
	fmt.Fprintf(p.env.Stderr, "\r\x1b[Kcloudward: %s…", p.phase)
}

// follow sets the phase from status every progressInterval until done:
// counters that change after every API call are redrawn in place, not
// once per call. Off (no goroutine) when stderr is not a terminal.
func (p *progress) follow(status func() string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if !p.on || p.stop != nil {
		return
	}
	p.phase = status()
	stop := make(chan struct{})
	p.stop = stop
	go func() {
		t := time.NewTicker(progressInterval)
		defer t.Stop()
		for {
			select {
			case <-t.C:
				p.set(status())
			case <-stop:
				return
			}
		}
	}()
}

// done clears the line; safe to call twice.
func (p *progress) done() {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.stop != nil {
		close(p.stop)
		p.stop = nil
	}
	if p.timer != nil {
		p.timer.Stop()
	}
	if p.shown {
		fmt.Fprint(p.env.Stderr, "\r\x1b[K")
	}
	p.on, p.shown = false, false
}
