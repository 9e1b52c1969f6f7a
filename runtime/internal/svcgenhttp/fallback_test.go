package svcgenhttp

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/svcgen/svcgen/runtime/svcgen"
)

// echo answers with a name and the wildcard values it is given, so a test
// sees which route served a request and what it read.
func echo(name string, wildcards ...string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		out := name
		for _, wc := range wildcards {
			out += " " + wc + "=" + r.PathValue(wc)
		}
		_ = WriteText(w, 200, "text/plain", out)
	}
}

func TestHandleFallback(t *testing.T) {
	s, _ := newTestServer(Options{})
	// ServeMux panics on these two side by side: /users/me/posts matches
	// both, neither is more specific.
	s.Handle("GET /users/me/{kind}", echo("me", "kind"))
	s.HandleFallback("GET /users/{id}/posts", echo("posts", "id"))
	s.HandleFallback("GET /users/{id}/{kind}", echo("any", "id", "kind")) // after: only what the one above leaves
	s.HandleFallback("DELETE /users/{id}/posts", echo("delete", "id"))
	s.HandleFallback("GET /caf%C3%A9/{id}", echo("cafe", "id"))
	s.HandleFallback("GET /dirs/{id}/{$}", echo("dir", "id"))
	s.Handle("POST /users/me/{kind}", echo("post-me", "kind"))

	for _, tc := range []struct {
		method, target string
		status         int
		body           string
		allow          string
	}{
		{"GET", "/users/me/posts", 200, "me kind=posts", ""}, // both match: the ServeMux route wins
		{"GET", "/users/7/posts", 200, "posts id=7", ""},
		{"GET", "/users/7/likes", 200, "any id=7 kind=likes", ""},
		{"GET", "/users/a%2Fb/posts", 200, "posts id=a/b", ""},      // an escaped slash stays in its segment
		{"GET", "/users/caf%C3%A9/posts", 200, "posts id=café", ""}, // values unescaped, as ServeMux does
		{"GET", "/café/1", 200, "cafe id=1", ""},                    // a literal written escaped in the pattern
		{"GET", "/caf%C3%A9/1", 200, "cafe id=1", ""},
		{"GET", "/dirs/x/", 200, "dir id=x", ""},
		{"GET", "/dirs/x", 404, "", ""},
		{"HEAD", "/users/7/posts", 200, "", ""}, // served by the GET route, as ServeMux does
		{"DELETE", "/users/7/posts", 200, "delete id=7", ""},
		{"GET", "/users/7", 404, "", ""},
		{"GET", "/users/7/posts/extra", 404, "", ""},
		{"PUT", "/users/7/posts", 405, "", "GET, HEAD, DELETE"},
		{"DELETE", "/users/7/likes", 405, "", "GET, HEAD"},
		{"DELETE", "/users/me/posts", 200, "delete id=me", ""}, // the GET route's literal does not shadow DELETE's
		{"PUT", "/users/me/posts", 405, "", "GET, HEAD, POST, DELETE"},
		{"POST", "/users/7/posts", 405, "", "GET, HEAD, DELETE"},
		{"DELETE", "/nowhere", 404, "", ""}, // the DELETE catch-all has no route for it
		{"PATCH", "/nowhere/at/all", 404, "", ""},
	} {
		t.Run(tc.method+" "+tc.target, func(t *testing.T) {
			w := do(s, tc.method, tc.target, nil)
			if w.Code != tc.status {
				t.Fatalf("status %d, want %d: %s", w.Code, tc.status, w.Body)
			}
			if tc.status == 200 && tc.method != "HEAD" && w.Body.String() != tc.body {
				t.Errorf("body %q, want %q", w.Body, tc.body)
			}
			if got := w.Header().Get("Allow"); got != tc.allow {
				t.Errorf("Allow %q, want %q", got, tc.allow)
			}
			if tc.status >= 400 {
				if p := problemOf(t, w); p.Instance == "" {
					t.Errorf("problem without instance: %+v", p)
				}
			}
		})
	}
}

// A fallback route's request carries the operation's own pattern, as
// ServeMux would set it: its metrics (and error forms) are the
// operation's, one series whatever the path.
func TestHandleFallbackMetrics(t *testing.T) {
	s, _ := newTestServer(Options{})
	s.Handle("GET /a/x", echo("x"))
	var patterns []string
	s.HandleFallback("GET /a/{id}", func(w http.ResponseWriter, r *http.Request) {
		patterns = append(patterns, r.Pattern)
	})
	do(s, "GET", "/a/1", nil)
	do(s, "GET", "/a/2", nil)
	if got := counter(t, s, "GET", "GET /a/{id}", "200"); got != 2 {
		t.Errorf("counter of the operation's pattern = %v", got)
	}
	if strings.Join(patterns, ",") != "GET /a/{id},GET /a/{id}" {
		t.Errorf("r.Pattern = %q", patterns)
	}
}

func TestPathRouteMatch(t *testing.T) {
	route := svcgen.ParsePathPattern("/a/{x}/b%20c/{y}")
	for _, tc := range []struct {
		path   string
		ok     bool
		values string
	}{
		{"/a/1/b%20c/2", true, "x 1 y 2"},
		{"/a/1%2F2/b%20c/2", true, "x 1/2 y 2"},
		{"/a/1/b%20d/2", false, ""},
		{"/a/1/b%20c", false, ""},
		{"/a//b%20c/2", false, ""}, // an empty wildcard matches nothing
		{"/b/1/b%20c/2", false, ""},
	} {
		values, ok := route.Match(httptest.NewRequest("GET", tc.path, nil).URL.EscapedPath())
		if ok != tc.ok || strings.Join(values, " ") != tc.values {
			t.Errorf("%s: %q, %v", tc.path, values, ok)
		}
	}
}
