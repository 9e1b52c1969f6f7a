package svcgenhttp

import (
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/svcgen/svcgen/runtime/svcgen"
)

// TestErrorForms checks that errors take the form the route's spec
// declares for their status: an object filled from the problem, no body,
// text, or the problem itself where nothing is declared.
func TestErrorForms(t *testing.T) {
	object := &ErrorForm{ContentType: "application/json", Fields: []ErrorField{
		{Key: `"code"`, From: "status", Required: true},
		{Key: `"message"`, From: "detail", Required: true},
		{Key: `"status"`, From: "status-text"},
		{Key: `"errors"`, From: "errors", Items: []ErrorField{{Key: `"field"`, From: "field", Required: true}, {Key: `"message"`, From: "detail", Required: true}}},
	}}
	s := NewServer(Options{Logger: slog.New(slog.DiscardHandler)})
	fail := func(err error) http.HandlerFunc {
		return func(w http.ResponseWriter, r *http.Request) { s.Fail(w, r, err) }
	}
	s.Handle("GET /object", fail(svcgen.NewError(http.StatusNotFound, "")))
	s.Handle("GET /invalid", fail(svcgen.Errors{{In: "query", Field: "limit", Detail: "must be at most 100"}, {In: "body", Detail: "a request body is required"}}))
	s.Handle("GET /empty", fail(svcgen.NewError(http.StatusConflict, "taken")))
	s.Handle("GET /text", fail(svcgen.NewError(http.StatusTeapot, "short and stout")))
	s.Handle("GET /undeclared", fail(svcgen.NewError(http.StatusGone, "gone")))
	s.Handle("GET /extra", fail(svcgen.Errors{{In: "query", Field: "limit", Detail: "must be at most 100"}}))
	for _, p := range []string{"GET /object", "GET /invalid", "GET /empty", "GET /text", "GET /undeclared"} {
		s.SetErrorForms(p, &ErrorForms{
			Status:  map[int]*ErrorForm{http.StatusConflict: {}},
			Range:   map[int]*ErrorForm{4: object},
			Default: &ErrorForm{ContentType: "text/plain", Text: true},
		})
	}
	s.SetErrorForms("GET /text", &ErrorForms{Default: &ErrorForm{ContentType: "text/plain", Text: true}})
	s.SetErrorForms("GET /undeclared", &ErrorForms{Status: map[int]*ErrorForm{http.StatusConflict: {}}})
	// A schema open to other properties gets the problem's own members too,
	// those its fields do not take.
	s.SetErrorForms("GET /extra", &ErrorForms{Default: &ErrorForm{ContentType: "application/json", Extra: true, Fields: []ErrorField{
		{Key: `"code"`, From: "status", Required: true},
		{Key: `"errors"`, From: "errors", ItemsExtra: true, Items: []ErrorField{{Key: `"message"`, From: "detail", Required: true}}},
	}}})
	for _, c := range []struct{ path, contentType, body string }{
		{"/object", "application/json", `{"code":404,"message":"Not Found","status":"404"}`},
		{"/invalid", "application/json", `{"code":400,"message":"the request is invalid","status":"400","errors":[{"field":"limit","message":"must be at most 100"},{"field":"body","message":"a request body is required"}]}`},
		{"/empty", "", ""},
		{"/text", "text/plain", "short and stout"},
		{"/extra", "application/json", `{"code":400,"errors":[{"message":"must be at most 100","in":"query","field":"limit","detail":"must be at most 100"}],"type":"about:blank","title":"Bad Request","status":400,"detail":"the request is invalid","instance":"/extra"}`},
		{"/undeclared", "application/problem+json", `{"type":"about:blank","title":"Gone","status":410,"detail":"gone","instance":"/undeclared"}`},
	} {
		rec := httptest.NewRecorder()
		s.ServeHTTP(rec, httptest.NewRequest("GET", c.path, nil))
		body, _ := io.ReadAll(rec.Body)
		if rec.Header().Get("Content-Type") != c.contentType || string(body) != c.body {
			t.Errorf("%s: %d %q %s\nwant %q %s", c.path, rec.Code, rec.Header().Get("Content-Type"), body, c.contentType, c.body)
		}
	}
}
