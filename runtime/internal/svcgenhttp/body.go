package svcgenhttp

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"os"
	"strconv"
	"strings"
	"sync"

	"github.com/svcgen/svcgen/runtime/svcgen"
)

var bufPool = sync.Pool{New: func() any { return new(bytes.Buffer) }}

// readBody reads the whole body, at most limit bytes. A missing or empty
// body returns nil.
func readBody(w http.ResponseWriter, r *http.Request, limit int64) ([]byte, *bytes.Buffer, error) {
	if r.Body == nil || r.Body == http.NoBody {
		return nil, nil, nil
	}
	body := r.Body
	if r.ContentLength < 0 || r.ContentLength > limit {
		// A body of a stated length within the limit needs no reader of
		// its own: net/http's stops at that length.
		body = http.MaxBytesReader(w, r.Body, limit)
	}
	buf := bufPool.Get().(*bytes.Buffer)
	buf.Reset()
	_, err := buf.ReadFrom(body)
	if err != nil {
		bufPool.Put(buf)
		return nil, nil, err
	}
	if buf.Len() == 0 {
		bufPool.Put(buf)
		return nil, nil, nil
	}
	return buf.Bytes(), buf, nil
}

// BodyRules say how much of a request's body is read and what the
// operation's spec lets it be. Generated handlers fill them from the spec:
//
//	svcgenhttp.BodyRules{Limit: h.Limit, Required: true}
type BodyRules struct {
	// Limit is the most bytes read: a longer body is answered 413.
	Limit int64
	// Required makes a missing or empty body a field error.
	Required bool
	// Null lets a JSON body be null, as a schema that allows null does;
	// otherwise null is a field error.
	Null bool
	// Raw, when set, receives a copy of a JSON body as it came.
	Raw *[]byte
}

// DecodeJSON decodes a JSON request body into v, a pointer, by
// svcgen.DecodeAny; DecodeJSONWith says how.
func DecodeJSON(w http.ResponseWriter, r *http.Request, v any, rules BodyRules, errs *svcgen.Errors) (bool, error) {
	return DecodeJSONWith(w, r, &v, decodeAny, rules, errs)
}

func decodeAny(d *svcgen.Decoder, p *any) error { return svcgen.DecodeAny(d, *p) }

// DecodeJSONWith decodes a JSON request body into v with decode
// (svcgen.Decode, DecodeSlice, DecodeMap, DecodePtr), under rules. It
// reports whether a body was there; problems are added to errs, or
// returned when the request cannot be answered with a 400 (too large:
// 413; wrong media type: 415).
func DecodeJSONWith[T any](w http.ResponseWriter, r *http.Request, v *T, decode func(*svcgen.Decoder, *T) error, rules BodyRules, errs *svcgen.Errors) (bool, error) {
	if ct := r.Header.Get("Content-Type"); ct != "" && !svcgen.IsJSON(ct) {
		return false, &svcgen.Error{Status: http.StatusUnsupportedMediaType, Detail: "the body must be application/json"}
	}
	data, buf, err := readBody(w, r, rules.Limit)
	if err != nil {
		return false, bodyError(err)
	}
	if data == nil {
		if rules.Required {
			*errs = append(*errs, svcgen.FieldError{In: "body", Pointer: "#", Detail: "a request body is required"})
		}
		return false, nil
	}
	defer bufPool.Put(buf)
	if !rules.Null && svcgen.IsNull(data) {
		*errs = append(*errs, svcgen.FieldError{In: "body", Pointer: "#", Detail: "the body must not be null"})
		return false, nil
	}
	if rules.Raw != nil {
		*rules.Raw = bytes.Clone(data)
	}
	if err := svcgen.UnmarshalWith(data, v, decode); err != nil {
		*errs = append(*errs, svcgen.JSONError(err))
		return false, nil
	}
	return true, nil
}

// ReadRaw reads a text or binary request body under rules' Limit and
// Required.
func ReadRaw(w http.ResponseWriter, r *http.Request, rules BodyRules, errs *svcgen.Errors) ([]byte, error) {
	data, buf, err := readBody(w, r, rules.Limit)
	if err != nil {
		return nil, bodyError(err)
	}
	if data == nil {
		if rules.Required {
			*errs = append(*errs, svcgen.FieldError{In: "body", Detail: "a request body is required"})
		}
		return nil, nil
	}
	out := bytes.Clone(data)
	bufPool.Put(buf)
	return out, nil
}

func bodyError(err error) error {
	var tooBig *http.MaxBytesError
	if errors.As(err, &tooBig) {
		return &svcgen.Error{Status: http.StatusRequestEntityTooLarge, Detail: "the body is larger than " + strconv.FormatInt(tooBig.Limit, 10) + " bytes"}
	}
	if errors.Is(err, os.ErrDeadlineExceeded) { // ConnLimits.Body, Options.BodyTimeout
		return &svcgen.Error{Status: http.StatusRequestTimeout, Detail: "the body did not arrive in time", Err: err}
	}
	return &svcgen.Error{Status: http.StatusBadRequest, Detail: "the body could not be read", Err: err}
}

