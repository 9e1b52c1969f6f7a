package plan

import (
	"flag"
	"testing"

	"github.com/svcgen/svcgen/generator/model"
)

var update = flag.Bool("update", false, "rewrite golden files (none in this package)")

func TestClientNeedsOperations(t *testing.T) {
	_ = update
	templates := map[string]string{
		"client/client_gen.go":      "service/client/client_gen.go.tmpl",
		"client/client_gen_test.go": "service/client/client_gen_test.go.tmpl",
		"api/api_gen.go":            "service/api/api_gen.go.tmpl",
	}
	count := func(svc *model.Service) int {
		n := 0
		for _, f := range Plan(svc, templates, nil) {
			if f.Path == "client/client_gen.go" || f.Path == "client/client_gen_test.go" {
				n++
			}
		}
		return n
	}
	if n := count(&model.Service{Module: "m", SpecFile: "openapi.yaml"}); n != 0 {
		t.Errorf("a spec without operations gets %d client files, want none", n)
	}
	// The tests start from an operation's valid example request: without
	// one there is nothing they can call.
	if n := count(&model.Service{Module: "m", SpecFile: "openapi.yaml", Operations: []*model.Operation{{GoName: "Ping"}}}); n != 1 {
		t.Errorf("a spec with no valid example request gets %d client files, want the client alone", n)
	}
	valid := &model.Operation{GoName: "Ping", Example: model.OperationExample{Valid: true}}
	if n := count(&model.Service{Module: "m", SpecFile: "openapi.yaml", Operations: []*model.Operation{{GoName: "Pong"}, valid}}); n != 2 {
		t.Errorf("a spec with operations gets %d client files, want 2", n)
	}
}
