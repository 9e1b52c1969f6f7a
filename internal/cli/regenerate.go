package cli

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/pmezard/go-difflib/difflib"
	"github.com/spf13/cobra"

	"github.com/svcgen/svcgen/generator"
	"github.com/svcgen/svcgen/generator/compat"
	"github.com/svcgen/svcgen/generator/file"
	"github.com/svcgen/svcgen/generator/regen"
)

// RegenerateOptions is everything `svcgen regenerate` needs.
type RegenerateOptions struct {
	Dir              string // --dir
	SpecPath         string // --spec
	RefRoot          string // --ref-root
	KeepPanics       bool   // SVCGEN_PANIC is set: see generator.Options
	DryRun           bool   // --dry-run
	Check            bool   // --check
	AllowDestructive bool   // --allow-destructive
	FailOnBreaking   bool   // --fail-on-breaking

	Context        context.Context
	Stdout, Stderr io.Writer
}

func (a *app) newRegenerateCmd() *cobra.Command {
	opts := &RegenerateOptions{Stdout: a.stdout, Stderr: a.stderr, KeepPanics: a.keepPanics}
	cmd := &cobra.Command{
		Use:   "regenerate [flags]",
		Short: "Bring a generated service in step with its spec",
		Long: `Bring a service made by svcgen new-service in step with its spec.

Edit the service's copy of the spec (openapi.yaml), then run regenerate in
the service's folder. Files ending in _gen.go are rewritten (a hand edit is
kept in a .orig copy and reported). Files you own (service.go, main.go,
README.md, Makefile...) are three-way merged: your edits stay, svcgen's
changes (a stub for a new operation, say) are merged in, Go files declaration
by declaration, and where both changed the same lines the file gets conflict
markers and regenerate exits 1.
A file you deleted stays deleted. A schema change adds a new migration;
existing migrations are never edited, and destructive changes (dropped
columns or tables, type changes, new NOT NULL constraints) are written
commented out unless --allow-destructive is given. Before writing, the API
changes are listed, breaking ones marked.`,
		Example: `  # After editing openapi.yaml in the service
  svcgen regenerate

  # See what would change, with diffs, without writing
  svcgen regenerate --dir ./orders --dry-run

  # In CI: fail when the generated code is not up to date with the spec
  svcgen regenerate --check

  # Take the spec from elsewhere; it becomes the service's copy
  svcgen regenerate --dir ./orders --spec ../api/orders.yaml`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if opts.DryRun && opts.Check {
				return usageErrorf("--dry-run and --check cannot be used together")
			}
			opts.Context = cmd.Context()
			if !cmd.Flags().Changed("dir") {
				// Like git and go: run from anywhere inside the service.
				opts.Dir = findServiceRoot(opts.Dir)
			} else if info, err := os.Stat(opts.Dir); err != nil || !info.IsDir() {
				return fmt.Errorf("--dir %s: no such folder", opts.Dir)
			}
			return runRegenerate(opts)
		},
		ValidArgsFunction: cobra.NoFileCompletions,
	}
	f := cmd.Flags()
	f.StringVar(&opts.Dir, "dir", ".", "the service's folder `DIR`")
	f.StringVar(&opts.SpecPath, "spec", "", "spec `FILE` to regenerate from (default: the service's own copy); it becomes the service's copy")
	f.StringVar(&opts.RefRoot, "ref-root", "", refRootUsage)
	f.BoolVar(&opts.DryRun, "dry-run", false, "print what would change, with diffs, and write nothing")
	f.BoolVar(&opts.Check, "check", false, "write nothing; exit 1 when regenerate would change any file")
	f.BoolVar(&opts.AllowDestructive, "allow-destructive", false, "write destructive schema changes as live SQL instead of commented out")
	f.BoolVar(&opts.FailOnBreaking, "fail-on-breaking", false, "exit 1 without writing when the spec change breaks existing clients")
	_ = cmd.MarkFlagDirname("dir")
	_ = cmd.MarkFlagDirname("ref-root")
	_ = cmd.MarkFlagFilename("spec", "yaml", "yml", "json")
	return cmd
}

// findServiceRoot returns the nearest folder from dir upwards that holds
// a svcgen manifest, or dir itself when none does (the error then names it).
func findServiceRoot(dir string) string {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return dir
	}
	for d := abs; ; d = filepath.Dir(d) {
		if _, err := os.Stat(filepath.Join(d, filepath.FromSlash(generator.ManifestPath))); err == nil {
			if d == abs {
				return dir
			}
			return d
		}
		if filepath.Dir(d) == d {
			return dir
		}
	}
}

