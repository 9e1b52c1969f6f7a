// Package regen brings a generated service in step with its spec
// (docs/ARCHITECTURE.md, "How regenerate works"). Make renders the service
// from the spec in memory and decides, file by file, what regenerate does,
// comparing three versions of each file: what svcgen wrote last time
// (recorded in the .svcgen/ manifest), what is on disk now, and the new
// render. Make reads the service through an fs.FS (Options.FS; the folder
// by default) and writes nothing; Plan.Apply is the only step that touches
// the disk, so --dry-run and --check are the same call without the last
// step, and tests plan on in-memory trees.
package regen

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strconv"
	"strings"

	"github.com/svcgen/svcgen/generator"
	"github.com/svcgen/svcgen/generator/build"
	"github.com/svcgen/svcgen/generator/compat"
	"github.com/svcgen/svcgen/generator/file"
	"github.com/svcgen/svcgen/generator/load"
	"github.com/svcgen/svcgen/generator/merge"
	"github.com/svcgen/svcgen/generator/model"
	"github.com/svcgen/svcgen/generator/schema"
	"github.com/svcgen/svcgen/generator/write"
)

// Options for a regenerate run.
type Options struct {
	Dir string // the service; "" means "."
	// FS is the service read by Make; nil means the folder Dir. Apply
	// writes to Dir.
	FS       fs.FS
	SpecPath string // a spec on disk to regenerate from; "" means the service's own copy
	RefRoot  string // the folder $refs of SpecPath may read from; "" means its own (see load.Options)
	// CollectEarly and KeepPanics are passed to the generator (see
	// generator.Options).
	CollectEarly, KeepPanics bool
	// AllowDestructive writes destructive schema changes (dropped columns
	// and tables, type changes, NOT NULL on existing columns) as live SQL
	// instead of commented out.
	AllowDestructive bool
}

// Action is what regenerate does to one file.
type Action string

const (
	Keep     Action = "keep"     // nothing to do
	Create   Action = "create"   // a new file
	Update   Action = "update"   // replaced by the new render
	Merge    Action = "merge"    // the user's edits and svcgen's changes, merged cleanly
	Conflict Action = "conflict" // merged with conflict markers: the user must resolve them
	Delete   Action = "delete"   // no longer generated
)

// Step is the decision for one file.
type Step struct {
	Path   string
	Class  file.Class
	Action Action
	Before []byte // the file on disk now; nil when there is none
	After  []byte // the file after regenerate; nil when deleted or absent
	Mode   fs.FileMode
	Note   string // why, when it is not obvious: "edited by hand: your version is kept in X.orig"
}

// Changes reports whether the step changes the disk.
func (s *Step) Changes() bool { return s.Action != Keep }

// Orphan is a method of the user's implementation whose operation is no
// longer in the spec.
type Orphan struct {
	Method    string // Go method name: "DeleteWidget"
	Operation string // the operation it implemented: "DELETE /widgets/{id}"
	File      string // where it is: "internal/service/service.go"
	// RenamedTo is the new operation with the same method and path, when
	// there is one: the operationId changed, so the method name did.
	RenamedTo string
}

// Plan is what regenerate will do.
type Plan struct {
	Dir     string
	Service *model.Service  // the new model
	Old     *model.Service  // the model svcgen last generated from; nil when unknown
	Steps   []Step          // one per file considered, sorted by path
	Changes []compat.Change // API changes from Old to Service, breaking first
	Orphans []Orphan
	// Migrations lists the schema changes of the new migration, one line
	// each; Destructive those written commented out.
	Migrations, Destructive []string
	// Pending lists destructive schema changes written commented out by an
	// earlier regenerate and still not applied.
	Pending  []string
	Warnings []load.Warning
	Notes    []string // other things the user should know

	up      *upgrader // rewrites the user's Go files of the v1 layout
	ownSpec bool      // regenerated from the service's own copy of the spec
}

// Breaking reports whether any API change breaks existing clients.
func (p *Plan) Breaking() bool {
	for _, c := range p.Changes {
		if c.Breaking {
			return true
		}
	}
	return false
}

