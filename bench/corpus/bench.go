package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"
	"time"
)

// bench is one run: its configuration, where things are, and the tools.
type bench struct {
	cfg     *config
	repo    string // svcgen's repository root
	cache   string // <repo>/bench/.cache
	work    string // this run's generated folders
	modules string // node_modules of the corpus

	env        []string // for generators and go build/vet/test
	tidyEnv    []string // for go mod tidy: may reach the module proxy
	installEnv []string // for go install and building svcgen
	gocache    string
	gomodcache string

	svcgenRev   string
	staticcheck string // the staticcheck that lints svcgen services; "" for none
	tools       []*tool
	notes       []string // said in the summary: version fallbacks and the like
}

func runBench(ctx context.Context, cfg *config, stdout, stderr io.Writer) error {
	b := &bench{cfg: cfg}
	var err error
	if b.repo, err = findRepo(cfg.Repo); err != nil {
		return err
	}
	b.cache = filepath.Join(b.repo, "bench", ".cache")
	if err := b.setupEnv(); err != nil {
		return err
	}
	if b.modules, err = ensureCorpus(b.cache, stderr); err != nil {
		return err
	}
	if !cfg.PeersOnly {
		if err := b.buildSvcgen(ctx, stderr); err != nil {
			return err
		}
		b.tools = []*tool{{Name: "svcgen", Version: b.svcgenRev, Bin: filepath.Join(b.cache, "svcgen"), run: runSvcgen, gen: genSvcgen}}
		if cfg.TimeRuns == 0 {
			if err := b.findStaticcheck(ctx, stderr); err != nil {
				return err
			}
		}
	}
	if cfg.Peers {
		oc, err := ensureGoTool(ctx, b, "oapi-codegen", oapiCodegenPkg, oapiCodegenVersion, stderr)
		if err != nil {
			return err
		}
		oc.run, oc.gen = runOapiCodegen, genOapiCodegen
		og, err := ensureGoTool(ctx, b, "ogen", ogenPkg, ogenVersion, stderr)
		if err != nil {
			return err
		}
		og.run, og.gen = runOgen, genOgen
		b.tools = append(b.tools, oc, og)
		if cfg.TimeRuns > 0 {
			lenient := *og
			lenient.Name, lenient.run, lenient.gen = "ogen-lenient", nil, genOgenLenient
			b.tools = append(b.tools, &lenient)
		}
	}
	for _, n := range b.notes {
		fmt.Fprintf(stdout, "note: %s\n", n)
	}

	all, err := listSpecs(b.modules, cfg.Source)
	if err != nil {
		return err
	}
	var specs []spec
	for _, s := range all {
		if cfg.Only == nil || cfg.Only.MatchString(s.Rel) {
			specs = append(specs, s)
		}
	}
	specs = sampleSpecs(specs, cfg.Seed, cfg.Sample)
	if len(specs) == 0 {
		return errors.New("no spec to run: check --source and --only")
	}

	b.work = filepath.Join(b.cache, "work", time.Now().Format("20060102-150405")+fmt.Sprintf("-%d", os.Getpid()))
	if err := os.MkdirAll(b.work, 0o755); err != nil {
		return err
	}
	if cfg.TimeRuns > 0 {
		return b.runTiming(ctx, specs, len(all), stdout, stderr)
	}
	fmt.Fprintf(stderr, "running %d of %d specs (source %s, seed %d) with %s; %d at once\n",
		len(specs), len(all), cfg.Source, cfg.Seed, b.toolList(), cfg.Jobs)
	fmt.Fprintf(stderr, "shared caches: GOCACHE=%s GOMODCACHE=%s\n", b.gocache, b.gomodcache)

	start := time.Now()
	results := b.runAll(ctx, specs, stderr)
	elapsed := time.Since(start)

	if !cfg.Keep {
		os.RemoveAll(b.work)
	} else {
		fmt.Fprintf(stderr, "generated folders kept in %s\n", b.work)
	}

	out := cfg.Out
	if out == "" {
		out = filepath.Join(b.cache, "last-run.tsv")
	}
	if err := writeTSV(out, results); err != nil {
		return err
	}
	var sum bytes.Buffer
	b.writeSummary(&sum, results, len(specs), len(all), elapsed, ctx.Err() != nil)
	if err := publish(stdout, out, sum.Bytes()); err != nil {
		return err
	}
	if ctx.Err() != nil {
		return errors.New("interrupted: the results cover the specs finished before")
	}
	return nil
}

// publish writes the summary beside the TSV at out and prints it, with
// where both are.
func publish(stdout io.Writer, out string, summary []byte) error {
	summaryPath := strings.TrimSuffix(out, ".tsv") + ".summary.txt"
	if err := os.WriteFile(summaryPath, summary, 0o644); err != nil {
		return err
	}
	stdout.Write(summary)
	fmt.Fprintf(stdout, "\nresults: %s\nsummary: %s\n", out, summaryPath)
	return nil
}

