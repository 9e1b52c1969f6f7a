// Package load reads an OpenAPI description (3.0, 3.1 or Swagger 2.0, YAML or
// JSON, with $refs into other local files), validates it with kin-openapi and
// returns an OpenAPI 3 document. Problems that make generation impossible are
// returned as *Error naming the file and JSON pointer; cosmetic problems
// (examples that do not match their schema, unknown formats) come back as
// warnings so that generation can go on.
package load

import (
	"context"
	"fmt"

	"github.com/getkin/kin-openapi/openapi3"
)

// Spec is a loaded and validated API description.
type Spec struct {
	// Path is the root file as given by the caller.
	Path string
	// Doc is the OpenAPI 3 document, converted from Swagger 2.0 when needed,
	// with every $ref resolved.
	Doc *openapi3.T
	// SourceVersion is the version the author wrote: "2.0", "3.0.3", "3.1.0"...
	SourceVersion string
	// Raw holds the bytes of the root file exactly as read.
	Raw []byte
	// External is true when the root file has $refs into other files.
	External bool
}

// Warning is a problem in the spec that does not stop generation.
type Warning struct {
	File    string // file the problem is in
	Pointer string // JSON pointer, "#/paths/~1orders/get"; may be "#" when unknown
	Message string
}

func (w Warning) String() string { return fmt.Sprintf("%s: %s: %s", w.File, w.Pointer, w.Message) }

// Error is a problem that makes generation impossible.
type Error struct {
	File    string // file the problem is in
	Pointer string // JSON pointer, or "" when only a line is known (syntax errors)
	Line    int    // 1-based line when known, else 0
	Message string
	Err     error // underlying error, if any
}

func (e *Error) Error() string {
	loc := e.File
	if e.Line > 0 {
		loc = fmt.Sprintf("%s:%d", loc, e.Line)
	}
	if e.Pointer != "" {
		loc += ": " + e.Pointer
	}
	return loc + ": " + e.Message
}

func (e *Error) Unwrap() error { return e.Err }

// Load reads, converts and validates the spec at path.
func Load(ctx context.Context, path string) (*Spec, []Warning, error) {
	return nil, nil, &Error{File: path, Message: "not implemented"}
}
