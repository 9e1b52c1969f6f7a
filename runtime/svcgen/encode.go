package svcgen

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"errors"
	"math"
	"slices"
	"strconv"
	"sync"
	"time"
	"unicode/utf8"
)

// Encoder appends JSON to a buffer without reflection: the generated
// EncodeJSON methods write each property in the type the spec gives it.
// Its output is byte for byte what encoding/json writes for the same
// values (HTML characters escaped, invalid UTF-8 replaced). The first
// error (a NaN, a year past 9999) is kept and returned by Bytes.
type Encoder struct {
	buf []byte
	err error
}

// JSONEncoder is a type that writes itself to an Encoder; every type svcgen
// generates is one (on its pointer).
type JSONEncoder interface {
	EncodeJSON(e *Encoder)
}

var encoderPool = sync.Pool{New: func() any { return &Encoder{buf: make([]byte, 0, 1024)} }}

// GetEncoder returns an empty Encoder from a pool; PutEncoder gives it back.
func GetEncoder() *Encoder {
	e := encoderPool.Get().(*Encoder)
	e.buf, e.err = e.buf[:0], nil
	return e
}

// PutEncoder returns e to the pool; its bytes must not be used after.
func PutEncoder(e *Encoder) {
	if cap(e.buf) <= 1<<20 { // keep huge buffers out of the pool
		encoderPool.Put(e)
	}
}

// Marshal encodes *p as JSON, as Encode writes it.
func Marshal[T any](p *T) ([]byte, error) {
	var e Encoder
	Encode(&e, p)
	return e.Bytes()
}

// Bytes returns what was written, or the first error.
func (e *Encoder) Bytes() ([]byte, error) {
	if e.err != nil {
		return nil, e.err
	}
	return e.buf, nil
}

// Fail records err unless an error is recorded already.
func (e *Encoder) Fail(err error) {
	if e.err == nil {
		e.err = err
	}
}

// comma writes the separator before a value when one went before it at
// the same level.
func (e *Encoder) comma() {
	if n := len(e.buf); n > 0 {
		switch e.buf[n-1] {
		case '{', '[', ':':
		default:
			e.buf = append(e.buf, ',')
		}
	}
}

// ObjectStart opens an object.
func (e *Encoder) ObjectStart() {
	e.comma()
	e.buf = append(e.buf, '{')
}

// ObjectEnd closes an object.
func (e *Encoder) ObjectEnd() { e.buf = append(e.buf, '}') }

// ArrayStart opens an array.
func (e *Encoder) ArrayStart() {
	e.comma()
	e.buf = append(e.buf, '[')
}

// ArrayEnd closes an array.
func (e *Encoder) ArrayEnd() { e.buf = append(e.buf, ']') }

// Key writes a property name; key is JSON already (quoted and escaped).
func (e *Encoder) Key(key string) {
	e.comma()
	e.buf = append(e.buf, key...)
	e.buf = append(e.buf, ':')
}

// KeyString writes a property name given as Go text.
func (e *Encoder) KeyString(key string) {
	e.comma()
	e.buf = appendString(e.buf, key)
	e.buf = append(e.buf, ':')
}

// Null writes null.
func (e *Encoder) Null() {
	e.comma()
	e.buf = append(e.buf, "null"...)
}

// String writes a string.
func (e *Encoder) String(s string) {
	e.comma()
	e.buf = appendString(e.buf, s)
}

// Int writes an integer.
func (e *Encoder) Int(n int64) {
	e.comma()
	e.buf = strconv.AppendInt(e.buf, n, 10)
}

// Bool writes true or false.
func (e *Encoder) Bool(b bool) {
	e.comma()
	e.buf = strconv.AppendBool(e.buf, b)
}

