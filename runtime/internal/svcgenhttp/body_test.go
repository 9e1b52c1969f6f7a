package svcgenhttp

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"math"
	"net/http"
	"net/http/httptest"
	"reflect"
	"strings"
	"testing"
	"testing/iotest"

	"github.com/svcgen/svcgen/runtime/svcgen"
)

// request returns a POST request with body (none when body is nil) and
// Content-Type ct (none when empty).
func request(ct string, body io.Reader) *http.Request {
	r := httptest.NewRequest(http.MethodPost, "/things", body)
	if body == nil {
		r.Body = http.NoBody
	}
	if ct != "" {
		r.Header.Set("Content-Type", ct)
	}
	return r
}

// statusOf returns the status of an *svcgen.Error, or 0.
func statusOf(err error) int {
	var e *svcgen.Error
	if errors.As(err, &e) {
		return e.Status
	}
	return 0
}

type thing struct {
	Name  string `json:"name"`
	Count int    `json:"count"`
}

func TestDecodeJSON(t *testing.T) {
	for _, tc := range []struct {
		name     string
		ct       string
		body     io.Reader
		required bool
		ok       bool
		status   int // of the returned error
		want     thing
		errs     svcgen.Errors
	}{
		{"json", "application/json", strings.NewReader(`{"name":"a","count":2}`), true, true, 0, thing{"a", 2}, nil},
		{"json with charset", "application/json; charset=utf-8", strings.NewReader(`{"name":"a"}`), true, true, 0, thing{Name: "a"}, nil},
		{"vendor json", "application/vnd.things+json", strings.NewReader(`{"count":1}`), true, true, 0, thing{Count: 1}, nil},
		{"no content type is read as JSON", "", strings.NewReader(`{"name":"b"}`), true, true, 0, thing{Name: "b"}, nil},
		{"wrong content type", "text/plain", strings.NewReader(`{"name":"a"}`), true, false, 415, thing{}, nil},
		{"form content type", "application/x-www-form-urlencoded", strings.NewReader(`name=a`), false, false, 415, thing{}, nil},
		{"required body missing", "application/json", nil, true, false, 0, thing{},
			svcgen.Errors{{In: "body", Pointer: "#", Detail: "a request body is required"}}},
		{"required body empty", "application/json", strings.NewReader(""), true, false, 0, thing{},
			svcgen.Errors{{In: "body", Pointer: "#", Detail: "a request body is required"}}},
		{"optional body missing", "", nil, false, false, 0, thing{}, nil},
		{"malformed", "application/json", strings.NewReader(`{"name":`), true, false, 0, thing{},
			svcgen.Errors{{In: "body", Pointer: "#", Detail: "malformed JSON at byte 8: unexpected end of JSON input"}}},
		{"wrong type", "application/json", strings.NewReader(`{"count":"x"}`), true, false, 0, thing{},
			svcgen.Errors{{In: "body", Field: "count", Pointer: "#/count", Detail: "must be an integer, not string"}}},
		{"unreadable", "application/json", iotest.ErrReader(errors.New("connection reset")), true, false, 400, thing{}, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var got thing
			var errs svcgen.Errors
			ok, err := DecodeJSON(httptest.NewRecorder(), request(tc.ct, tc.body), &got, BodyRules{Limit: 1 << 20, Required: tc.required}, &errs)
			if ok != tc.ok || statusOf(err) != tc.status || (err != nil) != (tc.status != 0) {
				t.Errorf("got ok=%v err=%v, want ok=%v status %d", ok, err, tc.ok, tc.status)
			}
			if got != tc.want {
				t.Errorf("decoded %+v, want %+v", got, tc.want)
			}
			if !reflect.DeepEqual(errs, tc.errs) {
				t.Errorf("errs %#v\nwant %#v", errs, tc.errs)
			}
		})
	}
}

