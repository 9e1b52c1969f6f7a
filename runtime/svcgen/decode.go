package svcgen

import (
	"encoding/base64"
	"encoding/json"
	"errors"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode/utf16"
	"unicode/utf8"
	"unsafe"
)

// Decoder reads one JSON document in a single pass, without reflection:
// the generated DecodeJSON methods pull each value in the type the spec
// gives it, so that the body is checked and decoded at once (encoding/json
// would scan it twice: once to check it, once to decode it). It keeps the
// path of the value being read, so that an error names its JSON pointer.
//
// A Decoder is made by NewDecoder, or by Unmarshal for a whole document.
type Decoder struct {
	data  []byte
	pos   int
	path  []pathStep
	depth int
}

// pathStep is one step of the path to the value being read: an object key
// (index < 0) or an array index.
type pathStep struct {
	key   []byte
	index int
}

// maxDepth bounds the nesting of a document, as encoding/json does.
const maxDepth = 10000

// JSONDecoder is a type that reads itself from a Decoder; every type
// svcgen generates is one.
type JSONDecoder interface {
	DecodeJSON(d *Decoder) error
}

// NewDecoder returns a Decoder reading data.
func NewDecoder(data []byte) *Decoder { return &Decoder{data: data} }

// decoders keeps Decoders (and their path stacks) between documents.
var decoders = sync.Pool{New: func() any { return &Decoder{path: make([]pathStep, 0, 16)} }}

// Unmarshal decodes the JSON document data into p, which must be a pointer;
// trailing data other than white space is an error. Types svcgen
// generates, and the scalars, slices and maps of them, decode without
// reflection.
func Unmarshal[T any](data []byte, p *T) error { return UnmarshalAny(data, p) }

// UnmarshalAny is Unmarshal for a pointer held in an interface.
func UnmarshalAny(data []byte, p any) error {
	return UnmarshalWith(data, &p, func(d *Decoder, p *any) error { return DecodeAny(d, *p) })
}

// UnmarshalWith decodes the JSON document data into p with decode
// (DecodeSlice for a slice, say), on a pooled Decoder.
func UnmarshalWith[T any](data []byte, p *T, decode func(*Decoder, *T) error) error {
	d := decoders.Get().(*Decoder)
	d.data, d.pos, d.depth, d.path = data, 0, 0, d.path[:0]
	err := decode(d, p)
	if err == nil {
		err = d.End()
	}
	d.data = nil
	clear(d.path[:cap(d.path)]) // no key of this document kept alive
	decoders.Put(d)
	return err
}

// End checks that nothing but white space follows the value read.
func (d *Decoder) End() error {
	d.skipSpace()
	if d.pos < len(d.data) {
		return d.syntaxError("after top-level value")
	}
	return nil
}

// A DecodeError is a JSON document that is malformed (Syntax) or holds a
// value that is not of the kind its schema gives. Field is the dotted path
// of the value ("owner.email", "pets.3.age"), Pointer its JSON pointer.
type DecodeError struct {
	Field   string
	Pointer string
	Detail  string // "must be a string, not number"
	Offset  int64  // byte offset in the document
	Syntax  bool
}

func (e *DecodeError) Error() string {
	if e.Syntax {
		return "malformed JSON at byte " + strconv.FormatInt(e.Offset, 10) + ": " + e.Detail
	}
	if e.Field == "" {
		return "the body " + e.Detail
	}
	return e.Field + " " + e.Detail
}

// errorAt builds an error for the value at the decoder's path.
func (d *Decoder) errorAt(detail string) *DecodeError {
	var field, ptr strings.Builder
	ptr.WriteByte('#')
	for i, s := range d.path {
		if i > 0 {
			field.WriteByte('.')
		}
		ptr.WriteByte('/')
		if s.index >= 0 {
			n := strconv.Itoa(s.index)
			field.WriteString(n)
			ptr.WriteString(n)
			continue
		}
		field.Write(s.key)
		ptr.WriteString(pointerEscaper.Replace(string(s.key)))
	}
	return &DecodeError{Field: field.String(), Pointer: ptr.String(), Detail: detail, Offset: int64(d.pos)}
}

