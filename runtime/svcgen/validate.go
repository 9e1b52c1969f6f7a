package svcgen

import (
	"encoding/json"
	"math/big"
	"net/mail"
	"reflect"
	"strconv"
	"strings"
	"unicode/utf8"
)

// Path is a location in a request, built on the stack as validation
// descends and turned into text only when something is invalid.
type Path struct {
	parent *Path
	in     string // set on the root only
	key    string
	index  int // array index, or -1
}

// Root starts a path for a parameter (name set) or a body (name "").
func Root(in, name string) Path { return Path{in: in, key: name, index: -1} }

// Field is the path of property key below p.
func (p *Path) Field(key string) Path { return Path{parent: p, key: key, index: -1} }

// InResponse reports whether p lies in a response body (a root made with
// Root("response", "")): a required write-only property is required of
// requests only, and validation leaves it out there.
func (p *Path) InResponse() bool {
	for p.parent != nil {
		p = p.parent
	}
	return p.in == "response"
}

// Elem is the path of item i below p.
func (p *Path) Elem(i int) Path { return Path{parent: p, index: i} }

// pointerEscaper escapes a property name as a JSON pointer segment
// (RFC 6901).
var pointerEscaper = strings.NewReplacer("~", "~0", "/", "~1")

// FieldError describes what is wrong at p.
//
// The path is walked by recursion rather than gathered in a slice, so that
// no pointer to a Path is kept: paths live on the validators' stacks, and
// validating valid input allocates nothing.
func (p *Path) FieldError(detail string) FieldError {
	var field, pointer strings.Builder
	in := p.write(&field, &pointer)
	fe := FieldError{In: in, Detail: detail, Field: field.String()}
	if in == "body" {
		fe.Pointer = "#" + pointer.String()
	}
	return fe
}

// write writes the path down to p (the root first) and returns the root's
// location. Nothing of p is kept or returned as it is (the location is
// matched to a constant, the keys copied), so that escape analysis keeps
// every Path of a valid request on the stack.
func (p *Path) write(field, pointer *strings.Builder) string {
	if p.parent == nil {
		if p.index >= 0 {
			field.WriteString("[" + strconv.Itoa(p.index) + "]")
			pointer.WriteString("/" + strconv.Itoa(p.index))
		} else {
			field.WriteString(p.key) // the parameter's name; "" for a body
		}
		switch p.in {
		case "body":
			return "body"
		case "response":
			return "response"
		case "query":
			return "query"
		case "path":
			return "path"
		case "header":
			return "header"
		case "cookie":
			return "cookie"
		}
		return strings.Clone(p.in)
	}
	in := p.parent.write(field, pointer)
	switch {
	case p.index >= 0:
		field.WriteString("[" + strconv.Itoa(p.index) + "]")
		pointer.WriteString("/" + strconv.Itoa(p.index))
	default:
		// A property, whose name may be "" (a map key): the pointer
		// still has its segment.
		if field.Len() > 0 {
			field.WriteByte('.')
		}
		field.WriteString(p.key)
		pointer.WriteByte('/')
		writePointerSegment(pointer, p.key)
	}
	return in
}

// writePointerSegment writes key escaped as a JSON pointer segment (RFC
// 6901: ~ as ~0, / as ~1).
func writePointerSegment(b *strings.Builder, key string) {
	for i := 0; i < len(key); i++ {
		switch c := key[i]; c {
		case '~':
			b.WriteString("~0")
		case '/':
			b.WriteString("~1")
		default:
			b.WriteByte(c)
		}
	}
}

// Validator is a type that checks the constraints of its schema, adding
// what it breaks to errs with paths below at. Every generated model is one.
type Validator interface {
	ValidateAt(at *Path, errs *Errors)
}

// Validate reports every constraint of the spec that v, a request or
// response body, breaks, as an Errors.
func Validate(v Validator) error {
	var errs Errors
	at := Root("body", "")
	v.ValidateAt(&at, &errs)
	return errs.Err()
}