// runRegenerate plans, reports and (unless told not to) applies.
func runRegenerate(opts *RegenerateOptions) error {
	// Before anything else, even with --check and --dry-run: a run killed
	// while it wrote is finished or undone, so what follows reads a
	// service in a state svcgen wrote whole.
	rec, err := regen.Recover(opts.Dir)
	if err != nil {
		return fmt.Errorf("recovering from an interrupted regenerate: %w", err)
	}
	switch {
	case rec.Finished:
		fmt.Fprintln(opts.Stderr, "svcgen: an earlier regenerate was interrupted after it had staged every file; it is finished now")
	case rec.RolledBack:
		fmt.Fprintln(opts.Stderr, "svcgen: an earlier regenerate was interrupted before it changed any file; what it had staged is removed")
	}
	if n := len(rec.Removed); n > 0 {
		fmt.Fprintf(opts.Stderr, "svcgen: removed %s left by an interrupted run: %s\n", plural(n, "staging file"), strings.Join(rec.Removed, ", "))
	}
	plan, err := regen.Make(opts.Context, regen.Options{
		Dir:              opts.Dir,
		SpecPath:         opts.SpecPath,
		RefRoot:          opts.RefRoot,
		CollectEarly:     true,
		KeepPanics:       opts.KeepPanics,
		AllowDestructive: opts.AllowDestructive,
	})
	if err != nil {
		return err
	}
	printWarnings(opts.Stderr, plan.Warnings)
	w := opts.Stdout

	if opts.Check {
		changed := changedSteps(plan)
		if c := plan.Conflicts(); len(c) > 0 && len(changed) == 0 {
			return fmt.Errorf("unresolved merge conflict markers in %s", strings.Join(c, ", "))
		}
		if len(changed) == 0 {
			fmt.Fprintf(w, "%s is up to date with %s\n", plan.Service.Name, plan.Service.SpecFile)
			return nil
		}
		fmt.Fprintf(w, "%s is not up to date with its spec; svcgen regenerate would change:\n", plan.Service.Name)
		printFileSteps(w, changed)
		return fmt.Errorf("regenerate would change %s; run svcgen regenerate", plural(len(changed), "file"))
	}

	fmt.Fprintf(w, "Regenerating %s (module %s) from %s\n\n", plan.Service.Name, plan.Service.Module, specName(opts, plan))
	if plan.Old != nil {
		fmt.Fprint(w, "API: ")
		compat.Format(w, plan.Changes)
		fmt.Fprintln(w)
	}
	if opts.FailOnBreaking && plan.Breaking() {
		return fmt.Errorf("the spec change breaks existing clients (--fail-on-breaking): nothing written")
	}
	printRegenReport(w, plan)

	if opts.DryRun {
		printDiffs(w, plan)
		fmt.Fprintln(w, "dry run: nothing written")
		return nil
	}
	if err := plan.Apply(); err != nil {
		return err
	}
	if c := plan.Conflicts(); len(c) > 0 {
		return fmt.Errorf("merge %s in %s: your edits and svcgen's changes touch the same lines. Edit each file to keep what you want between the <<<<<<< and >>>>>>> markers (svcgen's side is the new render), remove the markers, then run go build ./...; svcgen has recorded its side, so the next regenerate will not bring the conflict back",
			pluralWord(len(c), "conflict", "conflicts"), strings.Join(c, ", "))
	}
	if !plan.Changed() {
		fmt.Fprintln(w, "Nothing to do: the service is up to date with its spec.")
	}
	return nil
}

func specName(opts *RegenerateOptions, plan *regen.Plan) string {
	if opts.SpecPath != "" {
		return opts.SpecPath
	}
	return plan.Service.SpecFile
}

// changedSteps are the steps that change a file, bookkeeping in .svcgen/
// last.
func changedSteps(plan *regen.Plan) []regen.Step {
	var out []regen.Step
	for _, s := range plan.Steps {
		if s.Changes() {
			out = append(out, s)
		}
	}
	return out
}