func (d *Decoder) syntaxError(context string) error {
	e := &DecodeError{Pointer: "#", Offset: int64(d.pos), Syntax: true}
	if d.pos >= len(d.data) {
		e.Detail = "unexpected end of JSON input"
		return e
	}
	e.Detail = "invalid character " + quoteChar(d.data[d.pos]) + " " + context
	return e
}

func quoteChar(c byte) string {
	switch {
	case c == '\'':
		return `'\''`
	case c == '"':
		return `'"'`
	case c < 0x20 || c >= 0x7f:
		return strconv.QuoteRune(rune(c))
	}
	return "'" + string(c) + "'"
}

// TypeError reports that the next value is not want ("a string", "an
// object"), naming what it is; the value is not consumed.
func (d *Decoder) TypeError(want string) error {
	if err := d.peekValue(); err != nil {
		return err
	}
	return d.errorAt("must be " + want + ", not " + d.describe())
}

// Invalid reports that the value just read breaks what its type allows
// (detail: "is not a date"), at the decoder's path.
func (d *Decoder) Invalid(detail string) error { return d.errorAt(detail) }

// describe names the kind of the next value, with a number's text:
// "string", "number 1.5", "null", "object", "array", "boolean".
func (d *Decoder) describe() string {
	switch c := d.data[d.pos]; c {
	case '"':
		return "string"
	case '{':
		return "object"
	case '[':
		return "array"
	case 't', 'f':
		return "boolean"
	case 'n':
		return "null"
	}
	end := d.pos
	for end < len(d.data) && isNumberByte(d.data[end]) {
		end++
	}
	if end-d.pos > 40 {
		return "number"
	}
	return "number " + string(d.data[d.pos:end])
}

func isNumberByte(c byte) bool {
	return c >= '0' && c <= '9' || c == '-' || c == '+' || c == '.' || c == 'e' || c == 'E'
}

func (d *Decoder) skipSpace() {
	for d.pos < len(d.data) {
		switch d.data[d.pos] {
		case ' ', '\t', '\n', '\r':
			d.pos++
		default:
			return
		}
	}
}

// peekValue skips white space and checks that a value may start here.
func (d *Decoder) peekValue() error {
	d.skipSpace()
	if d.pos >= len(d.data) {
		return d.syntaxError("")
	}
	switch c := d.data[d.pos]; {
	case c == '"', c == '{', c == '[', c == 't', c == 'f', c == 'n', c == '-', c >= '0' && c <= '9':
		return nil
	}
	return d.syntaxError("looking for beginning of value")
}

// Kind returns the kind of the next value without reading it: one of
// "string", "number", "boolean", "null", "object", "array", or "" when
// none can start here.
func (d *Decoder) Kind() string {
	if d.peekValue() != nil {
		return ""
	}
	switch d.data[d.pos] {
	case '"':
		return "string"
	case '{':
		return "object"
	case '[':
		return "array"
	case 't', 'f':
		return "boolean"
	case 'n':
		return "null"
	}
	return "number"
}

// Null reads a null if one comes next, and reports whether it did.
func (d *Decoder) Null() bool {
	d.skipSpace()
	if d.pos+4 <= len(d.data) && string(d.data[d.pos:d.pos+4]) == "null" && d.literalEnds(d.pos+4) {
		d.pos += 4
		return true
	}
	return false
}

// literalEnds reports whether a literal ending at i is not glued to
// another character (nullx).
func (d *Decoder) literalEnds(i int) bool {
	if i >= len(d.data) {
		return true
	}
	switch d.data[i] {
	case ' ', '\t', '\n', '\r', ',', '}', ']':
		return true
	}
	return false
}

