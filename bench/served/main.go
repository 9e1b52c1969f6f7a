// Command served measures svcgen's generated server serving requests, side
// by side with ogen, oapi-codegen with kin-openapi's request validation and
// a hand-written net/http server, all over the same spec (pets.yaml) and
// the same in-memory behaviour. See README.md.
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"runtime"
	"strings"
	"time"
)

type config struct {
	rounds      int
	duration    time.Duration
	warmup      time.Duration
	connections int
	serverCPU   int
	wrkCPU      int
	servers     string
	cases       string
	out         string
	checksOnly  bool
	targetsOf   string
}

func main() {
	var cfg config
	flag.IntVar(&cfg.rounds, "rounds", 5, "rounds; each runs every case on every server, in an order rotated each round")
	flag.DurationVar(&cfg.duration, "duration", 6*time.Second, "measured wrk run per server, case and round (whole seconds)")
	flag.DurationVar(&cfg.warmup, "warmup", time.Second, "unmeasured wrk run before each measured one (0: none)")
	flag.IntVar(&cfg.connections, "connections", 32, "wrk connections")
	flag.IntVar(&cfg.serverCPU, "server-cpu", 0, "CPU the server is pinned to")
	flag.IntVar(&cfg.wrkCPU, "wrk-cpu", 1, "CPU wrk is pinned to")
	flag.StringVar(&cfg.servers, "servers", "", "comma-separated servers (default all: ogen,ogen-nootel,hand,oapi,svcgen,svcgen-warn)")
	flag.StringVar(&cfg.cases, "cases", "", "comma-separated cases (default all: get,post,batch,list)")
	flag.StringVar(&cfg.out, "out", "", "results file prefix (default bench/results/served-REV; .txt and .tsv)")
	flag.BoolVar(&cfg.checksOnly, "checks-only", false, "build, run the request checks and stop")
	flag.StringVar(&cfg.targetsOf, "targets", "", "print the table of each svcgen server against its peer from earlier runs' .tsv files (comma-separated: their rounds pooled), and stop")
	flag.Parse()
	if cfg.targetsOf != "" {
		if err := printTargets(os.Stdout, strings.Split(cfg.targetsOf, ",")); err != nil {
			fmt.Fprintln(os.Stderr, "served:", err)
			os.Exit(1)
		}
		return
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	if err := run(ctx, cfg, os.Stdout, os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, "served:", err)
		os.Exit(1)
	}
}

func pick[T any](all []T, list string, name func(T) string) ([]T, error) {
	if list == "" {
		return all, nil
	}
	var out []T
	for _, n := range strings.Split(list, ",") {
		found := false
		for _, x := range all {
			if name(x) == n {
				out = append(out, x)
				found = true
			}
		}
		if !found {
			return nil, fmt.Errorf("unknown name %q", n)
		}
	}
	return out, nil
}

func gitOutput(repo string, args ...string) string {
	out, err := exec.Command("git", append([]string{"-C", repo}, args...)...).Output()
	if err != nil {
		return ""
	}
	return strings.TrimSpace(string(out))
}

func loadavg() string {
	data, _ := os.ReadFile("/proc/loadavg")
	f := strings.Fields(string(data))
	if len(f) < 3 {
		return "?"
	}
	return strings.Join(f[:3], " ")
}

