package svcgen

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"iter"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
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
// properties the same one is reported every time (of a name given twice,
// the last value, as encoding/json keeps); a decoding error names T, as
// encoding/json would.
//
// A well-formed object is split in one pass, its values left as slices of
// data: the generated UnmarshalJSON methods run inside encoding/json, which
// has checked the whole document already, and each value is checked again
// when it is decoded. Anything else goes through encoding/json for its
// exact error.
func ObjectFields[T any](data []byte) (iter.Seq2[string, json.RawMessage], error) {
	fields, ok := splitObject(data)
	if !ok {
		var m map[string]json.RawMessage
		if err := json.Unmarshal(data, &m); err != nil {
			var te *json.UnmarshalTypeError
			if errors.As(err, &te) {
				te.Type = reflect.TypeFor[T]()
			}
			return nil, err
		}
		fields = make([]objectField, 0, len(m))
		for k, v := range m {
			fields = append(fields, objectField{k, v})
		}
	}
	slices.SortStableFunc(fields, func(a, b objectField) int { return strings.Compare(a.key, b.key) })
	return func(yield func(string, json.RawMessage) bool) {
		for i, f := range fields {
			if i+1 < len(fields) && fields[i+1].key == f.key {
				continue // a name given twice: the last value counts
			}
			if !yield(f.key, f.value) {
				return
			}
		}
	}, nil
}

type objectField struct {
	key   string
	value json.RawMessage
}

// splitObject splits a JSON object into its properties, in the order
// given; ok is false for anything but a well-formed object (null included).
func splitObject(data []byte) (fields []objectField, ok bool) {
	i := skipSpace(data, 0)
	if i >= len(data) || data[i] != '{' {
		return nil, false
	}
	i = skipSpace(data, i+1)
	if i < len(data) && data[i] == '}' {
		return nil, skipSpace(data, i+1) == len(data)
	}
	fields = make([]objectField, 0, 8)
	for {
		if i >= len(data) || data[i] != '"' {
			return nil, false
		}
		end, escaped := scanString(data, i)
		if end < 0 {
			return nil, false
		}
		var key string
		if raw := data[i+1 : end-1]; escaped || !utf8.Valid(raw) {
			if json.Unmarshal(data[i:end], &key) != nil {
				return nil, false
			}
		} else {
			key = string(raw)
		}
		i = skipSpace(data, end)
		if i >= len(data) || data[i] != ':' {
			return nil, false
		}
		i = skipSpace(data, i+1)
		start := i
		if i = skipValue(data, i); i < 0 {
			return nil, false
		}
		fields = append(fields, objectField{key, data[start:i:i]})
		i = skipSpace(data, i)
		if i >= len(data) {
			return nil, false
		}
		switch data[i] {
		case ',':
			i = skipSpace(data, i+1)
			continue
		case '}':
			return fields, skipSpace(data, i+1) == len(data)
		}
		return nil, false
	}
}

func skipSpace(data []byte, i int) int {
	for i < len(data) {
		switch data[i] {
		case ' ', '\t', '\n', '\r':
			i++
		default:
			return i
		}
	}
	return i
}

// scanString returns the index after the string starting at data[i] (a
// quote), or -1, and whether it holds escapes.
func scanString(data []byte, i int) (int, bool) {
	escaped := false
	for j := i + 1; j < len(data); j++ {
		switch c := data[j]; {
		case c == '\\':
			escaped = true
			j++
		case c == '"':
			return j + 1, escaped
		case c < 0x20:
			return -1, false
		}
	}
	return -1, false
}

// skipValue returns the index after the value starting at data[i], or -1.
// Scalars are only delimited here; decoding them checks them.
func skipValue(data []byte, i int) int {
	if i >= len(data) {
		return -1
	}
	switch data[i] {
	case '"':
		end, _ := scanString(data, i)
		return end
	case '{', '[':
		depth := 0
		for i < len(data) {
			switch data[i] {
			case '"':
				end, _ := scanString(data, i)
				if end < 0 {
					return -1
				}
				i = end
				continue
			case '{', '[':
				depth++
			case '}', ']':
				depth--
				if depth == 0 {
					return i + 1
				}
			}
			i++
		}
		return -1
	}
	start := i
	for i < len(data) {
		switch data[i] {
		case ',', '}', ']', ' ', '\t', '\n', '\r':
			if i == start {
				return -1
			}
			return i
		}
		i++
	}
	return -1 // a scalar cannot end an object
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
	if err == nil {
		return nil
	}
	var te *json.UnmarshalTypeError
	var pe *time.ParseError
	var syn *json.SyntaxError
	switch {
	case errors.As(err, &te):
		if te.Field == "" {
			te.Field = key
		} else {
			te.Field = key + "." + te.Field
		}
	// time.Time's decoder reports its errors without the field (a
	// *time.ParseError, or plain text for a value that is no string):
	// make them type errors at key.
	case errors.As(err, &pe):
		return &json.UnmarshalTypeError{Value: "string " + strconv.Quote(pe.Value), Type: reflect.TypeFor[time.Time](), Field: key}
	case !errors.As(err, &syn) && isTime(reflect.TypeOf(v)):
		return &json.UnmarshalTypeError{Value: JSONKind(data), Type: reflect.TypeFor[time.Time](), Field: key}
	}
	return err
}

// isTime reports whether t is time.Time behind pointers and Nullables.
func isTime(t reflect.Type) bool {
	for t != nil {
		switch {
		case t == reflect.TypeFor[time.Time]():
			return true
		case t.Kind() == reflect.Pointer:
			t = t.Elem()
		case isNullable(t):
			t = t.Field(0).Type
		default:
			return false
		}
	}
	return false
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
