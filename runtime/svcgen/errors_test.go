package svcgen_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"net/textproto"
	"testing"

	"github.com/svcgen/svcgen/runtime/svcgen"
)

func TestError(t *testing.T) {
	cause := errors.New("disk full")
	for _, tc := range []struct {
		err    *svcgen.Error
		status int
		msg    string
	}{
		{svcgen.NewError(http.StatusTeapot, "short and stout"), 418, "I'm a teapot: short and stout"},
		{svcgen.NotFound("no order 7"), 404, "Not Found: no order 7"},
		{svcgen.Conflict("taken"), 409, "Conflict: taken"},
		{svcgen.BadRequest(""), 400, "Bad Request"},
		{&svcgen.Error{Status: 503, Detail: "later", Err: cause}, 503, "Service Unavailable: later: disk full"},
		{&svcgen.Error{Status: 500, Err: cause}, 500, "Internal Server Error: disk full"},
		{svcgen.ErrNotImplemented, 501, "Not Implemented: this operation is not implemented yet"},
		{svcgen.ErrUnauthorized, 401, "Unauthorized: the credentials are missing or not valid"},
		{svcgen.ErrForbidden, 403, "Forbidden: the credentials do not allow this operation"},
	} {
		if tc.err.Status != tc.status || tc.err.Error() != tc.msg {
			t.Errorf("got %d %q, want %d %q", tc.err.Status, tc.err.Error(), tc.status, tc.msg)
		}
	}
	wrapped := fmt.Errorf("saving: %w", &svcgen.Error{Status: 503, Err: cause})
	var e *svcgen.Error
	if !errors.As(wrapped, &e) || e.Status != 503 {
		t.Errorf("errors.As through a wrap: %v", e)
	}
	if !errors.Is(wrapped, cause) {
		t.Errorf("the cause is not reachable with errors.Is")
	}
	if !errors.Is(fmt.Errorf("x: %w", svcgen.ErrForbidden), svcgen.ErrForbidden) {
		t.Errorf("ErrForbidden is not matched by errors.Is")
	}
}

func TestErrors(t *testing.T) {
	var none svcgen.Errors
	if none.Err() != nil {
		t.Errorf("empty Errors is an error")
	}
	if (svcgen.Errors{}).Err() != nil {
		t.Errorf("empty non-nil Errors is an error")
	}
	errs := svcgen.Errors{
		{In: "query", Field: "limit", Detail: "must be an integer"},
		{In: "body", Pointer: "#", Detail: "a request body is required"},
		{In: "body", Field: "items[0].qty", Pointer: "#/items/0/qty", Detail: "must be at least 1"},
	}
	err := errs.Err()
	if err == nil {
		t.Fatal("Err() = nil")
	}
	if want := "limit: must be an integer; a request body is required; items[0].qty: must be at least 1"; err.Error() != want {
		t.Errorf("got %q\nwant %q", err, want)
	}
	var back svcgen.Errors
	if !errors.As(fmt.Errorf("w: %w", err), &back) || len(back) != 3 {
		t.Errorf("errors.As(Errors) = %v", back)
	}
}

func TestProblemJSON(t *testing.T) {
	p := svcgen.Problem{Type: "about:blank", Title: "Not Found", Status: 404}
	b, _ := json.Marshal(p)
	if want := `{"type":"about:blank","title":"Not Found","status":404}`; string(b) != want {
		t.Errorf("got %s, want %s (empty detail, instance and errors left out)", b, want)
	}
	p = svcgen.Problem{Type: "about:blank", Title: "Bad Request", Status: 400, Detail: "d", Instance: "/x",
		Errors: []svcgen.FieldError{{In: "query", Field: "q", Detail: "is required"}, {In: "body", Pointer: "#", Detail: "x"}}}
	b, _ = json.Marshal(p)
	want := `{"type":"about:blank","title":"Bad Request","status":400,"detail":"d","instance":"/x",` +
		`"errors":[{"in":"query","field":"q","detail":"is required"},{"in":"body","pointer":"#","detail":"x"}]}`
	if string(b) != want {
		t.Errorf("got  %s\nwant %s", b, want)
	}
}

func TestNewFile(t *testing.T) {
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	h := textproto.MIMEHeader{}
	h.Set("Content-Disposition", `form-data; name="doc"; filename="../../etc/a.txt"`)
	h.Set("Content-Type", "text/plain")
	pw, _ := mw.CreatePart(h)
	_, _ = pw.Write([]byte("hello, file"))
	_ = mw.Close()
	form, err := multipart.NewReader(&body, mw.Boundary()).ReadForm(1 << 20)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = form.RemoveAll() }()
	f := svcgen.NewFile(form.File["doc"][0])
	if f.Filename != "a.txt" || f.ContentType != "text/plain" || f.Size != 11 {
		t.Errorf("got %+v", f)
	}
	r, err := f.Open()
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = r.Close() }()
	b, _ := io.ReadAll(r)
	if string(b) != "hello, file" {
		t.Errorf("content %q", b)
	}
}
