package generator

import (
	"flag"
	"os"
	"testing"

	"github.com/svcgen/svcgen/generator/format"
)

// TestMain has every file these tests generate formatted whole as well,
// so that a template writing a function gofmt would lay out otherwise
// fails them (format.Go copies functions; see format.Verify). Benchmarks
// time the generator as users run it, without that check.
func TestMain(m *testing.M) {
	flag.Parse()
	format.Verify = flag.Lookup("test.bench").Value.String() == ""
	os.Exit(m.Run())
}
