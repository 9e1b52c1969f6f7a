package svcgenhttp

import (
	"context"
	"encoding/base64"
	"errors"
	"net/http"
	"net/http/httptest"
	"reflect"
	"strings"
	"testing"

	"github.com/svcgen/svcgen/runtime/svcgen"
)

var (
	bearerScheme = &Scheme{Name: "bearerAuth", Kind: "bearer", Auth: "Bearer"}
	basicScheme  = &Scheme{Name: "basicAuth", Kind: "basic", Auth: "Basic"}
	oauthScheme  = &Scheme{Name: "oauth", Kind: "oauth2", Auth: "Bearer"}
	digestScheme = &Scheme{Name: "digest", Kind: "http", Auth: "Digest"}
	headerKey    = &Scheme{Name: "headerKey", Kind: "apiKey", In: "header", Param: "X-API-Key"}
	queryKey     = &Scheme{Name: "queryKey", Kind: "apiKey", In: "query", Param: "api_key"}
	cookieKey    = &Scheme{Name: "cookieKey", Kind: "apiKey", In: "cookie", Param: "session"}
)

type identityKey struct{}

// checker is an Authenticator that records what it is given and answers
// err, or a context carrying the first credential's token or user.
type checker struct {
	calls     int
	operation string
	creds     []svcgen.Credentials
	err       error
}

func (c *checker) Authenticate(ctx context.Context, operation string, creds []svcgen.Credentials) (context.Context, error) {
	c.calls++
	c.operation, c.creds = operation, creds
	if c.err != nil {
		return nil, c.err
	}
	return context.WithValue(ctx, identityKey{}, creds[0].Token+creds[0].Username), nil
}

func basic(user, pass string) string {
	return "Basic " + base64.StdEncoding.EncodeToString([]byte(user+":"+pass))
}