// Object reads an object, calling field for each property with its key
// (valid only during the call); field must read the value, or call Skip.
// A key given twice is passed twice: the last value counts.
func (d *Decoder) Object(field func(key []byte) error) error {
	if err := d.peekValue(); err != nil {
		return err
	}
	if d.data[d.pos] != '{' {
		return d.TypeError("an object")
	}
	if d.depth++; d.depth > maxDepth {
		return d.errorAt("is nested too deeply")
	}
	d.pos++
	d.skipSpace()
	if d.pos < len(d.data) && d.data[d.pos] == '}' {
		d.pos++
		d.depth--
		return nil
	}
	for {
		d.skipSpace()
		if d.pos >= len(d.data) || d.data[d.pos] != '"' {
			return d.syntaxError("looking for beginning of object key string")
		}
		key, err := d.stringBytes(nil)
		if err != nil {
			return err
		}
		d.skipSpace()
		if d.pos >= len(d.data) || d.data[d.pos] != ':' {
			return d.syntaxError("after object key")
		}
		d.pos++
		if err := d.peekValue(); err != nil {
			return err
		}
		d.path = append(d.path, pathStep{key: key, index: -1})
		err = field(key)
		d.path = d.path[:len(d.path)-1]
		if err != nil {
			return err
		}
		d.skipSpace()
		if d.pos >= len(d.data) {
			return d.syntaxError("")
		}
		switch d.data[d.pos] {
		case ',':
			d.pos++
			continue
		case '}':
			d.pos++
			d.depth--
			return nil
		}
		return d.syntaxError("after object key:value pair")
	}
}

// Array reads an array, calling elem for each item with its index; elem
// must read the item.
func (d *Decoder) Array(elem func(i int) error) error {
	if err := d.peekValue(); err != nil {
		return err
	}
	if d.data[d.pos] != '[' {
		return d.TypeError("an array")
	}
	if d.depth++; d.depth > maxDepth {
		return d.errorAt("is nested too deeply")
	}
	d.pos++
	d.skipSpace()
	if d.pos < len(d.data) && d.data[d.pos] == ']' {
		d.pos++
		d.depth--
		return nil
	}
	for i := 0; ; i++ {
		if err := d.peekValue(); err != nil {
			return err
		}
		d.path = append(d.path, pathStep{index: i})
		err := elem(i)
		d.path = d.path[:len(d.path)-1]
		if err != nil {
			return err
		}
		d.skipSpace()
		if d.pos >= len(d.data) {
			return d.syntaxError("")
		}
		switch d.data[d.pos] {
		case ',':
			d.pos++
			continue
		case ']':
			d.pos++
			d.depth--
			return nil
		}
		return d.syntaxError("after array element")
	}
}

// Skip reads the next value, checking it is well-formed, and drops it.
func (d *Decoder) Skip() error {
	_, err := d.Raw()
	return err
}

// Raw reads the next value, checking it is well-formed, and returns its
// text (a slice of the document, valid as long as it is).
func (d *Decoder) Raw() ([]byte, error) {
	if err := d.peekValue(); err != nil {
		return nil, err
	}
	start := d.pos
	if err := d.skipValue(); err != nil {
		return nil, err
	}
	return d.data[start:d.pos], nil
}

func (d *Decoder) skipValue() error {
	if err := d.peekValue(); err != nil {
		return err
	}
	switch c := d.data[d.pos]; {
	case c == '"':
		_, err := d.stringBytes(nil)
		return err
	case c == '{':
		return d.Object(func([]byte) error { return d.skipValue() })
	case c == '[':
		return d.Array(func(int) error { return d.skipValue() })
	case c == 't':
		return d.literal("true")
	case c == 'f':
		return d.literal("false")
	case c == 'n':
		return d.literal("null")
	}
	_, err := d.number()
	return err
}

func (d *Decoder) literal(lit string) error {
	for i := 0; i < len(lit); i++ {
		if d.pos >= len(d.data) || d.data[d.pos] != lit[i] {
			return d.syntaxError("in literal " + lit + " (expecting " + quoteChar(lit[i]) + ")")
		}
		d.pos++
	}
	if !d.literalEnds(d.pos) {
		return d.syntaxError("after top-level value")
	}
	return nil
}

