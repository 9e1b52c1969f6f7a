package svcgenhttp_test

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/svcgen/svcgen/runtime/internal/svcgenhttp"
	"github.com/svcgen/svcgen/runtime/svcgen"
)

// The client and the server meet here: what svcgen.Caller sends, the
// server runtime reads.

var quiet = slog.New(slog.NewTextHandler(io.Discard, nil))

// authenticator records the credentials the server found.
type authenticator struct{ got []svcgen.Credentials }

func (a *authenticator) Authenticate(ctx context.Context, operation string, creds []svcgen.Credentials) (context.Context, error) {
	a.got = creds
	return ctx, nil
}

func TestClientCredentialsReachTheServer(t *testing.T) {
	schemes := []*svcgen.Scheme{
		{Name: "bearerAuth", Kind: "bearer", Auth: "Bearer"},
		{Name: "basicAuth", Kind: "basic", Auth: "Basic"},
		{Name: "oidc", Kind: "openIdConnect", Auth: "Bearer"},
		{Name: "headerKey", Kind: "apiKey", In: "header", Param: "X-API-Key"},
		{Name: "queryKey", Kind: "apiKey", In: "query", Param: "api_key"},
		{Name: "cookieKey", Kind: "apiKey", In: "cookie", Param: "session"},
	}
	creds := map[string]svcgen.Credentials{
		"bearerAuth": {Scheme: "bearerAuth", Token: "t0k.en"},
		"basicAuth":  {Scheme: "basicAuth", Username: "ann", Password: "p:w d"},
		"oidc":       {Scheme: "oidc", Token: "id-token"},
		"headerKey":  {Scheme: "headerKey", Token: "hk"},
		"queryKey":   {Scheme: "queryKey", Token: "q&k=1"},
		"cookieKey":  {Scheme: "cookieKey", Token: "ck"},
	}
	var tests [][]*svcgen.Scheme
	for _, s := range schemes {
		tests = append(tests, []*svcgen.Scheme{s})
	}
	tests = append(tests, []*svcgen.Scheme{schemes[1], schemes[0]}, []*svcgen.Scheme{schemes[3], schemes[4], schemes[5]})
	for _, req := range tests {
		var names []string
		requirement := svcgen.Requirement{}
		var all []svcgen.Credentials
		for _, s := range req {
			names = append(names, s.Name)
			requirement = append(requirement, svcgen.Use{Scheme: s, Scopes: []string{"read"}})
			all = append(all, creds[s.Name])
		}
		t.Run(strings.Join(names, "+"), func(t *testing.T) {
			auth := &authenticator{}
			srv := svcgenhttp.NewServer(svcgenhttp.Options{Logger: quiet, Authenticator: auth})
			reqs := []svcgenhttp.Requirement{requirement}
			srv.Handle("GET /things", func(w http.ResponseWriter, r *http.Request) {
				if _, ok := srv.Authenticate(w, r, "ListThings", reqs); ok {
					w.WriteHeader(http.StatusNoContent)
				}
			})
			ts := httptest.NewServer(srv)
			defer ts.Close()
			c, err := svcgen.NewCaller(ts.URL, svcgen.CallerOptions{Credentials: svcgen.StaticCredentials(all...)})
			if err != nil {
				t.Fatal(err)
			}
			resp, err := c.Do(context.Background(), &svcgen.Call{Operation: "ListThings", Method: "GET", Path: "/things", Security: []svcgen.Requirement{requirement}})
			if err != nil || resp.Status != http.StatusNoContent {
				t.Fatalf("got %v, %v: %s", resp, err, resp.Body)
			}
			for i := range all {
				all[i].Scopes = []string{"read"}
			}
			if !slices.EqualFunc(auth.got, all, func(a, b svcgen.Credentials) bool {
				return a.Scheme == b.Scheme && a.Token == b.Token && a.Username == b.Username && a.Password == b.Password && slices.Equal(a.Scopes, b.Scopes)
			}) {
				t.Errorf("server found %+v, want %+v", auth.got, all)
			}
		})
	}
}

