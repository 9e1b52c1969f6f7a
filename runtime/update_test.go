package runtime

import "flag"

// The runtime has no golden files, but svcgen's tests are run as
// go test ./... -update, which every package with tests must accept.
var _ = flag.Bool("update", false, "no effect here: the runtime has no golden files")
