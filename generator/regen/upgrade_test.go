package regen

import (
	"context"
	"path/filepath"
	"strings"
	"testing"

	"golang.org/x/tools/txtar"

	"github.com/svcgen/svcgen/generator/model"
)

// TestUpgradeFromV1 regenerates a service that the previous release
// generated (layout v1: everything in internal/api) and a team edited:
// the old generated files go, the new layout comes, and the team's Go
// files are rewritten to the new packages with every hand-written line
// kept, without a conflict. The service then builds and passes its tests
// (second tier), and a second regenerate changes nothing.
func TestUpgradeFromV1(t *testing.T) {
	ar, err := txtar.ParseFile("testdata/upgrade/widgets-v1.txtar")
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	for _, f := range ar.Files {
		mustWrite(t, filepath.Join(dir, filepath.FromSlash(f.Name)), f.Data)
	}
	ctx := context.Background()
	p, err := Make(ctx, Options{Dir: dir})
	if err != nil {
		t.Fatal(err)
	}
	if c := p.Conflicts(); len(c) > 0 {
		t.Fatalf("conflicts in %v", c)
	}
	upgraded := map[string]bool{}
	for _, s := range p.Steps {
		if strings.Contains(s.Note, upgradeNote) {
			upgraded[s.Path] = true
		}
	}
	for _, want := range []string{"main.go", "internal/service/service.go", "internal/service/auth.go", "internal/service/colors.go"} {
		if !upgraded[want] {
			t.Errorf("%s is not reported as rewritten for layout v2", want)
		}
	}
	if err := p.Apply(); err != nil {
		t.Fatal(err)
	}

	files := readAll(t, dir)
	for name, content := range files {
		if strings.HasPrefix(name, "internal/api/") {
			t.Errorf("%s is left from the old layout", name)
		}
		if !strings.HasPrefix(name, ".svcgen/") && strings.Contains(string(content), `widgets/internal/api"`) {
			t.Errorf("%s still imports internal/api", name)
		}
	}
	// Every hand-written line is there, rewritten where it named a moved
	// identifier.
	kept := map[string][]string{
		"internal/service/service.go": {
			"// Painting is a hand-written operation: the widget must exist.",
			`return nil, svcgen.NotFound("no widget " + req.WidgetID)`,
			"_ = describe(req.Body.Note, nil, api.Problem{})",
			"func describe(note svcgen.Nullable[string], made *svcgen.Date, problem api.Problem) string {",
			`text += " [" + *problem.Title + "]"`,
		},
		"internal/service/auth.go": {
			`if c.Token == "secret" {`,
			"func (s *Service) Authenticate(ctx context.Context, operation string, creds []svcgen.Credentials) (context.Context, error) {",
			"var _ svcgenhttp.Authenticator = (*Service)(nil)",
		},
		"internal/service/colors.go": {
			`return svcgen.Errors{svcgen.FieldError{In: "body", Field: "color", Detail: "black is not sold"}}`,
			`var errPaint = &svcgen.Error{Status: 409, Detail: "the paint shop is busy"}`,
		},
		"main.go": {
			"handler := server.NewHandler(svc, server.Options{",
			"MaxBodyBytes: 2 << 20, // widgets carry pictures",
		},
	}
	for name, lines := range kept {
		for _, l := range lines {
			if !strings.Contains(string(files[name]), l) {
				t.Errorf("%s lacks %q:\n%s", name, l, files[name])
			}
		}
	}

	again, err := Make(ctx, Options{Dir: dir})
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range again.Steps {
		if s.Changes() {
			t.Errorf("second regenerate would %s %s (%s)", s.Action, s.Path, s.Note)
		}
	}
	buildAndTest(t, dir)
}

// TestUpgradeRewrite checks the rewriting of one file: import names, a
// local variable named like the package, and names that stay in api.
func TestUpgradeRewrite(t *testing.T) {
	svc := &model.Service{Module: "example.com/w", Types: []*model.Type{
		{Name: "Problem", Origin: "#/components/schemas/Problem"},
		{Name: "Service2", Origin: "#/components/schemas/Service"},
	}}
	u := newUpgrader(svc)
	cases := []struct{ name, in, want string }{
		{"plain", `package x

import "example.com/w/internal/api"

var _ = api.NotFound("x")
var _ api.Order
`, `package x

import (
	"example.com/w/api"
	"example.com/w/svcgen"
)

var _ = svcgen.NotFound("x")
var _ api.Order
`},
		{"named import", `package x

import v1 "example.com/w/internal/api"

var _ v1.ProblemModel
var _ v1.ServiceModel
var _ = v1.NewHandler
`, `package x

import (
	v1 "example.com/w/api"
	"example.com/w/internal/server"
)

var _ v1.Problem
var _ v1.Service2
var _ = server.NewHandler
`},
		{"untouched", `package x

import "example.com/other/internal/api"

var _ = api.NotFound
`, ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got, changed := u.rewrite([]byte(c.in))
			if c.want == "" {
				if changed || string(got) != c.in {
					t.Fatalf("rewrote a file that does not import the service's internal/api:\n%s", got)
				}
				return
			}
			if !changed || string(got) != c.want {
				t.Fatalf("got (changed %v):\n%s\nwant:\n%s", changed, got, c.want)
			}
		})
	}
}
