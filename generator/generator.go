// Package generator runs the whole pipeline in memory:
// load → build (model) → plan → render → format. Only package write touches
// the disk, so the CLI, tests and a future --check mode share one call.
package generator

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"sort"
	"strings"
	"sync"

	"github.com/svcgen/svcgen/generator/build"
	"github.com/svcgen/svcgen/generator/file"
	"github.com/svcgen/svcgen/generator/format"
	"github.com/svcgen/svcgen/generator/load"
	"github.com/svcgen/svcgen/generator/model"
	"github.com/svcgen/svcgen/generator/plan"
	"github.com/svcgen/svcgen/generator/render"
	"github.com/svcgen/svcgen/generator/schema"
	"github.com/svcgen/svcgen/generator/write"
)

// Version is svcgen's version, recorded in every manifest.
var Version = "0.1.0"

// Options for a generation run.
type Options struct {
	SpecPath string // the OpenAPI file
	Module   string // Go module path; defaults to Name
	Name     string // service name, a Go identifier; defaults from info.title
	// RefRoot is the folder $refs may read from; "" means the spec's own
	// folder (see load.Options). Ignored when FS is set: FS is the fence.
	RefRoot string
	// FS, when set, is where the spec is read from: SpecPath is then a
	// slash-separated name in it (load.LoadFS).
	FS fs.FS
	// SpecFile names the service's copy of the spec; "" means openapi.yaml,
	// or openapi.json for a JSON spec or one bundled from several files.
	SpecFile string

	// CollectEarly starts a garbage collection once the loaded document
	// is no longer needed, before rendering: on a large spec it lowers
	// the peak memory (GitHub's: 690 → 540 MB RSS). It is a choice for a
	// program that runs one generation at a time, the CLI, not for a
	// library call: the collection is the whole process's.
	CollectEarly bool
	// KeepPanics lets a panic inside the generator go on, with its stack,
	// instead of becoming an "internal error" (for debugging svcgen).
	KeepPanics bool
}

// Result is everything a run produced.
type Result struct {
	Service  *model.Service
	Files    []file.File // sorted by path, the manifest and base copies included
	Spec     []byte      // the service's copy of the spec
	Warnings []load.Warning
}

// ManifestPath is where the manifest lives in a generated service.
const ManifestPath = write.ManifestPath // ".svcgen/manifest.json"; write tells a service folder by it

// BaseDir holds, for each scaffold file, the content svcgen last wrote: the
// base of the three-way merge on regenerate.
const BaseDir = ".svcgen/base/"

// Generate loads the spec and renders the complete repository in memory.
func Generate(ctx context.Context, opts Options) (res *Result, err error) {
	defer recoverInternal(opts, &res, &err)
	res, err = prepare(ctx, opts)
	if err != nil {
		return nil, err
	}
	if res.Files, err = Render(res.Service, res.Spec); err != nil {
		return nil, err
	}
	return res, nil
}

// Prepare is Generate without rendering: it loads the spec and builds the
// model, and returns them with the service's copy of the spec and the
// warnings; Files is nil. Regenerate renders with RenderFiles and adds the
// manifest itself.
func Prepare(ctx context.Context, opts Options) (res *Result, err error) {
	defer recoverInternal(opts, &res, &err)
	return prepare(ctx, opts)
}

// recoverInternal turns a panic into an error asking for a report, unless
// opts.KeepPanics.
func recoverInternal(opts Options, res **Result, err *error) {
	if r := recover(); r != nil {
		if opts.KeepPanics {
			panic(r) // keep the stack, for debugging svcgen
		}
		*res, *err = nil, fmt.Errorf("internal error while generating from %s (please report it): %v", opts.SpecPath, r)
	}
}