func (b *bench) toolList() string {
	var names []string
	for _, t := range b.tools {
		names = append(names, t.Name+" "+t.Version)
	}
	return strings.Join(names, ", ")
}

// runAll runs every spec through every tool, cfg.Jobs specs at once. The
// tools of one spec run one after the other, so a spec's generation times
// are comparable.
func (b *bench) runAll(ctx context.Context, specs []spec, stderr io.Writer) []result {
	type job struct {
		i int
		s spec
	}
	jobs := make(chan job)
	var (
		mu      sync.Mutex
		results []result
		done    int
		wg      sync.WaitGroup
	)
	for range b.cfg.Jobs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := range jobs {
				test := b.cfg.TestEvery > 0 && j.i%b.cfg.TestEvery == 0
				dir := filepath.Join(b.work, fmt.Sprintf("%04d-%s", j.i, slug(j.s.Rel)))
				var rs []result
				for _, t := range b.tools {
					if ctx.Err() != nil {
						break
					}
					tdir := filepath.Join(dir, t.Name)
					if err := os.MkdirAll(tdir, 0o755); err != nil {
						rs = append(rs, result{Tool: t.Name, Source: j.s.Source, Spec: j.s.Rel, Class: classGenerateError, Error: err.Error(), Degraded: -1})
						continue
					}
					rs = append(rs, t.run(ctx, b, t, j.s, tdir, test))
				}
				if !b.cfg.Keep {
					os.RemoveAll(dir)
				}
				if ctx.Err() != nil {
					return // a result cut short by the interrupt is no result
				}
				mu.Lock()
				results = append(results, rs...)
				done++
				for _, r := range rs {
					fmt.Fprintf(stderr, "[%d/%d] %-12s %-14s %6dms %7.1fMiB  %s\n", done, len(specs), r.Tool, r.Class, r.GenMS, r.RSSMiB, r.Spec)
				}
				mu.Unlock()
			}
		}()
	}
	for i, s := range specs {
		select {
		case jobs <- job{i, s}:
		case <-ctx.Done():
		}
		if ctx.Err() != nil {
			break
		}
	}
	close(jobs)
	wg.Wait()
	return results
}

var svcgenModule = regexp.MustCompile(`(?m)^module github\.com/svcgen/svcgen\s*$`)

var slugUnsafe = regexp.MustCompile(`[^A-Za-z0-9._-]+`)

func slug(rel string) string {
	s := slugUnsafe.ReplaceAllString(strings.TrimSuffix(rel, ".json"), "_")
	if len(s) > 80 {
		s = s[len(s)-80:]
	}
	return s
}

// findRepo returns svcgen's repository root: dir if given, else the first
// folder from the current one upwards whose go.mod is svcgen's.
func findRepo(dir string) (string, error) {
	isRepo := func(d string) bool {
		b, err := os.ReadFile(filepath.Join(d, "go.mod"))
		return err == nil && svcgenModule.Match(b)
	}
	if dir != "" {
		abs, err := filepath.Abs(dir)
		if err != nil {
			return "", err
		}
		if !isRepo(abs) {
			return "", fmt.Errorf("--repo %s: no go.mod of github.com/svcgen/svcgen there", dir)
		}
		return abs, nil
	}
	d, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		if isRepo(d) {
			return d, nil
		}
		parent := filepath.Dir(d)
		if parent == d {
			return "", errors.New("svcgen's repository not found above the current folder: use --repo")
		}
		d = parent
	}
}

// setupEnv decides the environment of every command: one shared build cache
// and one shared module cache (the go command's own, so what other builds
// warmed is reused), no workspace, read-only go.mod files and no toolchain
// switching.
func (b *bench) setupEnv() error {
	for _, v := range []struct {
		name string
		dst  *string
	}{{"GOCACHE", &b.gocache}, {"GOMODCACHE", &b.gomodcache}} {
		out, err := exec.Command("go", "env", v.name).Output()
		if err != nil {
			return fmt.Errorf("go env %s: %v", v.name, err)
		}
		*v.dst = strings.TrimSpace(string(out))
	}
	base := envWithout(os.Environ(), "GOFLAGS", "GOWORK", "GOCACHE", "GOMODCACHE", "GOTOOLCHAIN")
	base = append(base, "GOWORK=off", "GOCACHE="+b.gocache, "GOMODCACHE="+b.gomodcache, "GOTOOLCHAIN=local")
	// -buildvcs=false: the generated folders sit inside svcgen's git work
	// tree, whose state is no business of theirs.
	b.env = append(slices.Clone(base), "GOFLAGS=-mod=readonly -buildvcs=false")
	b.tidyEnv = append(slices.Clone(base), "GOFLAGS=-buildvcs=false")
	b.installEnv = b.tidyEnv
	return nil
}

