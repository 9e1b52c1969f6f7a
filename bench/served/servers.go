package main

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
)

// Pinned peers. Their generated code and modules live in the git-ignored
// cache (bench/.cache/served), produced by this program, never committed.
const (
	ogenPkg          = "github.com/ogen-go/ogen/cmd/ogen"
	ogenModule       = "github.com/ogen-go/ogen"
	ogenVersion      = "v1.24.0"
	oapiPkg          = "github.com/oapi-codegen/oapi-codegen/v2/cmd/oapi-codegen"
	oapiVersion      = "v2.8.2"
	oapiRuntime      = "github.com/oapi-codegen/runtime v1.9.0"
	oapiMiddleware   = "github.com/oapi-codegen/nethttp-middleware v1.3.1"
	kinOpenAPI       = "github.com/getkin/kin-openapi v0.153.0"
	ogenNoOtelConfig = "generator:\n  features:\n    disable:\n      - 'ogen/otel'\n"
)

// server is one server under test: how to build it, and how to run it.
type server struct {
	Name  string   // as in the table
	Label string   // the table's description
	Build string   // the build it runs (several servers share one)
	Env   []string // environment besides PORT
	// Peer is the server this one is compared with directly (issue 14's
	// targets): it runs next to it in every round, so that their paired
	// runs are seconds apart (runOrder).
	Peer string
}

var allServers = []server{
	{Name: "ogen", Label: "ogen v1.24.0, default (OpenTelemetry hooks on)", Build: "ogen"},
	{Name: "ogen-nootel", Label: "ogen, `ogen/otel` feature disabled", Build: "ogen-nootel"},
	{Name: "hand", Label: "hand-written net/http + encoding/json + hand checks", Build: "hand"},
	{Name: "oapi", Label: "oapi-codegen v2.8.2 strict server + kin-openapi request validation", Build: "oapi"},
	{Name: "svcgen", Label: "svcgen, as generated (request log line at info, Prometheus metrics)", Build: "svcgen", Env: []string{"LOG_LEVEL=info"}, Peer: "ogen"},
	{Name: "svcgen-warn", Label: "svcgen with `LOG_LEVEL=warn`", Build: "svcgen", Env: []string{"LOG_LEVEL=warn"}, Peer: "ogen-nootel"},
}

// builder makes the servers' binaries in cache/bin.
type builder struct {
	repo, here, cache string
	env               []string
	log               func(format string, args ...any)
}

func (b *builder) run(ctx context.Context, dir string, name string, args ...string) error {
	cmd := exec.CommandContext(ctx, name, args...)
	cmd.Dir = dir
	cmd.Env = b.env
	out, err := cmd.CombinedOutput()
	if err != nil {
		return fmt.Errorf("%s %s (in %s): %v\n%s", name, strings.Join(args, " "), dir, err, out)
	}
	return nil
}

// tool installs a pinned generator once into cache/../bin/NAME@VERSION,
// the folder bench/corpus uses too.
func (b *builder) tool(ctx context.Context, pkg, version string) (string, error) {
	name := filepath.Base(pkg)
	dir := filepath.Join(b.cache, "..", "bin", name+"@"+version)
	bin := filepath.Join(dir, name)
	if _, err := os.Stat(bin); err == nil {
		return bin, nil
	}
	b.log("installing %s@%s", pkg, version)
	cmd := exec.CommandContext(ctx, "go", "install", pkg+"@"+version)
	cmd.Env = append(b.env, "GOBIN="+dir, "GOFLAGS=")
	if out, err := cmd.CombinedOutput(); err != nil {
		return "", fmt.Errorf("go install %s@%s: %v\n%s", pkg, version, err, out)
	}
	return bin, nil
}

