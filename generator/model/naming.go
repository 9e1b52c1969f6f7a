package model

import (
	"go/token"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// commonInitialisms are written in upper case inside Go names (Effective Go,
// golint's list).
var commonInitialisms = map[string]bool{
	"ACL": true, "API": true, "ASCII": true, "CPU": true, "CSS": true, "DNS": true,
	"EOF": true, "GUID": true, "HTML": true, "HTTP": true, "HTTPS": true, "ID": true,
	"IP": true, "JSON": true, "LHS": true, "QPS": true, "RAM": true, "RHS": true,
	"RPC": true, "SLA": true, "SMTP": true, "SQL": true, "SSH": true, "TCP": true,
	"TLS": true, "TTL": true, "UDP": true, "UI": true, "UID": true, "UUID": true,
	"URI": true, "URL": true, "UTF8": true, "VM": true, "XML": true, "XMPP": true,
	"XSRF": true, "XSS": true,
}

// Words splits s into words at punctuation, spaces and case changes:
// "user_id" → [user id], "HTTPServer2go" → [HTTP Server2go], "3dModel" → [3d Model].
func Words(s string) []string {
	var words []string
	var cur []rune
	flush := func() {
		if len(cur) > 0 {
			words = append(words, string(cur))
			cur = cur[:0]
		}
	}
	runes := []rune(s)
	for i, r := range runes {
		if !unicode.IsLetter(r) && !unicode.IsDigit(r) {
			flush()
			continue
		}
		if len(cur) > 0 && unicode.IsUpper(r) {
			prev := cur[len(cur)-1]
			nextLower := i+1 < len(runes) && unicode.IsLower(runes[i+1])
			// aB → a|B ; ABc → A|Bc (end of an acronym)
			if unicode.IsLower(prev) || unicode.IsDigit(prev) && !isDigitsOnly(cur) || (unicode.IsUpper(prev) && nextLower) {
				flush()
			}
		}
		cur = append(cur, r)
	}
	flush()
	return words
}

func isDigitsOnly(rs []rune) bool {
	for _, r := range rs {
		if !unicode.IsDigit(r) {
			return false
		}
	}
	return true
}

// Exported turns any string into an exported Go identifier: "user_id" →
// "UserID", "3dModel" → "X3dModel", "" → "" (callers supply a fallback).
// Letters that have no upper case (名前) get an "X" prefix so the name is
// exported.
func Exported(s string) string {
	var b strings.Builder
	for _, w := range Words(s) {
		up := strings.ToUpper(w)
		if commonInitialisms[up] {
			b.WriteString(up)
			continue
		}
		if n := len(w); n > 2 && w[n-1] == 's' && commonInitialisms[up[:n-1]] {
			b.WriteString(up[:n-1] + "s") // "ids" → "IDs"
			continue
		}
		r, size := utf8.DecodeRuneInString(w)
		b.WriteRune(unicode.ToUpper(r))
		b.WriteString(strings.ToLower(w[size:]))
	}
	name := b.String()
	if name == "" {
		return ""
	}
	if r, _ := utf8.DecodeRuneInString(name); !unicode.IsUpper(r) {
		name = "X" + name
	}
	return name
}

// Unexported turns any string into an unexported Go identifier that is not
// a keyword or predeclared name: "OrderID" → "orderID", "type" → "type_".
func Unexported(s string) string {
	name := Exported(s)
	if name == "" {
		return ""
	}
	if strings.HasPrefix(name, "X") && len(name) > 1 {
		if r, _ := utf8.DecodeRuneInString(name[1:]); !unicode.IsUpper(r) {
			name = name[1:] // X prefix added only to export it
		}
	}
	// Lower the leading initialism or first letter: "IDs" → "ids", "URLPath" → "urlPath".
	runes := []rune(name)
	n := 0
	for n < len(runes) && unicode.IsUpper(runes[n]) {
		n++
	}
	switch {
	case n == len(runes):
		name = strings.ToLower(name)
	case n > 1:
		name = strings.ToLower(string(runes[:n-1])) + string(runes[n-1:])
	default:
		name = string(unicode.ToLower(runes[0])) + string(runes[1:])
	}
	if r, _ := utf8.DecodeRuneInString(name); unicode.IsDigit(r) {
		name = "x" + name
	}
	if IsReserved(name) {
		name += "_"
	}
	return name
}

// predeclared are Go's predeclared identifiers.
var predeclared = map[string]bool{
	"any": true, "append": true, "bool": true, "byte": true, "cap": true, "clear": true,
	"close": true, "comparable": true, "complex": true, "complex128": true, "complex64": true,
	"copy": true, "delete": true, "error": true, "false": true, "float32": true,
	"float64": true, "imag": true, "int": true, "int16": true, "int32": true, "int64": true,
	"int8": true, "iota": true, "len": true, "make": true, "max": true, "min": true,
	"new": true, "nil": true, "panic": true, "print": true, "println": true, "real": true,
	"recover": true, "rune": true, "string": true, "true": true, "uint": true,
	"uint16": true, "uint32": true, "uint64": true, "uint8": true, "uintptr": true,
}

// IsReserved reports whether name is a Go keyword or predeclared identifier.
func IsReserved(name string) bool {
	return token.IsKeyword(name) || predeclared[name]
}

// Namespace hands out names that never collide within one scope. Names are
// compared case-sensitively, as Go does.
type Namespace struct {
	taken map[string]bool
	// next is, for each name asked for, the suffix to try first: every
	// smaller one was taken when last asked, and names are never given
	// back, so Take need not try them again (a thousand types asking for
	// the same name would otherwise cost half a million tries).
	next map[string]int
}

// NewNamespace returns a namespace with the given names already taken.
func NewNamespace(reserved ...string) *Namespace {
	ns := &Namespace{taken: map[string]bool{}, next: map[string]int{}}
	for _, r := range reserved {
		ns.taken[r] = true
	}
	return ns
}

// Take returns want, or want with the smallest numeric suffix (2, 3, …) that
// is still free, and marks it taken.
func (ns *Namespace) Take(want string) string {
	name := want
	if ns.taken[name] {
		i := max(ns.next[want], 2)
		for ns.taken[want+strconv.Itoa(i)] {
			i++
		}
		name = want + strconv.Itoa(i)
		ns.next[want] = i + 1
	}
	ns.taken[name] = true
	return name
}

// Taken reports whether name is already used.
func (ns *Namespace) Taken(name string) bool { return ns.taken[name] }
