// Package svcgen is the runtime a service's contract and client share:
// errors with an HTTP status, RFC 9457 problem bodies, field errors and the
// validation helpers generated code calls, Nullable and Date, and the JSON
// and parameter text codecs. It uses the standard library only, so that a
// module importing a service's contract or client pulls in nothing else.
//
// svcgen copies this package into every service it generates; edit it in
// svcgen's repository (runtime/svcgen), where it is tested.
package svcgen

import (
	"net/http"
	"strings"
)

// Error is an error with an HTTP status. Service methods return one (or wrap
// one) to answer with a problem response; any other error becomes a 500.
type Error struct {
	Status int    // HTTP status code
	Detail string // human-readable explanation, sent to the client
	Err    error  // underlying cause, logged but never sent
}

// NewError returns an Error with the given status and detail.
func NewError(status int, detail string) *Error {
	return &Error{Status: status, Detail: detail}
}

func (e *Error) Error() string {
	msg := http.StatusText(e.Status)
	if e.Detail != "" {
		msg += ": " + e.Detail
	}
	if e.Err != nil {
		msg += ": " + e.Err.Error()
	}
	return msg
}

func (e *Error) Unwrap() error { return e.Err }

var (
	// ErrNotImplemented answers 501 Not Implemented: the method has no
	// implementation yet.
	ErrNotImplemented = &Error{Status: http.StatusNotImplemented, Detail: "this operation is not implemented yet"}
	// ErrUnauthorized answers 401: missing or invalid credentials.
	ErrUnauthorized = &Error{Status: http.StatusUnauthorized, Detail: "the credentials are missing or not valid"}
	// ErrForbidden answers 403: valid credentials that may not do this.
	ErrForbidden = &Error{Status: http.StatusForbidden, Detail: "the credentials do not allow this operation"}
)

// NotFound returns a 404 error.
func NotFound(detail string) *Error { return NewError(http.StatusNotFound, detail) }

// Conflict returns a 409 error.
func Conflict(detail string) *Error { return NewError(http.StatusConflict, detail) }

// BadRequest returns a 400 error.
func BadRequest(detail string) *Error { return NewError(http.StatusBadRequest, detail) }

// Problem is an RFC 9457 problem details body, sent as
// application/problem+json with every error response.
type Problem struct {
	Type     string       `json:"type"`
	Title    string       `json:"title"`
	Status   int          `json:"status"`
	Detail   string       `json:"detail,omitempty"`
	Instance string       `json:"instance,omitempty"`
	Errors   []FieldError `json:"errors,omitempty"`
}

// FieldError is one invalid part of a request.
type FieldError struct {
	In      string `json:"in"`                // path, query, header, cookie or body
	Field   string `json:"field,omitempty"`   // parameter name, or path in the body: items[0].name
	Pointer string `json:"pointer,omitempty"` // body only: JSON pointer, #/items/0/name
	Detail  string `json:"detail"`
}

// Errors collects every invalid part of a request.
type Errors []FieldError

func (e Errors) Error() string {
	var b strings.Builder
	for i, f := range e {
		if i > 0 {
			b.WriteString("; ")
		}
		if f.Field != "" {
			b.WriteString(f.Field)
			b.WriteString(": ")
		}
		b.WriteString(f.Detail)
	}
	return b.String()
}

// Err returns e as an error, or nil when it is empty.
func (e Errors) Err() error {
	if len(e) == 0 {
		return nil
	}
	return e
}