// number reads a JSON number and returns its text.
func (d *Decoder) number() ([]byte, error) {
	start := d.pos
	data := d.data
	i := d.pos
	if i < len(data) && data[i] == '-' {
		i++
	}
	digits := func() int {
		n := 0
		for i < len(data) && data[i] >= '0' && data[i] <= '9' {
			i++
			n++
		}
		return n
	}
	switch {
	case i < len(data) && data[i] == '0':
		i++
	case i < len(data) && data[i] >= '1' && data[i] <= '9':
		digits()
	default:
		d.pos = i
		return nil, d.syntaxError("in numeric literal")
	}
	if i < len(data) && data[i] == '.' {
		i++
		if digits() == 0 {
			d.pos = i
			return nil, d.syntaxError("after decimal point in numeric literal")
		}
	}
	if i < len(data) && (data[i] == 'e' || data[i] == 'E') {
		i++
		if i < len(data) && (data[i] == '+' || data[i] == '-') {
			i++
		}
		if digits() == 0 {
			d.pos = i
			return nil, d.syntaxError("in exponent of numeric literal")
		}
	}
	d.pos = i
	if !d.literalEnds(i) {
		return nil, d.syntaxError("after numeric literal")
	}
	return data[start:i], nil
}

// stringBytes reads a string and returns its content, unescaped; invalid
// UTF-8 and lone surrogates become U+FFFD, as encoding/json makes them.
// Without escapes the result is a slice of the document; otherwise it is
// appended to buf.
func (d *Decoder) stringBytes(buf []byte) ([]byte, error) {
	data := d.data
	start := d.pos + 1
	i := start
	ascii := true
	for i < len(data) {
		c := data[i]
		if c == '"' {
			d.pos = i + 1
			if ascii || utf8.Valid(data[start:i]) {
				return data[start:i], nil
			}
			return d.unescape(buf, start)
		}
		if c == '\\' {
			return d.unescape(buf, start)
		}
		if c < 0x20 {
			d.pos = i
			return nil, d.syntaxError("in string literal")
		}
		if c >= 0x80 {
			ascii = false
		}
		i++
	}
	d.pos = i
	return nil, d.syntaxError("")
}

// unescape reads the string whose content starts at start into buf.
func (d *Decoder) unescape(buf []byte, start int) ([]byte, error) {
	data := d.data
	out := buf[:0]
	i := start
	for {
		if i >= len(data) {
			d.pos = i
			return nil, d.syntaxError("")
		}
		c := data[i]
		switch {
		case c == '"':
			d.pos = i + 1
			if out == nil {
				out = []byte{}
			}
			return out, nil
		case c < 0x20:
			d.pos = i
			return nil, d.syntaxError("in string literal")
		case c == '\\':
			if i+1 >= len(data) {
				d.pos = i + 1
				return nil, d.syntaxError("")
			}
			switch e := data[i+1]; e {
			case '"', '\\', '/':
				out = append(out, e)
				i += 2
			case 'b':
				out, i = append(out, '\b'), i+2
			case 'f':
				out, i = append(out, '\f'), i+2
			case 'n':
				out, i = append(out, '\n'), i+2
			case 'r':
				out, i = append(out, '\r'), i+2
			case 't':
				out, i = append(out, '\t'), i+2
			case 'u':
				r, ok := hex4(data, i+2)
				if !ok {
					d.pos = i + 2
					return nil, d.syntaxError("in \\u hexadecimal character escape")
				}
				i += 6
				if utf16.IsSurrogate(r) {
					if r2, ok := hex4(data, i+2); ok && i+1 < len(data) && data[i] == '\\' && data[i+1] == 'u' {
						if dec := utf16.DecodeRune(r, r2); dec != utf8.RuneError {
							out = utf8.AppendRune(out, dec)
							i += 6
							continue
						}
					}
					r = utf8.RuneError
				}
				out = utf8.AppendRune(out, r)
			default:
				d.pos = i + 1
				return nil, d.syntaxError("in string escape code")
			}
		case c < utf8.RuneSelf:
			out = append(out, c)
			i++
		default:
			r, size := utf8.DecodeRune(data[i:])
			if r == utf8.RuneError && size == 1 {
				out = utf8.AppendRune(out, utf8.RuneError)
			} else {
				out = append(out, data[i:i+size]...)
			}
			i += size
		}
	}
}

func hex4(data []byte, i int) (rune, bool) {
	if i+4 > len(data) {
		return 0, false
	}
	var r rune
	for _, c := range data[i : i+4] {
		switch {
		case c >= '0' && c <= '9':
			c -= '0'
		case c >= 'a' && c <= 'f':
			c = c - 'a' + 10
		case c >= 'A' && c <= 'F':
			c = c - 'A' + 10
		default:
			return 0, false
		}
		r = r*16 + rune(c)
	}
	return r, true
}

