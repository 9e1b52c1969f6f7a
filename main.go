// Command svcgen turns an OpenAPI description into a complete Go microservice
// repository and keeps it in step with the spec.
package main

import (
	"os"

	"github.com/svcgen/svcgen/internal/cli"
)

func main() {
	os.Exit(cli.Run(os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
}
