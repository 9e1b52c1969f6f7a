package svcgen

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"iter"
	"maps"
	"reflect"
	"slices"
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

// ObjectFields reads the properties of a JSON object that decodes into a
// T, and gives them in the order of their names, so that of several bad
// properties the same one is reported every time; a decoding error names
// T, as encoding/json would.
func ObjectFields[T any](data []byte) (iter.Seq2[string, json.RawMessage], error) {
	var fields map[string]json.RawMessage
	if err := json.Unmarshal(data, &fields); err != nil {
		var te *json.UnmarshalTypeError
		if errors.As(err, &te) {
			te.Type = reflect.TypeFor[T]()
		}
		return nil, err
	}
	return func(yield func(string, json.RawMessage) bool) {
		for _, key := range slices.Sorted(maps.Keys(fields)) {
			if !yield(key, fields[key]) {
				return
			}
		}
	}, nil
}

// DecodeRequired decodes a required property where null is not a value:
// null leaves it unseen, for the validator to report as missing.
func DecodeRequired(data []byte, v any, key string, seen *bool) error {
	if IsNull(data) {
		return nil
	}
	*seen = true
	return DecodeField(data, v, key)
}

// DecodeSeen decodes a required property that may be null.
func DecodeSeen(data []byte, v any, key string, seen *bool) error {
	*seen = true
	return DecodeField(data, v, key)
}

// DecodeNonNull decodes an optional property whose schema does not allow
// null: an explicit null is an error, not the property left out.
func DecodeNonNull(data []byte, v any, key string) error {
	if IsNull(data) {
		return &json.UnmarshalTypeError{Value: "null", Type: reflect.TypeOf(v).Elem(), Field: key}
	}
	return DecodeField(data, v, key)
}

// DecodeField decodes one property, prefixing errors with its key so that
// the problem response names the field.
func DecodeField(data []byte, v any, key string) error {
	err := json.Unmarshal(data, v)
	var te *json.UnmarshalTypeError
	if errors.As(err, &te) {
		if te.Field == "" {
			te.Field = key
		} else {
			te.Field = key + "." + te.Field
		}
	}
	return err
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
	b, err := json.Marshal(v)
	if err != nil {
		o.err = err
		return
	}
	if o.n > 0 {
		o.buf = append(o.buf, ',')
	}
	o.n++
	o.buf = append(o.buf, key...)
	o.buf = append(o.buf, ':')
	o.buf = append(o.buf, b...)
}

// FieldIf writes the field when set is true: an optional property.
func (o *Object) FieldIf(set bool, key string, v any) {
	if set {
		o.Field(key, v)
	}
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
	switch {
	case errors.As(err, &syn):
		return FieldError{In: "body", Pointer: "#", Detail: "malformed JSON at byte " + strconv.FormatInt(syn.Offset, 10) + ": " + syn.Error()}
	case errors.As(err, &te):
		detail := "must be " + typeName(te.Type) + ", not " + te.Value
		if te.Type == nil {
			detail = "is " + te.Value // raised by a generated decoder
		}
		fe := FieldError{In: "body", Field: te.Field, Pointer: "#/" + strings.ReplaceAll(te.Field, ".", "/"), Detail: detail}
		if te.Field == "" {
			fe.Pointer = "#"
		}
		return fe
	case errors.As(err, &pe):
		return FieldError{In: "body", Detail: "must be an RFC 3339 date-time: " + strconv.Quote(pe.Value)}
	case errors.Is(err, io.ErrUnexpectedEOF):
		return FieldError{In: "body", Pointer: "#", Detail: "malformed JSON: unexpected end of input"}
	}
	return FieldError{In: "body", Pointer: "#", Detail: err.Error()}
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
		if t.NumField() > 0 && t.Field(0).Name == "Value" && t.Field(1).Name == "Set" {
			return typeName(t.Field(0).Type) // Nullable[T]
		}
		return "an object"
	case reflect.Pointer:
		return typeName(t.Elem())
	}
	return "a valid value"
}
