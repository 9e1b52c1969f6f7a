package cli

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/svcgen/svcgen/generator"
	"github.com/svcgen/svcgen/generator/file"
	"github.com/svcgen/svcgen/generator/load"
	"github.com/svcgen/svcgen/generator/model"
)

var update = flag.Bool("update", false, "rewrite golden files")

// testApp returns an app writing to fresh buffers whose generator fails the
// test if called.
func testApp(t *testing.T) (a *app, stdout, stderr *bytes.Buffer) {
	t.Helper()
	stdout, stderr = new(bytes.Buffer), new(bytes.Buffer)
	a = &app{
		stdin: strings.NewReader(""), stdout: stdout, stderr: stderr,
		generate: func(context.Context, generator.Options) (*generator.Result, error) {
			t.Error("the generator ran, but this test should not reach it")
			return nil, errors.New("no generator in this test")
		},
	}
	return a, stdout, stderr
}

func TestNewServiceFlags(t *testing.T) {
	tests := []struct {
		name     string
		args     []string
		want     *NewServiceOptions // nil: runF must not be called
		wantCode int
		wantErr  string // in stderr
	}{
		{
			name:     "required only",
			args:     []string{"new-service", "--spec", "spec/orders.yaml", "--out", "./orders"},
			want:     &NewServiceOptions{SpecPath: "spec/orders.yaml", OutDir: "./orders"},
			wantCode: exitOK,
		},
		{
			name: "every flag",
			args: []string{"new-service", "--spec=o.json", "--out", "o", "--module", "example.com/orders", "--name", "orders", "--force", "--ref-root", ".."},
			want: &NewServiceOptions{
				SpecPath: "o.json", OutDir: "o", Module: "example.com/orders", Name: "orders", Force: 1, RefRoot: "..",
			},
			wantCode: exitOK,
		},
		{
			name:     "force twice",
			args:     []string{"new-service", "--spec=o.json", "--out", "o", "--force", "--force"},
			want:     &NewServiceOptions{SpecPath: "o.json", OutDir: "o", Force: 2},
			wantCode: exitOK,
		},
		{
			name:     "force as a count",
			args:     []string{"new-service", "--spec=o.json", "--out", "o", "--force=2"},
			want:     &NewServiceOptions{SpecPath: "o.json", OutDir: "o", Force: 2},
			wantCode: exitOK,
		},
		{
			name:     "missing --spec",
			args:     []string{"new-service", "--out", "o"},
			wantCode: exitUsage,
			wantErr:  "svcgen: missing --spec FILE\n",
		},
		{
			name:     "missing --out",
			args:     []string{"new-service", "--spec", "o.yaml"},
			wantCode: exitUsage,
			wantErr:  "svcgen: missing --out DIR\n",
		},
		{
			name:     "missing both",
			args:     []string{"new-service"},
			wantCode: exitUsage,
			wantErr:  "missing --spec FILE and --out DIR",
		},
		{
			name:     "unknown flag",
			args:     []string{"new-service", "--spec", "o.yaml", "--out", "o", "--frobnicate"},
			wantCode: exitUsage,
			wantErr:  "svcgen: unknown flag: --frobnicate\nRun 'svcgen new-service --help' for usage.\n",
		},
		{
			name:     "flag without value",
			args:     []string{"new-service", "--out", "o", "--spec"},
			wantCode: exitUsage,
			wantErr:  "flag needs an argument",
		},
		{
			name:     "positional argument",
			args:     []string{"new-service", "--spec", "o.yaml", "--out", "o", "extra"},
			wantCode: exitUsage,
			wantErr:  `"extra"`,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a, _, stderr := testApp(t)
			var got *NewServiceOptions
			runF := func(o *NewServiceOptions) error {
				got = o
				return nil
			}
			code := a.execute(a.newRootCmd(runF), tt.args)

			if code != tt.wantCode {
				t.Errorf("exit code %d, want %d; stderr:\n%s", code, tt.wantCode, stderr)
			}
			if !strings.Contains(stderr.String(), tt.wantErr) {
				t.Errorf("stderr = %q, want it to contain %q", stderr, tt.wantErr)
			}
			if tt.want == nil {
				if got != nil {
					t.Errorf("runF called with %+v, want no call", got)
				}
				return
			}
			if got == nil {
				t.Fatal("runF not called")
			}
			if got.SpecPath != tt.want.SpecPath || got.OutDir != tt.want.OutDir || got.Module != tt.want.Module ||
				got.Name != tt.want.Name || got.Force != tt.want.Force || got.RefRoot != tt.want.RefRoot {
				t.Errorf("options = %+v, want %+v", got, tt.want)
			}
			if got.Stdout == nil || got.Stderr == nil || got.Generate == nil || got.Context == nil {
				t.Errorf("options lack streams, generator or context: %+v", got)
			}
		})
	}
}