func TestDecodeJSONTooLarge(t *testing.T) {
	for _, size := range []int{11, 100, 1 << 16} {
		body := `{"name":"` + strings.Repeat("x", size) + `"}`
		var got thing
		var errs svcgen.Errors
		w := httptest.NewRecorder()
		for _, length := range []int64{int64(len(body)), -1} { // stated, or chunked
			r := request("application/json", strings.NewReader(body))
			r.ContentLength = length
			ok, err := DecodeJSON(w, r, &got, BodyRules{Limit: 10, Required: true}, &errs)
			var e *svcgen.Error
			if ok || !errors.As(err, &e) || e.Status != http.StatusRequestEntityTooLarge || e.Detail != "the body is larger than 10 bytes" {
				t.Errorf("size %d, Content-Length %d: ok=%v err=%#v, want 413", size, length, ok, err)
			}
		}
		if len(errs) != 0 {
			t.Errorf("size %d: errs %v", size, errs)
		}
	}
	// Exactly at the limit is fine.
	body := `{"count":1}`
	var got thing
	var errs svcgen.Errors
	ok, err := DecodeJSON(httptest.NewRecorder(), request("", strings.NewReader(body)), &got, BodyRules{Limit: int64(len(body)), Required: true}, &errs)
	if !ok || err != nil || got.Count != 1 {
		t.Errorf("at the limit: ok=%v err=%v got %+v", ok, err, got)
	}
}

func TestDecodeJSONRawCopy(t *testing.T) {
	var raw, raw2 []byte
	var got thing
	var errs svcgen.Errors
	if ok, err := DecodeJSON(httptest.NewRecorder(), request("", strings.NewReader(`{"name":"first"}`)), &got, BodyRules{Limit: 1 << 20, Required: true, Raw: &raw}, &errs); !ok || err != nil {
		t.Fatal(ok, err)
	}
	// A second request reuses the pooled buffer: the first raw body must
	// not change.
	if ok, err := DecodeJSON(httptest.NewRecorder(), request("", strings.NewReader(`{"name":"SECOND"}`)), &got, BodyRules{Limit: 1 << 20, Required: true, Raw: &raw2}, &errs); !ok || err != nil {
		t.Fatal(ok, err)
	}
	if string(raw) != `{"name":"first"}` || string(raw2) != `{"name":"SECOND"}` {
		t.Errorf("raw bodies %q and %q", raw, raw2)
	}
	// A json.RawMessage in the decoded value does not alias the buffer.
	var v struct{ Extra json.RawMessage }
	if ok, _ := DecodeJSON(httptest.NewRecorder(), request("", strings.NewReader(`{"Extra":[1,2,3]}`)), &v, BodyRules{Limit: 1 << 20, Required: true}, &errs); !ok {
		t.Fatal("not decoded")
	}
	_, _ = DecodeJSON(httptest.NewRecorder(), request("", strings.NewReader(`{"Extra":"zzzzzzz"}`)), &got, BodyRules{Limit: 1 << 20, Required: true}, &errs)
	if string(v.Extra) != `[1,2,3]` {
		t.Errorf("RawMessage changed to %q", v.Extra)
	}
}

func TestReadRaw(t *testing.T) {
	var errs svcgen.Errors
	first, err := ReadRaw(httptest.NewRecorder(), request("text/plain", strings.NewReader("hello")), BodyRules{Limit: 100, Required: true}, &errs)
	if err != nil || string(first) != "hello" {
		t.Fatalf("got %q, %v", first, err)
	}
	second, _ := ReadRaw(httptest.NewRecorder(), request("text/plain", strings.NewReader("HELLO")), BodyRules{Limit: 100, Required: true}, &errs)
	if string(first) != "hello" || string(second) != "HELLO" {
		t.Errorf("a pooled buffer is shared: %q, %q", first, second)
	}
	if len(errs) != 0 {
		t.Errorf("errs %v", errs)
	}

	b, err := ReadRaw(httptest.NewRecorder(), request("", nil), BodyRules{Limit: 100, Required: true}, &errs)
	want := svcgen.Errors{{In: "body", Detail: "a request body is required"}}
	if b != nil || err != nil || !reflect.DeepEqual(errs, want) {
		t.Errorf("missing required: %q, %v, %#v", b, err, errs)
	}
	errs = nil
	b, err = ReadRaw(httptest.NewRecorder(), request("", nil), BodyRules{Limit: 100}, &errs)
	if b != nil || err != nil || errs != nil {
		t.Errorf("missing optional: %q, %v, %#v", b, err, errs)
	}
	_, err = ReadRaw(httptest.NewRecorder(), request("", bytes.NewReader(make([]byte, 101))), BodyRules{Limit: 100, Required: true}, &errs)
	if statusOf(err) != http.StatusRequestEntityTooLarge {
		t.Errorf("too large: %v", err)
	}
	// The cause of a read error is kept for the log, not sent.
	_, err = ReadRaw(httptest.NewRecorder(), request("", iotest.ErrReader(errors.New("reset"))), BodyRules{Limit: 100, Required: true}, &errs)
	var e *svcgen.Error
	if !errors.As(err, &e) || e.Status != 400 || e.Detail != "the body could not be read" || e.Err == nil || e.Err.Error() != "reset" {
		t.Errorf("read error: %#v", err)
	}
}

