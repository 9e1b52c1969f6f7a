package svcgenhttp

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"mime"
	"mime/multipart"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/svcgen/svcgen/runtime/svcgen"
)

// FormField says how the text values of a form field become JSON.
type FormField struct {
	Name  string
	Kind  byte // 's': a JSON string, 'n': a number, 'b': a boolean, 'j': the text is JSON, 'a': JSON text or else a string (free-form)
	Array bool // every value is an element
}

// DecodeForm reads a body of mediaType, application/x-www-form-urlencoded
// or multipart/form-data, under rules' Limit and Required: the fields are
// turned into a JSON object following fields and decoded into v like a
// JSON body, each value that does not fit added to errs. It reports
// whether a body was there and returns the multipart form, whose files the
// handler hands over.
func DecodeForm(w http.ResponseWriter, r *http.Request, v any, rules BodyRules, mediaType string, fields []FormField, errs *svcgen.Errors) (bool, *multipart.Form, error) {
	multi := mediaType == "multipart/form-data"
	ct := r.Header.Get("Content-Type")
	if r.ContentLength == 0 || r.Body == nil || r.Body == http.NoBody {
		if rules.Required {
			*errs = append(*errs, svcgen.FieldError{In: "body", Pointer: "#", Detail: "a request body is required"})
		}
		return false, nil, nil
	}
	if mt, _, err := mime.ParseMediaType(ct); err != nil || mt != mediaType {
		return false, nil, &svcgen.Error{Status: http.StatusUnsupportedMediaType, Detail: "the body must be " + mediaType}
	}
	r.Body = http.MaxBytesReader(w, r.Body, rules.Limit)
	var values url.Values
	var form *multipart.Form
	if multi {
		// Parts beyond 32 MiB in memory go to temporary files, which
		// r.MultipartForm.RemoveAll deletes when the request ends.
		if err := r.ParseMultipartForm(32 << 20); err != nil {
			return false, nil, formError(err)
		}
		form, values = r.MultipartForm, r.MultipartForm.Value
	} else {
		// Not r.ParseForm: it reads no body for DELETE, or any method but
		// POST, PUT and PATCH.
		body, err := io.ReadAll(r.Body)
		if err != nil {
			return false, nil, formError(err)
		}
		if values, err = url.ParseQuery(string(body)); err != nil {
			return false, nil, formError(err)
		}
	}
	// A value that does not fit is reported and sent as null, so that the
	// rest of the body is still decoded and checked: the answer lists
	// every invalid field.
	data := formJSON(values, fields, "body", "", errs)
	if v == nil {
		return true, form, nil
	}
	if err := json.Unmarshal(data, v); err != nil {
		*errs = append(*errs, svcgen.JSONError(err))
		return false, form, nil
	}
	return true, form, nil
}

// DecodeJSONOrForm reads a JSON body into v, or a form body when the
// request's Content-Type is one of forms, the form media types the spec
// gives the same schema as the JSON one. The schema has no file parts, so
// a multipart form's values are all in memory once it is read.
func DecodeJSONOrForm(w http.ResponseWriter, r *http.Request, v any, rules BodyRules, errs *svcgen.Errors, fields []FormField, forms ...string) (bool, error) {
	ct := r.Header.Get("Content-Type")
	if mt, _, err := mime.ParseMediaType(ct); err == nil && slices.Contains(forms, mt) {
		ok, form, err := DecodeForm(w, r, v, rules, mt, fields, errs)
		if form != nil {
			_ = form.RemoveAll()
		}
		return ok, err
	}
	if ct != "" && !svcgen.IsJSON(ct) {
		return false, &svcgen.Error{Status: http.StatusUnsupportedMediaType, Detail: "the body must be application/json, " + strings.Join(forms, " or ")}
	}
	return DecodeJSON(w, r, v, rules, errs)
}

func formError(err error) error {
	var tooBig *http.MaxBytesError
	if errors.As(err, &tooBig) {
		return bodyError(err)
	}
	return &svcgen.Error{Status: http.StatusBadRequest, Detail: "the form could not be read: " + err.Error()}
}