func TestRun(t *testing.T) {
	tests := []struct {
		name       string
		args       []string
		wantCode   int
		wantStdout string // contained in stdout
		wantStderr string // contained in stderr
	}{
		{"version", []string{"version"}, exitOK, "svcgen " + generator.Version + "\n", ""},
		{"no command prints help", nil, exitOK, "new-service", ""},
		{"help", []string{"--help"}, exitOK, "Available Commands", ""},
		{"new-service help has the example", []string{"new-service", "--help"}, exitOK,
			"svcgen new-service --spec spec/orders.yaml --out ./orders --module example.com/orders", ""},
		{"completion bash", []string{"completion", "bash"}, exitOK, "bash completion V2 for svcgen", ""},
		{"completion zsh", []string{"completion", "zsh"}, exitOK, "#compdef svcgen", ""},
		{"unknown command", []string{"frobnicate"}, exitUsage, "",
			"svcgen: unknown command \"frobnicate\" for \"svcgen\"\nRun 'svcgen --help' for usage.\n"},
		{"unknown root flag", []string{"--frobnicate"}, exitUsage, "",
			"svcgen: unknown flag: --frobnicate\nRun 'svcgen --help' for usage.\n"},
		{"version takes no arguments", []string{"version", "now"}, exitUsage, "", "svcgen: "},
		{"regenerate outside a service", []string{"regenerate", "--dir", "testdata"}, exitError, "",
			"svcgen: testdata is not a service made by svcgen: it has no .svcgen/manifest.json (make one with svcgen new-service)\n"},
		{"regenerate in a missing folder", []string{"regenerate", "--dir", "testdata/no-such-service"}, exitError, "",
			"svcgen: --dir testdata/no-such-service: no such folder\n"},
		{"regenerate takes no arguments", []string{"regenerate", "now"}, exitUsage, "", "svcgen: "},
		{"regenerate: dry run or check", []string{"regenerate", "--dry-run", "--check"}, exitUsage, "",
			"svcgen: --dry-run and --check cannot be used together\nRun 'svcgen regenerate --help' for usage.\n"},
		{"spec completion filters extensions", []string{"__complete", "new-service", "--spec", ""}, exitOK,
			"yaml\nyml\njson\n:8\n", ""},
		{"out completion offers folders", []string{"__complete", "new-service", "--out", ""}, exitOK, ":16\n", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			code := Run(tt.args, strings.NewReader(""), &stdout, &stderr)
			if code != tt.wantCode {
				t.Errorf("exit code %d, want %d; stderr:\n%s", code, tt.wantCode, &stderr)
			}
			if !strings.Contains(stdout.String(), tt.wantStdout) {
				t.Errorf("stdout = %q, want it to contain %q", &stdout, tt.wantStdout)
			}
			if !strings.Contains(stderr.String(), tt.wantStderr) {
				t.Errorf("stderr = %q, want it to contain %q", &stderr, tt.wantStderr)
			}
		})
	}
}

// fakeResult is a hand-made generator result with two files, two coverage
// items and a warning.
func fakeResult() *generator.Result {
	return &generator.Result{
		Service: &model.Service{
			Name:   "orders",
			Module: "example.com/orders",
			Coverage: model.Coverage{
				Operations: 5,
				Types:      1,
				Items: []model.CoverageItem{
					{Pointer: "#/components/schemas/Shape", Status: "degraded", What: "oneOf without discriminator", Outcome: "json.RawMessage"},
					{Pointer: "#/paths/~1files/post/requestBody", Status: "skipped", What: "multipart/form-data body", Outcome: "not generated"},
				},
			},
		},
		Files: []file.File{
			{Path: "go.mod", Content: []byte("module example.com/orders\n"), Class: file.Scaffold, Mode: 0o644},
			{Path: "internal/server/server_gen.go", Content: []byte("package server\n"), Class: file.Generated, Mode: 0o644},
		},
		Warnings: []load.Warning{
			{File: "orders.yaml", Pointer: "#/paths/~1orders/get", Message: "operationId missing; using getOrders"},
		},
	}
}

