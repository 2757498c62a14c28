// Command cloudward audits cloud accounts and infrastructure-as-code for
// security misconfigurations.
package main

import (
	"fmt"
	"os"
)

func main() {
	fmt.Fprintln(os.Stderr, "cloudward: not yet wired")
	os.Exit(2)
}