func prepare(ctx context.Context, opts Options) (*Result, error) {
	var spec *load.Spec
	var warnings []load.Warning
	var err error
	if opts.FS != nil {
		spec, warnings, err = load.LoadFS(ctx, opts.FS, opts.SpecPath)
	} else {
		spec, warnings, err = load.LoadWith(ctx, opts.SpecPath, load.Options{RefRoot: opts.RefRoot})
	}
	if err != nil {
		return nil, err
	}
	if opts.Name != "" && !validName(opts.Name) {
		return nil, fmt.Errorf("--name %q: use a lower-case Go identifier such as \"orders\"", opts.Name)
	}
	specFile := opts.SpecFile
	if specFile == "" {
		specFile = specFileName(spec)
	}
	svc, err := build.Build(spec, build.Options{Name: opts.Name, Module: opts.Module, SpecFile: specFile, KeepPanics: opts.KeepPanics})
	if err != nil {
		return nil, err
	}
	svc.Generator = Version
	specBytes, err := serviceSpec(ctx, spec)
	if err != nil {
		return nil, err
	}
	// The document is garbage now: hundreds of MB of a large spec's nodes
	// and objects, which the collector, paced for a growing heap, would
	// reclaim only when the rendered files are most of the way there. A
	// cycle started now, beside rendering, lets rendering reuse that
	// memory: on GitHub's spec, peak RSS 690 -> 540 MB and less time in
	// page faults.
	spec = nil
	if opts.CollectEarly {
		go runtime.GC()
	}
	return &Result{Service: svc, Spec: specBytes, Warnings: warnings}, nil
}

// Render plans, renders and formats every file of svc, and adds the
// manifest. It is pure: the same model gives the same bytes.
func Render(svc *model.Service, spec []byte) ([]file.File, error) {
	files, err := RenderFiles(svc, spec)
	if err != nil {
		return nil, err
	}
	return WithManifest(svc, files, spec, Record{Schema: schema.Of(svc)})
}

// RenderFiles is Render without the manifest and base copies.
func RenderFiles(svc *model.Service, spec []byte) ([]file.File, error) {
	tmpls, err := render.Templates()
	if err != nil {
		return nil, err
	}
	r, err := render.New()
	if err != nil {
		return nil, err
	}
	// The files are rendered at the same time: the largest take seconds on
	// a large API. The first failure in path order is the one reported.
	planned := plan.Plan(svc, tmpls, spec)
	files := make([]file.File, len(planned))
	errs := make([]error, len(planned))
	panics := make([]any, len(planned))
	var wg sync.WaitGroup
	for i, pf := range planned {
		wg.Go(func() {
			defer func() { panics[i] = recover() }()
			files[i], errs[i] = renderFile(r, svc, pf)
		})
	}
	wg.Wait()
	for i := range planned {
		if panics[i] != nil {
			panic(panics[i]) // for Generate to report, as it would without goroutines
		}
		if errs[i] != nil {
			return nil, errs[i]
		}
	}
	return files, nil
}

// renderFile renders and formats one planned file. The chunks a Go
// template renders on several goroutines (its each calls) are formatted by
// the goroutine that rendered them, as soon as they are written.
func renderFile(r *render.Renderer, svc *model.Service, pf file.File) (file.File, error) {
	content := pf.Content
	if pf.Template != "" {
		isGo := strings.HasSuffix(pf.Path, ".go")
		var section render.SectionFunc
		if isGo {
			// A chunk's text is kept only where File may want it: when
			// its section failed, or to check every file against gofmt.
			section = func(src []byte) (any, bool) {
				s := format.Decls(src)
				return s, format.Verify || !s.OK()
			}
		}
		parts, err := r.RenderParts(pf.Template, svc, section)
		if err != nil {
			return file.File{}, err
		}
		if !isGo {
			content = render.Join(parts)
		} else {
			pieces := make([]format.Piece, len(parts))
			for i, p := range parts {
				pieces[i].Text = p.Text
				pieces[i].Section, _ = p.Section.(*format.Section)
			}
			parts = nil
			content, err = format.File(pf.Path, pf.Template, pieces)
			if errors.Is(err, format.ErrTextGone) {
				// The sections do not make the file, and some chunks'
				// text went: render it again whole, for gofmt's way.
				var text []byte
				if text, err = r.Render(pf.Template, svc); err == nil {
					content, err = format.Go(pf.Path, pf.Template, text)
				}
			}
			if err != nil {
				return file.File{}, err
			}
		}
	}
	pf.Template, pf.Content = "", content
	return pf, nil
}