// WriteJSON answers status with *v encoded as JSON by svcgen.Encode, in a
// pooled buffer: a generated type writes itself without reflection.
func WriteJSON[T any](w http.ResponseWriter, status int, contentType string, v *T) error {
	e := svcgen.GetEncoder()
	defer svcgen.PutEncoder(e)
	if g, ok := any(v).(svcgen.JSONEncoder); ok { // a generated type, the usual body
		g.EncodeJSON(e)
	} else {
		svcgen.Encode(e, v)
	}
	return writeEncoded(w, status, contentType, e)
}

// WriteJSONSlice answers status with the array *v, each item encoded by
// svcgen.Encode.
func WriteJSONSlice[T any](w http.ResponseWriter, status int, contentType string, v *[]T) error {
	e := svcgen.GetEncoder()
	defer svcgen.PutEncoder(e)
	svcgen.EncodeSlice(e, v)
	return writeEncoded(w, status, contentType, e)
}

// WriteJSONMap answers status with the object *v, each value encoded by
// svcgen.Encode.
func WriteJSONMap[V any](w http.ResponseWriter, status int, contentType string, v *map[string]V) error {
	e := svcgen.GetEncoder()
	defer svcgen.PutEncoder(e)
	svcgen.EncodeMap(e, v)
	return writeEncoded(w, status, contentType, e)
}

// contentTypeJSON is the Content-Type value most responses carry, made
// once: net/http only reads it (and an Add would copy a full slice).
var contentTypeJSON = []string{"application/json"}

func writeEncoded(w http.ResponseWriter, status int, contentType string, e *svcgen.Encoder) error {
	b, err := e.Bytes()
	if err != nil {
		return err
	}
	h := w.Header()
	if contentType == "application/json" {
		h["Content-Type"] = contentTypeJSON
	} else {
		h["Content-Type"] = []string{contentType}
	}
	w.WriteHeader(status)
	_, err = w.Write(b)
	return err
}

// WriteText answers status with a text body.
func WriteText(w http.ResponseWriter, status int, contentType, body string) error {
	w.Header().Set("Content-Type", contentType)
	w.WriteHeader(status)
	_, err := io.WriteString(w, body)
	return err
}

// WriteBinary answers status with the bytes of body (none when nil).
func WriteBinary(w http.ResponseWriter, status int, contentType string, body io.Reader) error {
	w.Header().Set("Content-Type", contentType)
	w.WriteHeader(status)
	if body == nil {
		return nil
	}
	_, err := io.Copy(w, body)
	return err
}

// WriteEmpty answers status with no body.
func WriteEmpty(w http.ResponseWriter, status int) error {
	w.WriteHeader(status)
	return nil
}

// WriteProblem sends an RFC 9457 problem response.
func WriteProblem(w http.ResponseWriter, r *http.Request, status int, detail string, errs []svcgen.FieldError) {
	p := svcgen.Problem{
		Type:     "about:blank",
		Title:    http.StatusText(status),
		Status:   status,
		Detail:   detail,
		Instance: r.URL.Path,
		Errors:   errs,
	}
	b, _ := json.Marshal(p)
	w.Header().Set("Content-Type", "application/problem+json")
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.WriteHeader(status)
	_, _ = w.Write(b)
}

// Param returns the value of the wildcard name in the path of r, a
// request routed to a handler added with HandleOperation and answered
// through w: the server's router keeps the values beside w, ServeMux in r.
func Param(w http.ResponseWriter, r *http.Request, name string) string {
	if sw, ok := w.(*statusWriter); ok {
		for i, n := range sw.names {
			if n == name {
				return sw.values[i]
			}
		}
	}
	return r.PathValue(name)
}

// PathValue reads a path parameter, checking the literal text around it.
func PathValue(w http.ResponseWriter, r *http.Request, wildcard, prefix, suffix string) (string, bool) {
	v := Param(w, r, wildcard)
	if !strings.HasPrefix(v, prefix) || !strings.HasSuffix(v, suffix) || len(v) < len(prefix)+len(suffix) {
		return "", false
	}
	return v[len(prefix) : len(v)-len(suffix)], true
}

// SegmentValue reads the path parameter at index among those of one path
// segment, whose literal texts are lits ("{base}...{head}": "", "...",
// ""): each parameter runs to the first occurrence of the text after it.
func SegmentValue(w http.ResponseWriter, r *http.Request, wildcard string, lits []string, index int) (string, bool) {
	v := Param(w, r, wildcard)
	last := lits[len(lits)-1]
	if !strings.HasPrefix(v, lits[0]) || !strings.HasSuffix(v, last) || len(v) < len(lits[0])+len(last) {
		return "", false
	}
	v = v[len(lits[0]) : len(v)-len(last)]
	for i := 0; i < len(lits)-1; i++ {
		value, rest := v, ""
		if i < len(lits)-2 {
			var found bool
			value, rest, found = strings.Cut(v, lits[i+1])
			if !found {
				return "", false
			}
		}
		if value == "" {
			return "", false
		}
		if i == index {
			return value, true
		}
		v = rest
	}
	return "", false
}

// HeaderValues returns the values of header name, and whether it is there.
func HeaderValues(r *http.Request, name string) ([]string, bool) {
	v := r.Header.Values(name)
	return v, len(v) > 0
}

// CookieValues returns the value of cookie name, and whether it is there.
func CookieValues(r *http.Request, name string) ([]string, bool) {
	c, err := r.Cookie(name)
	if err != nil {
		return nil, false
	}
	return []string{c.Value}, true
}
