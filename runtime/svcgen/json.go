package svcgen

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"reflect"
	"strconv"
	"strings"
	"time"
)

// IsNull reports whether data is the JSON null.
func IsNull(data []byte) bool { return string(bytes.TrimSpace(data)) == "null" }

// JSONKind names the kind of the JSON value in data: object, array,
// string, number, boolean or null.
func JSONKind(data []byte) string {
	data = bytes.TrimSpace(data)
	if len(data) == 0 {
		return ""
	}
	switch data[0] {
	case '{':
		return "object"
	case '[':
		return "array"
	case '"':
		return "string"
	case 't', 'f':
		return "boolean"
	case 'n':
		return "null"
	}
	return "number"
}

// isNullable reports whether t is a Nullable[T].
func isNullable(t reflect.Type) bool {
	return t.Kind() == reflect.Struct && t.PkgPath() == reflect.TypeFor[Date]().PkgPath() && strings.HasPrefix(t.Name(), "Nullable[")
}

// Discriminator reads the string property key of a JSON object.
func Discriminator(data []byte, key string) (string, error) {
	var fields map[string]json.RawMessage
	if err := json.Unmarshal(data, &fields); err != nil {
		return "", err
	}
	raw, ok := fields[key]
	if !ok {
		return "", &json.UnmarshalTypeError{Value: "object without " + strconv.Quote(key), Type: reflect.TypeFor[string](), Field: key}
	}
	var tag string
	if err := json.Unmarshal(raw, &tag); err != nil {
		return "", &json.UnmarshalTypeError{Value: JSONKind(raw), Type: reflect.TypeFor[string](), Field: key}
	}
	return tag, nil
}

// Object writes a JSON object a field at a time; the first error stops it.
type Object struct {
	buf []byte
	n   int // fields written
	err error
}

// NewObject starts an object.
func NewObject() Object { return Object{buf: append(make([]byte, 0, 256), '{')} }

// Field writes `"key":value`; key is JSON already.
func (o *Object) Field(key string, v any) {
	if o.err != nil {
		return
	}
	if o.n > 0 {
		o.buf = append(o.buf, ',')
	}
	o.n++
	o.buf = append(o.buf, key...)
	o.buf = append(o.buf, ':')
	if buf, ok := appendScalar(o.buf, v); ok {
		o.buf = buf
		return
	}
	b, err := json.Marshal(v)
	if err != nil {
		o.err = err
		return
	}
	o.buf = append(o.buf, b...)
}

// appendScalar appends v as encoding/json would when v is a string, an
// integer or a boolean (or a pointer to one) whose encoding needs no
// escaping; ok is false for anything else, which goes through
// encoding/json.
func appendScalar(buf []byte, v any) ([]byte, bool) {
	switch x := v.(type) {
	case string:
		return appendPlainString(buf, x)
	case *string:
		if x != nil {
			return appendPlainString(buf, *x)
		}
	case int64:
		return strconv.AppendInt(buf, x, 10), true
	case *int64:
		if x != nil {
			return strconv.AppendInt(buf, *x, 10), true
		}
	case int32:
		return strconv.AppendInt(buf, int64(x), 10), true
	case *int32:
		if x != nil {
			return strconv.AppendInt(buf, int64(*x), 10), true
		}
	case int:
		return strconv.AppendInt(buf, int64(x), 10), true
	case bool:
		return strconv.AppendBool(buf, x), true
	case *bool:
		if x != nil {
			return strconv.AppendBool(buf, *x), true
		}
	}
	return buf, false
}

// appendPlainString appends s quoted when no character of it needs an
// escape in encoding/json's output (printable ASCII but for ", \, <, >, &).
func appendPlainString(buf []byte, s string) ([]byte, bool) {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < 0x20 || c > 0x7e || c == '"' || c == '\\' || c == '<' || c == '>' || c == '&' {
			return buf, false
		}
	}
	buf = append(buf, '"')
	buf = append(buf, s...)
	return append(buf, '"'), true
}

// End closes the object, or returns the first error.
func (o *Object) End() ([]byte, error) {
	if o.err != nil {
		return nil, o.err
	}
	return append(o.buf, '}'), nil
}

// IsJSON reports whether ct is a JSON media type: application/json, any
// +json type, or the older text/json and text/x-json.
func IsJSON(ct string) bool {
	ct, _, _ = strings.Cut(ct, ";")
	ct = strings.ToLower(strings.TrimSpace(ct))
	return ct == "application/json" || strings.HasSuffix(ct, "+json") || ct == "text/json" || ct == "text/x-json"
}

// JSONError turns an error decoding a body into a field error.
func JSONError(err error) FieldError {
	var syn *json.SyntaxError
	var te *json.UnmarshalTypeError
	var pe *time.ParseError
	var de *DecodeError
	switch {
	case errors.As(err, &de):
		if de.Syntax {
			return FieldError{In: "body", Pointer: "#", Detail: de.Error()}
		}
		return FieldError{In: "body", Field: de.Field, Pointer: de.Pointer, Detail: de.Detail}
	case errors.As(err, &syn):
		return FieldError{In: "body", Pointer: "#", Detail: "malformed JSON at byte " + strconv.FormatInt(syn.Offset, 10) + ": " + syn.Error()}
	case errors.As(err, &te):
		detail := "must be " + typeName(te.Type) + ", not " + te.Value
		if te.Type == nil {
			detail = "is " + te.Value // raised by a generated decoder
		}
		return FieldError{In: "body", Field: te.Field, Pointer: dottedPointer(te.Field), Detail: detail}
	case errors.As(err, &pe):
		return FieldError{In: "body", Detail: "must be an RFC 3339 date-time: " + strconv.Quote(pe.Value)}
	case errors.Is(err, io.ErrUnexpectedEOF):
		return FieldError{In: "body", Pointer: "#", Detail: "malformed JSON: unexpected end of input"}
	}
	return FieldError{In: "body", Pointer: "#", Detail: err.Error()}
}

// dottedPointer turns the dotted path of a type error ("items.name")
// into a JSON pointer, each name escaped. A name with a dot in it cannot be
// told from two: encoding/json joins them so.
func dottedPointer(field string) string {
	if field == "" {
		return "#"
	}
	var b strings.Builder
	b.WriteByte('#')
	for _, name := range strings.Split(field, ".") {
		b.WriteByte('/')
		b.WriteString(pointerEscaper.Replace(name))
	}
	return b.String()
}

// typeName describes a Go type in JSON terms.
func typeName(t reflect.Type) string {
	if t == nil {
		return "a valid value"
	}
	switch t {
	case reflect.TypeFor[Date]():
		return "a date (YYYY-MM-DD)"
	case reflect.TypeFor[time.Time]():
		return "an RFC 3339 date-time"
	}
	switch t.Kind() {
	case reflect.String:
		return "a string"
	case reflect.Int32:
		return "a 32-bit integer"
	case reflect.Int, reflect.Int64, reflect.Int8, reflect.Int16, reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return "an integer"
	case reflect.Float32, reflect.Float64:
		return "a number"
	case reflect.Bool:
		return "a boolean"
	case reflect.Slice, reflect.Array:
		return "an array"
	case reflect.Map:
		return "an object"
	case reflect.Struct:
		if isNullable(t) {
			return typeName(t.Field(0).Type) // Nullable[T]: T's name
		}
		return "an object"
	case reflect.Pointer:
		return typeName(t.Elem())
	}
	return "a valid value"
}