func TestWriteResponses(t *testing.T) {
	w := httptest.NewRecorder()
	if err := WriteJSONMap(w, http.StatusCreated, "application/vnd.x+json", &map[string]int{"id": 7}); err != nil {
		t.Fatal(err)
	}
	if w.Code != 201 || w.Header().Get("Content-Type") != "application/vnd.x+json" || w.Body.String() != `{"id":7}` {
		t.Errorf("WriteJSON: %d %q %q", w.Code, w.Header().Get("Content-Type"), w.Body)
	}

	// A value that cannot be encoded writes nothing, so the caller can
	// still answer with a problem.
	w = httptest.NewRecorder()
	if err := WriteJSON(w, http.StatusOK, "application/json", svcgen.Ptr(math.Inf(1))); err == nil {
		t.Error("WriteJSON(+Inf) succeeded")
	}
	if w.Body.Len() != 0 || w.Header().Get("Content-Type") != "" {
		t.Errorf("WriteJSON error wrote %d %q", w.Code, w.Body)
	}
	WriteProblem(w, httptest.NewRequest("GET", "/x", nil), 500, "", nil)
	if w.Code != 500 {
		t.Errorf("problem after a failed WriteJSON: %d", w.Code)
	}

	w = httptest.NewRecorder()
	_ = WriteText(w, http.StatusAccepted, "text/csv", "a,b\n")
	if w.Code != 202 || w.Header().Get("Content-Type") != "text/csv" || w.Body.String() != "a,b\n" {
		t.Errorf("WriteText: %d %q %q", w.Code, w.Header().Get("Content-Type"), w.Body)
	}

	w = httptest.NewRecorder()
	_ = WriteBinary(w, http.StatusOK, "application/octet-stream", bytes.NewReader([]byte{0, 1, 2}))
	if w.Code != 200 || w.Header().Get("Content-Type") != "application/octet-stream" || !bytes.Equal(w.Body.Bytes(), []byte{0, 1, 2}) {
		t.Errorf("WriteBinary: %d %q %v", w.Code, w.Header().Get("Content-Type"), w.Body.Bytes())
	}
	w = httptest.NewRecorder()
	if err := WriteBinary(w, http.StatusOK, "image/png", nil); err != nil || w.Body.Len() != 0 {
		t.Errorf("WriteBinary(nil): %v %q", err, w.Body)
	}
	w = httptest.NewRecorder()
	if err := WriteBinary(w, http.StatusOK, "image/png", iotest.ErrReader(errors.New("gone"))); err == nil {
		t.Error("WriteBinary did not return the reader's error")
	}

	w = httptest.NewRecorder()
	_ = WriteEmpty(w, http.StatusNoContent)
	if w.Code != 204 || w.Body.Len() != 0 {
		t.Errorf("WriteEmpty: %d %q", w.Code, w.Body)
	}
}

func TestWriteProblem(t *testing.T) {
	w := httptest.NewRecorder()
	r := httptest.NewRequest("POST", "/orders/7?x=1", nil)
	WriteProblem(w, r, http.StatusBadRequest, "the request is invalid", []svcgen.FieldError{
		{In: "query", Field: "limit", Detail: "must be an integer"},
		{In: "body", Field: "items[0].qty", Pointer: "#/items/0/qty", Detail: "must be at least 1"},
	})
	if w.Code != 400 {
		t.Errorf("status %d", w.Code)
	}
	if ct := w.Header().Get("Content-Type"); ct != "application/problem+json" {
		t.Errorf("Content-Type %q", ct)
	}
	if got := w.Header().Get("X-Content-Type-Options"); got != "nosniff" {
		t.Errorf("X-Content-Type-Options %q", got)
	}
	want := `{"type":"about:blank","title":"Bad Request","status":400,"detail":"the request is invalid","instance":"/orders/7",` +
		`"errors":[{"in":"query","field":"limit","detail":"must be an integer"},` +
		`{"in":"body","field":"items[0].qty","pointer":"#/items/0/qty","detail":"must be at least 1"}]}`
	if w.Body.String() != want {
		t.Errorf("body\n%s\nwant\n%s", w.Body, want)
	}

	w = httptest.NewRecorder()
	WriteProblem(w, httptest.NewRequest("GET", "/x", nil), http.StatusNotFound, "", nil)
	if want := `{"type":"about:blank","title":"Not Found","status":404,"instance":"/x"}`; w.Body.String() != want {
		t.Errorf("body %s, want %s", w.Body, want)
	}
}