// String reads a string.
func (d *Decoder) String() (string, error) {
	if err := d.peekValue(); err != nil {
		return "", err
	}
	if d.data[d.pos] != '"' {
		return "", d.TypeError("a string")
	}
	b, err := d.stringBytes(nil)
	return string(b), err
}

// Bool reads true or false.
func (d *Decoder) Bool() (bool, error) {
	if err := d.peekValue(); err != nil {
		return false, err
	}
	switch d.data[d.pos] {
	case 't':
		return true, d.literal("true")
	case 'f':
		return false, d.literal("false")
	}
	return false, d.TypeError("a boolean")
}

// numberText reads a number for a value wanting want; anything else is a
// type error.
func (d *Decoder) numberText(want string) ([]byte, error) {
	if err := d.peekValue(); err != nil {
		return nil, err
	}
	if c := d.data[d.pos]; c != '-' && (c < '0' || c > '9') {
		return nil, d.TypeError(want)
	}
	return d.number()
}

// Int reads an integer that fits in bits bits (64, 32...).
func (d *Decoder) Int(bits int) (int64, error) {
	want := "an integer"
	if bits == 32 {
		want = "a 32-bit integer"
	}
	start := d.pos
	text, err := d.numberText(want)
	if err != nil {
		return 0, err
	}
	n, err := strconv.ParseInt(unsafe.String(unsafe.SliceData(text), len(text)), 10, bits)
	if err != nil {
		d.pos = start
		d.skipSpace()
		e := d.errorAt("must be " + want + ", not number " + string(text))
		d.pos += len(text)
		return 0, e
	}
	return n, nil
}

// Float reads a number that fits in bits bits (64 or 32).
func (d *Decoder) Float(bits int) (float64, error) {
	start := d.pos
	text, err := d.numberText("a number")
	if err != nil {
		return 0, err
	}
	f, err := strconv.ParseFloat(unsafe.String(unsafe.SliceData(text), len(text)), bits)
	if err != nil {
		d.pos = start
		d.skipSpace()
		e := d.errorAt("must be a number, not number " + string(text))
		d.pos += len(text)
		return 0, e
	}
	return f, nil
}

// Time reads an RFC 3339 date-time.
func (d *Decoder) Time() (time.Time, error) {
	if err := d.peekValue(); err != nil {
		return time.Time{}, err
	}
	if d.data[d.pos] != '"' {
		return time.Time{}, d.TypeError("an RFC 3339 date-time")
	}
	start := d.pos
	b, err := d.stringBytes(nil)
	if err != nil {
		return time.Time{}, err
	}
	var t time.Time
	if t.UnmarshalText(b) != nil {
		d.pos = start
		e := d.errorAt("must be an RFC 3339 date-time, not string " + strconv.Quote(string(b)))
		d.pos = start + len(b) + 2
		return time.Time{}, e
	}
	return t, nil
}

// DecodeJSON reads a date (YYYY-MM-DD).
func (v *Date) DecodeJSON(d *Decoder) error {
	if err := d.peekValue(); err != nil {
		return err
	}
	if d.data[d.pos] != '"' {
		return d.TypeError("a date (YYYY-MM-DD)")
	}
	s, err := d.String()
	if err != nil {
		return err
	}
	x, err := ParseDate(s)
	if err != nil {
		return d.errorAt("must be a date (YYYY-MM-DD), not string " + strconv.Quote(s))
	}
	*v = x
	return nil
}

// DecodeJSON reads null, or a value of T.
func (n *Nullable[T]) DecodeJSON(d *Decoder) error {
	var zero T
	n.Set, n.Value = true, zero
	n.Null = d.Null()
	if n.Null {
		return nil
	}
	return Decode(d, &n.Value)
}

// Decode reads the next value into p. Generated types, scalars, date-times,
// raw JSON and slices and maps of scalars decode without reflection;
// anything else goes through encoding/json.
func Decode[T any](d *Decoder, p *T) error { return DecodeAny(d, p) }

