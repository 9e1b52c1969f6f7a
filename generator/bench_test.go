package generator

import (
	"context"
	"os"
	"path/filepath"
	"runtime"
	"runtime/metrics"
	"testing"
	"time"

	"github.com/svcgen/svcgen/generator/build"
	"github.com/svcgen/svcgen/generator/load"
	"github.com/svcgen/svcgen/generator/model"
)

// githubSpec returns the path of GitHub's REST API description
// (@octokit/openapi, generated/api.github.com.json): $SVCGEN_GITHUB_SPEC, or
// where the corpus runner installs it. It skips b when there is none.
func githubSpec(b testing.TB) string {
	b.Helper()
	p := os.Getenv("SVCGEN_GITHUB_SPEC")
	if p == "" {
		p = filepath.Join("..", "bench", ".cache", "npm", "node_modules", "@octokit", "openapi", "generated", "api.github.com.json")
	}
	if _, err := os.Stat(p); err != nil {
		b.Skipf("GitHub's spec is not at %s: set SVCGEN_GITHUB_SPEC to api.github.com.json "+
			"(npm install @octokit/openapi@23.0.2, or run bench/corpus with --source github)", p)
	}
	return p
}

// peakHeap samples the heap in use while a benchmark runs and reports the
// highest value seen as the metric peak-heap-MiB. It polls, so it may miss
// a short peak; the process's peak RSS is higher still (GC headroom).
type peakHeap struct {
	done chan struct{}
	max  chan uint64
}

func startPeakHeap() *peakHeap {
	p := &peakHeap{done: make(chan struct{}), max: make(chan uint64)}
	go func() {
		s := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}}
		var peak uint64
		tick := func() {
			metrics.Read(s)
			peak = max(peak, s[0].Value.Uint64())
		}
		for {
			tick()
			select {
			case <-p.done:
				tick()
				p.max <- peak
				return
			case <-time.After(5 * time.Millisecond):
				// metrics.Read does not stop the world: cheap at this rate.
			}
		}
	}()
	return p
}

func (p *peakHeap) stop(b *testing.B) {
	close(p.done)
	b.ReportMetric(float64(<-p.max)/(1<<20), "peak-heap-MiB")
}

// BenchmarkGenerateGitHub runs the whole pipeline on GitHub's spec.
func BenchmarkGenerateGitHub(b *testing.B) {
	spec := githubSpec(b)
	ctx := context.Background()
	b.ReportAllocs()
	runtime.GC()
	peak := startPeakHeap()
	for b.Loop() {
		if _, err := Generate(ctx, Options{SpecPath: spec, Module: "example.com/gh", CollectEarly: true}); err != nil { // as the CLI runs it
			b.Fatal(err)
		}
	}
	peak.stop(b)
}

// BenchmarkLoadGitHub loads and validates GitHub's spec.
func BenchmarkLoadGitHub(b *testing.B) {
	spec := githubSpec(b)
	ctx := context.Background()
	b.ReportAllocs()
	runtime.GC()
	peak := startPeakHeap()
	for b.Loop() {
		if _, _, err := load.Load(ctx, spec); err != nil {
			b.Fatal(err)
		}
	}
	peak.stop(b)
}

// BenchmarkBuildGitHub builds the model of GitHub's spec. Build may change
// the document (bundling, names), so each iteration loads it again, with the
// timer stopped.
func BenchmarkBuildGitHub(b *testing.B) {
	spec := githubSpec(b)
	ctx := context.Background()
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		s, _, err := load.Load(ctx, spec)
		if err != nil {
			b.Fatal(err)
		}
		runtime.GC()
		b.StartTimer()
		if _, err := build.Build(s, build.Options{Module: "example.com/gh", SpecFile: specFileName(s)}); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkRenderGitHub plans, renders and formats the files of GitHub's
// spec, the manifest included.
func BenchmarkRenderGitHub(b *testing.B) {
	svc, raw := githubModel(b)
	b.ReportAllocs()
	runtime.GC() // the document is garbage now
	peak := startPeakHeap()
	for b.Loop() {
		if _, err := Render(svc, raw); err != nil {
			b.Fatal(err)
		}
	}
	peak.stop(b)
}

// githubModel returns the model of GitHub's spec and the spec's bytes.
func githubModel(b *testing.B) (*model.Service, []byte) {
	b.Helper()
	s, _, err := load.Load(context.Background(), githubSpec(b))
	if err != nil {
		b.Fatal(err)
	}
	svc, err := build.Build(s, build.Options{Module: "example.com/gh", SpecFile: specFileName(s)})
	if err != nil {
		b.Fatal(err)
	}
	svc.Generator = Version
	return svc, s.Raw
}