func TestAuthenticate(t *testing.T) {
	bearerOnly := []Requirement{{{Scheme: bearerScheme}}}
	for _, tc := range []struct {
		name     string
		reqs     []Requirement
		setup    func(r *http.Request)
		authErr  error
		status   int // 0: let through
		creds    []svcgen.Credentials
		identity string
		wwwAuth  []string
	}{
		{"bearer", bearerOnly,
			func(r *http.Request) { r.Header.Set("Authorization", "Bearer tok123") },
			nil, 0, []svcgen.Credentials{{Scheme: "bearerAuth", Token: "tok123"}}, "tok123", nil},
		{"bearer, scheme in any case", bearerOnly,
			func(r *http.Request) { r.Header.Set("Authorization", "bEARER  tok123 ") },
			nil, 0, []svcgen.Credentials{{Scheme: "bearerAuth", Token: "tok123"}}, "tok123", nil},
		{"bearer missing", bearerOnly, func(r *http.Request) {},
			nil, 401, nil, "", []string{`Bearer realm="api"`}},
		{"bearer empty", bearerOnly, func(r *http.Request) { r.Header.Set("Authorization", "Bearer ") },
			nil, 401, nil, "", []string{`Bearer realm="api"`}},
		{"another scheme's header", bearerOnly, func(r *http.Request) { r.Header.Set("Authorization", basic("a", "b")) },
			nil, 401, nil, "", []string{`Bearer realm="api"`}},
		{"bearer prefix without a space", bearerOnly, func(r *http.Request) { r.Header.Set("Authorization", "Bearertok") },
			nil, 401, nil, "", []string{`Bearer realm="api"`}},
		{"bearer rejected", bearerOnly,
			func(r *http.Request) { r.Header.Set("Authorization", "Bearer bad") },
			svcgen.ErrUnauthorized, 401, []svcgen.Credentials{{Scheme: "bearerAuth", Token: "bad"}}, "", []string{`Bearer realm="api"`}},
		{"forbidden: 403, no challenge", bearerOnly,
			func(r *http.Request) { r.Header.Set("Authorization", "Bearer reader") },
			svcgen.ErrForbidden, 403, []svcgen.Credentials{{Scheme: "bearerAuth", Token: "reader"}}, "", nil},
		{"authenticator failing: 500", bearerOnly,
			func(r *http.Request) { r.Header.Set("Authorization", "Bearer x") },
			errors.New("token service unreachable"), 500, []svcgen.Credentials{{Scheme: "bearerAuth", Token: "x"}}, "", nil},
		{"basic", []Requirement{{{Scheme: basicScheme}}},
			func(r *http.Request) { r.Header.Set("Authorization", basic("ada", "pa:ss")) },
			nil, 0, []svcgen.Credentials{{Scheme: "basicAuth", Username: "ada", Password: "pa:ss"}}, "ada", nil},
		{"basic with an empty password", []Requirement{{{Scheme: basicScheme}}},
			func(r *http.Request) { r.Header.Set("Authorization", basic("ada", "")) },
			nil, 0, []svcgen.Credentials{{Scheme: "basicAuth", Username: "ada"}}, "ada", nil},
		{"basic not base64", []Requirement{{{Scheme: basicScheme}}},
			func(r *http.Request) { r.Header.Set("Authorization", "Basic ***") },
			nil, 401, nil, "", []string{`Basic realm="api"`}},
		{"basic corrupt after a valid start", []Requirement{{{Scheme: basicScheme}}},
			func(r *http.Request) { r.Header.Set("Authorization", "Basic YTpi!!!!") }, // "a:b" then garbage
			nil, 401, nil, "", []string{`Basic realm="api"`}},
		{"basic without a colon", []Requirement{{{Scheme: basicScheme}}},
			func(r *http.Request) {
				r.Header.Set("Authorization", "Basic "+base64.StdEncoding.EncodeToString([]byte("ada")))
			},
			nil, 401, nil, "", []string{`Basic realm="api"`}},
		{"other HTTP scheme", []Requirement{{{Scheme: digestScheme}}},
			func(r *http.Request) { r.Header.Set("Authorization", `Digest username="a"`) },
			nil, 0, []svcgen.Credentials{{Scheme: "digest", Token: `username="a"`}}, `username="a"`, nil},
		{"oauth2 with scopes", []Requirement{{{Scheme: oauthScheme, Scopes: []string{"orders:read", "orders:write"}}}},
			func(r *http.Request) { r.Header.Set("Authorization", "Bearer o") },
			nil, 0, []svcgen.Credentials{{Scheme: "oauth", Token: "o", Scopes: []string{"orders:read", "orders:write"}}}, "o", nil},
		{"api key in a header", []Requirement{{{Scheme: headerKey}}},
			func(r *http.Request) { r.Header.Set("x-api-key", "k1") },
			nil, 0, []svcgen.Credentials{{Scheme: "headerKey", Token: "k1"}}, "k1", nil},
		{"api key in the query", []Requirement{{{Scheme: queryKey}}},
			func(r *http.Request) { r.URL.RawQuery = "api_key=k%202&x=1" },
			nil, 0, []svcgen.Credentials{{Scheme: "queryKey", Token: "k 2"}}, "k 2", nil},
		{"api key in a cookie", []Requirement{{{Scheme: cookieKey}}},
			func(r *http.Request) { r.AddCookie(&http.Cookie{Name: "session", Value: "c3"}) },
			nil, 0, []svcgen.Credentials{{Scheme: "cookieKey", Token: "c3"}}, "c3", nil},
		{"api key missing: 401 without a challenge", []Requirement{{{Scheme: headerKey}}, {{Scheme: queryKey}}, {{Scheme: cookieKey}}},
			func(r *http.Request) { r.Header.Set("X-Other", "k") },
			nil, 401, nil, "", nil},
		{"first requirement the request meets", []Requirement{{{Scheme: bearerScheme}}, {{Scheme: headerKey}}},
			func(r *http.Request) { r.Header.Set("X-API-Key", "k") },
			nil, 0, []svcgen.Credentials{{Scheme: "headerKey", Token: "k"}}, "k", nil},
		{"both requirements met: the first wins", []Requirement{{{Scheme: bearerScheme}}, {{Scheme: headerKey}}},
			func(r *http.Request) { r.Header.Set("X-API-Key", "k"); r.Header.Set("Authorization", "Bearer b") },
			nil, 0, []svcgen.Credentials{{Scheme: "bearerAuth", Token: "b"}}, "b", nil},
		{"two schemes together", []Requirement{{{Scheme: basicScheme}, {Scheme: bearerScheme}}},
			func(r *http.Request) {
				r.Header.Add("Authorization", basic("u", "p"))
				r.Header.Add("Authorization", "Bearer t")
			},
			nil, 0, []svcgen.Credentials{{Scheme: "basicAuth", Username: "u", Password: "p"}, {Scheme: "bearerAuth", Token: "t"}}, "u", nil},
		{"two schemes, one missing", []Requirement{{{Scheme: basicScheme}, {Scheme: bearerScheme}}},
			func(r *http.Request) { r.Header.Add("Authorization", "Bearer t") },
			nil, 401, nil, "", []string{`Basic realm="api"`, `Bearer realm="api"`}},
		{"one challenge per HTTP scheme", []Requirement{{{Scheme: bearerScheme}}, {{Scheme: oauthScheme}}, {{Scheme: basicScheme}}, {{Scheme: headerKey}}},
			func(r *http.Request) {},
			nil, 401, nil, "", []string{`Bearer realm="api"`, `Basic realm="api"`}},
		{"anonymous alternative, nothing sent", []Requirement{{{Scheme: bearerScheme}}, {}},
			func(r *http.Request) {},
			nil, 0, nil, "", nil},
		{"anonymous alternative, credentials sent are checked", []Requirement{{}, {{Scheme: bearerScheme}}},
			func(r *http.Request) { r.Header.Set("Authorization", "Bearer who") },
			nil, 0, []svcgen.Credentials{{Scheme: "bearerAuth", Token: "who"}}, "who", nil},
		{"anonymous alternative, bad credentials refused", []Requirement{{}, {{Scheme: bearerScheme}}},
			func(r *http.Request) { r.Header.Set("Authorization", "Bearer bad") },
			svcgen.ErrUnauthorized, 401, []svcgen.Credentials{{Scheme: "bearerAuth", Token: "bad"}}, "", []string{`Bearer realm="api"`}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			auth := &checker{err: tc.authErr}
			s, logs := newTestServer(Options{Authenticator: auth})
			r := httptest.NewRequest("GET", "/orders", nil)
			tc.setup(r)
			w := httptest.NewRecorder()
			r2, ok := s.Authenticate(w, r, "ListOrders", tc.reqs)
			if ok != (tc.status == 0) {
				t.Fatalf("ok = %v, status %d %s", ok, w.Code, w.Body)
			}
			if !reflect.DeepEqual(auth.creds, tc.creds) {
				t.Errorf("credentials %#v\nwant        %#v", auth.creds, tc.creds)
			}
			if tc.creds != nil && auth.operation != "ListOrders" {
				t.Errorf("operation %q", auth.operation)
			}
			if tc.creds == nil && auth.calls != 0 {
				t.Errorf("Authenticate called without credentials")
			}
			if got := w.Header().Values("WWW-Authenticate"); !reflect.DeepEqual(got, tc.wwwAuth) {
				t.Errorf("WWW-Authenticate %q, want %q", got, tc.wwwAuth)
			}
			if ok {
				if w.Body.Len() != 0 || w.Code != 200 {
					t.Errorf("a request let through got an answer: %d %s", w.Code, w.Body)
				}
				if id, _ := r2.Context().Value(identityKey{}).(string); id != tc.identity {
					t.Errorf("identity %q, want %q", id, tc.identity)
				}
				return
			}
			if w.Code != tc.status {
				t.Fatalf("status %d, want %d", w.Code, tc.status)
			}
			p := problemOf(t, w)
			if tc.status == 500 && (p.Detail != "" || strings.Contains(w.Body.String(), "unreachable")) {
				t.Errorf("the authenticator's error was sent: %s", w.Body)
			}
			if tc.status == 500 && !strings.Contains(logs.String(), "token service unreachable") {
				t.Errorf("the authenticator's error was not logged: %s", logs)
			}
		})
	}
}