// formJSON turns form values into a JSON object; undeclared fields are
// ignored.
func formJSON(values url.Values, fields []FormField, in, prefix string, errs *svcgen.Errors) []byte {
	var b bytes.Buffer
	b.WriteByte('{')
	n := 0
	for _, f := range fields {
		vs, has := values[f.Name]
		if !has {
			continue
		}
		if n > 0 {
			b.WriteByte(',')
		}
		n++
		key, _ := json.Marshal(f.Name)
		b.Write(key)
		b.WriteByte(':')
		if !f.Array {
			formValue(&b, f, vs[0], -1, in, prefix, errs)
			continue
		}
		b.WriteByte('[')
		for i, s := range vs {
			if i > 0 {
				b.WriteByte(',')
			}
			formValue(&b, f, s, i, in, prefix, errs)
		}
		b.WriteByte(']')
	}
	b.WriteByte('}')
	return b.Bytes()
}

// formValue writes the JSON of one form value, item i of an array field
// (-1: not an array), or null after reporting a value that does not fit.
// in and prefix say where it came from: the body, or a query parameter
// ("filter[" ... "]" for a deepObject).
func formValue(b *bytes.Buffer, f FormField, s string, i int, in, prefix string, errs *svcgen.Errors) {
	bad := ""
	switch f.Kind {
	case 's':
		q, _ := json.Marshal(s)
		b.Write(q)
		return
	case 'n':
		if _, err := strconv.ParseFloat(s, 64); err != nil || !json.Valid([]byte(s)) {
			bad = "must be a number"
		}
	case 'b':
		if s != "true" && s != "false" {
			bad = "must be true or false"
		}
	case 'a':
		// Free-form: any JSON value, and text that is not JSON is a string
		// (what a client filling a form sends, svcgen's included).
		if !json.Valid([]byte(s)) {
			q, _ := json.Marshal(s)
			b.Write(q)
			return
		}
	default:
		if !json.Valid([]byte(s)) {
			bad = "must be JSON"
		}
	}
	if bad != "" {
		e := svcgen.FieldError{In: in, Field: f.Name, Detail: bad}
		if in == "body" {
			e.Pointer = "#/" + strings.NewReplacer("~", "~0", "/", "~1").Replace(f.Name)
		} else if prefix != "" {
			e.Field = prefix + "[" + f.Name + "]"
		}
		if i >= 0 {
			e.Field += "[" + strconv.Itoa(i) + "]"
			if e.Pointer != "" {
				e.Pointer += "/" + strconv.Itoa(i)
			}
		}
		*errs = append(*errs, e)
		b.WriteString("null")
		return
	}
	b.WriteString(s)
}

// QueryObject gathers the properties of an object query parameter, sent
// as name[prop]=value (deep) or prop=value, into a JSON object. ok is false
// when none is there.
func QueryObject(query Query, name string, deep bool, fields []FormField, errs *svcgen.Errors) ([]byte, bool) {
	values := url.Values{}
	prefix := ""
	if deep {
		prefix = name
	}
	for _, f := range fields {
		key := f.Name
		if deep {
			key = name + "[" + f.Name + "]"
		}
		if vs, has := query.Values(key); has {
			values[f.Name] = vs
		}
	}
	if len(values) == 0 {
		return nil, false
	}
	return formJSON(values, fields, "query", prefix, errs), true
}

// ParseJSON reads a parameter whose value is JSON text.
func ParseJSON[T any](s string) (T, error) {
	var v T
	err := json.Unmarshal([]byte(s), &v)
	return v, err
}

// FileOf returns the first file of the part called name, or nil.
func FileOf(form *multipart.Form, name string) *svcgen.File {
	if fs := FilesOf(form, name); len(fs) > 0 {
		return fs[0]
	}
	return nil
}

// FilesOf returns the files of the parts called name.
func FilesOf(form *multipart.Form, name string) []*svcgen.File {
	if form == nil {
		return nil
	}
	var out []*svcgen.File
	for _, h := range form.File[name] {
		out = append(out, svcgen.NewFile(h))
	}
	return out
}