// Conflicts lists the files written with conflict markers, and the files
// of the user's that still hold markers from an earlier regenerate.
func (p *Plan) Conflicts() []string {
	var out []string
	for _, s := range p.Steps {
		if s.Action == Conflict || s.Class == file.Scaffold && s.Action == Keep && merge.HasMarkers(s.After) {
			out = append(out, s.Path)
		}
	}
	return out
}

// Changed reports whether applying the plan would change any file.
func (p *Plan) Changed() bool {
	for _, s := range p.Steps {
		if s.Changes() {
			return true
		}
	}
	return false
}

// JournalPath is where Apply keeps the journal of an apply in progress
// (package write): the next run finishes or rolls back an interrupted one.
const JournalPath = ".svcgen/journal.json"

// Apply writes the plan to disk through write.Update: a journal first,
// every file staged and synced, then the renames and removals, the files
// svcgen's bookkeeping describes before the bookkeeping (.svcgen/), the
// manifest last. Killed at any point, the service is brought to the old or
// the new state by [Recover], which every run of svcgen calls first.
func (p *Plan) Apply() error {
	var files, book []write.Change
	var manifest []write.Change
	for _, s := range p.Steps {
		if !s.Changes() {
			continue
		}
		c := write.Change{Path: s.Path, Content: s.After, Mode: s.Mode, Remove: s.Action == Delete}
		switch {
		case s.Path == generator.ManifestPath:
			manifest = append(manifest, c)
		case s.Class == file.Manifest:
			book = append(book, c)
		default:
			files = append(files, c)
		}
	}
	changes := append(append(files, book...), manifest...)
	if len(changes) == 0 {
		return nil
	}
	return write.Update(p.Dir, JournalPath, changes)
}

// Recover finishes or rolls back an Apply of the service in dir that was
// interrupted, and removes staging files left behind (write.Recover).
func Recover(dir string) (write.Recovery, error) {
	if dir == "" {
		dir = "."
	}
	if !exists(filepath.Join(dir, filepath.FromSlash(generator.ManifestPath))) && !exists(filepath.Join(dir, filepath.FromSlash(JournalPath))) {
		return write.Recovery{}, nil // not a service: nothing of svcgen's to look for
	}
	return write.Recover(dir, JournalPath)
}

// Labels of the two sides in conflict markers.
var labels = merge.Labels{Ours: "yours", Theirs: "svcgen (new spec)"}

