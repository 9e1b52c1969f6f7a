package svcgenhttp

import (
	"net/http"
	"strings"

	"github.com/svcgen/svcgen/runtime/svcgen"
)

// catchAll ends the pattern of a method's catch-all route: less specific
// than any other route, so it only gets the requests no other route takes.
const catchAll = " /{svcgenPath...}"

// pathRoute is an operation whose pattern the server matches itself.
type pathRoute struct {
	pattern string // as the spec's operation has it: "GET /a/{id}/b"
	path    svcgen.PathPattern
	handle  http.HandlerFunc
}

// HandleFallback routes pattern ("GET /a/{id}/b"), which ServeMux refuses
// beside another route matching some of the same paths with neither more
// specific, through the catch-all route of its method: among the requests
// no other route takes, the fallback patterns are tried in the order they
// were added. A path both match goes to the ServeMux route, so the literal
// segment wins, as in most routers.
func (s *Server) HandleFallback(pattern string, h http.HandlerFunc) {
	method, path, _ := strings.Cut(pattern, " ")
	if s.fallback == nil {
		s.fallback = map[string][]pathRoute{}
	}
	if _, ok := s.fallback[method]; !ok {
		s.mux.HandleFunc(method+catchAll, s.dispatch)
		s.routes.add(method+catchAll, &fastRoute{pattern: method + catchAll})
	}
	s.fallback[method] = append(s.fallback[method], pathRoute{pattern: pattern, path: svcgen.ParsePathPattern(path), handle: h})
}

// fallbackRoute finds the fallback route that serves r with method (a HEAD
// request is also served by GET operations, as ServeMux does), and the
// values of its wildcards.
func (s *Server) fallbackRoute(method string, r *http.Request) (*pathRoute, []string) {
	methods := []string{method}
	if method == http.MethodHead {
		methods = append(methods, http.MethodGet)
	}
	for _, m := range methods {
		routes := s.fallback[m]
		for i := range routes {
			if values, ok := routes[i].path.Match(r.URL.EscapedPath()); ok {
				return &routes[i], values
			}
		}
	}
	return nil, nil
}

// dispatch serves the requests that reach a method's catch-all route: a
// fallback route, or 404 / 405 as for any other unknown path.
func (s *Server) dispatch(w http.ResponseWriter, r *http.Request) {
	route, values := s.fallbackRoute(r.Method, r)
	if route == nil {
		s.NotFound(w, r)
		return
	}
	for i := 0; i+1 < len(values); i += 2 {
		r.SetPathValue(values[i], values[i+1])
	}
	// The operation's own pattern, as ServeMux would have set it: its
	// error forms and its metrics' route label are found by it.
	r.Pattern = route.pattern
	route.handle(w, r)
}
