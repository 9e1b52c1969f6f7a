// Package render executes the embedded templates against the model.
package render

import (
	"errors"
	"fmt"
	"io/fs"
	"path"
	"reflect"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"text/template"
	"unicode/utf8"

	"github.com/Masterminds/sprig/v3"

	"github.com/svcgen/svcgen/generator/model"
	"github.com/svcgen/svcgen/generator/schema"
	"github.com/svcgen/svcgen/templates"
)

// Templates returns the output paths of every service template, sorted,
// each mapped to its template name.
func Templates() (map[string]string, error) {
	out := map[string]string{}
	err := fs.WalkDir(templates.FS, "service", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		if !strings.HasSuffix(p, ".tmpl") {
			return fmt.Errorf("template %s: name must end in .tmpl", p)
		}
		out[strings.TrimSuffix(strings.TrimPrefix(p, "service/"), ".tmpl")] = p
		return nil
	})
	return out, err
}

// Renderer executes templates; it parses the partials once.
type Renderer struct {
	base *template.Template
}

// New parses the shared partials.
func New() (*Renderer, error) {
	base := template.New("").Funcs(sprig.HermeticTxtFuncMap()).Funcs(funcs)
	base, err := base.ParseFS(templates.FS, "partials/*.tmpl")
	if err != nil {
		return nil, fmt.Errorf("parsing partials: %w", err)
	}
	return &Renderer{base: base}, nil
}

// Render executes the template named name (a path inside templates.FS)
// with data.
func (r *Renderer) Render(name string, data any) ([]byte, error) {
	parts, err := r.RenderParts(name, data, nil)
	if err != nil {
		return nil, err
	}
	return Join(parts), nil
}

// Part is a piece of what a template wrote: the text of one chunk of an
// each call, with what the section function made of it, or text between.
type Part struct {
	Text    []byte // nil for a chunk whose section function let it go
	Section any    // section(Text) for a chunk of each; nil for other text
}

// SectionFunc is called with the text of each chunk of an each call, as
// soon as it is written, and returns what it makes of it, and whether the
// text is still wanted: a large file's text goes as its sections are made,
// rather than stay beside them to the end.
type SectionFunc func(text []byte) (section any, keepText bool)

// Join returns the text of parts, joined.
func Join(parts []Part) []byte {
	n := 0
	for _, p := range parts {
		n += len(p.Text)
	}
	out := make([]byte, 0, n)
	for _, p := range parts {
		out = append(out, p.Text...)
	}
	return out
}

// RenderParts executes the template named name with data, like Render, and
// returns what it wrote in parts. A template's each call renders its
// elements in chunks on a few goroutines; when section is not nil, the
// goroutine that rendered a chunk then calls section with its text (to
// format it, say), and the chunk is a part of its own.
func (r *Renderer) RenderParts(name string, data any, section SectionFunc) ([]Part, error) {
	src, err := fs.ReadFile(templates.FS, name)
	if err != nil {
		return nil, err
	}
	t, err := r.base.Clone()
	if err != nil {
		return nil, err
	}
	t, err = t.New(path.Base(name)).Parse(string(src))
	if err != nil {
		return nil, fmt.Errorf("parsing template %s: %w", name, err)
	}
	var out output
	t.Funcs(template.FuncMap{"each": func(name string, items any) (string, error) {
		return "", each(t, name, items, section, &out)
	}})
	if err := t.Execute(&out, data); err != nil {
		return nil, fmt.Errorf("executing template %s: %w", name, err)
	}
	out.cut()
	return out.parts, nil
}

// output collects what a template writes in blocks, joined at the end: a
// bytes.Buffer would copy a large output (25 MB of models) each time it
// doubles.
type output struct {
	blocks [][]byte
	size   int
	parts  []Part // the text before the blocks
}

// cut ends the current part.
func (o *output) cut() {
	if o.size > 0 {
		o.parts = append(o.parts, Part{Text: o.bytes()})
	}
	o.blocks, o.size = nil, 0
}

func (o *output) Write(p []byte) (int, error) {
	n := len(p)
	for len(p) > 0 {
		last := len(o.blocks) - 1
		if last < 0 || len(o.blocks[last]) == cap(o.blocks[last]) {
			o.blocks = append(o.blocks, make([]byte, 0, min(max(o.size, 4<<10), 4<<20)))
			last++
		}
		b := o.blocks[last]
		k := min(len(p), cap(b)-len(b))
		o.blocks[last] = append(b, p[:k]...)
		o.size += k
		p = p[k:]
	}
	return n, nil
}

// bytes returns everything written.
func (o *output) bytes() []byte {
	out := make([]byte, 0, o.size)
	for _, b := range o.blocks {
		out = append(out, b...)
	}
	return out
}

