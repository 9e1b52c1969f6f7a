package render

import "flag"

// render has no golden files of its own (generator's tests hold them),
// but svcgen's tests are run as go test ./... -update, which every
// package with tests must accept.
var _ = flag.Bool("update", false, "no effect here: the golden files are generator's")