func TestPrintReport(t *testing.T) {
	honoured := fakeResult()
	honoured.Service.Coverage.Items = nil
	honoured.Files = honoured.Files[:1]
	honoured.Warnings = nil

	for _, tc := range []struct {
		name   string
		res    *generator.Result
		outDir string
	}{
		{"degraded", fakeResult(), "./orders"},
		{"honoured", honoured, "my services/orders"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var buf bytes.Buffer
			buf.WriteString("--- stderr\n")
			printWarnings(&buf, tc.res.Warnings)
			buf.WriteString("--- stdout\n")
			printReport(&buf, tc.res, tc.outDir)
			golden(t, filepath.Join("testdata", "report_"+tc.name+".golden"), buf.String())
		})
	}
}

func TestNewServiceEndToEnd(t *testing.T) {
	a, stdout, stderr := testApp(t)
	var gotOpts generator.Options
	a.generate = func(_ context.Context, o generator.Options) (*generator.Result, error) {
		gotOpts = o
		return fakeResult(), nil
	}
	out := filepath.Join(t.TempDir(), "orders")
	args := []string{"new-service", "--spec", "spec/orders.yaml", "--out", out, "--module", "example.com/orders", "--name", "orders", "--ref-root", "spec"}

	if code := a.execute(a.newRootCmd(nil), args); code != exitOK {
		t.Fatalf("exit code %d, want 0; stderr:\n%s", code, stderr)
	}
	if want := (generator.Options{SpecPath: "spec/orders.yaml", Module: "example.com/orders", Name: "orders", RefRoot: "spec", CollectEarly: true}); gotOpts != want {
		t.Errorf("generator options = %+v, want %+v", gotOpts, want)
	}
	for _, f := range fakeResult().Files {
		b, err := os.ReadFile(filepath.Join(out, filepath.FromSlash(f.Path)))
		if err != nil || !bytes.Equal(b, f.Content) {
			t.Errorf("%s = %q, %v; want %q", f.Path, b, err, f.Content)
		}
	}
	for _, want := range []string{"Generated service orders (module example.com/orders)", "2 files, 5 operations, 1 type",
		"  degraded  #/components/schemas/Shape  oneOf without discriminator → json.RawMessage", "cd " + out + " && go build"} {
		if !strings.Contains(stdout.String(), want) {
			t.Errorf("stdout lacks %q:\n%s", want, stdout)
		}
	}
	if want := "warning: orders.yaml: #/paths/~1orders/get: operationId missing; using getOrders\n"; stderr.String() != want {
		t.Errorf("stderr = %q, want %q", stderr, want)
	}

	// The folder now holds the service: a second run must not clobber it.
	stdout.Reset()
	stderr.Reset()
	if code := a.execute(a.newRootCmd(nil), args); code != exitError {
		t.Errorf("second run: exit code %d, want 1", code)
	}
	if !strings.Contains(stderr.String(), "svcgen: ") || !strings.Contains(stderr.String(), "--force") {
		t.Errorf("second run: stderr = %q, want an error naming --force", stderr)
	}
	if strings.Contains(stderr.String(), "for usage") {
		t.Errorf("second run: stderr = %q, a failed write is not a usage error", stderr)
	}
	if stdout.Len() != 0 {
		t.Errorf("second run: stdout = %q, want nothing", stdout)
	}

	// The fake service has no manifest, so the folder does not look like
	// svcgen's: one --force says what it would overwrite and writes nothing.
	stderr.Reset()
	os.WriteFile(filepath.Join(out, "go.mod"), []byte("mine"), 0o644)
	if code := a.execute(a.newRootCmd(nil), append(args, "--force")); code != exitError {
		t.Errorf("run with --force: exit code %d, want 1; stderr:\n%s", code, stderr)
	}
	if want := "--force would overwrite 2 of its files (go.mod, internal/server/server_gen.go); give --force twice"; !strings.Contains(stderr.String(), want) {
		t.Errorf("run with --force: stderr = %q, want %q", stderr, want)
	}
	if b, _ := os.ReadFile(filepath.Join(out, "go.mod")); string(b) != "mine" {
		t.Errorf("run with --force overwrote go.mod: %q", b)
	}

	// Twice, it goes through.
	stderr.Reset()
	if code := a.execute(a.newRootCmd(nil), append(args, "--force", "--force")); code != exitOK {
		t.Errorf("run with --force --force: exit code %d, want 0; stderr:\n%s", code, stderr)
	}
}

