package generator

import (
	"go/parser"
	"go/token"
	"path"
	"strconv"
	"strings"
	"testing"
)

// TestStoreKnowsNoTransport checks the layout's rule for storage in every
// example: package internal/store imports the contract (api, svcgen), the
// standard library's database and encoding packages and its drivers,
// never the server, its runtime or net/http. And no generated package
// converts values through a JSON round trip: the CRUD code's conversions
// are functions decided when the code was generated.
func TestStoreKnowsNoTransport(t *testing.T) {
	for name, specPath := range examples(t) {
		t.Run(name, func(t *testing.T) {
			res := generateExample(t, name, specPath)
			module := "example.com/" + name
			for _, f := range res.Files {
				if !strings.HasSuffix(f.Path, ".go") {
					continue
				}
				file, err := parser.ParseFile(token.NewFileSet(), f.Path, f.Content, parser.ImportsOnly)
				if err != nil {
					t.Fatal(err)
				}
				if path.Dir(f.Path) == "internal/store" {
					for _, imp := range file.Imports {
						p, _ := strconv.Unquote(imp.Path.Value)
						if strings.HasPrefix(p, "net/") || p == "net" ||
							strings.HasPrefix(p, module+"/") && p != module+"/api" && p != module+"/svcgen" &&
								p != module+"/internal/svcgenevents/eventlog" { // the event log: the database only
							t.Errorf("%s imports %s", f.Path, p)
						}
					}
				}
				if strings.Contains(string(f.Content), "func convert(") {
					t.Errorf("%s converts through JSON", f.Path)
				}
			}
		})
	}
}