// Make decides what regenerate does, reading the service in opts.Dir and
// rendering it from the spec. It writes nothing.
func Make(ctx context.Context, opts Options) (*Plan, error) {
	dir := opts.Dir
	if dir == "" {
		dir = "."
	}
	fsys := opts.FS
	if fsys == nil {
		fsys = os.DirFS(dir)
	}
	d := &disk{fs: fsys, dir: dir}
	if ok, err := d.exists(JournalPath); err != nil || ok {
		if err == nil {
			err = fmt.Errorf("%s: an earlier regenerate was interrupted; run svcgen regenerate to finish it first", filepath.Join(dir, JournalPath))
		}
		return nil, err
	}
	man, err := generator.ReadManifestFS(fsys, dir)
	if err != nil {
		return nil, err
	}
	// The service keeps its spec's file name, whatever the spec's own (a
	// JSON --spec for a service with openapi.yaml: JSON is YAML too), so
	// the model is built with it and the repository rendered once.
	gen := generator.Options{SpecPath: opts.SpecPath, Module: man.Module, Name: man.Service, SpecFile: man.Spec.File,
		RefRoot: opts.RefRoot, CollectEarly: opts.CollectEarly, KeepPanics: opts.KeepPanics}
	if opts.SpecPath == "" {
		gen.FS, gen.SpecPath = fsys, man.Spec.File
	}
	res, err := generator.Prepare(ctx, gen)
	if err != nil {
		return nil, d.located(gen.FS, err)
	}
	files, err := generator.RenderFiles(res.Service, res.Spec)
	if err != nil {
		return nil, err
	}
	p := &Plan{Dir: dir, Service: res.Service, Warnings: res.Warnings, ownSpec: opts.SpecPath == ""}
	if gen.FS != nil {
		for i := range p.Warnings {
			p.Warnings[i].File = d.name(p.Warnings[i].File)
		}
	}
	p.up = newUpgrader(res.Service)
	p.Old, err = oldModel(ctx, d, man)
	if err != nil {
		return nil, err
	}
	p.Changes = compat.Compare(p.Old, p.Service)

	var rendered []file.File // svcgen's render, recorded in the new manifest
	oldMigrations := false
	for _, e := range man.Files {
		oldMigrations = oldMigrations || e.Class == file.Migration
	}
	for _, f := range files {
		if f.Class == file.Migration && oldMigrations {
			continue // the schema evolves by new migrations only
		}
		rendered = append(rendered, f)
	}

	removed := removedMethods(p.Old, p.Service)
	inNew := map[string]bool{}
	for _, f := range rendered {
		inNew[f.Path] = true
		step, err := p.decide(d, man, f, removed)
		if err != nil {
			return nil, err
		}
		p.add(step)
	}
	// Files svcgen wrote last time that the new render lacks.
	for _, e := range man.Files {
		if inNew[e.Path] {
			continue
		}
		if e.Class == file.Migration {
			// Never touched; kept in the manifest.
			content, err := d.read(e.Path)
			if err != nil {
				return nil, err
			}
			if content != nil {
				rendered = append(rendered, file.File{Path: e.Path, Content: content, Class: e.Class, Mode: 0o644})
				inNew[e.Path] = true
			}
			continue
		}
		step, err := p.retire(d, e)
		if err != nil {
			return nil, err
		}
		p.add(step)
	}

	if err := p.orphans(d, removed); err != nil {
		return nil, err
	}
	if err := p.upgradeOthers(d, inNew); err != nil {
		return nil, err
	}
	for _, s := range p.Steps {
		if s.Class == file.Generated && strings.HasSuffix(s.Path, orphansFile) && s.After != nil && !inNew[s.Path] {
			rendered = append(rendered, file.File{Path: s.Path, Content: s.After, Class: s.Class, Mode: s.Mode})
			inNew[s.Path] = true
		}
	}

	// The schema evolves by one new migration per dialect.
	rec, migrations, err := p.migrate(d, man, opts.AllowDestructive, oldMigrations)
	if err != nil {
		return nil, err
	}
	for _, f := range migrations {
		p.add(replace(f.Path, f.Class, nil, f.Content, f.Mode, ""))
		rendered = append(rendered, f)
	}

	// The manifest and base copies of what svcgen rendered, added once.
	sort.Slice(rendered, func(i, j int) bool { return rendered[i].Path < rendered[j].Path })
	withMan, err := generator.WithManifest(res.Service, rendered, res.Spec, rec)
	if err != nil {
		return nil, err
	}
	newBases := map[string]bool{}
	for _, f := range withMan {
		if f.Class != file.Manifest {
			continue
		}
		newBases[f.Path] = true
		before, err := d.read(f.Path)
		if err != nil {
			return nil, err
		}
		p.add(replace(f.Path, f.Class, before, f.Content, f.Mode, ""))
	}
	// Base copies of files svcgen no longer writes.
	for _, e := range man.Files {
		if e.Base != "" && !newBases[e.Base] {
			before, err := d.read(e.Base)
			if err != nil {
				return nil, err
			}
			if before != nil {
				p.add(Step{Path: e.Base, Class: file.Manifest, Action: Delete, Before: before})
			}
		}
	}
	sort.Slice(p.Steps, func(i, j int) bool { return p.Steps[i].Path < p.Steps[j].Path })
	return p, nil
}

func (p *Plan) add(s Step) { p.Steps = append(p.Steps, s) }