func run(ctx context.Context, cfg config, stdout, stderr io.Writer) error {
	logf := func(format string, args ...any) { fmt.Fprintf(stderr, format+"\n", args...) }
	if runtime.GOOS != "linux" {
		return fmt.Errorf("needs Linux (taskset, /proc)")
	}
	for _, tool := range []string{"go", "wrk", "taskset", "git"} {
		if _, err := exec.LookPath(tool); err != nil {
			return fmt.Errorf("%s not found on PATH (Debian: apt-get install -y wrk)", tool)
		}
	}
	servers, err := pick(allServers, cfg.servers, func(s server) string { return s.Name })
	if err != nil {
		return err
	}
	cases, err := pick(allCases(), cfg.cases, func(c benchCase) string { return c.Name })
	if err != nil {
		return err
	}
	here, err := os.Getwd()
	if err != nil {
		return err
	}
	if _, err := os.Stat(filepath.Join(here, "pets.yaml")); err != nil {
		return fmt.Errorf("run from bench/served: %v", err)
	}
	repo := filepath.Dir(filepath.Dir(here))
	rev := gitOutput(repo, "rev-parse", "--short", "HEAD")
	if gitOutput(repo, "status", "--porcelain", "--", ".", ":!bench") != "" {
		rev += "+dirty"
	}
	cache := filepath.Join(repo, "bench", ".cache", "served")
	b := &builder{repo: repo, here: here, cache: cache, log: logf,
		env: append(os.Environ(), "GOWORK=off", "GOTOOLCHAIN=local", "GOFLAGS=-buildvcs=false")}

	bins := map[string]string{}
	for _, s := range servers {
		if bins[s.Build] != "" {
			continue
		}
		logf("building %s", s.Build)
		bin, err := b.build(ctx, s.Build)
		if err != nil {
			return err
		}
		bins[s.Build] = bin
	}

	scripts := map[string]string{}
	for _, c := range cases {
		p := filepath.Join(cache, "wrk-"+c.Name+".lua")
		if err := os.WriteFile(p, []byte(wrkScript(c)), 0o644); err != nil {
			return err
		}
		scripts[c.Name] = p
	}

	// Every server is started once and runs to the end, each pinned to the
	// server CPU and idle but for its turn. A round runs each case on every
	// server in turn, so the runs a ratio pairs (one case, one round) follow
	// each other within seconds: the load of a shared machine moves less
	// between them than between runs minutes apart.
	procs := make(map[string]*running, len(servers))
	defer func() {
		for _, r := range procs {
			r.stop()
		}
	}()
	for _, s := range servers {
		r, err := start(cfg, s, bins[s.Build], cache)
		if err != nil {
			return err
		}
		procs[s.Name] = r
	}

	// Every server answers the same requests first.
	checks := allChecks(allCases())
	statuses := map[string][]int{}
	for _, s := range servers {
		statuses[s.Name] = runChecks(procs[s.Name].addr, checks)
	}
	for i, c := range checks {
		if !strings.HasPrefix(c.Name, "bench ") {
			continue
		}
		for _, s := range servers {
			if got := statuses[s.Name][i]; got != c.Want {
				return fmt.Errorf("%s answers %s with %d, not %d: it would be measured doing other work", s.Name, c.Name, got, c.Want)
			}
		}
	}
	if cfg.checksOnly {
		checkTable(stdout, checks, servers, statuses)
		return nil
	}

	started := time.Now().UTC()
	loadBefore := loadavg()
	var samples []sample
	for round := 1; round <= cfg.rounds; round++ {
		for _, c := range cases {
			for _, s := range runOrder(servers, round) {
				r := procs[s.Name]
				if ctx.Err() != nil {
					return ctx.Err()
				}
				if cfg.warmup > 0 {
					if _, err := runWrk(ctx, cfg, scripts[c.Name], r.addr, cfg.warmup); err != nil {
						return err
					}
				}
				before, err1 := cpuTicks(r.cmd.Process.Pid)
				res, err := runWrk(ctx, cfg, scripts[c.Name], r.addr, cfg.duration)
				after, err2 := cpuTicks(r.cmd.Process.Pid)
				if err == nil {
					err = err1
				}
				if err == nil {
					err = err2
				}
				if err != nil {
					return err
				}
				sm := sample{Round: round, Server: s.Name, Case: c.Name, Requests: res.Requests,
					RPS:   float64(res.Requests) / (float64(res.DurationUS) / 1e6),
					P99US: float64(res.P99US), P50US: float64(res.P50US),
					CPUUS:  float64(after-before) * 1e6 / ticksPerSecond / float64(max(res.Requests, 1)),
					Errors: res.errors()}
				samples = append(samples, sm)
				logf("round %d  %-12s %-6s %9.0f req/s  p99 %7.0f µs  cpu %5.1f µs/req  errors %d", round, s.Name, c.Name, sm.RPS, sm.P99US, sm.CPUUS, sm.Errors)
			}
		}
	}
	meta := runMeta{Rev: rev, Started: started, Ended: time.Now().UTC(), LoadBefore: loadBefore, LoadAfter: loadavg(), Config: cfg}
	if cfg.out == "" {
		cfg.out = filepath.Join(repo, "bench", "results", "served-"+strings.ReplaceAll(rev, "+", "-"))
	}
	return report(stdout, cfg.out, meta, servers, cases, samples, checks, statuses)
}
