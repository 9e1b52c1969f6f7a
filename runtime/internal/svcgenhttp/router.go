package svcgenhttp

import (
	"net/http"
	"strings"
)

// router finds the route of most requests before ServeMux would, at a
// fraction of its cost: no host split, no path cleaning, no match slice,
// no handler closure. It holds every pattern registered with a method, in
// a tree of path segments that it searches in ServeMux's order (a literal
// segment, then a single wildcard, then a multi wildcard, backtracking on
// failure), so that wherever it finds a route, ServeMux would have found
// the same one. It answers only clean paths ServeMux would match as they
// are (no "//", "." or ".." segments, no escapes it would read otherwise),
// with a method a pattern names; everything else (HEAD served by GET
// routes, redirects, 404, 405) it leaves to ServeMux.
type router struct {
	methods map[string]*routeNode
	// off is set by a pattern the tree cannot stand for (a host):
	// ServeMux then routes every request.
	off bool
}

// routeNode is one path segment of some patterns.
type routeNode struct {
	literal  []*routeNode // children by literal text, in the order added
	text     string       // this node's literal text, as a child of literal
	wildcard *routeNode   // child for a "{name}" segment
	multi    *fastRoute   // the pattern ending here in "{name...}" or "/"
	route    *fastRoute   // the pattern ending exactly here
}

// fastRoute is a registered pattern. A nil handle means ServeMux serves
// it: the route reads r.PathValue, which only ServeMux's match sets, or its
// shape is one the router matches but does not serve (a multi wildcard).
type fastRoute struct {
	pattern string   // "GET /pets/{id}"
	names   []string // its single wildcards, in order
	handle  http.HandlerFunc
	metrics *routeMetrics
	// direct is set for HandleOperation's routes, whose handlers read
	// Context and Param: they are served r itself, not a copy.
	direct bool
}

// maxWildcards is the most single wildcards a served route may have: their
// values are kept beside the request's status writer, in an array of this
// size. A route with more is matched, as precedence needs, but left to
// ServeMux.
const maxWildcards = 8

// add enters a ServeMux pattern. A route whose handle is nil is matched,
// so that it takes the paths ServeMux gives it, but left to ServeMux.
func (rt *router) add(pattern string, route *fastRoute) {
	method, path, found := strings.Cut(pattern, " ")
	if !found {
		// No method: ServeMux tries these only after every pattern with
		// the request's method failed, as the router leaves such requests
		// to it anyway.
		return
	}
	if !strings.HasPrefix(path, "/") || strings.Contains(path, "%") {
		rt.off = true // a host, or an escape in a literal segment
		return
	}
	if rt.methods == nil {
		rt.methods = map[string]*routeNode{}
	}
	n := rt.methods[method]
	if n == nil {
		n = &routeNode{}
		rt.methods[method] = n
	}
	rest := path[1:]
	for {
		seg, after, more := strings.Cut(rest, "/")
		switch {
		case seg == "{$}" && !more:
			n = n.child("")
		case !more && seg == "" || strings.HasPrefix(seg, "{") && strings.HasSuffix(seg, "...}"):
			// "/dir/" or "/dir/{rest...}": everything below.
			route.handle = nil
			n.multi = route
			return
		case strings.HasPrefix(seg, "{") && strings.HasSuffix(seg, "}"):
			if n.wildcard == nil {
				n.wildcard = &routeNode{}
			}
			n = n.wildcard
			route.names = append(route.names, seg[1:len(seg)-1])
		default:
			n = n.child(seg)
		}
		if !more {
			break
		}
		rest = after
	}
	if len(route.names) > maxWildcards {
		route.handle = nil
	}
	n.route = route
}

// child returns n's child for the literal segment text, added if new.
func (n *routeNode) child(text string) *routeNode {
	for _, c := range n.literal {
		if c.text == text {
			return c
		}
	}
	c := &routeNode{text: text}
	n.literal = append(n.literal, c)
	return c
}

// find returns the route of r and the values of its single wildcards in
// values; nil when ServeMux is to route r.
func (rt *router) find(r *http.Request, values *[maxWildcards]string) *fastRoute {
	if rt.off || r.URL.RawPath != "" {
		return nil
	}
	n := rt.methods[r.Method]
	path := r.URL.Path
	if n == nil || !cleanPath(path) {
		return nil
	}
	route := n.match(path[1:], values, 0)
	if route == nil || route.handle == nil {
		return nil
	}
	return route
}

// match finds the route of path (what follows a "/": segments and their
// separators) below n, as ServeMux's routingNode.matchPath does.
func (n *routeNode) match(path string, values *[maxWildcards]string, nv int) *fastRoute {
	seg, rest, more := strings.Cut(path, "/")
	for _, c := range n.literal {
		if c.text == seg {
			if route := c.next(rest, more, values, nv); route != nil {
				return route
			}
			break
		}
	}
	if n.wildcard != nil && seg != "" {
		if nv < maxWildcards { // beyond, the route is left to ServeMux
			values[nv] = seg
		}
		if route := n.wildcard.next(rest, more, values, nv+1); route != nil {
			return route
		}
	}
	return n.multi
}

// next is match's step into child n: the route ending at n when the path
// does, else the match of the rest below n.
func (n *routeNode) next(rest string, more bool, values *[maxWildcards]string, nv int) *fastRoute {
	if !more {
		return n.route
	}
	return n.match(rest, values, nv)
}

// cleanPath reports whether path is one ServeMux matches as it is, rather
// than redirecting to its clean form: rooted, without empty, "." or ".."
// segments except a final empty one (a trailing slash).
func cleanPath(path string) bool {
	if path == "" || path[0] != '/' {
		return false
	}
	for i := 1; i < len(path); {
		j := strings.IndexByte(path[i:], '/')
		if j < 0 {
			j = len(path) - i
		}
		switch seg := path[i : i+j]; {
		case seg == "." || seg == "..":
			return false
		case seg == "" && i+j < len(path):
			return false // "//"
		}
		i += j + 1
	}
	return true
}