func TestClientWithoutCredentialsGets401(t *testing.T) {
	srv := svcgenhttp.NewServer(svcgenhttp.Options{Logger: quiet, Authenticator: &authenticator{}})
	reqs := []svcgenhttp.Requirement{{{Scheme: &svcgen.Scheme{Name: "bearerAuth", Kind: "bearer", Auth: "Bearer"}}}}
	srv.Handle("GET /things", func(w http.ResponseWriter, r *http.Request) {
		if _, ok := srv.Authenticate(w, r, "ListThings", reqs); ok {
			w.WriteHeader(http.StatusNoContent)
		}
	})
	ts := httptest.NewServer(srv)
	defer ts.Close()
	c, err := svcgen.NewCaller(ts.URL, svcgen.CallerOptions{})
	if err != nil {
		t.Fatal(err)
	}
	resp, err := c.Do(context.Background(), &svcgen.Call{Operation: "ListThings", Method: "GET", Path: "/things", Security: reqs})
	if err != nil {
		t.Fatal(err)
	}
	err = resp.Err(nil)
	var re *svcgen.ResponseError
	if !errors.As(err, &re) || re.Status != 401 || re.Problem == nil || !errors.Is(err, svcgen.ErrUnauthorized) {
		t.Fatalf("got %v, want a 401 *ResponseError with its problem", err)
	}
	if want := "ListThings: 401 Unauthorized: this operation needs credentials"; err.Error() != want {
		t.Errorf("error %q, want %q", err, want)
	}
}

// TestTraceparentPassedOn starts two services, the front one calling the
// back one while it serves a request: the back one sees the front one's
// incoming trace context.
func TestTraceparentPassedOn(t *testing.T) {
	const parent = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"
	tests := []struct {
		name                  string
		header                http.Header
		wantParent, wantState string
	}{
		{"none", nil, "", ""},
		{"traceparent", http.Header{"Traceparent": {parent}}, parent, ""},
		{"with tracestate in two headers", http.Header{"Traceparent": {parent}, "Tracestate": {"congo=t61rcWkgMzE", "rojo=00f067aa0ba902b7"}}, parent, "congo=t61rcWkgMzE,rojo=00f067aa0ba902b7"},
		{"invalid traceparent ignored", http.Header{"Traceparent": {"00-xyz"}, "Tracestate": {"congo=1"}}, "", ""},
		{"two traceparents ignored", http.Header{"Traceparent": {parent, parent}}, "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var gotParent, gotState string
			back := svcgenhttp.NewServer(svcgenhttp.Options{Logger: quiet})
			back.Handle("GET /stock", func(w http.ResponseWriter, r *http.Request) {
				gotParent, gotState = r.Header.Get("Traceparent"), r.Header.Get("Tracestate")
				if p, s := svcgen.TraceparentFrom(r.Context()); p != gotParent || s != gotState {
					t.Errorf("context carries %q %q, headers %q %q", p, s, gotParent, gotState)
				}
				w.WriteHeader(http.StatusNoContent)
			})
			backSrv := httptest.NewServer(back)
			defer backSrv.Close()
			caller, err := svcgen.NewCaller(backSrv.URL, svcgen.CallerOptions{})
			if err != nil {
				t.Fatal(err)
			}
			front := svcgenhttp.NewServer(svcgenhttp.Options{Logger: quiet})
			front.Handle("POST /orders", func(w http.ResponseWriter, r *http.Request) {
				resp, err := caller.Do(r.Context(), &svcgen.Call{Operation: "GetStock", Method: "GET", Path: "/stock"})
				if err != nil {
					front.Fail(w, r, err)
					return
				}
				w.WriteHeader(resp.Status)
			})
			frontSrv := httptest.NewServer(front)
			defer frontSrv.Close()
			req, _ := http.NewRequest("POST", frontSrv.URL+"/orders", nil)
			for k, v := range tt.header {
				req.Header[k] = v
			}
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			if resp.StatusCode != http.StatusNoContent {
				t.Fatalf("status %d", resp.StatusCode)
			}
			if gotParent != tt.wantParent || gotState != tt.wantState {
				t.Errorf("back service got traceparent %q tracestate %q, want %q %q", gotParent, gotState, tt.wantParent, tt.wantState)
			}
		})
	}
}