// module starts a fresh module folder for build name.
func (b *builder) module(name, gomod string) (string, error) {
	dir := filepath.Join(b.cache, "src", name)
	if err := os.RemoveAll(dir); err != nil {
		return "", err
	}
	if err := os.MkdirAll(filepath.Join(dir, "api"), 0o755); err != nil {
		return "", err
	}
	return dir, os.WriteFile(filepath.Join(dir, "go.mod"), []byte(gomod), 0o644)
}

func copyFile(src, dst string) error {
	data, err := os.ReadFile(src)
	if err != nil {
		return err
	}
	if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
		return err
	}
	return os.WriteFile(dst, data, 0o644)
}

// build makes the binary of build name and returns its path.
func (b *builder) build(ctx context.Context, name string) (string, error) {
	bin := filepath.Join(b.cache, "bin", name)
	spec := filepath.Join(b.here, "pets.yaml")
	impl := filepath.Join(b.here, "testdata")
	var dir string
	var err error
	switch name {
	case "svcgen":
		svcgen := filepath.Join(b.cache, "bin", "svcgen-cli")
		if err := b.run(ctx, b.repo, "go", "build", "-o", svcgen, "."); err != nil {
			return "", err
		}
		dir = filepath.Join(b.cache, "src", name)
		if err := os.RemoveAll(dir); err != nil {
			return "", err
		}
		if err := b.run(ctx, b.cache, svcgen, "new-service", "--spec", spec, "--out", dir, "--module", "example.com/pets", "--name", "pets"); err != nil {
			return "", err
		}
		err = copyFile(filepath.Join(impl, "svcgen", "service.go"), filepath.Join(dir, "internal", "service", "service.go"))
	case "ogen", "ogen-nootel":
		// err is the function's: the copy below is checked after the switch.
		var ogen string
		if ogen, err = b.tool(ctx, ogenPkg, ogenVersion); err != nil {
			return "", err
		}
		if dir, err = b.module(name, "module example.com/pets\n\ngo 1.24\n\nrequire "+ogenModule+" "+ogenVersion+"\n"); err != nil {
			return "", err
		}
		args := []string{"-target", "api", "-package", "api", "-clean"}
		if name == "ogen-nootel" {
			config := filepath.Join(dir, "ogen.yml")
			if err := os.WriteFile(config, []byte(ogenNoOtelConfig), 0o644); err != nil {
				return "", err
			}
			args = append(args, "-config", config)
		}
		if err := b.run(ctx, dir, ogen, append(args, spec)...); err != nil {
			return "", err
		}
		err = copyFile(filepath.Join(impl, "ogen", "main.go"), filepath.Join(dir, "main.go"))
	case "oapi":
		// err is the function's: the copy below is checked after the switch.
		var oapi string
		if oapi, err = b.tool(ctx, oapiPkg, oapiVersion); err != nil {
			return "", err
		}
		if dir, err = b.module(name, "module example.com/pets\n\ngo 1.24\n\nrequire (\n\t"+oapiRuntime+"\n\t"+oapiMiddleware+"\n\t"+kinOpenAPI+"\n)\n"); err != nil {
			return "", err
		}
		if err := b.run(ctx, dir, oapi, "-generate", "types,std-http-server,strict-server,spec", "-package", "api", "-o", "api/api.gen.go", spec); err != nil {
			return "", err
		}
		err = copyFile(filepath.Join(impl, "oapi", "main.go"), filepath.Join(dir, "main.go"))
	case "hand":
		if dir, err = b.module(name, "module example.com/pets\n\ngo 1.24\n"); err != nil {
			return "", err
		}
		err = copyFile(filepath.Join(impl, "hand", "main.go"), filepath.Join(dir, "main.go"))
	default:
		return "", fmt.Errorf("no build %q", name)
	}
	if err != nil {
		return "", err
	}
	if name != "svcgen" && name != "hand" {
		if err := b.run(ctx, dir, "go", "mod", "tidy"); err != nil {
			return "", err
		}
	}
	if err := b.run(ctx, dir, "go", "build", "-trimpath", "-o", bin, "."); err != nil {
		return "", err
	}
	return bin, nil
}
