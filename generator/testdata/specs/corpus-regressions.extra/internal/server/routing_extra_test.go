package server

// Hand-written tests, copied into the service generated from
// corpus-regressions.yaml by svcgen's own tests: what the generated tests
// cannot know about overlapping routes, segments of several parameters and
// decoding errors.

import (
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"example.com/testdata-corpus-regressions/api"
)

// errSeen ends every call probe receives: only which method was called,
// with what, matters.
var errSeen = errors.New("seen")

// probe records the operation a request reached and its request.
type probe struct {
	unimplemented
	called *string
	req    *any
}

func (p probe) seen(name string, req any) error {
	*p.called, *p.req = name, req
	return errSeen
}

func (p probe) GetCard(_ context.Context, req *api.GetCardRequest) (api.GetCardResponse, error) {
	return nil, p.seen("GetCard", *req)
}

func (p probe) ListBoardCards(_ context.Context, req *api.ListBoardCardsRequest) (api.ListBoardCardsResponse, error) {
	return nil, p.seen("ListBoardCards", *req)
}

func (p probe) ClearBoardCards(_ context.Context, req *api.ClearBoardCardsRequest) (api.ClearBoardCardsResponse, error) {
	return nil, p.seen("ClearBoardCards", *req)
}

func (p probe) CompareCards(_ context.Context, req *api.CompareCardsRequest) (api.CompareCardsResponse, error) {
	return nil, p.seen("CompareCards", *req)
}

// TestOverlappingRoutes: ServeMux routes GET and DELETE /boards/cards/{cardId};
// the handler itself matches /boards/{boardId}/cards, which overlaps it.
func TestOverlappingRoutes(t *testing.T) {
	cases := []struct {
		method, path string
		status       int
		called       string // the operation reached, "" for none
		req          any
		allow        string
	}{
		{"GET", "/boards/abc/cards", 500, "ListBoardCards", api.ListBoardCardsRequest{BoardID: "abc"}, ""},
		{"HEAD", "/boards/abc/cards", 500, "ListBoardCards", api.ListBoardCardsRequest{BoardID: "abc"}, ""},
		{"DELETE", "/boards/abc/cards", 500, "ClearBoardCards", api.ClearBoardCardsRequest{BoardID: "abc"}, ""},
		{"GET", "/boards/a%62c/cards", 500, "ListBoardCards", api.ListBoardCardsRequest{BoardID: "abc"}, ""},
		{"GET", "/boards/cards/7", 500, "GetCard", api.GetCardRequest{CardID: 7}, ""},
		// Both patterns match: the one with the literal segment wins, and
		// "cards" is no integer.
		{"GET", "/boards/cards/cards", 400, "", nil, ""},
		{"GET", "/boards/ABC/cards", 400, "", nil, ""}, // boardId's pattern, checked by the fallback route's handler
		{"POST", "/boards/abc/cards", 405, "", nil, "GET, HEAD, DELETE"},
		{"GET", "/boards/abc/other", 404, "", nil, ""},
		{"PUT", "/no/such/path", 404, "", nil, ""},
		{"GET", "/boards/abc/compare/main...12", 500, "CompareCards", api.CompareCardsRequest{BoardID: "abc", Base: "main", Head: 12}, ""},
		{"GET", "/boards/abc/compare/v1.2...12", 500, "CompareCards", api.CompareCardsRequest{BoardID: "abc", Base: "v1.2", Head: 12}, ""},
		{"GET", "/boards/abc/compare/main..12", 404, "", nil, ""},
		{"GET", "/boards/abc/compare/...12", 404, "", nil, ""},
		{"GET", "/boards/abc/compare/main...x", 400, "", nil, ""},
	}
	for _, c := range cases {
		t.Run(c.method+" "+c.path, func(t *testing.T) {
			var called string
			var req any
			h := NewHandler(probe{called: &called, req: &req}, Options{Logger: slog.New(slog.DiscardHandler), Authenticator: allowAll{}})
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, httptest.NewRequest(c.method, c.path, nil))
			if rec.Code != c.status {
				t.Fatalf("status %d, want %d; body: %s", rec.Code, c.status, rec.Body)
			}
			if called != c.called || req != c.req {
				t.Errorf("reached %q with %+v, want %q with %+v", called, req, c.called, c.req)
			}
			if got := rec.Header().Get("Allow"); got != c.allow {
				t.Errorf("Allow %q, want %q", got, c.allow)
			}
		})
	}
}

// TestDecodingErrorIsStable: of two properties of the wrong type, the same
// one is reported every time (the first in the body: the decoder reads it
// in one pass), not whichever a map iteration gives first.
func TestDecodingErrorIsStable(t *testing.T) {
	h := newTestHandler()
	var first string
	for i := range 30 {
		rec := httptest.NewRecorder()
		req := httptest.NewRequest("POST", "/jobs/j1/tasks", strings.NewReader(`{"id": 7, "cmd": 5}`))
		req.Header.Set("Content-Type", "application/json")
		h.ServeHTTP(rec, req)
		if rec.Code != http.StatusBadRequest {
			t.Fatalf("status %d, want 400; body: %s", rec.Code, rec.Body)
		}
		var p struct {
			Errors []struct{ Field string }
		}
		if err := json.Unmarshal(rec.Body.Bytes(), &p); err != nil || len(p.Errors) == 0 {
			t.Fatalf("problem %s: %v", rec.Body, err)
		}
		got := p.Errors[0].Field
		if i == 0 {
			first = got
			if !strings.Contains(got, "id") {
				t.Errorf("reported %q, want id (the first property in the body)", got)
			}
		} else if got != first {
			t.Fatalf("request %d reported %q, the first %q", i, got, first)
		}
	}
}
