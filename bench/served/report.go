package main

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"
)

// sample is one measured wrk run.
type sample struct {
	Round        int
	Server, Case string
	Requests     int64
	RPS          float64
	P50US, P99US float64
	CPUUS        float64 // server CPU time (user + system) per request
	Errors       int64
}

type runMeta struct {
	Rev                   string
	Started, Ended        time.Time
	LoadBefore, LoadAfter string
	Config                config
}

// median of xs; of an even count, the mean of the middle two.
func median(xs []float64) float64 {
	if len(xs) == 0 {
		return 0
	}
	s := append([]float64(nil), xs...)
	sort.Float64s(s)
	n := len(s)
	if n%2 == 1 {
		return s[n/2]
	}
	return (s[n/2-1] + s[n/2]) / 2
}

type stats struct {
	rps, p99, cpu                float64 // medians
	rpsRatio, p99Ratio, cpuRatio float64 // medians of per-round ratios to the reference server
}

func summarize(samples []sample, ref string) map[[2]string]stats {
	by := map[[2]string][]sample{}
	for _, s := range samples {
		k := [2]string{s.Server, s.Case}
		by[k] = append(by[k], s)
	}
	refOf := func(c string, round int) *sample {
		for i := range by[[2]string{ref, c}] {
			if s := &by[[2]string{ref, c}][i]; s.Round == round {
				return s
			}
		}
		return nil
	}
	out := map[[2]string]stats{}
	for k, ss := range by {
		var rps, p99, cpu, rr, pr, cr []float64
		for _, s := range ss {
			rps, p99, cpu = append(rps, s.RPS), append(p99, s.P99US), append(cpu, s.CPUUS)
			if r := refOf(k[1], s.Round); r != nil && r.RPS > 0 && r.P99US > 0 && r.CPUUS > 0 {
				rr, pr, cr = append(rr, s.RPS/r.RPS), append(pr, s.P99US/r.P99US), append(cr, s.CPUUS/r.CPUUS)
			}
		}
		out[k] = stats{median(rps), median(p99), median(cpu), median(rr), median(pr), median(cr)}
	}
	return out
}

func report(stdout io.Writer, prefix string, meta runMeta, servers []server, cases []benchCase, samples []sample, checks []check, statuses map[string][]int) error {
	ref := servers[0].Name
	for _, s := range servers {
		if s.Name == "ogen" {
			ref = "ogen"
		}
	}
	st := summarize(samples, ref)
	var b bytes.Buffer
	cfg := meta.Config
	fmt.Fprintf(&b, "# Served benchmark, svcgen %s\n\n", meta.Rev)
	fmt.Fprintf(&b, "%s to %s UTC; %d rounds of %s per server and case (after %s warm-up), wrk -t1 -c%d on CPU %d, server on CPU %d; load average %s before, %s after.\n",
		meta.Started.Format("2006-01-02 15:04"), meta.Ended.Format("15:04"), cfg.rounds, cfg.duration, cfg.warmup, cfg.connections, cfg.wrkCPU, cfg.serverCPU, meta.LoadBefore, meta.LoadAfter)
	fmt.Fprintf(&b, "Ratios are medians of per-round ratios to %s (req/s: higher is better; p99 and CPU: lower is better).\n\n", ref)

	// The short table: throughput ratio per case, and CPU per POST.
	fmt.Fprintf(&b, "| server |")
	for _, c := range cases {
		fmt.Fprintf(&b, " %s ÷ %s |", strings.ToUpper(c.Name), ref)
	}
	hasPost := false
	for _, c := range cases {
		hasPost = hasPost || c.Name == "post"
	}
	if hasPost {
		fmt.Fprintf(&b, " p99 POST ÷ %s | server CPU per POST |", ref)
	}
	fmt.Fprintf(&b, "\n|---|")
	for range cases {
		fmt.Fprintf(&b, "---:|")
	}
	if hasPost {
		fmt.Fprintf(&b, "---:|---:|")
	}
	fmt.Fprintln(&b)
	for _, s := range servers {
		fmt.Fprintf(&b, "| %s |", s.Label)
		for _, c := range cases {
			fmt.Fprintf(&b, " %.2f |", st[[2]string{s.Name, c.Name}].rpsRatio)
		}
		if hasPost {
			x := st[[2]string{s.Name, "post"}]
			fmt.Fprintf(&b, " %.2f | %.0f µs |", x.p99Ratio, x.cpu)
		}
		fmt.Fprintln(&b)
	}

	targets(&b, samples, servers)

	for _, c := range cases {
		fmt.Fprintf(&b, "\n## %s\n\n| server | req/s | ÷ %s | p99 | ÷ %s | CPU/req | ÷ %s |\n|---|---:|---:|---:|---:|---:|---:|\n", c.Label, ref, ref, ref)
		for _, s := range servers {
			x := st[[2]string{s.Name, c.Name}]
			fmt.Fprintf(&b, "| %s | %.0f | %.2f | %.0f µs | %.2f | %.1f µs | %.2f |\n", s.Name, x.rps, x.rpsRatio, x.p99, x.p99Ratio, x.cpu, x.cpuRatio)
		}
	}
	var errs []string
	for _, s := range samples {
		if s.Errors > 0 {
			errs = append(errs, fmt.Sprintf("round %d %s %s: %d", s.Round, s.Server, s.Case, s.Errors))
		}
	}
	if len(errs) > 0 {
		fmt.Fprintf(&b, "\nwrk errors (socket errors, timeouts, non-2xx): %s\n", strings.Join(errs, "; "))
	}
	fmt.Fprintf(&b, "\n## Answers to the same requests (✗: not the status the spec implies)\n\n")
	checkTable(&b, checks, servers, statuses)

	if _, err := stdout.Write(b.Bytes()); err != nil {
		return err
	}
	var t bytes.Buffer
	fmt.Fprintln(&t, "round\tserver\tcase\trequests\treq_per_s\tp50_us\tp99_us\tcpu_us_per_req\terrors")
	for _, s := range samples {
		fmt.Fprintf(&t, "%d\t%s\t%s\t%d\t%.1f\t%.0f\t%.0f\t%.2f\t%d\n", s.Round, s.Server, s.Case, s.Requests, s.RPS, s.P50US, s.P99US, s.CPUUS, s.Errors)
	}
	if err := os.MkdirAll(filepath.Dir(prefix), 0o755); err != nil {
		return err
	}
	if err := os.WriteFile(prefix+".txt", b.Bytes(), 0o644); err != nil {
		return err
	}
	return os.WriteFile(prefix+".tsv", t.Bytes(), 0o644)
}