// Add reports detail at at.
func (e *Errors) Add(at *Path, detail string) { *e = append(*e, at.FieldError(detail)) }

// Required reports each property of keys (the required properties of an
// object at at, in order) that missing marks.
func (e *Errors) Required(at *Path, missing []bool, keys ...string) {
	for i, key := range keys {
		if missing[i] {
			at := at.Field(key)
			e.Add(&at, "is required")
		}
	}
}

// Param reports a parameter whose value could not be read.
func (e *Errors) Param(in, name string, err error) {
	*e = append(*e, FieldError{In: in, Field: name, Detail: err.Error()})
}

// ParamElem reports item i of an array parameter that could not be read.
func (e *Errors) ParamElem(in, name string, i int, err error) {
	*e = append(*e, FieldError{In: in, Field: name + "[" + strconv.Itoa(i) + "]", Detail: err.Error()})
}

// Missing reports a required parameter that is absent.
func (e *Errors) Missing(in, name string) {
	*e = append(*e, FieldError{In: in, Field: name, Detail: "is required"})
}

// Repeated reports a single-valued parameter given more than once.
func (e *Errors) Repeated(in, name string) {
	*e = append(*e, FieldError{In: in, Field: name, Detail: "must be given once"})
}

// MinLength checks minLength, counting characters (not bytes).
func (e *Errors) MinLength(at *Path, v string, n int) {
	if utf8.RuneCountInString(v) < n {
		e.Add(at, "must be at least "+count(n, "character")+" long")
	}
}

// MaxLength checks maxLength, counting characters (not bytes).
func (e *Errors) MaxLength(at *Path, v string, n int) {
	if utf8.RuneCountInString(v) > n {
		e.Add(at, "must be at most "+count(n, "character")+" long")
	}
}

// count writes "1 item", "2 items", "3 properties".
func count(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	if strings.HasSuffix(noun, "y") {
		return strconv.Itoa(n) + " " + noun[:len(noun)-1] + "ies"
	}
	return strconv.Itoa(n) + " " + noun + "s"
}

// Pattern checks pattern.
func (e *Errors) Pattern(at *Path, v string, re *Pattern) {
	if !re.MatchString(v) {
		e.Add(at, "must match the pattern "+re.String())
	}
}

// Format checks the formats svcgen validates on strings: email and uuid.
func (e *Errors) Format(at *Path, v, format string) {
	switch format {
	case "email":
		if !IsEmail(v) {
			e.Add(at, "must be an email address")
		}
	case "uuid":
		if !IsUUID(v) {
			e.Add(at, "must be a UUID")
		}
	}
}

// IsEmail reports whether s is an email address as net/mail parses one (a
// bare addr-spec, no display name). The common form, dot-atom@dot-atom,
// is recognised without net/mail, which allocates; anything else (quoted
// local parts, domain literals) goes through it.
func IsEmail(s string) bool {
	if local, domain, ok := strings.Cut(s, "@"); ok && isDotAtom(local) && isDotAtom(domain) {
		return true
	}
	a, err := mail.ParseAddress(s)
	return err == nil && a.Address == s
}

// isDotAtom reports whether s is an RFC 5322 dot-atom: atext characters in
// runs joined by single dots.
func isDotAtom(s string) bool {
	if s == "" || s[0] == '.' || s[len(s)-1] == '.' {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z', c >= '0' && c <= '9':
		case c == '.':
			if s[i-1] == '.' {
				return false
			}
		case strings.IndexByte("!#$%&'*+-/=?^_`{|}~", c) >= 0:
		default:
			return false
		}
	}
	return true
}

// IsUUID reports whether s is a UUID in its 8-4-4-4-12 form, in either case.
func IsUUID(s string) bool {
	if len(s) != 36 {
		return false
	}
	for i := 0; i < 36; i++ {
		c := s[i]
		switch i {
		case 8, 13, 18, 23:
			if c != '-' {
				return false
			}
		default:
			if !('0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F') {
				return false
			}
		}
	}
	return true
}

// Number is the constraint of the numeric checks.
type Number interface {
	~int | ~int32 | ~int64 | ~float32 | ~float64
}