// decide is the step for a file of the new render.
func (p *Plan) decide(d *disk, man *generator.Manifest, f file.File, removed map[string]*model.Operation) (Step, error) {
	before, err := d.read(f.Path)
	if err != nil {
		return Step{}, err
	}
	e, known := man.Entry(f.Path)
	switch f.Class {
	case file.Generated:
		s := replace(f.Path, f.Class, before, f.Content, f.Mode, "")
		if s.Action == Update && generator.Hash(before) != e.SHA256 && known {
			orig, err := p.keepOrig(d, f.Path, before)
			if err != nil {
				return Step{}, err
			}
			s.Note = "edited by hand: your version is kept in " + path.Base(orig)
		}
		if s.Action == Create && known {
			s.Note = "restored: svcgen owns this file"
		}
		return s, nil

	case file.Scaffold:
		switch {
		case known && before == nil:
			return Step{Path: f.Path, Class: f.Class, Action: Keep, Mode: f.Mode, Note: "deleted by you: stays deleted"}, nil
		case !known && before != nil && !bytes.Equal(before, f.Content):
			return Step{Path: f.Path, Class: f.Class, Action: Keep, Before: before, After: before, Mode: f.Mode,
				Note: "not written by svcgen: left alone"}, nil
		case !known || before == nil:
			return replace(f.Path, f.Class, before, f.Content, f.Mode, ""), nil
		}
		base, err := d.read(e.Base)
		if err != nil {
			return Step{}, err
		}
		// ours is the user's file, and base svcgen's last render of it,
		// both rewritten for layout v2 when they predate it.
		ours, upgraded := before, false
		if strings.HasSuffix(f.Path, ".go") {
			ours, upgraded = p.up.rewrite(before)
			base, _ = p.up.rewrite(base)
		}
		keepOurs := func(note string) Step {
			if upgraded {
				return Step{Path: f.Path, Class: f.Class, Action: Update, Before: before, After: ours, Mode: f.Mode, Note: upgradeNote}
			}
			return Step{Path: f.Path, Class: f.Class, Action: Keep, Before: before, After: before, Mode: f.Mode, Note: note}
		}
		if base == nil {
			// No base copy: the user's file wins unless it is unchanged.
			if generator.Hash(before) == e.SHA256 {
				return replace(f.Path, f.Class, before, f.Content, f.Mode, ""), nil
			}
			return keepOurs("edited by you and no base copy in " + generator.BaseDir + " to merge with: left alone"), nil
		}
		theirs := f.Content
		if strings.HasSuffix(f.Path, ".go") {
			if len(removed) > 0 {
				theirs = keepMethods(base, theirs, removed)
			}
			// Methods the user already wrote for new operations, here or
			// in another file of the package, get no stub.
			written, err := userMethods(d, path.Dir(f.Path), f.Path, ours)
			if err != nil {
				return Step{}, err
			}
			inBase := methodNames(base)
			drop := map[string]bool{}
			for name := range methodNames(theirs) {
				if written[name] && !inBase[name] {
					drop[name] = true
				}
			}
			if len(drop) > 0 {
				theirs = dropMethods(theirs, drop)
			}
		}
		switch {
		case bytes.Equal(ours, theirs), bytes.Equal(base, theirs):
			return keepOurs(""), nil
		case bytes.Equal(ours, base):
			return replace(f.Path, f.Class, before, theirs, f.Mode, ""), nil
		}
		m := merge.File(f.Path, base, ours, theirs, labels)
		s := Step{Path: f.Path, Class: f.Class, Action: Merge, Before: before, After: m.Content, Mode: f.Mode,
			Note: "your edits and svcgen's changes merged"}
		if upgraded {
			s.Note += "; " + upgradeNote
		}
		if m.Conflicts > 0 {
			s.Action = Conflict
			s.Note = fmt.Sprintf("%d conflicting %s between your edits and svcgen's changes", m.Conflicts, pluralize(m.Conflicts, "region", "regions"))
		} else if bytes.Equal(m.Content, before) {
			s.Action, s.Note = Keep, ""
		}
		return s, nil

	case file.Spec:
		if p.ownSpec && before != nil {
			// Regenerated from the service's own copy: it is the source,
			// never rewritten, even when its $refs into other files of the
			// service make svcgen's version a bundle of them all.
			return Step{Path: f.Path, Class: f.Class, Action: Keep, Before: before, After: before, Mode: f.Mode}, nil
		}
		return replace(f.Path, f.Class, before, f.Content, f.Mode, ""), nil
	}
	// Migrations of a brand-new schema (a service that had none recorded).
	if before != nil && !bytes.Equal(before, f.Content) {
		return Step{Path: f.Path, Class: f.Class, Action: Keep, Before: before, After: before, Mode: f.Mode,
			Note: "migrations are never edited"}, nil
	}
	return replace(f.Path, f.Class, before, f.Content, f.Mode, ""), nil
}