// Float writes a number of bits bits (64 or 32) as encoding/json does; NaN
// and infinities are errors.
func (e *Encoder) Float(f float64, bits int) {
	e.comma()
	if math.IsNaN(f) || math.IsInf(f, 0) {
		e.Fail(errors.New("json: unsupported value: " + strconv.FormatFloat(f, 'g', -1, bits)))
		e.buf = append(e.buf, '0')
		return
	}
	format := byte('f')
	if abs := math.Abs(f); abs != 0 {
		if bits == 64 && (abs < 1e-6 || abs >= 1e21) || bits == 32 && (float32(abs) < 1e-6 || float32(abs) >= 1e21) {
			format = 'e'
		}
	}
	e.buf = strconv.AppendFloat(e.buf, f, format, -1, bits)
	if format == 'e' { // e-09 → e-9, as encoding/json writes it
		if n := len(e.buf); n >= 4 && e.buf[n-4] == 'e' && e.buf[n-3] == '-' && e.buf[n-2] == '0' {
			e.buf[n-2] = e.buf[n-1]
			e.buf = e.buf[:n-1]
		}
	}
}

// Time writes an RFC 3339 date-time with nanoseconds when it has them.
func (e *Encoder) Time(t time.Time) {
	e.comma()
	if y := t.Year(); y < 0 || y > 9999 {
		e.Fail(errors.New("json: time " + t.String() + " has a year outside [0,9999]"))
	}
	e.buf = append(e.buf, '"')
	e.buf = t.AppendFormat(e.buf, time.RFC3339Nano)
	e.buf = append(e.buf, '"')
}

// Raw writes JSON text compacted and with HTML characters escaped, as
// encoding/json writes a json.RawMessage; empty text is null.
func (e *Encoder) Raw(raw []byte) {
	e.comma()
	if len(raw) == 0 {
		e.buf = append(e.buf, "null"...)
		return
	}
	if !json.Valid(raw) {
		e.Fail(errors.New("json: invalid raw JSON: " + strconv.Quote(string(raw))))
		e.buf = append(e.buf, "null"...)
		return
	}
	if !bytes.ContainsAny(raw, " \t\n\r<>&\u2028\u2029") {
		e.buf = append(e.buf, raw...)
		return
	}
	var compact, escaped bytes.Buffer
	_ = json.Compact(&compact, raw)
	json.HTMLEscape(&escaped, compact.Bytes())
	e.buf = append(e.buf, escaped.Bytes()...)
}

const hexDigits = "0123456789abcdef"

// appendString appends s quoted as encoding/json quotes it.
func appendString(buf []byte, s string) []byte {
	buf = append(buf, '"')
	start := 0
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			if c >= 0x20 && c != '"' && c != '\\' && c != '<' && c != '>' && c != '&' {
				i++
				continue
			}
			buf = append(buf, s[start:i]...)
			switch c {
			case '"', '\\':
				buf = append(buf, '\\', c)
			case '\b':
				buf = append(buf, '\\', 'b')
			case '\f':
				buf = append(buf, '\\', 'f')
			case '\n':
				buf = append(buf, '\\', 'n')
			case '\r':
				buf = append(buf, '\\', 'r')
			case '\t':
				buf = append(buf, '\\', 't')
			default:
				buf = append(buf, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&0xf])
			}
			i++
			start = i
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			buf = append(buf, s[start:i]...)
			buf = append(buf, `\ufffd`...)
			i += size
			start = i
			continue
		}
		if r == '\u2028' || r == '\u2029' {
			buf = append(buf, s[start:i]...)
			buf = append(buf, '\\', 'u', '2', '0', '2', hexDigits[r&0xf])
			i += size
			start = i
			continue
		}
		i += size
	}
	buf = append(buf, s[start:]...)
	return append(buf, '"')
}

// EncodeJSON writes the date as YYYY-MM-DD.
func (v *Date) EncodeJSON(e *Encoder) {
	if v == nil {
		e.Null()
		return
	}
	e.String(v.String())
}

// EncodeJSON writes null, or the value.
func (n *Nullable[T]) EncodeJSON(e *Encoder) {
	if n == nil || !n.Set || n.Null {
		e.Null()
		return
	}
	Encode(e, &n.Value)
}