// Manifest records what svcgen wrote, so regenerate can tell the user's
// edits from its own output. It is .svcgen/manifest.json in the service.
type Manifest struct {
	Generator string       `json:"generator"`
	Version   string       `json:"version"`
	Service   string       `json:"service"`
	Module    string       `json:"module"`
	Spec      ManifestSpec `json:"spec"`
	// Deferred lists the destructive schema changes written commented out
	// (regenerate without --allow-destructive), so that they are reported
	// once, not written again on every run.
	Deferred []string        `json:"deferredSchemaChanges,omitempty"`
	Files    []ManifestEntry `json:"files"`
}

// SchemaPath holds the database schema the service's migrations create
// (package schema), the base of the next migration.
const SchemaPath = ".svcgen/schema.json"

// Record is what the manifest keeps besides the files.
type Record struct {
	Schema   schema.Schema // what the migrations create
	Deferred []string      // destructive schema changes not applied yet
}

// ReadSchema reads the schema record of the service in dir; ok is false
// when there is none (a service made by svcgen 0.1.0).
func ReadSchema(dir string) (s schema.Schema, ok bool, err error) {
	if dir == "" {
		dir = "."
	}
	return ReadSchemaFS(os.DirFS(dir), dir)
}

// ReadSchemaFS is ReadSchema for the service at the root of fsys; dir
// names it in messages.
func ReadSchemaFS(fsys fs.FS, dir string) (s schema.Schema, ok bool, err error) {
	b, err := fs.ReadFile(fsys, SchemaPath)
	if errors.Is(err, fs.ErrNotExist) {
		return s, false, nil
	}
	if err != nil {
		return s, false, err
	}
	if err := json.Unmarshal(b, &s); err != nil {
		return s, false, fmt.Errorf("%s: %w", filepath.Join(dir, SchemaPath), err)
	}
	return s, true, nil
}

// ManifestSpec names the service's copy of the spec and the hash of the
// content svcgen generated from.
type ManifestSpec struct {
	File   string `json:"file"`
	SHA256 string `json:"sha256"`
	// Base is where a copy of that content is kept: the previous spec, for
	// the breaking-change report and the old model on regenerate.
	Base string `json:"base,omitempty"`
}

// ManifestEntry is one file svcgen wrote.
type ManifestEntry struct {
	Path   string     `json:"path"`
	Class  file.Class `json:"class"`
	SHA256 string     `json:"sha256"`
	// Base is where the copy of a scaffold file as svcgen wrote it is kept.
	Base string `json:"base,omitempty"`
}

// Entry returns the manifest's entry for path.
func (m *Manifest) Entry(path string) (ManifestEntry, bool) {
	for _, e := range m.Files {
		if e.Path == path {
			return e, true
		}
	}
	return ManifestEntry{}, false
}

// ReadManifest reads the manifest of the service in dir.
func ReadManifest(dir string) (*Manifest, error) {
	if dir == "" {
		dir = "."
	}
	return ReadManifestFS(os.DirFS(dir), dir)
}

