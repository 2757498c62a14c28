// Command gensnapshot writes a synthetic AWS snapshot for benchmarks:
//
//	go run ./scripts/gensnapshot -resources 100000 -out DIR [-seed N]
//
// See internal/synth for what "resources" counts.
package main

import (
	"flag"
	"fmt"
	"os"
	"time"

	"github.com/cloudward/cloudward/internal/synth"
)

func main() {
	n := flag.Int("resources", 10000, "number of resources to generate")
	out := flag.String("out", "", "output directory (created; must be empty or absent)")
	seed := flag.Int64("seed", 1, "random seed; the same seed gives the same snapshot")
	flag.Parse()
	if *out == "" || flag.NArg() > 0 {
		fmt.Fprintln(os.Stderr, "usage: gensnapshot -resources N -out DIR [-seed N]")
		os.Exit(2)
	}
	// Refuse to write into a non-empty directory: stale files from another
	// run would silently change the snapshot.
	if entries, err := os.ReadDir(*out); err == nil && len(entries) > 0 {
		fmt.Fprintf(os.Stderr, "gensnapshot: %s is not empty\n", *out)
		os.Exit(2)
	}
	start := time.Now()
	c, err := synth.Write(*out, synth.Options{Resources: *n, Seed: *seed})
	if err != nil {
		fmt.Fprintln(os.Stderr, "gensnapshot:", err)
		os.Exit(1)
	}
	fmt.Printf("wrote %d resources to %s in %s: %+v\n", c.Total(), *out, time.Since(start).Round(time.Millisecond), c)
}
