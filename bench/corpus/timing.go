package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"
)

// The timing mode (--time-runs N): each spec's generation alone, N times per
// tool, the tools interleaved (run 1: svcgen, oapi-codegen, ogen; run 2: the
// same...), one process at a time, each into a fresh folder removed after it.
// Nothing is built. A failed generation is timed too: to its failure.

// timedRun is one timed generation: a row of the timing TSV.
type timedRun struct {
	Tool, Spec string
	Run        int // 1 to N
	WallMS     int64
	CPUMS      int64 // user + system
	RSSMiB     float64
	Class      string // ok, or the class of the failed generation
	Error      string // first error line of a failed generation
}

func (r timedRun) ok() bool { return r.Class == classOK }

var timingTSVHeader = []string{"tool", "spec", "run", "wall_ms", "cpu_ms", "rss_mib", "class"}

// runTiming times the generation of every spec by every tool, writes the TSV
// and the summary, and prints the summary.
func (b *bench) runTiming(ctx context.Context, specs []spec, corpus int, stdout, stderr io.Writer) error {
	n := b.cfg.TimeRuns
	fmt.Fprintf(stderr, "timing the generation of %d of %d specs (source %s): %d runs per tool, interleaved, one at a time, with %s\n",
		len(specs), corpus, b.cfg.Source, n, b.toolList())
	start := time.Now()
	var runs []timedRun
	total := len(specs) * n * len(b.tools)
loop:
	for _, s := range specs {
		for i := 1; i <= n; i++ {
			for _, t := range b.tools {
				if ctx.Err() != nil {
					break loop
				}
				r := b.timeGeneration(ctx, t, s, i)
				if ctx.Err() != nil {
					break loop // a generation cut short by the interrupt is no measurement
				}
				runs = append(runs, r)
				fmt.Fprintf(stderr, "[%d/%d] run %d %-12s %-14s wall %6dms cpu %6dms %7.1fMiB  %s\n",
					len(runs), total, r.Run, r.Tool, r.Class, r.WallMS, r.CPUMS, r.RSSMiB, r.Spec)
			}
		}
	}
	elapsed := time.Since(start)
	os.RemoveAll(b.work)

	out := b.cfg.Out
	if out == "" {
		out = filepath.Join(b.cache, "last-time.tsv")
	}
	if err := writeTimingTSV(out, runs); err != nil {
		return err
	}
	var sum bytes.Buffer
	b.writeTimingSummary(&sum, specs, corpus, runs, elapsed, ctx.Err() != nil)
	if err := publish(stdout, out, sum.Bytes()); err != nil {
		return err
	}
	if ctx.Err() != nil {
		return errors.New("interrupted: the results cover the runs finished before")
	}
	return nil
}

// timeGeneration runs t's generation of s once, into a fresh folder that it
// removes afterwards (after the measurement).
func (b *bench) timeGeneration(ctx context.Context, t *tool, s spec, run int) timedRun {
	r := timedRun{Tool: t.Name, Spec: s.Rel, Run: run}
	dir, err := os.MkdirTemp(b.work, t.Name+"-")
	if err != nil {
		r.Class, r.Error = classGenerateError, err.Error()
		return r
	}
	defer os.RemoveAll(dir)
	g := t.gen(ctx, b, t, s, dir)
	r.WallMS, r.CPUMS = g.proc.Wall.Milliseconds(), g.proc.CPU.Milliseconds()
	r.RSSMiB = float64(g.proc.MaxRSSKiB) / 1024
	r.Class, r.Error = g.class, g.msg
	if r.Class == "" {
		r.Class = classOK
	}
	return r
}

// writeTimingTSV writes one row per timed generation, in the order they ran.
func writeTimingTSV(path string, runs []timedRun) error {
	rows := make([][]string, len(runs))
	for i, r := range runs {
		rows[i] = []string{
			r.Tool, r.Spec, strconv.Itoa(r.Run),
			strconv.FormatInt(r.WallMS, 10), strconv.FormatInt(r.CPUMS, 10),
			strconv.FormatFloat(r.RSSMiB, 'f', 1, 64), r.Class,
		}
	}
	return writeRows(path, timingTSVHeader, rows)
}

