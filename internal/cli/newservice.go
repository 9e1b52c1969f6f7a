package cli

import (
	"context"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/spf13/cobra"

	"github.com/svcgen/svcgen/generator"
	"github.com/svcgen/svcgen/generator/load"
	"github.com/svcgen/svcgen/generator/model"
	"github.com/svcgen/svcgen/generator/write"
)

// NewServiceOptions is everything `svcgen new-service` needs: the parsed
// flags, where to print, and the generator to call.
type NewServiceOptions struct {
	SpecPath string // --spec
	OutDir   string // --out
	Module   string // --module; empty: the generator's default
	Name     string // --name; empty: the generator's default
	RefRoot  string // --ref-root
	Force    int    // how many times --force was given

	KeepPanics bool // SVCGEN_PANIC is set: see generator.Options

	Context        context.Context
	Stdout, Stderr io.Writer
	Generate       func(context.Context, generator.Options) (*generator.Result, error)
}

// newNewServiceCmd builds `svcgen new-service`. runF, when not nil, is called
// with the parsed options instead of doing the work, so tests can check flag
// parsing alone.
func (a *app) newNewServiceCmd(runF func(*NewServiceOptions) error) *cobra.Command {
	opts := &NewServiceOptions{Stdout: a.stdout, Stderr: a.stderr, Generate: a.generate, KeepPanics: a.keepPanics}
	cmd := &cobra.Command{
		Use:   "new-service --spec FILE --out DIR [flags]",
		Short: "Generate a new service repository from an OpenAPI spec",
		Long: `Generate a complete Go service repository from an OpenAPI spec.

The spec may be OpenAPI 3.0, 3.1 or Swagger 2.0, in YAML or JSON. The new
repository gets its own go.mod and builds, vets and passes its tests right
away; start by filling in the service implementation, whose every operation
answers 501 Not Implemented until you write it.

--out must not exist or be empty, unless --force is given: then files svcgen
generates replace files of the same name and other files are left alone.
One --force is enough for a folder svcgen made before; a folder holding
other files, the root folder, a system folder such as /etc (also through a
symbolic link) and your home folder take --force twice, and a single one
says what it would overwrite. Nothing is written when the spec cannot be
used.

$refs may read files in the spec's folder and below it; --ref-root DIR
widens that to DIR. Remote $refs are always refused.

Constructs of the spec that svcgen cannot honour fully are listed after
generation with what they became; spec warnings go to standard error.`,
		Example: `  # Generate the orders service into ./orders
  svcgen new-service --spec spec/orders.yaml --out ./orders --module example.com/orders

  # Pick the Go name of the service instead of deriving it from info.title
  svcgen new-service --spec petstore.json --out ./pets --name pets`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			var missing []string
			if opts.SpecPath == "" {
				missing = append(missing, "--spec FILE")
			}
			if opts.OutDir == "" {
				missing = append(missing, "--out DIR")
			}
			if len(missing) > 0 {
				return usageErrorf("missing %s", strings.Join(missing, " and "))
			}
			opts.Context = cmd.Context()
			if runF != nil {
				return runF(opts)
			}
			return runNewService(opts)
		},
		ValidArgsFunction: cobra.NoFileCompletions,
	}

	f := cmd.Flags()
	f.StringVar(&opts.SpecPath, "spec", "", "OpenAPI spec to generate from: a .yaml, .yml or .json `FILE`")
	f.StringVar(&opts.OutDir, "out", "", "folder `DIR` to create the service in")
	f.StringVar(&opts.Module, "module", "", "Go module `PATH` of the new repository (default: the service name)")
	f.StringVar(&opts.Name, "name", "", "service `NAME`, a Go identifier (default: derived from the spec's info.title)")
	f.StringVar(&opts.RefRoot, "ref-root", "", refRootUsage)
	f.CountVar(&opts.Force, "force", "write into --out even when it is not empty; twice for a folder svcgen did not make, the root, a system folder or home")

	// These only fail for a flag that does not exist.
	_ = cmd.MarkFlagFilename("spec", "yaml", "yml", "json")
	_ = cmd.MarkFlagDirname("out")
	_ = cmd.MarkFlagDirname("ref-root")
	_ = cmd.RegisterFlagCompletionFunc("module", cobra.NoFileCompletions)
	_ = cmd.RegisterFlagCompletionFunc("name", cobra.NoFileCompletions)
	return cmd
}