// TestNewServiceForceIntoService: a folder svcgen made takes one --force.
func TestNewServiceForceIntoService(t *testing.T) {
	a, _, stderr := testApp(t)
	res := fakeResult()
	res.Files = append(res.Files, file.File{Path: generator.ManifestPath, Content: []byte("{}\n"), Class: file.Manifest, Mode: 0o644})
	a.generate = func(context.Context, generator.Options) (*generator.Result, error) { return res, nil }
	out := filepath.Join(t.TempDir(), "orders")
	args := []string{"new-service", "--spec", "spec/orders.yaml", "--out", out}
	if code := a.execute(a.newRootCmd(nil), args); code != exitOK {
		t.Fatalf("first run: exit code %d; stderr:\n%s", code, stderr)
	}
	if code := a.execute(a.newRootCmd(nil), append(args, "--force")); code != exitOK {
		t.Fatalf("second run with --force: exit code %d; stderr:\n%s", code, stderr)
	}
}

// TestNewServiceForceRoot: --out / --force is refused and writes nothing.
// The fake service's only file names a folder every root has, so a broken
// check would fail to write rather than write into /.
func TestNewServiceForceRoot(t *testing.T) {
	if _, err := os.Stat("/usr"); err != nil {
		t.Skip("no /usr here")
	}
	a, _, stderr := testApp(t)
	res := fakeResult()
	res.Files = []file.File{{Path: "usr", Content: []byte("x"), Mode: 0o644}}
	a.generate = func(context.Context, generator.Options) (*generator.Result, error) { return res, nil }
	code := a.execute(a.newRootCmd(nil), []string{"new-service", "--spec", "spec/orders.yaml", "--out", "/", "--force"})
	if code != exitError || !strings.Contains(stderr.String(), "svcgen: output folder / is the file system's root; svcgen writes there only with --force given twice") {
		t.Errorf("exit code %d, stderr %q; want 1 and a refusal naming the root", code, stderr)
	}
}

func TestNewServiceGeneratorError(t *testing.T) {
	a, stdout, stderr := testApp(t)
	a.generate = func(context.Context, generator.Options) (*generator.Result, error) {
		return nil, errors.New("orders.yaml: #/paths/~1orders/get/responses: no responses")
	}
	out := filepath.Join(t.TempDir(), "orders")
	code := a.execute(a.newRootCmd(nil), []string{"new-service", "--spec", "orders.yaml", "--out", out})
	if code != exitError {
		t.Errorf("exit code %d, want 1", code)
	}
	if want := "svcgen: orders.yaml: #/paths/~1orders/get/responses: no responses\n"; stderr.String() != want {
		t.Errorf("stderr = %q, want %q", stderr, want)
	}
	if stdout.Len() != 0 {
		t.Errorf("stdout = %q, want nothing", stdout)
	}
	if _, err := os.Stat(out); err == nil {
		t.Errorf("%s was created although generation failed", out)
	}
}

// golden compares got with the golden file name, or rewrites it with -update.
func golden(t *testing.T, name, got string) {
	t.Helper()
	if *update {
		old, _ := os.ReadFile(name)
		if string(old) != got {
			if err := os.MkdirAll(filepath.Dir(name), 0o755); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(name, []byte(got), 0o644); err != nil {
				t.Fatal(err)
			}
			t.Logf("updated %s", name)
		}
		return
	}
	want, err := os.ReadFile(name)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if string(want) != got {
		t.Errorf("%s differs (run go test -update to accept):\n--- want\n%s\n--- got\n%s", name, want, got)
	}
}