// ReadManifestFS reads the manifest of the service at the root of fsys;
// dir names the service in messages.
func ReadManifestFS(fsys fs.FS, dir string) (*Manifest, error) {
	b, err := fs.ReadFile(fsys, ManifestPath)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return nil, fmt.Errorf("%s is not a service made by svcgen: it has no %s (make one with svcgen new-service)", dir, ManifestPath)
		}
		return nil, err
	}
	var m Manifest
	if err := json.Unmarshal(b, &m); err != nil {
		return nil, fmt.Errorf("%s: %w", filepath.Join(dir, ManifestPath), err)
	}
	if m.Generator != "svcgen" || m.Spec.File == "" {
		return nil, fmt.Errorf("%s: not an svcgen manifest", filepath.Join(dir, ManifestPath))
	}
	for _, e := range m.Files {
		if err := write.CheckPath(e.Path); err != nil {
			return nil, fmt.Errorf("%s: %w", filepath.Join(dir, ManifestPath), err)
		}
		if e.Base != "" && !strings.HasPrefix(e.Base, BaseDir) {
			return nil, fmt.Errorf("%s: base copy %q is outside %s", filepath.Join(dir, ManifestPath), e.Base, BaseDir)
		}
	}
	return &m, nil
}

// WithManifest adds to files the manifest, the base copies of scaffold
// files and of the spec, and the schema record. files must not hold
// manifest-class files.
func WithManifest(svc *model.Service, files []file.File, spec []byte, rec Record) ([]file.File, error) {
	m := Manifest{
		Generator: "svcgen",
		Version:   Version,
		Service:   svc.Name,
		Module:    svc.Module,
		Spec:      ManifestSpec{File: svc.SpecFile, SHA256: hash(spec), Base: BaseDir + svc.SpecFile},
		Deferred:  rec.Deferred,
	}
	sch, err := json.MarshalIndent(rec.Schema, "", "  ")
	if err != nil {
		return nil, err
	}
	out := append([]file.File(nil), files...)
	out = append(out,
		file.File{Path: m.Spec.Base, Content: spec, Class: file.Manifest, Mode: 0o644},
		file.File{Path: SchemaPath, Content: append(sch, '\n'), Class: file.Manifest, Mode: 0o644})
	for _, f := range files {
		e := ManifestEntry{Path: f.Path, Class: f.Class, SHA256: hash(f.Content)}
		if f.Class == file.Scaffold {
			e.Base = BaseDir + f.Path
			out = append(out, file.File{Path: e.Base, Content: f.Content, Class: file.Manifest, Mode: 0o644})
		}
		m.Files = append(m.Files, e)
	}
	sort.Slice(m.Files, func(i, j int) bool { return m.Files[i].Path < m.Files[j].Path })
	b, err := json.MarshalIndent(m, "", "  ")
	if err != nil {
		return nil, err
	}
	out = append(out, file.File{Path: ManifestPath, Content: append(b, '\n'), Class: file.Manifest, Mode: 0o644})
	sort.Slice(out, func(i, j int) bool { return out[i].Path < out[j].Path })
	return out, nil
}

// Hash is the manifest's hash of content.
func Hash(content []byte) string { return hash(content) }

func hash(b []byte) string {
	s := sha256.Sum256(b)
	return hex.EncodeToString(s[:])
}

// specFileName names the service's copy of the spec.
func specFileName(spec *load.Spec) string {
	if spec.External || strings.EqualFold(filepath.Ext(spec.Path), ".json") {
		return "openapi.json"
	}
	return "openapi.yaml"
}

// serviceSpec is the content of the service's copy of the spec: the file as
// written, or, when it has $refs into other files, one bundled document
// (it must run after the model is built: bundling rewrites the refs).
func serviceSpec(ctx context.Context, spec *load.Spec) ([]byte, error) {
	if !spec.External {
		return spec.Raw, nil
	}
	spec.Doc.InternalizeRefs(ctx, nil)
	b, err := json.MarshalIndent(spec.Doc, "", "  ")
	if err != nil {
		return nil, fmt.Errorf("%s: bundling the spec and the files it refers to: %w", spec.Path, err)
	}
	return append(b, '\n'), nil
}

// validName reports whether s is a usable service name.
func validName(s string) bool {
	if s == "" || model.IsReserved(s) {
		return false
	}
	for i, c := range s {
		if !(c >= 'a' && c <= 'z' || c == '_' || i > 0 && c >= '0' && c <= '9') {
			return false
		}
	}
	return true
}
