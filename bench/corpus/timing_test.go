package main

import (
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

func TestMedian(t *testing.T) {
	for _, c := range []struct {
		xs   []float64
		want float64
	}{
		{nil, 0},
		{[]float64{7}, 7},
		{[]float64{3, 1, 2}, 2},
		{[]float64{4000, 3000}, 3500},
		{[]float64{5, 1, 100, 2}, 3.5},
		{[]float64{9, 1, 5, 5, 1000, 2, 4}, 5},
	} {
		in := slices.Clone(c.xs)
		if got := median(c.xs); got != c.want {
			t.Errorf("median(%v) = %v, want %v", in, got, c.want)
		}
		if !slices.Equal(in, c.xs) {
			t.Errorf("median reordered its input: %v, was %v", c.xs, in)
		}
	}
}

const githubSpec = "@octokit/openapi/generated/api.github.com.json"

// timingRuns are two interleaved runs of three tools on GitHub's spec, the
// peers failing (one ogen run only), and a run on another spec that the
// GitHub table must not count.
var timingRuns = []timedRun{
	{Tool: "svcgen", Spec: githubSpec, Run: 1, WallMS: 4200, CPUMS: 6100, RSSMiB: 700, Class: classOK},
	{Tool: "oapi-codegen", Spec: githubSpec, Run: 1, WallMS: 3100, CPUMS: 3900, RSSMiB: 500, Class: classGenerateError, Error: "error generating code: x"},
	{Tool: "ogen", Spec: githubSpec, Run: 1, WallMS: 2000, CPUMS: 2500, RSSMiB: 400, Class: classGenerateError, Error: `Feature "y" is not implemented yet.`},
	{Tool: "svcgen", Spec: githubSpec, Run: 2, WallMS: 4001, CPUMS: 6000, RSSMiB: 702, Class: classOK},
	{Tool: "oapi-codegen", Spec: githubSpec, Run: 2, WallMS: 2900, CPUMS: 3700, RSSMiB: 510, Class: classGenerateError, Error: "error generating code: x"},
	{Tool: "ogen", Spec: githubSpec, Run: 2, WallMS: 12000, CPUMS: 13000, RSSMiB: 410, Class: classOK},
	{Tool: "svcgen", Spec: "other.json", Run: 1, WallMS: 99999, CPUMS: 1, RSSMiB: 1, Class: classOK},
}

func TestWriteTimingSpec(t *testing.T) {
	var sb strings.Builder
	writeTimingSpec(&sb, githubSpec, []string{"svcgen", "oapi-codegen", "ogen"}, timingRuns)
	want := `@octokit/openapi/generated/api.github.com.json
tool          runs  ok/failed  wall median  wall min  wall max  CPU median  RSS median
svcgen        2     2/0        4101ms       4001ms    4200ms    6050ms      701 MiB
oapi-codegen  2     0/2        3000ms       2900ms    3100ms    3800ms      505 MiB
ogen          2     1/1        7000ms       2000ms    12.0s     7750ms      405 MiB
svcgen/oapi-codegen median wall ratio: 1.37 (oapi-codegen failed in every run: time to failure)
svcgen/ogen median wall ratio: 0.59 (ogen failed in 1 of 2 runs: time to failure)
oapi-codegen failed: generate-error: error generating code: x
ogen failed: generate-error: Feature "y" is not implemented yet.
`
	if got := sb.String(); got != want {
		t.Errorf("got:\n%s\nwant:\n%s", got, want)
	}
}

// TestWriteTimingSpecPeersOnly: no svcgen, so no ratio; a tool without a run
// keeps its row.
func TestWriteTimingSpecPeersOnly(t *testing.T) {
	var sb strings.Builder
	writeTimingSpec(&sb, "other.json", []string{"oapi-codegen", "ogen"}, timingRuns[:6])
	want := `other.json
tool          runs  ok/failed  wall median  wall min  wall max  CPU median  RSS median
oapi-codegen  0     -          -            -         -         -           -
ogen          0     -          -            -         -         -           -
`
	if got := sb.String(); got != want {
		t.Errorf("got:\n%s\nwant:\n%s", got, want)
	}
}

func TestWriteTimingTSV(t *testing.T) {
	path := filepath.Join(t.TempDir(), "sub", "t.tsv")
	if err := writeTimingTSV(path, timingRuns[:2]); err != nil {
		t.Fatal(err)
	}
	got, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	want := "tool\tspec\trun\twall_ms\tcpu_ms\trss_mib\tclass\n" +
		"svcgen\t" + githubSpec + "\t1\t4200\t6100\t700.0\tok\n" +
		"oapi-codegen\t" + githubSpec + "\t1\t3100\t3900\t500.0\tgenerate-error\n"
	if string(got) != want {
		t.Errorf("got:\n%s\nwant:\n%s", got, want)
	}
}

func TestParseFlagsTimeRuns(t *testing.T) {
	cfg, err := parseFlags(nil, io.Discard)
	if err != nil || cfg.TimeRuns != 0 || cfg.Jobs != 2 {
		t.Fatalf("defaults: %+v %v; want --time-runs 0 (off) and --jobs 2", cfg, err)
	}
	cfg, err = parseFlags([]string{"--source", "github", "--peers", "--time-runs", "7"}, io.Discard)
	if err != nil || cfg.TimeRuns != 7 || cfg.Jobs != 1 {
		t.Errorf("--time-runs 7: %+v %v; want 7 runs and 1 job", cfg, err)
	}
	var stderr strings.Builder
	cfg, err = parseFlags([]string{"--time-runs", "2", "--jobs", "4"}, &stderr)
	if err != nil || cfg.Jobs != 1 {
		t.Errorf("--time-runs 2 --jobs 4: %+v %v; want 1 job", cfg, err)
	}
	if !strings.Contains(stderr.String(), "--jobs 4 ignored") {
		t.Errorf("--jobs 4 forced to 1 silently: %q", stderr.String())
	}
	stderr.Reset()
	if _, err := parseFlags([]string{"--time-runs", "2", "--jobs", "1"}, &stderr); err != nil || stderr.Len() > 0 {
		t.Errorf("--time-runs 2 --jobs 1: %v %q", err, stderr.String())
	}
	if cfg, err := parseFlags([]string{"--jobs", "4", "--keep"}, io.Discard); err != nil || cfg.Jobs != 4 {
		t.Errorf("without --time-runs, --jobs 4 --keep: %+v %v", cfg, err)
	}
	for _, args := range [][]string{
		{"--time-runs", "-1"},
		{"--time-runs", "x"},
		{"--time-runs", "3", "--keep"},
	} {
		if _, err := parseFlags(args, io.Discard); err == nil {
			t.Errorf("%q was accepted", args)
		}
	}
}
