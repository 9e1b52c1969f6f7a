// Package render executes the embedded templates against the model.
package render

import (
	"fmt"
	"io/fs"
	"path"
	"strings"
	"text/template"

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
	if err := t.Execute(&out, data); err != nil {
		return nil, fmt.Errorf("executing template %s: %w", name, err)
	}
	return out.bytes(), nil
}

// output collects what a template writes in blocks, joined at the end: a
// bytes.Buffer would copy a large output (25 MB of models) each time it
// doubles.
type output struct {
	blocks [][]byte
	size   int
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

// funcs are the helpers templates may use besides sprig's: printing only,
// no decisions about the service.
var funcs = template.FuncMap{
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
	// oneLine joins text into one line for short comments.
	"oneLine": func(s string) string { return strings.Join(strings.Fields(s), " ") },
	// requiredIndex is the position of f among a struct's required fields.
	"requiredIndex": func(req []*model.Field, f *model.Field) int {
		for i, r := range req {
			if r == f {
				return i
			}
		}
		return -1
	},
}
