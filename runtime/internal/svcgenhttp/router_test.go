package svcgenhttp

import (
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strings"
	"testing"
)

// routerPatterns overlap the ways ServeMux orders them: literal before
// wildcard before multi wildcard, backtracking when the more specific
// branch fails further down, trailing slashes exact ({$}) and as subtrees,
// and a method's catch-all.
var routerPatterns = []string{
	"GET /pets",
	"POST /pets",
	"GET /pets/mine",
	"GET /pets/{id}",
	"DELETE /pets/{id}",
	"GET /pets/{id}/toys/{toy}",
	"GET /pets/mine/toys",
	"GET /a/b/c",
	"GET /a/{x}/d",
	"GET /a/{x}/{y}/e",
	"GET /api/v2/{$}",
	"GET /{$}",
	"GET /deep/{a}/{b}/{c}/{d}/{e}/{f}/{g}/{h}/{i}", // more wildcards than the router keeps
	"GET /static/",
	"GET /files/{path...}",
	"GET /files/{name}/meta",
	"PUT /{svcgenPath...}",
	"PUT /things/{id}",
	"/", // NotFound, as NewServer adds it
}

// newRouterPair registers routerPatterns in a ServeMux, whose handlers
// record the pattern and wildcard values they were routed with, and in a
// router.
func newRouterPair(t testing.TB) (*http.ServeMux, *router, *[]string) {
	mux := http.NewServeMux()
	var rt router
	got := new([]string)
	for _, p := range routerPatterns {
		mux.HandleFunc(p, func(w http.ResponseWriter, r *http.Request) {
			*got = append([]string{r.Pattern}, wildcardValues(r)...)
		})
		route := &fastRoute{pattern: p, handle: func(http.ResponseWriter, *http.Request) {}}
		rt.add(p, route)
	}
	return mux, &rt, got
}

// wildcardValues are r.PathValue of each single wildcard of r.Pattern.
func wildcardValues(r *http.Request) []string {
	var out []string
	for _, seg := range strings.Split(r.Pattern, "/") {
		if strings.HasPrefix(seg, "{") && !strings.HasSuffix(seg, "...}") && seg != "{$}" {
			out = append(out, r.PathValue(strings.Trim(seg, "{}")))
		}
	}
	return out
}

// route asks rt for the route of method and target, returning its pattern
// and wildcard values, or nil when rt leaves the request to ServeMux.
func (rt *router) route(method, target string) ([]string, *http.Request) {
	u, err := url.ParseRequestURI(target)
	if err != nil {
		return nil, nil
	}
	r := &http.Request{Method: method, URL: u, RequestURI: target, Host: "example.com", Header: http.Header{}}
	var values [maxWildcards]string
	route := rt.find(r, &values)
	if route == nil {
		return nil, r
	}
	return append([]string{route.pattern}, values[:len(route.names)]...), r
}

func TestRouterFindsWhatServeMuxFinds(t *testing.T) {
	mux, rt, got := newRouterPair(t)
	cases := []struct {
		method, target string
		want           []string // nil: left to ServeMux
	}{
		{"GET", "/pets", []string{"GET /pets"}},
		{"POST", "/pets", []string{"POST /pets"}},
		{"GET", "/pets/mine", []string{"GET /pets/mine"}},
		{"GET", "/pets/42", []string{"GET /pets/{id}", "42"}},
		{"GET", "/pets/42?view=full", []string{"GET /pets/{id}", "42"}},
		{"DELETE", "/pets/mine", []string{"DELETE /pets/{id}", "mine"}},
		{"GET", "/pets/mine/toys/ball", []string{"GET /pets/{id}/toys/{toy}", "mine", "ball"}}, // backtracks
		{"GET", "/pets/mine/toys", []string{"GET /pets/mine/toys"}},
		{"GET", "/pets/7/toys", nil}, // no route: ServeMux answers
		{"GET", "/a/b/d", []string{"GET /a/{x}/d", "b"}},
		{"GET", "/a/b/c", []string{"GET /a/b/c"}},
		{"GET", "/a/b/c/e", []string{"GET /a/{x}/{y}/e", "b", "c"}},
		{"GET", "/api/v2/", []string{"GET /api/v2/{$}"}},
		{"GET", "/api/v2", nil}, // ServeMux redirects to the slash
		{"GET", "/", []string{"GET /{$}"}},
		{"GET", "/deep/1/2/3/4/5/6/7/8/9", nil}, // nine wildcards: ServeMux serves it
		{"GET", "/static/x", nil},               // a subtree: ServeMux serves it
		{"GET", "/files/x/meta", []string{"GET /files/{name}/meta", "x"}},
		{"GET", "/files/x/other", nil},
		{"PUT", "/things/9", []string{"PUT /things/{id}", "9"}},
		{"PUT", "/other", nil},                                    // the catch-all
		{"HEAD", "/pets", nil},                                    // GET routes serve HEAD, through ServeMux
		{"GET", "/anything/1", nil},                               // no method in the pattern
		{"GET", "/pets/", nil},                                    // trailing slash, no such route
		{"GET", "/pets//42", nil},                                 // ServeMux redirects
		{"GET", "/pets/./42", nil},                                // ServeMux redirects
		{"GET", "/pets/42/..", nil},                               // ServeMux redirects
		{"GET", "/pets/%34%32", nil},                              // escaped: ServeMux unescapes
		{"GET", "/pets/a%2Fb", nil},                               // an escaped slash stays in the segment
		{"GET", "/pets/a%20b", []string{"GET /pets/{id}", "a b"}}, // the canonical escape
	}
	for _, c := range cases {
		route, r := rt.route(c.method, c.target)
		if !slices.Equal(route, c.want) {
			t.Errorf("%s %s: router found %q, want %q", c.method, c.target, route, c.want)
		}
		if route == nil || r == nil {
			continue
		}
		*got = nil
		mux.ServeHTTP(httptest.NewRecorder(), r)
		if !slices.Equal(*got, route) {
			t.Errorf("%s %s: router found %q, ServeMux %q", c.method, c.target, route, *got)
		}
	}
}