// buildSvcgen builds svcgen into <cache>/svcgen and notes its revision.
// By default it builds a clean export of the commit --svcgen-rev names, so
// the measurement is of committed code and not of whatever is half-edited in
// the work tree; "worktree" builds the work tree as it is (+dirty when it has
// changes outside bench/).
func (b *bench) buildSvcgen(ctx context.Context, stderr io.Writer) error {
	src := b.repo
	if b.cfg.SvcgenRev == "worktree" {
		b.svcgenRev = "worktree"
		if out, err := exec.Command("git", "-C", b.repo, "rev-parse", "--short", "HEAD").Output(); err == nil {
			b.svcgenRev = strings.TrimSpace(string(out))
			if st, err := exec.Command("git", "-C", b.repo, "status", "--porcelain", "--", ".", ":!bench").Output(); err == nil && len(bytes.TrimSpace(st)) > 0 {
				b.svcgenRev += "+dirty"
			}
		}
	} else {
		out, err := exec.Command("git", "-C", b.repo, "rev-parse", "--verify", b.cfg.SvcgenRev+"^{commit}").Output()
		if err != nil {
			return fmt.Errorf("--svcgen-rev %s: not a commit of %s", b.cfg.SvcgenRev, b.repo)
		}
		sha := strings.TrimSpace(string(out))
		b.svcgenRev = sha[:7]
		if src, err = exportCommit(b.repo, sha, filepath.Join(b.cache, "src")); err != nil {
			return err
		}
	}
	fmt.Fprintf(stderr, "building svcgen %s from %s\n", b.svcgenRev, src)
	p := runProc(ctx, src, b.installEnv, 10*time.Minute, "go", "build", "-o", filepath.Join(b.cache, "svcgen"), ".")
	if !p.OK() {
		return fmt.Errorf("building svcgen: %s\n%s", p.describe("go build", 10*time.Minute), p.Stderr)
	}
	return nil
}

// The staticcheck that lints svcgen services when none is installed, the
// version svcgen's CI installs (.ci/run).
const (
	staticcheckPkg     = "honnef.co/go/tools/cmd/staticcheck"
	staticcheckVersion = "v0.8.2"
)

// findStaticcheck finds the staticcheck that lints each svcgen service, as
// svcgen's second tier and the service's own CI do: the one on PATH, else
// the one in GOPATH/bin, else the pinned version installed into the cache.
// The summary says which.
func (b *bench) findStaticcheck(ctx context.Context, stderr io.Writer) error {
	bin, err := exec.LookPath("staticcheck")
	if err != nil {
		if out, err := exec.Command("go", "env", "GOPATH").Output(); err == nil {
			for _, dir := range filepath.SplitList(strings.TrimSpace(string(out))) {
				if _, err := os.Stat(filepath.Join(dir, "bin", "staticcheck")); err == nil {
					bin = filepath.Join(dir, "bin", "staticcheck")
					break
				}
			}
		}
	}
	if bin == "" {
		t, err := ensureGoTool(ctx, b, "staticcheck", staticcheckPkg, staticcheckVersion, stderr)
		if err != nil {
			return err
		}
		bin = t.Bin
	}
	version := "unknown version"
	if out, err := exec.Command(bin, "-version").Output(); err == nil {
		version = strings.TrimSpace(string(out))
	}
	b.staticcheck = bin
	b.notes = append(b.notes, fmt.Sprintf("svcgen services linted by %s (%s)", bin, version))
	return nil
}

// exportCommit extracts commit sha of repo into dir/sha (once) and returns
// that folder.
func exportCommit(repo, sha, dir string) (string, error) {
	dst := filepath.Join(dir, sha)
	if _, err := os.Stat(dst); err == nil {
		return dst, nil
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", err
	}
	tmp, err := os.MkdirTemp(dir, sha+".tmp-")
	if err != nil {
		return "", err
	}
	defer os.RemoveAll(tmp)
	tarball := filepath.Join(tmp, "src.tar")
	tree := filepath.Join(tmp, "tree")
	for _, args := range [][]string{
		{"git", "-C", repo, "archive", "--format=tar", "-o", tarball, sha},
		{"mkdir", tree},
		{"tar", "-xf", tarball, "-C", tree},
	} {
		if out, err := exec.Command(args[0], args[1:]...).CombinedOutput(); err != nil {
			return "", fmt.Errorf("exporting svcgen %s: %s: %v\n%s", sha, strings.Join(args, " "), err, out)
		}
	}
	if err := os.Rename(tree, dst); err != nil {
		// Another run exported the same commit meanwhile: the same tree.
		if _, statErr := os.Stat(dst); statErr == nil {
			return dst, nil
		}
		return "", err
	}
	return dst, nil
}

func envWithout(env []string, names ...string) []string {
	var out []string
next:
	for _, kv := range env {
		for _, n := range names {
			if strings.HasPrefix(kv, n+"=") {
				continue next
			}
		}
		out = append(out, kv)
	}
	return out
}