// userMethods returns the methods declared in the user's Go files of dir:
// self's content is ours (the file being merged), the others are read from
// disk.
func userMethods(d *disk, dir, self string, ours []byte) (map[string]bool, error) {
	out := methodNames(ours)
	if out == nil {
		out = map[string]bool{}
	}
	entries, err := d.readDir(dir)
	if err != nil {
		return nil, err
	}
	for _, e := range entries {
		name := path.Join(dir, e.Name())
		if name == self || !e.Type().IsRegular() || !strings.HasSuffix(name, ".go") ||
			strings.HasSuffix(name, "_gen.go") || strings.HasSuffix(name, "_test.go") {
			continue
		}
		b, err := d.read(name)
		if err != nil {
			return nil, err
		}
		for m := range methodNames(b) {
			out[m] = true
		}
	}
	return out, nil
}

// retire is the step for a file svcgen wrote last time and no longer
// renders.
func (p *Plan) retire(d *disk, e generator.ManifestEntry) (Step, error) {
	before, err := d.read(e.Path)
	if err != nil {
		return Step{}, err
	}
	if before == nil {
		return Step{Path: e.Path, Class: e.Class, Action: Keep}, nil
	}
	unchanged := generator.Hash(before) == e.SHA256
	switch {
	case e.Class == file.Generated && !unchanged:
		orig, err := p.keepOrig(d, e.Path, before)
		if err != nil {
			return Step{}, err
		}
		return Step{Path: e.Path, Class: e.Class, Action: Delete, Before: before,
			Note: "no longer generated; it was edited by hand: your version is kept in " + path.Base(orig)}, nil
	case e.Class == file.Generated, unchanged:
		return Step{Path: e.Path, Class: e.Class, Action: Delete, Before: before, Note: "no longer generated"}, nil
	}
	return Step{Path: e.Path, Class: e.Class, Action: Keep, Before: before, After: before,
		Note: "svcgen no longer generates this file; yours, edited, is left alone"}, nil
}

// migrationsDir holds one folder of goose migrations per dialect.
const migrationsDir = "internal/store/migrations/"

// migrate compares the schema the existing migrations create with the new
// model's and returns the new schema record and migration files (none when
// nothing changed). A service without migrations yet gets them from the
// render instead (hadMigrations false).
func (p *Plan) migrate(d *disk, man *generator.Manifest, allow, hadMigrations bool) (generator.Record, []file.File, error) {
	want := schema.Of(p.Service)
	if !hadMigrations {
		return generator.Record{Schema: want}, nil, nil
	}
	have, ok, err := generator.ReadSchemaFS(d.fs, d.dir)
	if err != nil {
		return generator.Record{}, nil, err
	}
	if !ok {
		have = schema.Of(p.Old) // svcgen 0.1.0: the old model's schema is what its init migration made
	}
	m, ok := schema.Diff(have, want, allow)
	deferred := []string(nil)
	if !allow {
		deferred = m.Destructive
	}
	rec := generator.Record{Schema: m.Applied, Deferred: deferred}
	p.Pending = deferred
	if !ok {
		rec.Schema = have
		if len(m.Destructive) == 0 || allow || subset(m.Destructive, man.Deferred) {
			return rec, nil, nil // nothing new to write or to tell
		}
	}
	p.Migrations, p.Destructive = m.Changes, deferred
	n, err := nextMigration(d)
	if err != nil {
		return generator.Record{}, nil, err
	}
	name := fmt.Sprintf("%05d_%s.sql", n, m.Name)
	return rec, []file.File{
		{Path: migrationsDir + "postgres/" + name, Content: m.Postgres, Class: file.Migration, Mode: 0o644},
		{Path: migrationsDir + "sqlite/" + name, Content: m.SQLite, Class: file.Migration, Mode: 0o644},
	}, nil
}

// nextMigration is the number of the next migration: one more than the
// highest in either dialect's folder.
func nextMigration(d *disk) (int, error) {
	high := 0
	for _, dialect := range []string{"postgres", "sqlite"} {
		entries, err := d.readDir(migrationsDir + dialect)
		if err != nil {
			return 0, err
		}
		for _, e := range entries {
			num, _, ok := strings.Cut(e.Name(), "_")
			if n, err := strconv.Atoi(num); ok && err == nil && n > high {
				high = n
			}
		}
	}
	return high + 1, nil
}

func subset(a, b []string) bool {
	in := map[string]bool{}
	for _, s := range b {
		in[s] = true
	}
	for _, s := range a {
		if !in[s] {
			return false
		}
	}
	return true
}

