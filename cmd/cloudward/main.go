// Command cloudward audits cloud accounts and infrastructure-as-code for
// security misconfigurations.
package main

import (
	"os"

	"github.com/cloudward/cloudward/internal/cli"
)

// version is set at build time: go build -ldflags "-X main.version=v1.2.3".
var version string

func main() {
	os.Exit(cli.Main(os.Args[1:], cli.DefaultEnv(version)))
}
