package generator

import (
	"bytes"
	"fmt"
	"slices"
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
			checkBuildStage(t, &stages[0], res.Service.Name, res.Service.BuildVersion)
		})
	}
}

// checkBuildStage checks the build stage copies go.mod with go.sum before
// the sources (so the module download is a layer of its own), keeps the
// module and build caches in BuildKit cache mounts, and stamps the version
// from a VERSION argument whose default is the spec's version.
func checkBuildStage(t *testing.T, build *instructions.Stage, name, version string) {
	t.Helper()
	var (
		copiedModules, copiedAll bool
		arg                      *instructions.KeyValuePairOptional
		built                    bool
	)
	for _, c := range build.Commands {
		switch c := c.(type) {
		case *instructions.CopyCommand:
			if slices.Equal(c.SourcePaths, []string{"go.mod", "go.sum"}) {
				copiedModules = true
			} else if slices.Contains(c.SourcePaths, ".") {
				if !copiedModules {
					t.Error("the sources are copied before go.mod and go.sum")
				}
				copiedAll = true
			}
		case *instructions.ArgCommand:
			for i := range c.Args {
				if c.Args[i].Key == "VERSION" {
					arg = &c.Args[i]
				}
			}
		case *instructions.RunCommand:
			cmd := strings.Join(c.CmdLine, " ")
			// Expand parses the --mount flags (keeping ${...} as written).
			if err := c.Expand(func(w string) (string, error) { return w, nil }); err != nil {
				t.Fatalf("RUN %s: %v", cmd, err)
			}
			caches := map[string]bool{}
			for _, m := range instructions.GetMounts(c) {
				if m.Type == instructions.MountTypeCache {
					caches[m.Target] = true
				}
			}
			if !caches["/go/pkg/mod"] {
				t.Errorf("RUN %s: no cache mount for the module cache /go/pkg/mod", cmd)
			}
			if strings.Contains(cmd, "go build") {
				built = true
				if !caches["/root/.cache/go-build"] {
					t.Errorf("RUN %s: no cache mount for the build cache /root/.cache/go-build", cmd)
				}
				if arg == nil {
					t.Errorf("RUN %s comes before ARG VERSION", cmd)
				}
				if !strings.Contains(cmd, "-X main.version=${VERSION}") {
					t.Errorf("RUN %s: the version is not stamped (-X main.version=${VERSION})", cmd)
				}
				if !strings.Contains(cmd, "-o /out/"+name+" ") {
					t.Errorf("RUN %s: does not write /out/%s", cmd, name)
				}
			}
		}
	}
	if !copiedModules || !copiedAll {
		t.Errorf("the build stage does not COPY go.mod go.sum, then the sources (%v, %v)", copiedModules, copiedAll)
	}
	if !built {
		t.Error("no RUN go build in the build stage")
	}
	if arg == nil || arg.Value == nil || *arg.Value != version {
		t.Errorf("ARG VERSION = %v, want the default %q (the spec's info.version)", arg, version)
	}
}