// targets prints issue 14's comparisons, each pair of servers compared
// directly (medians of their per-round ratios, as the tables are to ogen):
// svcgen as generated against ogen's defaults, and with request logs off
// against ogen without OpenTelemetry. A ratio of the two columns "÷ ogen"
// above is only an estimate of the same: each is a median over different
// rounds.
func targets(b *bytes.Buffer, samples []sample, servers []server) {
	has := map[string]bool{}
	for _, s := range servers {
		has[s.Name] = true
	}
	header := false
	for _, s := range servers {
		p := [2]string{s.Name, s.Peer}
		if s.Peer == "" || !has[p[1]] {
			continue
		}
		st := summarize(samples, p[1])
		get, post := st[[2]string{p[0], "get"}], st[[2]string{p[0], "post"}]
		if get.rpsRatio == 0 && post.rpsRatio == 0 {
			continue
		}
		if !header {
			fmt.Fprintf(b, "\n## Each svcgen server against its peer (medians of per-round ratios; higher req/s, lower p99 and CPU are better)\n\n")
			fmt.Fprintf(b, "| comparison | GET req/s | POST req/s | p99 GET | p99 POST | CPU per GET | CPU per POST |\n|---|---:|---:|---:|---:|---:|---:|\n")
			header = true
		}
		fmt.Fprintf(b, "| %s ÷ %s | %.2f | %.2f | %.2f | %.2f | %.2f | %.2f |\n", p[0], p[1],
			get.rpsRatio, post.rpsRatio, get.p99Ratio, post.p99Ratio, get.cpuRatio, post.cpuRatio)
	}
}

// printTargets prints targets for the samples of the .tsv files of one or
// more runs. The rounds of several runs are pooled, numbered on from one
// file to the next, so that each median is over all their rounds: runs of
// the same served path, to see past one run's noise.
func printTargets(w io.Writer, tsvs []string) error {
	var samples []sample
	rounds := 0
	for _, tsv := range tsvs {
		data, err := os.ReadFile(tsv)
		if err != nil {
			return err
		}
		last := 0
		for i, line := range strings.Split(strings.TrimSpace(string(data)), "\n") {
			if i == 0 {
				continue // the header
			}
			var s sample
			if _, err := fmt.Sscanf(strings.ReplaceAll(line, "\t", " "), "%d %s %s %d %g %g %g %g %d",
				&s.Round, &s.Server, &s.Case, &s.Requests, &s.RPS, &s.P50US, &s.P99US, &s.CPUUS, &s.Errors); err != nil {
				return fmt.Errorf("%s:%d: %v", tsv, i+1, err)
			}
			last = max(last, s.Round)
			s.Round += rounds
			samples = append(samples, s)
		}
		rounds += last
	}
	var b bytes.Buffer
	if len(tsvs) > 1 {
		fmt.Fprintf(&b, "\n%d rounds of %d runs\n", rounds, len(tsvs))
	}
	targets(&b, samples, allServers)
	_, err := w.Write(b.Bytes())
	return err
}