// DecodeAny is Decode for a pointer held in an interface.
func DecodeAny(d *Decoder, p any) error {
	switch p := p.(type) { // concrete types first: they cost no method lookup
	case *string:
		s, err := d.String()
		*p = s
		return err
	case *int64:
		n, err := d.Int(64)
		*p = n
		return err
	case *int32:
		n, err := d.Int(32)
		*p = int32(n)
		return err
	case *int:
		n, err := d.Int(strconv.IntSize)
		*p = int(n)
		return err
	case *float64:
		f, err := d.Float(64)
		*p = f
		return err
	case *float32:
		f, err := d.Float(32)
		*p = float32(f)
		return err
	case *bool:
		b, err := d.Bool()
		*p = b
		return err
	case *time.Time:
		t, err := d.Time()
		*p = t
		return err
	case *json.RawMessage:
		raw, err := d.Raw()
		*p = append((*p)[:0], raw...)
		return err
	case *[]byte:
		return d.base64(p)
	case *[]string:
		return DecodeSlice(d, p)
	case *[]int64:
		return DecodeSlice(d, p)
	case *[]int32:
		return DecodeSlice(d, p)
	case *[]float64:
		return DecodeSlice(d, p)
	case *[]bool:
		return DecodeSlice(d, p)
	case *map[string]string:
		return DecodeMap(d, p)
	case *map[string]json.RawMessage:
		return DecodeMap(d, p)
	case *map[string]int64:
		return DecodeMap(d, p)
	case *map[string]bool:
		return DecodeMap(d, p)
	case *map[string]float64:
		return DecodeMap(d, p)
	case **string:
		return DecodePtr(d, p)
	case **int64:
		return DecodePtr(d, p)
	case **int32:
		return DecodePtr(d, p)
	case **bool:
		return DecodePtr(d, p)
	case **float64:
		return DecodePtr(d, p)
	case **time.Time:
		return DecodePtr(d, p)
	case JSONDecoder:
		return p.DecodeJSON(d)
	}
	return d.fallback(p)
}

// fallback decodes a type svcgen writes no decoder for through
// encoding/json (nested slices of objects, for one), its errors placed at
// the decoder's path.
func (d *Decoder) fallback(p any) error {
	raw, err := d.Raw()
	if err != nil {
		return err
	}
	return d.Nested(json.Unmarshal(raw, p))
}

// Nested places an error from decoding the value just read on its own
// (by encoding/json, or by a fresh Decoder) at the decoder's path.
func (d *Decoder) Nested(err error) error {
	if err == nil {
		return nil
	}
	var te *json.UnmarshalTypeError
	var de *DecodeError
	switch {
	case errors.As(err, &de):
		if de.Syntax {
			return d.errorAt("is not valid JSON: " + de.Detail)
		}
		e := d.errorAt(de.Detail)
		if de.Field != "" {
			e.Field = strings.TrimPrefix(e.Field+"."+de.Field, ".")
			e.Pointer += strings.TrimPrefix(de.Pointer, "#")
		}
		return e
	case errors.As(err, &te):
		detail := "must be " + typeName(te.Type) + ", not " + te.Value
		if te.Type == nil {
			detail = "is " + te.Value
		}
		e := d.errorAt(detail)
		if te.Field != "" {
			e.Field = strings.TrimPrefix(e.Field+"."+te.Field, ".")
			e.Pointer = dottedPointer(e.Field)
		}
		return e
	}
	return d.errorAt("is not valid: " + err.Error())
}

// base64 reads a string of standard base64, as encoding/json reads []byte.
func (d *Decoder) base64(p *[]byte) error {
	if d.Null() {
		*p = nil
		return nil
	}
	if err := d.peekValue(); err != nil {
		return err
	}
	if d.data[d.pos] != '"' {
		return d.TypeError("a base64 string")
	}
	b, err := d.stringBytes(nil)
	if err != nil {
		return err
	}
	out := make([]byte, base64.StdEncoding.DecodedLen(len(b)))
	n, err := base64.StdEncoding.Decode(out, b)
	if err != nil {
		return d.errorAt("must be a base64 string")
	}
	*p = out[:n]
	return nil
}