// writeTimingSummary writes what was timed, on what, and a table per spec.
func (b *bench) writeTimingSummary(w io.Writer, specs []spec, corpus int, runs []timedRun, elapsed time.Duration, interrupted bool) {
	fmt.Fprintf(w, "timing run: source %s, %d of %d specs (%s), %d runs per tool interleaved, generation only, 1 job, %s\n",
		b.cfg.Source, len(specs), corpus, b.selection(), b.cfg.TimeRuns, elapsed.Round(time.Second))
	if interrupted {
		fmt.Fprintln(w, "INTERRUPTED: only the runs finished before are counted")
	}
	b.writeSetup(w, fmt.Sprintf("host: %s/%s, %d CPUs", runtime.GOOS, runtime.GOARCH, runtime.NumCPU()))
	fmt.Fprintln(w, "wall and CPU (user+system) time and peak RSS of the generator process; a failed generation is timed to its failure")
	var tools []string
	for _, t := range b.tools {
		tools = append(tools, t.Name)
	}
	for _, s := range specs {
		fmt.Fprintln(w)
		writeTimingSpec(w, s.Rel, tools, runs)
	}
}

// writeTimingSpec writes the table of spec's runs, one row per tool in the
// order of tools, the median wall ratios of svcgen to each peer, and the
// errors of the failed runs.
func writeTimingSpec(w io.Writer, spec string, tools []string, runs []timedRun) {
	byTool := map[string][]timedRun{}
	for _, r := range runs {
		if r.Spec == spec {
			byTool[r.Tool] = append(byTool[r.Tool], r)
		}
	}
	fmt.Fprintln(w, spec)
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "tool\truns\tok/failed\twall median\twall min\twall max\tCPU median\tRSS median")
	for _, t := range tools {
		rs := byTool[t]
		if len(rs) == 0 {
			fmt.Fprintf(tw, "%s\t0\t-\t-\t-\t-\t-\t-\n", t)
			continue
		}
		ok := 0
		var wall, cpu, rss []float64
		for _, r := range rs {
			if r.ok() {
				ok++
			}
			wall = append(wall, float64(r.WallMS))
			cpu = append(cpu, float64(r.CPUMS))
			rss = append(rss, r.RSSMiB)
		}
		fmt.Fprintf(tw, "%s\t%d\t%d/%d\t%s\t%s\t%s\t%s\t%.0f MiB\n", t, len(rs), ok, len(rs)-ok,
			fmtMedianMS(median(wall)), fmtMS(int64(slices.Min(wall))), fmtMS(int64(slices.Max(wall))),
			fmtMedianMS(median(cpu)), median(rss))
	}
	tw.Flush()

	if len(byTool["svcgen"]) > 0 {
		for _, peer := range tools {
			if peer == "svcgen" || len(byTool[peer]) == 0 {
				continue
			}
			fmt.Fprintf(w, "svcgen/%s median wall ratio: %s%s\n", peer,
				wallRatio(byTool["svcgen"], byTool[peer]), failureNote(byTool["svcgen"], byTool[peer]))
		}
	}
	for _, t := range tools {
		var seen []string
		for _, r := range byTool[t] {
			if line := r.Class + ": " + r.Error; !r.ok() && !slices.Contains(seen, line) {
				seen = append(seen, line)
				fmt.Fprintf(w, "%s failed: %s\n", t, clip(tsvField(line), 240))
			}
		}
	}
}

// wallRatio is the median wall time of a over that of b, "-" when b's is 0.
func wallRatio(a, b []timedRun) string {
	wall := func(rs []timedRun) float64 {
		var ms []float64
		for _, r := range rs {
			ms = append(ms, float64(r.WallMS))
		}
		return median(ms)
	}
	den := wall(b)
	if den == 0 {
		return "-"
	}
	return fmt.Sprintf("%.2f", wall(a)/den)
}

// failureNote says which side of a ratio counts failed runs, timed to their
// failure; "" when none failed.
func failureNote(sides ...[]timedRun) string {
	var notes []string
	for _, rs := range sides {
		failed := 0
		for _, r := range rs {
			if !r.ok() {
				failed++
			}
		}
		switch {
		case failed == 0:
		case failed == len(rs):
			notes = append(notes, fmt.Sprintf("%s failed in every run", rs[0].Tool))
		default:
			notes = append(notes, fmt.Sprintf("%s failed in %d of %d runs", rs[0].Tool, failed, len(rs)))
		}
	}
	if len(notes) == 0 {
		return ""
	}
	return " (" + strings.Join(notes, ", ") + ": time to failure)"
}

// median of xs (the mean of the two middle values of an even count), 0 for
// none. xs is not modified.
func median(xs []float64) float64 {
	if len(xs) == 0 {
		return 0
	}
	s := slices.Clone(xs)
	slices.Sort(s)
	m := len(s) / 2
	if len(s)%2 == 1 {
		return s[m]
	}
	return (s[m-1] + s[m]) / 2
}

// fmtMedianMS formats a median of milliseconds (which may end in .5),
// rounded to the millisecond.
func fmtMedianMS(ms float64) string { return fmtMS(int64(math.Round(ms))) }
