// Command gentf writes a synthetic Terraform tree for benchmarks:
//
//	go run ./scripts/gentf -dir /tmp/tf20k -files 2000 -per 10 [-modules 100]
//	/usr/bin/time -v cloudward scan iac /tmp/tf20k --no-store --format json -o /dev/null
package main

import (
	"flag"
	"fmt"
	"os"

	"github.com/cloudward/cloudward/internal/source/terraform/synth"
)

func main() {
	dir := flag.String("dir", "", "output folder (created)")
	files := flag.Int("files", 2000, "number of resource files")
	per := flag.Int("per", 10, "resource instances per file")
	modules := flag.Int("modules", 0, "spread the files over this many local modules (0: one root module)")
	flag.Parse()
	if *dir == "" {
		fmt.Fprintln(os.Stderr, "gentf: -dir is required")
		os.Exit(2)
	}
	n, err := synth.Write(*dir, synth.Spec{Files: *files, ResourcesPerFile: *per, Modules: *modules})
	if err != nil {
		fmt.Fprintln(os.Stderr, "gentf:", err)
		os.Exit(1)
	}
	fmt.Printf("wrote %d resource instances in %d files under %s\n", n, *files, *dir)
}