// The decoders of one type each, for the fields whose type generated
// code knows: they read a value as Decode does, without its type switch.

// DecodeString reads a string.
func DecodeString(d *Decoder, p *string) (err error) {
	*p, err = d.String()
	return err
}

// DecodeInt64 reads an integer that fits 64 bits.
func DecodeInt64(d *Decoder, p *int64) (err error) {
	*p, err = d.Int(64)
	return err
}

// DecodeInt32 reads an integer that fits 32 bits.
func DecodeInt32(d *Decoder, p *int32) error {
	n, err := d.Int(32)
	*p = int32(n)
	return err
}

// DecodeInt reads an integer that fits an int.
func DecodeInt(d *Decoder, p *int) error {
	n, err := d.Int(strconv.IntSize)
	*p = int(n)
	return err
}

// DecodeFloat64 reads a number.
func DecodeFloat64(d *Decoder, p *float64) (err error) {
	*p, err = d.Float(64)
	return err
}

// DecodeFloat32 reads a number that fits a float32.
func DecodeFloat32(d *Decoder, p *float32) error {
	f, err := d.Float(32)
	*p = float32(f)
	return err
}

// DecodeBool reads true or false.
func DecodeBool(d *Decoder, p *bool) (err error) {
	*p, err = d.Bool()
	return err
}

// DecodeTime reads an RFC 3339 date-time.
func DecodeTime(d *Decoder, p *time.Time) (err error) {
	*p, err = d.Time()
	return err
}

// DecodeNamed reads a generated type by its DecodeJSON:
// svcgen.DecodeNamed[Order] is the decoder of an Order field.
func DecodeNamed[T any, P interface {
	*T
	JSONDecoder
}](d *Decoder, p *T) error {
	return P(p).DecodeJSON(d)
}

// DecodeSlice reads an array into a new slice, each item by Decode; null
// gives nil.
func DecodeSlice[T any](d *Decoder, p *[]T) error {
	if d.Null() {
		*p = nil
		return nil
	}
	if ps, ok := any(p).(*[]string); ok { // the common case, without a type switch per item
		s := make([]string, 0, 4)
		err := d.Array(func(int) error {
			v, err := d.String()
			s = append(s, v)
			return err
		})
		*ps = s
		return err
	}
	s := make([]T, 0, 4)
	err := d.Array(func(int) error {
		var zero T
		s = append(s, zero)
		return Decode(d, &s[len(s)-1])
	})
	*p = s
	return err
}

// DecodeMap reads an object into a new map, each value by Decode; null
// gives nil.
func DecodeMap[V any](d *Decoder, p *map[string]V) error {
	if d.Null() {
		*p = nil
		return nil
	}
	m := make(map[string]V)
	err := d.Object(func(key []byte) error {
		var v V
		if err := Decode(d, &v); err != nil {
			return err
		}
		m[string(key)] = v
		return nil
	})
	*p = m
	return err
}

// DecodePtr reads null as nil, or a value into a new T.
func DecodePtr[T any](d *Decoder, p **T) error {
	if d.Null() {
		*p = nil
		return nil
	}
	v := new(T)
	*p = v
	return Decode(d, v)
}

// Required reads a required property whose schema does not allow null:
// null leaves it unseen, for the validator to report as missing.
func Required[T any](d *Decoder, p *T, seen *bool, decode func(*Decoder, *T) error) error {
	if d.Null() {
		return nil
	}
	*seen = true
	return decode(d, p)
}

// Seen reads a required property that may be null.
func Seen[T any](d *Decoder, p *T, seen *bool, decode func(*Decoder, *T) error) error {
	*seen = true
	return decode(d, p)
}

// NonNull reads an optional property whose schema does not allow null: an
// explicit null is an error, not the property left out.
func NonNull[T any](d *Decoder, p *T, decode func(*Decoder, *T) error) error {
	if d.Null() {
		return d.errorAt("must not be null")
	}
	return decode(d, p)
}

// NoProperty refuses a property the schema does not allow
// (additionalProperties: false).
func (d *Decoder) NoProperty() error {
	return d.errorAt("is a property the schema does not allow")
}
