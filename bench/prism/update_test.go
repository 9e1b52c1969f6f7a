package prism

import "flag"

// No golden files here, but svcgen's tests are run as go test ./... -update,
// which every package with tests must accept.
var _ = flag.Bool("update", false, "no effect here: Prism's session has no golden files")
