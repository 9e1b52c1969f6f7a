package svcgenhttp

import (
	"encoding/json"
	"net/http"
	"strconv"

	"github.com/svcgen/svcgen/runtime/svcgen"
)

// The server answers errors (a failed decode, a service error, missing
// credentials) as RFC 9457 problems, unless the spec of the operation
// declares another form for the status: then the answer follows it, so
// that it is one the spec allows. svcgen decides each form when it
// generates the service (build/errorform.go) and the handler registers
// them with SetErrorForms.

// ErrorForm is how an operation's spec declares an error answer.
type ErrorForm struct {
	// ContentType is the declared media type, "" when the spec declares
	// no body: the answer then has none.
	ContentType string
	// Text is set for a text body: the problem's detail, or its title
	// when it has none; String for that text as a JSON string.
	Text, String bool
	// Fields are the properties of a JSON object body, each filled from
	// the problem; nil sends the problem itself, as ContentType.
	Fields []ErrorField
	// Extra is set when the schema allows properties it does not declare:
	// the problem's own members that no field takes are written too, so
	// that a client that reads problems (svcgen's does) still finds them.
	Extra bool
}

// ErrorField is a property of an error body and the part of the problem
// that fills it.
type ErrorField struct {
	Key string // the property's name, JSON-encoded
	// From is "status" (a number), "status-text" (the status as a
	// string), "title", "detail" (the detail, or the title when there is
	// none), "type", "instance" or "errors" (the field errors, each an
	// object of Items); in Items: "in", "field" (the field's path, or
	// where it is when it has none), "pointer" or "detail".
	From string
	// Required properties are always written; others only when the
	// problem has a value for them.
	Required bool
	// Items are the properties of each field error ("errors"), and
	// ItemsExtra is Extra for them.
	Items      []ErrorField
	ItemsExtra bool
}

// ErrorForms are the error answers an operation declares: by status, by
// range (4 for 4XX) and its default.
type ErrorForms struct {
	Status  map[int]*ErrorForm
	Range   map[int]*ErrorForm
	Default *ErrorForm
}

func (f *ErrorForms) of(status int) *ErrorForm {
	if form, ok := f.Status[status]; ok {
		return form
	}
	if form, ok := f.Range[status/100]; ok {
		return form
	}
	return f.Default
}

// SetErrorForms makes the errors answered on the route pattern take the
// forms its spec declares.
func (s *Server) SetErrorForms(pattern string, forms *ErrorForms) {
	if s.forms == nil {
		s.forms = map[string]*ErrorForms{}
	}
	s.forms[pattern] = forms
}

// problem answers an error in the form the spec of the routed operation
// declares for status, or else as an RFC 9457 problem.
func (s *Server) problem(w http.ResponseWriter, r *http.Request, status int, detail string, errs []svcgen.FieldError) {
	if forms := s.forms[r.Pattern]; forms != nil {
		if form := forms.of(status); form != nil {
			form.write(w, r, status, detail, errs)
			return
		}
	}
	WriteProblem(w, r, status, detail, errs)
}

func (f *ErrorForm) write(w http.ResponseWriter, r *http.Request, status int, detail string, errs []svcgen.FieldError) {
	if f.ContentType == "" {
		w.WriteHeader(status)
		return
	}
	title := http.StatusText(status)
	message := detail
	if message == "" {
		message = title
	}
	var body []byte
	switch {
	case f.Text:
		body = []byte(message)
	case f.String:
		body, _ = json.Marshal(message)
	case f.Fields == nil:
		body, _ = json.Marshal(svcgen.Problem{Type: "about:blank", Title: title, Status: status, Detail: detail, Instance: r.URL.Path, Errors: errs})
	default:
		value := func(from string) any {
			switch from {
			case "status":
				return status
			case "status-text":
				return strconv.Itoa(status)
			case "title":
				return title
			case "detail":
				return message
			case "type":
				return "about:blank"
			case "instance":
				return r.URL.Path
			}
			return nil
		}
		native := []any{`"type"`, "about:blank", `"title"`, title, `"status"`, status, `"detail"`, detail, `"instance"`, r.URL.Path, `"errors"`, errs}
		body = object(f.Fields, value, errs, f.Extra, native...)
	}
	w.Header().Set("Content-Type", f.ContentType)
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.WriteHeader(status)
	_, _ = w.Write(body)
}

// object writes a JSON object of fields, each valued by value ("errors"
// from errs), and when extra is set the members of native (name, value
// pairs, the value nil or "" when absent) that no field takes.
func object(fields []ErrorField, value func(from string) any, errs []svcgen.FieldError, extra bool, native ...any) []byte {
	o := svcgen.NewObject()
	taken := make(map[string]bool, len(fields))
	for _, f := range fields {
		taken[f.Key] = true
		if f.From != "errors" {
			if v := value(f.From); v != nil && (f.Required || v != "") {
				o.Field(f.Key, v)
			}
			continue
		}
		if len(errs) == 0 && !f.Required {
			continue
		}
		o.Field(f.Key, fieldErrors(f, errs))
	}
	if extra {
		for i := 0; i+1 < len(native); i += 2 {
			key := native[i].(string)
			switch v := native[i+1]; {
			case taken[key], v == nil, v == "":
			case key == `"errors"`:
				if len(errs) > 0 {
					o.Field(key, errs)
				}
			default:
				o.Field(key, v)
			}
		}
	}
	b, _ := o.End()
	return b
}

// fieldErrors writes errs as the items of f.
func fieldErrors(f ErrorField, errs []svcgen.FieldError) []json.RawMessage {
	items := make([]json.RawMessage, len(errs))
	for i, fe := range errs {
		value := func(from string) any {
			switch from {
			case "in":
				return fe.In
			case "field":
				if fe.Field != "" {
					return fe.Field
				}
				return fe.In
			case "pointer":
				return fe.Pointer
			case "detail":
				return fe.Detail
			}
			return nil
		}
		native := []any{`"in"`, fe.In, `"field"`, fe.Field, `"pointer"`, fe.Pointer, `"detail"`, fe.Detail}
		items[i] = object(f.Items, value, nil, f.ItemsExtra, native...)
	}
	return items
}