func TestAuthenticateWithoutAuthenticator(t *testing.T) {
	s, logs := newTestServer(Options{})
	reqs := []Requirement{{{Scheme: bearerScheme}}}

	// No credentials: 401 all the same.
	w := httptest.NewRecorder()
	if _, ok := s.Authenticate(w, httptest.NewRequest("GET", "/", nil), "ListOrders", reqs); ok || w.Code != 401 {
		t.Errorf("no credentials: ok=%v status %d", ok, w.Code)
	}

	// Credentials that nothing can check: 500, never let through.
	r := httptest.NewRequest("GET", "/", nil)
	r.Header.Set("Authorization", "Bearer t")
	w = httptest.NewRecorder()
	if _, ok := s.Authenticate(w, r, "ListOrders", reqs); ok || w.Code != 500 {
		t.Fatalf("nil Authenticator: ok=%v status %d", ok, w.Code)
	}
	if p := problemOf(t, w); p.Detail != "" {
		t.Errorf("detail %q", p.Detail)
	}
	if !strings.Contains(logs.String(), "Options.Authenticator is nil") || !strings.Contains(logs.String(), "ListOrders") {
		t.Errorf("log does not say what to configure: %s", logs)
	}

	// Anonymous operations need no Authenticator.
	w = httptest.NewRecorder()
	if _, ok := s.Authenticate(w, r, "Ping", []Requirement{{}}); !ok {
		t.Errorf("anonymous refused: %d", w.Code)
	}
}

type nilContext struct{}

func (nilContext) Authenticate(context.Context, string, []svcgen.Credentials) (context.Context, error) {
	return nil, nil
}

// An Authenticator that accepts with a nil context lets the request
// through unchanged; r.WithContext(nil) would panic and answer 500.
func TestAuthenticateNilContext(t *testing.T) {
	s, _ := newTestServer(Options{Authenticator: nilContext{}})
	s.Handle("GET /orders", func(w http.ResponseWriter, r *http.Request) {
		r, ok := s.Authenticate(w, r, "ListOrders", []Requirement{{{Scheme: bearerScheme}}})
		if ok && r.Context() != nil {
			_ = WriteEmpty(w, http.StatusNoContent)
		}
	})
	w := httptest.NewRecorder()
	r := httptest.NewRequest("GET", "/orders", nil)
	r.Header.Set("Authorization", "Bearer t")
	s.ServeHTTP(w, r)
	if w.Code != http.StatusNoContent {
		t.Errorf("status %d %s", w.Code, w.Body)
	}
}