// Minimum checks minimum: v must be at least bound. text is the bound as
// the spec wrote it, for the message.
func Minimum[T Number](e *Errors, at *Path, v, bound T, text string) {
	if v < bound {
		e.Add(at, "must be at least "+text)
	}
}

// ExclusiveMinimum checks exclusiveMinimum: v must be greater than bound.
func ExclusiveMinimum[T Number](e *Errors, at *Path, v, bound T, text string) {
	if v <= bound {
		e.Add(at, "must be greater than "+text)
	}
}

// Maximum checks maximum: v must be at most bound.
func Maximum[T Number](e *Errors, at *Path, v, bound T, text string) {
	if v > bound {
		e.Add(at, "must be at most "+text)
	}
}

// ExclusiveMaximum checks exclusiveMaximum: v must be less than bound.
func ExclusiveMaximum[T Number](e *Errors, at *Path, v, bound T, text string) {
	if v >= bound {
		e.Add(at, "must be less than "+text)
	}
}

// MultipleOfInt checks multipleOf on an integer.
func MultipleOfInt[T ~int | ~int32 | ~int64](e *Errors, at *Path, v, m T) {
	if v%m != 0 {
		e.Add(at, "must be a multiple of "+strconv.FormatInt(int64(m), 10))
	}
}

// MultipleOfFloat checks multipleOf on a number.
func MultipleOfFloat[T ~float32 | ~float64](e *Errors, at *Path, v T, m float64, text string) {
	if !multipleOf(float64(v), reflect.TypeFor[T]().Bits(), m) {
		e.Add(at, "must be a multiple of "+text)
	}
}

// multipleOf reports whether v, a float of bits bits, is a whole multiple
// of m. Decimal multiples such as 0.01 are not exact in binary, and a
// tolerance on v/m is either too tight for some values or, for large
// quotients, lets fractions through; so both are compared as decimals:
// v as the shortest decimal that reads back as it (what the client
// wrote), m as the spec's, divided exactly.
func multipleOf(v float64, bits int, m float64) bool {
	var x, y big.Rat
	if _, ok := x.SetString(strconv.FormatFloat(v, 'g', -1, bits)); !ok {
		return false // NaN or infinite: no multiple of anything
	}
	if _, ok := y.SetString(strconv.FormatFloat(m, 'g', -1, 64)); !ok || y.Sign() == 0 {
		return true // no bound the spec could have given
	}
	return x.Quo(&x, &y).IsInt()
}

// MinItems checks minItems.
func (e *Errors) MinItems(at *Path, n, min int) {
	if n < min {
		e.Add(at, "must have at least "+count(min, "item"))
	}
}

// MaxItems checks maxItems.
func (e *Errors) MaxItems(at *Path, n, max int) {
	if n > max {
		e.Add(at, "must have at most "+count(max, "item"))
	}
}

// MinProps checks minProperties.
func (e *Errors) MinProps(at *Path, n, min int) {
	if n < min {
		e.Add(at, "must have at least "+count(min, "property"))
	}
}

// MaxProps checks maxProperties.
func (e *Errors) MaxProps(at *Path, n, max int) {
	if n > max {
		e.Add(at, "must have at most "+count(max, "property"))
	}
}

// UniqueItems reports the first repeated item, comparing by JSON encoding
// so that it works for every item type.
func UniqueItems[T any](e *Errors, at *Path, items []T) {
	if len(items) < 2 {
		return
	}
	seen := make(map[string]int, len(items))
	for i, it := range items {
		b, err := json.Marshal(it)
		if err != nil {
			return
		}
		if j, dup := seen[string(b)]; dup {
			item := at.Elem(i)
			e.Add(&item, "repeats item "+strconv.Itoa(j)+": items must be unique")
			return
		}
		seen[string(b)] = i
	}
}

// Constant reports a value that is not the schema's const (ok false).
func (e *Errors) Constant(at *Path, ok bool, want string) {
	if !ok {
		e.Add(at, "must be "+want)
	}
}