// FuzzRouterAgreesWithServeMux: wherever the router finds a route,
// ServeMux routes the request to the same one with the same wildcards.
func FuzzRouterAgreesWithServeMux(f *testing.F) {
	for _, s := range []string{"/pets/1", "/pets/mine/toys/x", "/a/b/c/e", "/api/v2/", "/", "/files/a/meta", "/pets/a%20b", "/a/x/y/e?q=1"} {
		f.Add(uint8(0), s)
	}
	methods := []string{"GET", "POST", "PUT", "DELETE", "HEAD", "PATCH"}
	mux, rt, got := newRouterPair(f)
	f.Fuzz(func(t *testing.T, m uint8, target string) {
		method := methods[int(m)%len(methods)]
		route, r := rt.route(method, target)
		if route == nil {
			return
		}
		*got = nil
		mux.ServeHTTP(httptest.NewRecorder(), r)
		if !slices.Equal(*got, route) {
			t.Fatalf("%s %q: router found %q, ServeMux %q", method, target, route, *got)
		}
	})
}

func TestCleanPath(t *testing.T) {
	for p, want := range map[string]bool{
		"/": true, "/a": true, "/a/": true, "/a/b": true, "/a.b/..c": true,
		"": false, "a": false, "//": false, "/a//b": false, "/./a": false, "/a/..": false, "/a/../": false, "/a/.": false,
	} {
		if got := cleanPath(p); got != want {
			t.Errorf("cleanPath(%q) = %v, want %v", p, got, want)
		}
	}
}

// Through the server, a route added with HandleOperation reads its
// wildcards with Param and its context with Context whether the router or
// ServeMux (a HEAD request, a path ServeMux unescapes) found it; one added
// with Handle reads them with r.PathValue and r.Context(); both get their
// pattern, their metrics and 404/405 as before.
func TestServerRoutes(t *testing.T) {
	s, _ := newTestServer(Options{})
	s.Handle("GET /metrics", s.Metrics)
	echo := func(read func(http.ResponseWriter, *http.Request, string) string) http.HandlerFunc {
		return func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("X-Route", r.Pattern+" "+read(w, r, "id")+" "+read(w, r, "sub"))
			w.Header().Set("X-Id", RequestID(Context(w, r)))
		}
	}
	s.HandleOperation("GET /ops/{id}/subs/{sub}", echo(Param))
	s.Handle("GET /plain/{id}/subs/{sub}", echo(func(_ http.ResponseWriter, r *http.Request, name string) string {
		if RequestID(r.Context()) == "" {
			return "r.Context() lacks the request id"
		}
		return r.PathValue(name)
	}))
	for _, c := range []struct{ method, target, want string }{
		{"GET", "/ops/1/subs/2", "GET /ops/{id}/subs/{sub} 1 2"},
		{"HEAD", "/ops/1/subs/2", "GET /ops/{id}/subs/{sub} 1 2"},
		{"GET", "/ops/%31/subs/2", "GET /ops/{id}/subs/{sub} 1 2"},
		{"GET", "/plain/3/subs/4", "GET /plain/{id}/subs/{sub} 3 4"},
	} {
		w := do(s, c.method, c.target, nil)
		if got := w.Header().Get("X-Route"); w.Code != 200 || got != c.want {
			t.Errorf("%s %s: %d %q, want 200 %q", c.method, c.target, w.Code, got, c.want)
		}
		if id := w.Header().Get("X-Request-Id"); id == "" || w.Header().Get("X-Id") != id {
			t.Errorf("%s %s: the handler's context has request id %q, the response %q", c.method, c.target, w.Header().Get("X-Id"), id)
		}
	}
	if w := do(s, "POST", "/ops/1/subs/2", nil); w.Code != http.StatusMethodNotAllowed {
		t.Errorf("POST: %d, want 405", w.Code)
	}
	if w := do(s, "GET", "/ops/1/subs", nil); w.Code != http.StatusNotFound {
		t.Errorf("GET /ops/1/subs: %d, want 404", w.Code)
	}
	body := do(s, "GET", "/metrics", nil).Body.String()
	for _, want := range []string{
		`http_requests_total{method="GET",route="GET /ops/{id}/subs/{sub}",status="200"} 2`,
		`http_requests_total{method="HEAD",route="GET /ops/{id}/subs/{sub}",status="200"} 1`,
		`http_requests_total{method="GET",route="GET /plain/{id}/subs/{sub}",status="200"} 1`,
	} {
		if !strings.Contains(body, want) {
			t.Errorf("/metrics lacks %s", want)
		}
	}
}

// BenchmarkRoute: the router's lookup against ServeMux's, for a path with
// a wildcard among literal siblings.
func BenchmarkRoute(b *testing.B) {
	mux, rt, _ := newRouterPair(b)
	_, r := rt.route("GET", "/pets/42/toys/ball")
	b.Run("router", func(b *testing.B) {
		var values [maxWildcards]string
		for b.Loop() {
			if rt.find(r, &values) == nil {
				b.Fatal("no route")
			}
		}
	})
	b.Run("ServeMux", func(b *testing.B) {
		for b.Loop() {
			if _, p := mux.Handler(r); p == "" {
				b.Fatal("no route")
			}
		}
	})
}