// keepOrig adds the step that keeps the user's version of a generated
// file next to it, as FILE.orig, or FILE.2.orig... when an earlier one is
// there and holds something else. It returns the path used.
func (p *Plan) keepOrig(d *disk, orig string, content []byte) (string, error) {
	for n := 1; ; n++ {
		name := orig + ".orig"
		if n > 1 {
			name = orig + "." + strconv.Itoa(n) + ".orig" // still matches *.orig
		}
		have, err := d.read(name)
		if err != nil {
			return "", err
		}
		if have == nil || bytes.Equal(have, content) {
			p.add(replace(name, file.Scaffold, have, content, 0o644, "your edit of "+orig))
			return name, nil
		}
	}
}

// replace is the step that makes path hold after.
func replace(p string, class file.Class, before, after []byte, mode fs.FileMode, note string) Step {
	s := Step{Path: p, Class: class, Before: before, After: after, Mode: mode, Note: note}
	switch {
	case before == nil:
		s.Action = Create
	case bytes.Equal(before, after):
		s.Action = Keep
	default:
		s.Action = Update
	}
	return s
}

// oldModel builds the model svcgen last generated from, out of the copy of
// the spec the manifest keeps. A service written by svcgen 0.1.0 kept no
// copy: the service's own spec serves if it is still unchanged.
func oldModel(ctx context.Context, d *disk, man *generator.Manifest) (*model.Service, error) {
	specPath := ""
	if man.Spec.Base != "" {
		if ok, err := d.exists(man.Spec.Base); err != nil {
			return nil, err
		} else if ok {
			specPath = man.Spec.Base
		}
	}
	if specPath == "" {
		b, err := d.read(man.Spec.File)
		if err != nil || b == nil || generator.Hash(b) != man.Spec.SHA256 {
			return nil, fmt.Errorf("%s has changed since svcgen last generated from it, and svcgen %s kept no copy of that version in %s, so the change cannot be worked out (API changes, migrations, orphaned methods). Put back the version svcgen generated from (git stash, or git show HEAD:%s), run svcgen regenerate once to record it, then make your change again",
				man.Spec.File, man.Version, generator.BaseDir, man.Spec.File)
		}
		specPath = man.Spec.File
	}
	spec, _, err := load.LoadFS(ctx, d.fs, specPath)
	if err != nil {
		return nil, fmt.Errorf("the previous spec (%s) no longer loads: %v", d.name(specPath), d.located(d.fs, err))
	}
	return build.Build(spec, build.Options{Name: man.Service, Module: man.Module, SpecFile: man.Spec.File})
}

// disk reads the service's files: fs is the service, dir names it in
// messages.
type disk struct {
	fs  fs.FS
	dir string
}

// read returns the content of the file at the slash-separated path p, or
// nil when there is none.
func (d *disk) read(p string) ([]byte, error) {
	if err := write.CheckPath(p); err != nil {
		return nil, err
	}
	b, err := fs.ReadFile(d.fs, p)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	if b == nil {
		b = []byte{} // present but empty
	}
	return b, nil
}

// readDir lists the folder p; none there is no entries.
func (d *disk) readDir(p string) ([]fs.DirEntry, error) {
	entries, err := fs.ReadDir(d.fs, p)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	return entries, err
}

func (d *disk) exists(p string) (bool, error) {
	_, err := fs.Stat(d.fs, p)
	if errors.Is(err, fs.ErrNotExist) {
		return false, nil
	}
	return err == nil, err
}

// name is how a user names the service's file p: joined to dir.
func (d *disk) name(p string) string {
	if d.dir == "." {
		return p
	}
	return filepath.Join(d.dir, filepath.FromSlash(p))
}

// located names the service's files in load errors as the user would,
// when they were read from fsys.
func (d *disk) located(fsys fs.FS, err error) error {
	if fsys == nil {
		return err
	}
	var errs load.Errors
	if errors.As(err, &errs) {
		for _, e := range errs {
			e.File = d.name(e.File)
		}
		return err
	}
	var e *load.Error
	if errors.As(err, &e) {
		e.File = d.name(e.File)
	}
	return err
}

func exists(name string) bool {
	_, err := os.Stat(name)
	return err == nil
}

func pluralize(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}