// printRegenReport prints the plan: files, orphans and notes.
func printRegenReport(w io.Writer, plan *regen.Plan) {
	changed := changedSteps(plan)
	if len(changed) == 0 {
		fmt.Fprintln(w, "files: no change")
	} else {
		printFileSteps(w, changed)
	}
	fmt.Fprintln(w)
	for _, s := range plan.Steps {
		if !s.Changes() && s.Note != "" {
			fmt.Fprintf(w, "kept: %s: %s\n", s.Path, s.Note)
		}
	}
	if len(plan.Migrations) > 0 {
		fmt.Fprintln(w, "schema: a new migration for each database:")
		deferred := map[string]bool{}
		for _, d := range plan.Destructive {
			deferred[d] = true
		}
		for _, m := range plan.Migrations {
			if deferred[m] {
				fmt.Fprintf(w, "  %s  [destructive: written commented out; run svcgen regenerate --allow-destructive to apply it]\n", m)
			} else {
				fmt.Fprintf(w, "  %s\n", m)
			}
		}
		fmt.Fprintln(w)
	}
	typeChange := false
	for _, d := range plan.Destructive {
		typeChange = typeChange || strings.Contains(d, "changed type")
	}
	if typeChange {
		fmt.Fprintln(w, "warning: until the type change is applied, the database keeps the column's old type, which may reject or alter what the service now stores; review the migration and run svcgen regenerate --allow-destructive when ready.")
		fmt.Fprintln(w)
	}
	if len(plan.Migrations) == 0 && len(plan.Pending) > 0 {
		fmt.Fprintf(w, "waiting: %s not applied (run svcgen regenerate --allow-destructive to write them):\n", plural(len(plan.Pending), "destructive schema change"))
		for _, p := range plan.Pending {
			fmt.Fprintf(w, "  %s\n", p)
		}
		fmt.Fprintln(w)
	}
	if len(plan.Orphans) > 0 {
		fmt.Fprintf(w, "orphaned: %s no longer in the spec, left in place:\n", plural(len(plan.Orphans), "method"))
		for _, o := range plan.Orphans {
			fmt.Fprintf(w, "  Service.%s in %s (was %s)\n", o.Method, o.File, o.Operation)
			if o.RenamedTo != "" {
				fmt.Fprintf(w, "    the operation looks renamed to %s (same method and path): move your code there\n", o.RenamedTo)
			}
		}
		fmt.Fprintln(w, "  The code they use is kept in orphans_gen.go files so the service builds; delete the methods when you no longer need them.")
		fmt.Fprintln(w)
	}
	for _, n := range plan.Notes {
		fmt.Fprintf(w, "note: %s\n", n)
	}
}

// printFileSteps prints the changed files, bookkeeping under .svcgen/ as
// one line.
func printFileSteps(w io.Writer, changed []regen.Step) {
	var files []regen.Step
	book := 0
	for _, s := range changed {
		if s.Class == file.Manifest {
			book++
			continue
		}
		files = append(files, s)
	}
	if len(files) > 0 {
		fmt.Fprintf(w, "files: %s\n", plural(len(files), "change"))
		printSteps(w, files)
	}
	if book > 0 {
		fmt.Fprintf(w, "  %-9s .svcgen/ (%s)\n", "update", plural(book, "bookkeeping file"))
	}
}

func printSteps(w io.Writer, steps []regen.Step) {
	for _, s := range steps {
		if s.Note != "" {
			fmt.Fprintf(w, "  %-9s %s  (%s)\n", s.Action, s.Path, s.Note)
		} else {
			fmt.Fprintf(w, "  %-9s %s\n", s.Action, s.Path)
		}
	}
}

// printDiffs prints a unified diff of each file regenerate would change,
// bookkeeping under .svcgen/ left out.
func printDiffs(w io.Writer, plan *regen.Plan) {
	for _, s := range plan.Steps {
		if !s.Changes() || s.Class == file.Manifest {
			continue
		}
		from, to := "a/"+s.Path, "b/"+s.Path
		if s.Before == nil {
			from = "/dev/null"
		}
		if s.After == nil {
			to = "/dev/null"
		}
		d, err := difflib.GetUnifiedDiffString(difflib.UnifiedDiff{
			A: diffLines(s.Before), B: diffLines(s.After),
			FromFile: from, ToFile: to, Context: 3,
		})
		if err != nil || d == "" {
			continue
		}
		fmt.Fprintf(w, "%s (%s)\n%s\n", s.Path, s.Action, d)
	}
}

// diffLines splits content for a diff; no content is no lines (a new or
// deleted file), not one empty line.
func diffLines(content []byte) []string {
	if len(content) == 0 {
		return nil
	}
	return difflib.SplitLines(string(content))
}

func pluralWord(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}
