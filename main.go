// Command svcgen turns an OpenAPI description into a complete Go microservice
// repository and keeps it in step with the spec.
package main

import (
	"os"
	"runtime/debug"

	"github.com/svcgen/svcgen/internal/cli"
)

func main() {
	tuneGC(os.Getenv)
	os.Exit(cli.Run(os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
}

// gcPercent and memoryLimit are svcgen's garbage collector settings, unless
// GOGC or GOMEMLIMIT say otherwise.
//
// svcgen is a short-lived process whose heap grows to its peak and stays
// there (the spec, the model, then the rendered files): with Go's default
// GOGC=100 it collects about ten times on the way to 600 MiB on GitHub's
// description, re-marking what it keeps. GOGC=400 collects less often, and
// the soft limit bounds what that costs in memory: near it the collector runs
// as often as it must. Measured on GitHub's spec (2 cores, 5 interleaved
// runs each): median 5.9 s → 5.1 s wall, 8.5 → 6.8 s CPU, peak RSS 600 →
// 750 MB, well under the 1 GiB target.
//
// The limit leaves about 128 MiB of the 1 GiB target for what is not heap.
// At 768 MiB the 30,000-schema benchmark spec (bench/scaling), whose live
// heap nears 730 MiB while it is decoded, spent a quarter of its CPU time
// collecting: 37 s of CPU against 29 s at 896 MiB, at 909 and 957 MB of
// peak RSS. GitHub's spec stays near 450 MB either way.
const (
	gcPercent   = 400
	memoryLimit = 896 << 20
)

// tuneGC applies gcPercent and memoryLimit where the environment sets no
// value of its own.
func tuneGC(getenv func(string) string) {
	if getenv("GOGC") == "" {
		debug.SetGCPercent(gcPercent)
	}
	if getenv("GOMEMLIMIT") == "" {
		debug.SetMemoryLimit(memoryLimit)
	}
}