// TestFormValuesReadBack sends a value as a client does, as a deepObject
// query parameter and as a form body, and reads it as a server does.
func TestFormValuesReadBack(t *testing.T) {
	type filter struct {
		Name  string   `json:"name"`
		Min   *float64 `json:"min,omitempty"`
		Open  bool     `json:"open"`
		Tags  []string `json:"tags,omitempty"`
		Where *struct {
			X int `json:"x"`
		} `json:"where,omitempty"`
	}
	fields := []svcgenhttp.FormField{{Name: "name", Kind: 's'}, {Name: "min", Kind: 'n'}, {Name: "open", Kind: 'b'}, {Name: "tags", Kind: 's', Array: true}, {Name: "where", Kind: 'j'}}
	min := 2.5
	tests := []filter{
		{Name: "a b&c=d", Min: &min, Open: true, Tags: []string{"x", "y z"}, Where: &struct {
			X int `json:"x"`
		}{3}},
		{Name: "only the name"},
	}
	for _, want := range tests {
		query, err := svcgen.FormValues(want, "filter")
		if err != nil {
			t.Fatal(err)
		}
		var errs svcgen.Errors
		data, ok := svcgenhttp.QueryObject(svcgenhttp.ParseQuery(query.Encode(), nil), "filter", true, fields, &errs)
		var got filter
		if !ok || errs != nil || json.Unmarshal(data, &got) != nil || !reflect.DeepEqual(got, want) {
			t.Errorf("query %s read back as %s (%v): %+v, want %+v", query.Encode(), data, errs, got, want)
		}

		form, err := svcgen.FormValues(want, "")
		if err != nil {
			t.Fatal(err)
		}
		r := httptest.NewRequest("POST", "/", strings.NewReader(form.Encode()))
		r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		got = filter{}
		errs = nil
		if _, _, err := svcgenhttp.DecodeForm(httptest.NewRecorder(), r, &got, svcgenhttp.BodyRules{Limit: 1 << 20, Required: true}, "application/x-www-form-urlencoded", fields, &errs); err != nil || errs != nil || !reflect.DeepEqual(got, want) {
			t.Errorf("form %s read back as %+v (%v, %v), want %+v", form.Encode(), got, err, errs, want)
		}
	}
}

// TestMultipartReadBack sends fields and files as a client does and reads
// them as a server does.
func TestMultipartReadBack(t *testing.T) {
	type profile struct {
		Name string   `json:"name"`
		Tags []string `json:"tags,omitempty"`
	}
	fields := []svcgenhttp.FormField{{Name: "name", Kind: 's'}, {Name: "tags", Kind: 's', Array: true}}
	want := profile{Name: "Ann", Tags: []string{"a", "b"}}
	call := &svcgen.Call{Operation: "Upload"}
	avatar := svcgen.FileOf("me.png", "image/png", []byte("\x89PNG"))
	err := call.SetMultipart(want,
		svcgen.FilePart{Name: "avatar", Files: []*svcgen.File{avatar}},
		svcgen.FilePart{Name: "docs", Files: []*svcgen.File{svcgen.FileOf("a.txt", "", []byte("A")), nil, svcgen.FileOf("b.txt", "text/plain", []byte("B"))}})
	if err != nil {
		t.Fatal(err)
	}
	r := httptest.NewRequest("POST", "/", strings.NewReader(string(call.Body)))
	r.Header.Set("Content-Type", call.ContentType)
	var got profile
	var errs svcgen.Errors
	_, form, err := svcgenhttp.DecodeForm(httptest.NewRecorder(), r, &got, svcgenhttp.BodyRules{Limit: 1 << 20, Required: true}, "multipart/form-data", fields, &errs)
	if err != nil || errs != nil || !reflect.DeepEqual(got, want) {
		t.Fatalf("read back %+v (%v, %v), want %+v", got, err, errs, want)
	}
	read := func(f *svcgen.File) string {
		rc, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		defer rc.Close()
		b, _ := io.ReadAll(rc)
		return f.Filename + " " + f.ContentType + " " + string(b)
	}
	if f := svcgenhttp.FileOf(form, "avatar"); f == nil || read(f) != "me.png image/png \x89PNG" {
		t.Errorf("avatar %+v", f)
	}
	var docs []string
	for _, f := range svcgenhttp.FilesOf(form, "docs") {
		docs = append(docs, read(f))
	}
	if strings.Join(docs, "|") != "a.txt application/octet-stream A|b.txt text/plain B" {
		t.Errorf("docs %q", docs)
	}
}

// TestJSONParamReadBack sends a parameter described by content as a client
// does and reads it as a server does.
func TestJSONParamReadBack(t *testing.T) {
	type where struct {
		Q   string `json:"q"`
		Max int    `json:"max"`
	}
	want := where{Q: "a&b=c", Max: 3}
	call := &svcgen.Call{Operation: "Search"}
	for _, in := range []string{"query", "header"} {
		if err := call.AddJSON(in, "where", want); err != nil {
			t.Fatal(err)
		}
	}
	if err := call.AddJSON("query", "bad", func() {}); err == nil || !strings.Contains(err.Error(), `Search: query parameter "bad"`) {
		t.Errorf("unencodable value: %v", err)
	}
	for _, text := range []string{call.Query.Get("where"), call.Header.Get("where")} {
		got, err := svcgenhttp.ParseJSON[where](text)
		if err != nil || got != want {
			t.Errorf("%s read back as %+v, %v", text, got, err)
		}
	}
}