// refRootUsage describes --ref-root, which both commands take.
const refRootUsage = "folder `DIR` the spec's $refs may read files from (default: the spec's own folder and below)"

// runNewService generates the service, writes it and reports what happened.
func runNewService(opts *NewServiceOptions) error {
	res, err := opts.Generate(opts.Context, generator.Options{
		SpecPath: opts.SpecPath,
		Module:   opts.Module,
		Name:     opts.Name,
		RefRoot:  opts.RefRoot,
		// One generation per process: collecting early is svcgen's to decide.
		CollectEarly: true,
		KeepPanics:   opts.KeepPanics,
	})
	if err != nil {
		return err
	}
	printWarnings(opts.Stderr, res.Warnings)
	home, _ := os.UserHomeDir() // unknown: only the other checks apply
	if err := write.New(opts.OutDir, res.Files, write.Options{Force: opts.Force, Home: home}); err != nil {
		return err
	}
	printReport(opts.Stdout, res, opts.OutDir)
	return nil
}

// printWarnings prints each spec warning on its own line.
func printWarnings(w io.Writer, warnings []load.Warning) {
	for _, warning := range warnings {
		fmt.Fprintf(w, "warning: %s\n", warning.String())
	}
}

// printReport prints what new-service generated into outDir: the service,
// the coverage report and the next steps.
func printReport(w io.Writer, res *generator.Result, outDir string) {
	svc := res.Service
	if svc == nil { // a generator bug, but the files were written: say so
		svc = &model.Service{Name: "(unnamed)", Module: "(unknown)"}
	}
	cov := svc.Coverage

	fmt.Fprintf(w, "Generated service %s (module %s) in %s\n", svc.Name, svc.Module, outDir)
	fmt.Fprintf(w, "  %s, %s, %s\n", plural(len(res.Files), "file"), plural(cov.Operations, "operation"), plural(cov.Types, "type"))
	fmt.Fprintln(w)

	printResources(w, svc)

	if len(cov.Items) == 0 {
		fmt.Fprintln(w, "coverage: every construct honoured")
	} else {
		fmt.Fprintf(w, "coverage: %s not fully honoured\n", plural(len(cov.Items), "construct"))
		for _, it := range cov.Items {
			status := it.Status
			if status == "" {
				status = "degraded"
			}
			fmt.Fprintf(w, "  %-8s  %s  %s → %s\n", status, it.Pointer, it.What, it.Outcome)
		}
	}
	fmt.Fprintln(w)

	fmt.Fprintln(w, "Next steps:")
	fmt.Fprintf(w, "  cd %s && go build ./... && go test ./... && go run .\n", shellQuote(outDir))
}

// printResources lists the resources inferred from the spec: what is
// stored where, and which operations the default implementation serves.
func printResources(w io.Writer, svc *model.Service) {
	if len(svc.Resources) == 0 {
		fmt.Fprintln(w, "resources: none inferred (every operation answers 501 until implemented)")
		fmt.Fprintln(w)
		return
	}
	fmt.Fprintf(w, "resources: %s stored in the database\n", plural(len(svc.Resources), "resource"))
	for _, r := range svc.Resources {
		var ops []string
		for _, op := range []*model.Operation{r.Create, r.List, r.Get, r.Replace, r.Patch, r.Delete} {
			if op != nil {
				ops = append(ops, op.CRUD)
			}
		}
		parent := ""
		switch {
		case r.Parent != nil:
			parent = ", under " + r.Parent.Name
		case r.Scoped():
			parent = ", under " + r.ParentKey
		}
		fmt.Fprintf(w, "  %-16s table %s%s, id %s (%s): %s\n", r.Name, r.Table, parent, r.ID.Name, r.IDKind, strings.Join(ops, ", "))
	}
	fmt.Fprintln(w)
}

// plural returns "1 file", "2 files".
func plural(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return fmt.Sprintf("%d %ss", n, noun)
}

// shellQuote returns s ready to paste into a POSIX shell.
func shellQuote(s string) string {
	if s != "" && strings.Trim(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_./:@+=,") == "" {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}
