package generator

import (
	"bytes"
	"fmt"
	"strings"
	"testing"

	"github.com/moby/buildkit/frontend/dockerfile/instructions"
	"github.com/moby/buildkit/frontend/dockerfile/linter"
	"github.com/moby/buildkit/frontend/dockerfile/parser"
)

// TestDockerfiles parses each generated Dockerfile with BuildKit's own
// parser, runs BuildKit's lint rules (those of `docker build --check`,
// experimental ones included), and checks the image is built in a separate
// stage as a static binary and runs as a non-root user. There is no Docker
// engine here, so this is as far as a test can go.
func TestDockerfiles(t *testing.T) {
	for name, specPath := range examples(t) {
		t.Run(name, func(t *testing.T) {
			res := generateExample(t, name, specPath)
			var dockerfile []byte
			for _, f := range res.Files {
				if f.Path == "Dockerfile" {
					dockerfile = f.Content
				}
			}
			if dockerfile == nil {
				t.Fatal("no Dockerfile generated")
			}
			ast, err := parser.Parse(bytes.NewReader(dockerfile))
			if err != nil {
				t.Fatalf("parse: %v", err)
			}
			for _, w := range ast.Warnings {
				t.Errorf("parser warning: %s", w.Short)
			}
			var warnings []string
			lint := linter.New(&linter.Config{
				ExperimentalAll: true,
				Warn: func(rule, _, _, msg string, loc []parser.Range) {
					warnings = append(warnings, fmt.Sprintf("%s: %s (line %d)", rule, msg, loc[0].Start.Line))
				},
			})
			stages, _, err := instructions.Parse(ast.AST, lint)
			if err != nil {
				t.Fatalf("instructions: %v", err)
			}
			for _, w := range warnings {
				t.Errorf("lint: %s", w)
			}
			if len(stages) < 2 {
				t.Fatalf("%d stages, want a build stage and a runtime stage", len(stages))
			}
			final := stages[len(stages)-1]
			var user string
			var entrypoint *instructions.EntrypointCommand
			for _, c := range final.Commands {
				switch c := c.(type) {
				case *instructions.UserCommand:
					user = c.User
				case *instructions.EntrypointCommand:
					entrypoint = c
				}
			}
			if user == "" || strings.HasPrefix(user, "root") || strings.HasPrefix(user, "0") {
				t.Errorf("final stage runs as %q, want a non-root user", user)
			}
			if entrypoint == nil || entrypoint.PrependShell {
				t.Error("final stage needs an exec-form ENTRYPOINT")
			}
			if !bytes.Contains(dockerfile, []byte("CGO_ENABLED=0")) {
				t.Error("the binary is not built static (CGO_ENABLED=0)")
			}
		})
	}
}
