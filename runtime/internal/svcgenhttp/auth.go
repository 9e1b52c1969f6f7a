package svcgenhttp

import (
	"context"
	"encoding/base64"
	"errors"
	"net/http"
	"strings"

	"github.com/svcgen/svcgen/runtime/svcgen"
)

// Authenticator checks the credentials of requests to the operations the
// spec secures. The server finds the credentials (the first of the
// operation's security requirements whose every scheme the request
// presents) and answers 401 itself when there are none; Authenticate
// decides whether they are good.
type Authenticator interface {
	// Authenticate returns the context for the rest of the request (with
	// the caller's identity in it, say; nil keeps the request's own),
	// svcgen.ErrUnauthorized (401) when the credentials are not valid, or
	// svcgen.ErrForbidden (403) when they are valid but may not call
	// operation (the Go method name: "CreateOrder").
	Authenticate(ctx context.Context, operation string, creds []svcgen.Credentials) (context.Context, error)
}

// Scheme, Requirement and Use describe an operation's security; they are
// svcgen's, which the client shares.
type (
	Scheme      = svcgen.Scheme
	Requirement = svcgen.Requirement
	Use         = svcgen.Use
)

// credentials returns what r presents for s, and whether it presents
// anything.
func credentials(s *Scheme, r *http.Request) (svcgen.Credentials, bool) {
	c := svcgen.Credentials{Scheme: s.Name}
	switch s.Kind {
	case "basic":
		raw, err := base64.StdEncoding.DecodeString(authorization(r, "Basic"))
		u, p, ok := strings.Cut(string(raw), ":")
		c.Username, c.Password = u, p
		return c, err == nil && ok
	case "apiKey":
		switch s.In {
		case "header":
			c.Token = r.Header.Get(s.Param)
		case "query":
			c.Token, _ = ParseQuery(r.URL.RawQuery, make(Query, 0, 8)).Get(s.Param) // no url.Values map
		case "cookie":
			if ck, err := r.Cookie(s.Param); err == nil {
				c.Token = ck.Value
			}
		}
		return c, c.Token != ""
	}
	// Bearer tokens (OAuth2 and OpenID Connect too) and other HTTP schemes.
	c.Token = authorization(r, s.Auth)
	return c, c.Token != ""
}

// authorization returns the credentials of "Authorization: <scheme>
// <credentials>", the scheme in any case. A requirement may combine two
// schemes that both use the header (basic and a bearer token): each is
// then looked for among the request's Authorization headers.
func authorization(r *http.Request, scheme string) string {
	for _, h := range r.Header.Values("Authorization") {
		if len(h) > len(scheme) && strings.EqualFold(h[:len(scheme)], scheme) && h[len(scheme)] == ' ' {
			return strings.TrimSpace(h[len(scheme)+1:])
		}
	}
	return ""
}

// Authenticate lets r through when it satisfies one of reqs, the security
// requirements of operation, and Options.Authenticator accepts its
// credentials; otherwise it answers 401 or 403 and returns false. The
// context the Authenticator returns is Context(w, r)'s from then on, and
// r.Context()'s in the request returned when w is not the server's own.
func (s *Server) Authenticate(w http.ResponseWriter, r *http.Request, operation string, reqs []Requirement) (*http.Request, bool) {
	auth := s.opts.Authenticator
	anonymous := false
	for _, req := range reqs {
		if len(req) == 0 {
			anonymous = true
			continue
		}
		creds := make([]svcgen.Credentials, 0, len(req))
		for _, u := range req {
			c, ok := credentials(u.Scheme, r)
			if !ok {
				creds = nil
				break
			}
			c.Scopes = u.Scopes
			creds = append(creds, c)
		}
		if creds == nil {
			continue
		}
		if auth == nil {
			s.Fail(w, r, errors.New("Options.Authenticator is nil: operation "+operation+" cannot check credentials"))
			return r, false
		}
		ctx, err := auth.Authenticate(Context(w, r), operation, creds)
		if err != nil {
			var e *svcgen.Error
			if errors.As(err, &e) && e.Status == http.StatusUnauthorized {
				challenge(w, reqs)
			}
			s.Fail(w, r, err)
			return r, false
		}
		if ctx == nil {
			return r, true // "return nil, nil": accepted, nothing added
		}
		if sw, ok := w.(*statusWriter); ok && sw.ctx != nil {
			sw.ctx = ctx // what Context returns from now on
			return r, true
		}
		return r.WithContext(ctx), true
	}
	if anonymous {
		return r, true
	}
	challenge(w, reqs)
	s.problem(w, r, http.StatusUnauthorized, "this operation needs credentials", nil)
	return r, false
}

// challenge adds a WWW-Authenticate header for each HTTP scheme of reqs.
func challenge(w http.ResponseWriter, reqs []Requirement) {
	seen := map[string]bool{}
	for _, req := range reqs {
		for _, u := range req {
			if u.Scheme.Kind != "apiKey" && !seen[u.Scheme.Auth] {
				seen[u.Scheme.Auth] = true
				w.Header().Add("WWW-Authenticate", u.Scheme.Auth+` realm="api"`)
			}
		}
	}
}