// each executes the template called name for every element of items, a
// slice, and adds what they write to out, in order. The elements are
// shared out among a few goroutines in chunks: the models of a large API
// are a few thousand types, which one goroutine takes most of a second to
// print. With a section function, each chunk is a part of its own, which
// section is called on as soon as it is written.
func each(t *template.Template, name string, items any, section SectionFunc, out *output) error {
	v := reflect.ValueOf(items)
	if v.Kind() != reflect.Slice {
		return fmt.Errorf("each %q: %T is not a slice", name, items)
	}
	// More chunks than goroutines, so that the one holding the largest
	// types does not finish far behind the others.
	n := v.Len()
	chunks := min(n, 16*runtime.GOMAXPROCS(0))
	parts := make([]Part, chunks)
	errs := make([]error, chunks)
	panics := make([]any, chunks)
	work := make(chan int)
	var wg sync.WaitGroup
	for range min(chunks, runtime.GOMAXPROCS(0)) {
		wg.Go(func() {
			for c := range work {
				func() {
					defer func() { panics[c] = recover() }()
					var o output
					for i := c * n / chunks; i < (c+1)*n/chunks; i++ {
						if errs[c] = t.ExecuteTemplate(&o, name, v.Index(i).Interface()); errs[c] != nil {
							return
						}
					}
					parts[c].Text = o.bytes()
					if section != nil {
						var keep bool
						parts[c].Section, keep = section(parts[c].Text)
						if !keep {
							parts[c].Text = nil
						}
					}
				}()
			}
		})
	}
	for c := range chunks {
		work <- c
	}
	close(work)
	wg.Wait()
	for c := range chunks {
		if panics[c] != nil {
			panic(panics[c]) // as it would on the template's goroutine
		}
		if errs[c] != nil {
			return errs[c]
		}
	}
	if section == nil {
		for _, p := range parts {
			out.Write(p.Text)
		}
		return nil
	}
	out.cut()
	for _, p := range parts {
		// A chunk that wrote nothing is left out; one whose text went
		// with its section (SectionFunc) is in.
		if len(p.Text) > 0 || (p.Text == nil && p.Section != nil) {
			out.parts = append(out.parts, p)
		}
	}
	return nil
}

// funcs are the helpers templates may use besides sprig's: printing only,
// no decisions about the service.
var funcs = template.FuncMap{
	// each prints a template for every element of a slice (see each); it
	// is bound to the template being executed by RenderParts.
	"each": func(string, any) (string, error) { return "", errors.New("each: not bound") },
	// schemaOf is the database schema of a service, which prints the
	// statements of its first migration.
	"schemaOf": schema.Of,
	// fallbackPattern is the catch-all route of a method's operations that
	// ServeMux cannot route (model.Operation.Fallback).
	"fallbackPattern": model.FallbackPattern,
	// unparen prints an expression without the parentheses around the
	// whole of it, as gofmt prints it after range: (*v.X) → *v.X.
	"unparen": func(s string) string {
		if !strings.HasPrefix(s, "(") || !strings.HasSuffix(s, ")") {
			return s
		}
		depth := 0
		for i, c := range s {
			switch c {
			case '(':
				depth++
			case ')':
				depth--
				if depth == 0 && i != len(s)-1 {
					return s // (a)(b): the parentheses are not around all
				}
			}
		}
		return s[1 : len(s)-1]
	},
	// httpStatus prints a status code as net/http's constant for it.
	"httpStatus": httpStatus,
	// deref prints a bound held by pointer.
	"deref": func(p *int64) int64 { return *p },
	// splitLines splits text into lines for comments, trimming trailing space.
	"splitLines": func(s string) []string {
		if strings.TrimSpace(s) == "" {
			return nil // no comment lines, not one empty one
		}
		lines := strings.Split(strings.TrimSpace(s), "\n")
		for i, l := range lines {
			l = strings.TrimRight(l, " \t\r")
			if strings.HasPrefix(strings.TrimSpace(l), "+build") {
				// "// +build" is a build constraint to gofmt and go/build.
				l = strings.Replace(l, "+build", "(+build)", 1)
			}
			lines[i] = l
		}
		return lines
	},
	// rawString prints text as a Go raw string literal, a backquote in it
	// as an interpreted one joined to the rest.
	"rawString": func(s string) string {
		return "`" + strings.ReplaceAll(s, "`", "` + \"`\" + `") + "`"
	},
	// quote prints text as a Go string literal, raw where that reads better.
	"quote": quote,
	// a prints a noun after its indefinite article: "a Customer", "an Order".
	"a": withArticle,
	// oneLine joins text into one line for short comments.
	"oneLine": func(s string) string { return strings.Join(strings.Fields(s), " ") },
}

// withArticle prints noun after "a" or "an", by how English speakers
// usually say its first letters: "an" before a vowel sound ("an Order",
// "an Item"), "a" before a consonant sound, which a "u" or "eu" read
// as "you" is ("a User", "a Unit", "a Euro", "a uint8"; but "an
// Update", "an int64").
func withArticle(noun string) string {
	w := strings.ToLower(noun)
	an := false
	switch {
	case w == "":
	case strings.HasPrefix(w, "eu"), strings.HasPrefix(w, "uint"):
	case strings.HasPrefix(w, "u"):
		// "uni", "use", "usu", "uti", "ura", "uri", "uro": a "you" sound.
		an = !hasAnyPrefix(w[1:], "ni", "se", "sa", "su", "ti", "ra", "re", "ri", "ro", "bi", "ku")
	default:
		an = strings.ContainsRune("aeio", rune(w[0]))
	}
	if an {
		return "an " + noun
	}
	return "a " + noun
}

func hasAnyPrefix(s string, prefixes ...string) bool {
	for _, p := range prefixes {
		if strings.HasPrefix(s, p) {
			return true
		}
	}
	return false
}

// quote prints s as a Go string literal: a raw one (`{"a":1}`) when s
// holds a double quote or a backslash, which an interpreted one escapes,
// and nothing a raw one cannot hold (a backquote, a carriage return or
// another control character); else an interpreted one.
func quote(s string) string {
	if !strings.ContainsAny(s, "\"\\") || !utf8.ValidString(s) {
		return strconv.Quote(s)
	}
	for _, r := range s {
		if r == '`' || r < ' ' || r == 0x7f {
			return strconv.Quote(s)
		}
	}
	return "`" + s + "`"
}