// withPath returns a request whose wildcard name has value v.
func withPath(name, v string) *http.Request {
	r := httptest.NewRequest("GET", "/", nil)
	r.SetPathValue(name, v)
	return r
}

func TestPathValue(t *testing.T) {
	for _, tc := range []struct {
		v, prefix, suffix string
		want              string
		ok                bool
	}{
		{"report.json", "", ".json", "report", true},
		{"report.csv", "", ".json", "", false},
		{"v2", "v", "", "2", true},
		{"x2", "v", "", "", false},
		{"id-7-end", "id-", "-end", "7", true},
		{".json", "", ".json", "", true}, // an empty value: the parameter's own checks decide
		{"id-end", "id-", "-end", "", false},
		{"id-", "id-", "-end", "", false},
		{"abc", "", "", "abc", true},
		{"ab", "ab", "b", "", false}, // prefix and suffix overlap
	} {
		got, ok := PathValue(nil, withPath("p", tc.v), "p", tc.prefix, tc.suffix)
		if got != tc.want || ok != tc.ok {
			t.Errorf("PathValue(%q, %q, %q) = %q, %v; want %q, %v", tc.v, tc.prefix, tc.suffix, got, ok, tc.want, tc.ok)
		}
	}
}

func TestSegmentValue(t *testing.T) {
	for _, tc := range []struct {
		v     string
		lits  []string
		index int
		want  string
		ok    bool
	}{
		{"main...dev", []string{"", "...", ""}, 0, "main", true},
		{"main...dev", []string{"", "...", ""}, 1, "dev", true},
		{"main..dev", []string{"", "...", ""}, 0, "", false},
		{"...dev", []string{"", "...", ""}, 0, "", false}, // empty first value
		{"main...", []string{"", "...", ""}, 1, "", false},
		{"a...b...c", []string{"", "...", ""}, 1, "b...c", true}, // the first one runs to the first separator
		{"v1-2.tar", []string{"v", "-", ".tar"}, 0, "1", true},
		{"v1-2.tar", []string{"v", "-", ".tar"}, 1, "2", true},
		{"x1-2.tar", []string{"v", "-", ".tar"}, 1, "", false},
		{"v1-2.zip", []string{"v", "-", ".tar"}, 0, "", false},
		{"1x2x3", []string{"", "x", "x", ""}, 2, "3", true},
		{"1x2x3", []string{"", "x", "x", ""}, 1, "2", true},
		{"1x2", []string{"", "x", "x", ""}, 2, "", false},
		{"v", []string{"v", ""}, 0, "", false},
	} {
		got, ok := SegmentValue(nil, withPath("seg", tc.v), "seg", tc.lits, tc.index)
		if got != tc.want || ok != tc.ok {
			t.Errorf("SegmentValue(%q, %q, %d) = %q, %v; want %q, %v", tc.v, tc.lits, tc.index, got, ok, tc.want, tc.ok)
		}
	}
}

func TestHeaderAndCookieValues(t *testing.T) {
	r := httptest.NewRequest("GET", "/", nil)
	r.Header.Add("X-Tag", "a")
	r.Header.Add("X-Tag", "b")
	r.AddCookie(&http.Cookie{Name: "session", Value: "s1"})
	if v, ok := HeaderValues(r, "x-tag"); !ok || !reflect.DeepEqual(v, []string{"a", "b"}) {
		t.Errorf("HeaderValues = %q, %v", v, ok)
	}
	if v, ok := HeaderValues(r, "X-None"); ok || v != nil {
		t.Errorf("absent header = %q, %v", v, ok)
	}
	if v, ok := CookieValues(r, "session"); !ok || !reflect.DeepEqual(v, []string{"s1"}) {
		t.Errorf("CookieValues = %q, %v", v, ok)
	}
	if v, ok := CookieValues(r, "other"); ok || v != nil {
		t.Errorf("absent cookie = %q, %v", v, ok)
	}
}
