package main

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"
)

var tsvHeader = []string{"tool", "source", "spec", "class", "error", "gen_ms", "rss_mib", "build_ms", "degraded", "tested"}

// writeTSV writes one row per spec and tool, sorted by spec then tool.
func writeTSV(path string, results []result) error {
	var rows [][]string
	for _, r := range sortedResults(results) {
		degraded := ""
		if r.Degraded >= 0 {
			degraded = strconv.Itoa(r.Degraded)
		}
		tested := ""
		if r.Tested {
			tested = "yes"
		}
		rows = append(rows, []string{
			r.Tool, r.Source, r.Spec, r.Class, tsvField(r.Error),
			strconv.FormatInt(r.GenMS, 10), strconv.FormatFloat(r.RSSMiB, 'f', 1, 64),
			strconv.FormatInt(r.BuildMS, 10), degraded, tested,
		})
	}
	return writeRows(path, tsvHeader, rows)
}

// writeRows writes a TSV file: the header, then the rows, creating its
// folder if needed.
func writeRows(path string, header []string, rows [][]string) error {
	if dir := filepath.Dir(path); dir != "" {
		if err := os.MkdirAll(dir, 0o755); err != nil {
			return err
		}
	}
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	w := bufio.NewWriter(f)
	fmt.Fprintln(w, strings.Join(header, "\t"))
	for _, row := range rows {
		fmt.Fprintln(w, strings.Join(row, "\t"))
	}
	if err := w.Flush(); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

// tsvField keeps a field on one line, without tabs, and not too long.
func tsvField(s string) string {
	s = strings.Join(strings.Fields(s), " ")
	if len(s) > 400 {
		s = s[:400] + "…"
	}
	return s
}

func sortedResults(results []result) []result {
	rs := slices.Clone(results)
	order := map[string]int{"svcgen": 0, "oapi-codegen": 1, "ogen": 2}
	slices.SortStableFunc(rs, func(a, b result) int {
		if c := strings.Compare(a.Spec, b.Spec); c != 0 {
			return c
		}
		return order[a.Tool] - order[b.Tool]
	})
	return rs
}

// selection says which specs of the corpus a run took.
func (b *bench) selection() string {
	sel := "every spec"
	if b.cfg.Sample > 0 {
		sel = fmt.Sprintf("sample %d, seed %d", b.cfg.Sample, b.cfg.Seed)
	}
	if b.cfg.Only != nil {
		sel += fmt.Sprintf(", --only %q", b.cfg.Only.String())
	}
	return sel
}

// writeSetup writes the lines of a summary that say what ran: the corpus
// packages, the tools, extra (when not "") and the notes of the run.
func (b *bench) writeSetup(w io.Writer, extra string) {
	var pkgs []string
	for _, p := range corpusPackages {
		pkgs = append(pkgs, p.Name+" "+p.Version)
	}
	fmt.Fprintf(w, "corpus: %s\n", strings.Join(pkgs, ", "))
	fmt.Fprintf(w, "tools: %s\n", b.toolList())
	if extra != "" {
		fmt.Fprintln(w, extra)
	}
	for _, n := range b.notes {
		fmt.Fprintf(w, "note: %s\n", n)
	}
}

// writeSummary writes the table of classes per tool, generation time and
// memory, and the most frequent failure causes.
func (b *bench) writeSummary(w io.Writer, results []result, ran, corpus int, elapsed time.Duration, interrupted bool) {
	fmt.Fprintf(w, "corpus run: source %s, %d of %d specs (%s), %d jobs, %s\n", b.cfg.Source, ran, corpus, b.selection(), b.cfg.Jobs, elapsed.Round(time.Second))
	if interrupted {
		fmt.Fprintln(w, "INTERRUPTED: only the specs finished before are counted")
	}
	b.writeSetup(w, "")
	tested := 0
	for _, r := range results {
		if r.Tested {
			tested++
		}
	}
	if b.cfg.TestEvery > 0 {
		fmt.Fprintf(w, "go test ./... ran in %d svcgen services (--test-every %d: specs picked for it that built and vetted)\n", tested, b.cfg.TestEvery)
	}
	fmt.Fprintln(w)

	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprint(tw, "tool\tspecs")
	for _, c := range classes {
		fmt.Fprintf(tw, "\t%s", c)
	}
	fmt.Fprint(tw, "\tgen median\tgen p90\tgen max\tmax RSS\n")
	for _, t := range b.tools {
		var rs []result
		for _, r := range results {
			if r.Tool == t.Name {
				rs = append(rs, r)
			}
		}
		fmt.Fprintf(tw, "%s\t%d", t.Name, len(rs))
		for _, c := range classes {
			n := 0
			for _, r := range rs {
				if r.Class == c {
					n++
				}
			}
			fmt.Fprintf(tw, "\t%d %s", n, pct(n, len(rs)))
		}
		var ms []int64
		var rss float64
		for _, r := range rs {
			ms = append(ms, r.GenMS)
			rss = max(rss, r.RSSMiB)
		}
		slices.Sort(ms)
		fmt.Fprintf(tw, "\t%s\t%s\t%s\t%.0f MiB\n", fmtMS(quantile(ms, 0.5)), fmtMS(quantile(ms, 0.9)), fmtMS(quantile(ms, 1)), rss)
	}
	tw.Flush()

	// The slowest and the hungriest generation per tool: where to look first.
	fmt.Fprintln(w)
	for _, t := range b.tools {
		var slow, big result
		for _, r := range results {
			if r.Tool != t.Name {
				continue
			}
			if r.GenMS > slow.GenMS {
				slow = r
			}
			if r.RSSMiB > big.RSSMiB {
				big = r
			}
		}
		if slow.Spec != "" {
			fmt.Fprintf(w, "%s: slowest generation %s (%s), largest RSS %.0f MiB (%s)\n", t.Name, fmtMS(slow.GenMS), slow.Spec, big.RSSMiB, big.Spec)
		}
	}

	for _, t := range b.tools {
		writeCauses(w, t.Name, results, b.cfg.Causes)
	}
}

// writeCauses lists the n most frequent failure causes of tool: failures
// grouped by class and by their first error line with names, numbers,
// quoted text and positions taken out, each with up to three example specs.
func writeCauses(w io.Writer, tool string, results []result, n int) {
	type group struct {
		class, key string
		specs      []string
		example    string
	}
	groups := map[string]*group{}
	var order []*group
	failures := 0
	for _, r := range sortedResults(results) {
		if r.Tool != tool || r.Class == classOK {
			continue
		}
		failures++
		key := causeKey(r.Class, r.Error)
		g := groups[r.Class+"\x00"+key]
		if g == nil {
			g = &group{class: r.Class, key: key, example: r.Error}
			groups[r.Class+"\x00"+key] = g
			order = append(order, g)
		}
		g.specs = append(g.specs, r.Spec)
	}
	if failures == 0 || n == 0 {
		return
	}
	slices.SortStableFunc(order, func(a, b *group) int { return len(b.specs) - len(a.specs) })
	fmt.Fprintf(w, "\n%s: %d failures in %d groups; the %d most frequent:\n", tool, failures, len(order), min(n, len(order)))
	for _, g := range order[:min(n, len(order))] {
		fmt.Fprintf(w, "\n  %3d  %-14s %s\n", len(g.specs), g.class, clip(g.key, 160))
		fmt.Fprintf(w, "       e.g. %s\n", clip(tsvField(g.example), 240))
		for _, s := range g.specs[:min(3, len(g.specs))] {
			fmt.Fprintf(w, "       - %s\n", s)
		}
	}
}

var (
	reSpecLoc = regexp.MustCompile(`^\S+\.(json|ya?ml)(:\d+)?: `)
	reLocated = regexp.MustCompile(`^- \S+:\d+:\d+ -> `)
	rePointer = regexp.MustCompile(`#/(?:[^\s:,"'\x60)]|:[^\s"'\x60)])*`)
	reDQuote  = regexp.MustCompile(`"[^"]*"`)
	reSQuote  = regexp.MustCompile(`'[^']*'`)
	reBQuote  = regexp.MustCompile("`[^`]*`")
	reGoPos   = regexp.MustCompile(`(?:\S*/)?(\S+\.go):\d+(?::\d+)?:`)
	reNumber  = regexp.MustCompile(`\b\d+(\.\d+)?\b`)
	// A Go identifier with an upper-case letter or a digit after its first
	// letter, or with an underscore, as generated names are: FooBar,
	// getFoo2, Foo_bar, x.Foo.
	reGoName = regexp.MustCompile(`\b[A-Za-z_]\w*(\.[A-Za-z_]\w*)*\b`)
)

// causeKey is msg with what varies from spec to spec taken out, so that
// failures with the same cause fall in one group.
func causeKey(class, msg string) string {
	k := reSpecLoc.ReplaceAllString(msg, "")
	k = reLocated.ReplaceAllString(k, "")
	k = rePointer.ReplaceAllString(k, "#/…")
	k = reDQuote.ReplaceAllString(k, `"…"`)
	k = reSQuote.ReplaceAllString(k, `'…'`)
	k = reBQuote.ReplaceAllString(k, "`…`")
	k = reGoPos.ReplaceAllString(k, "$1:")
	k = reNumber.ReplaceAllString(k, "N")
	switch class {
	case classBuildError, classVetError, classLintError, classTestError:
		k = reGoName.ReplaceAllStringFunc(k, func(s string) string {
			if generatedName(s) {
				return "X"
			}
			return s
		})
	}
	return strings.Join(strings.Fields(k), " ")
}

// generatedName reports whether s looks like a name that comes from a spec
// rather than an English word of a Go message.
func generatedName(s string) bool {
	if strings.Contains(s, ".") || strings.Contains(s, "_") {
		return !strings.HasSuffix(s, ".go")
	}
	for i, r := range s {
		if i > 0 && (r >= 'A' && r <= 'Z' || r >= '0' && r <= '9') {
			return true
		}
	}
	return false
}

func pct(n, total int) string {
	if total == 0 {
		return "-"
	}
	return fmt.Sprintf("%.1f%%", 100*float64(n)/float64(total))
}

// quantile of sorted values, nearest rank.
func quantile(sorted []int64, q float64) int64 {
	if len(sorted) == 0 {
		return 0
	}
	i := int(q*float64(len(sorted))+0.999999) - 1
	return sorted[max(0, min(i, len(sorted)-1))]
}

func fmtMS(ms int64) string {
	if ms < 10000 {
		return fmt.Sprintf("%dms", ms)
	}
	return fmt.Sprintf("%.1fs", float64(ms)/1000)
}

func clip(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "…"
}