// Encode writes *p. Generated types, scalars, date-times, raw JSON and
// slices and maps of scalars encode without reflection; anything else goes
// through encoding/json. A nil pointer is null.
func Encode[T any](e *Encoder, p *T) { EncodeAny(e, p) }

// EncodeAny is Encode for a pointer held in an interface.
func EncodeAny(e *Encoder, p any) {
	switch p := p.(type) { // concrete types first: they cost no method lookup
	case *string:
		if p == nil {
			e.Null()
			return
		}
		e.String(*p)
	case *int64:
		if p == nil {
			e.Null()
			return
		}
		e.Int(*p)
	case *int32:
		if p == nil {
			e.Null()
			return
		}
		e.Int(int64(*p))
	case *int:
		if p == nil {
			e.Null()
			return
		}
		e.Int(int64(*p))
	case *float64:
		if p == nil {
			e.Null()
			return
		}
		e.Float(*p, 64)
	case *float32:
		if p == nil {
			e.Null()
			return
		}
		e.Float(float64(*p), 32)
	case *bool:
		if p == nil {
			e.Null()
			return
		}
		e.Bool(*p)
	case *time.Time:
		if p == nil {
			e.Null()
			return
		}
		e.Time(*p)
	case *json.RawMessage:
		if p == nil {
			e.Null()
			return
		}
		e.Raw(*p)
	case *[]byte:
		if p == nil || *p == nil {
			e.Null()
			return
		}
		e.comma()
		e.buf = append(e.buf, '"')
		e.buf = base64.StdEncoding.AppendEncode(e.buf, *p)
		e.buf = append(e.buf, '"')
	case *[]string:
		EncodeSlice(e, p)
	case *[]int64:
		EncodeSlice(e, p)
	case *[]int32:
		EncodeSlice(e, p)
	case *[]float64:
		EncodeSlice(e, p)
	case *[]bool:
		EncodeSlice(e, p)
	case *map[string]string:
		EncodeMap(e, p)
	case *map[string]json.RawMessage:
		EncodeMap(e, p)
	case *map[string]int64:
		EncodeMap(e, p)
	case *map[string]bool:
		EncodeMap(e, p)
	case *map[string]float64:
		EncodeMap(e, p)
	case JSONEncoder:
		p.EncodeJSON(e) // nil receivers write null
	default:
		b, err := json.Marshal(p)
		if err != nil {
			e.Fail(err)
			b = []byte("null")
		}
		e.comma()
		e.buf = append(e.buf, b...)
	}
}

// EncodeSlice writes *p as an array (nil: null), each item by Encode.
func EncodeSlice[T any](e *Encoder, p *[]T) {
	if p == nil || *p == nil {
		e.Null()
		return
	}
	e.ArrayStart()
	switch s := any(p).(type) { // the common scalars, without a type switch per item
	case *[]string:
		for _, v := range *s {
			e.String(v)
		}
	case *[]int64:
		for _, v := range *s {
			e.Int(v)
		}
	default:
		items := *p
		for i := range items {
			Encode(e, &items[i])
		}
	}
	e.ArrayEnd()
}

// EncodeItems writes *p, a slice of a generated type, as an array (nil:
// null), each item by its EncodeJSON.
func EncodeItems[T any, P interface {
	*T
	JSONEncoder
}](e *Encoder, p *[]T) {
	if p == nil || *p == nil {
		e.Null()
		return
	}
	e.ArrayStart()
	s := *p
	for i := range s {
		P(&s[i]).EncodeJSON(e)
	}
	e.ArrayEnd()
}

// EncodeMap writes *p as an object (nil: null) with its keys sorted, as
// encoding/json writes maps, each value by Encode.
func EncodeMap[V any](e *Encoder, p *map[string]V) {
	if p == nil || *p == nil {
		e.Null()
		return
	}
	m := *p
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	e.ObjectStart()
	for _, k := range keys {
		e.KeyString(k)
		v := m[k]
		Encode(e, &v)
	}
	e.ObjectEnd()
}
