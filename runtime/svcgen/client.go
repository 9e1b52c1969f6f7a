package svcgen

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"math/rand/v2"
	"mime"
	"mime/multipart"
	"net"
	"net/http"
	"net/textproto"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// Caller sends the requests of a service's typed client. Every call gets
// the base URL, a timeout, the credentials of its security requirement,
// the W3C trace context of its context, and retries when it can be
// repeated safely. A Caller is safe for concurrent use.
type Caller struct {
	base    url.URL
	client  *http.Client
	timeout time.Duration
	retry   RetryPolicy
	creds   func(ctx context.Context, scheme string) (Credentials, bool)
	agent   string
	limit   int64
}

// CallerOptions configure a Caller; the zero value is ready to use.
type CallerOptions struct {
	// HTTPClient sends the requests; wrap its Transport to add logging,
	// metrics or tracing to every call. Nil means a client shared by all
	// Callers, with connect and TLS handshake timeouts and up to 64 idle
	// connections per host.
	HTTPClient *http.Client
	// Timeout bounds each call, retries and the waits between them
	// included; the deadline of the call's context wins when it is sooner.
	// Zero means 10 seconds, a negative value no timeout.
	Timeout time.Duration
	// Retry says how calls that can be repeated are retried.
	Retry RetryPolicy
	// Credentials returns the credentials of a security scheme (its name in
	// the spec), and whether there are any. Nil sends none;
	// StaticCredentials makes one from fixed values.
	Credentials func(ctx context.Context, scheme string) (Credentials, bool)
	// UserAgent is sent unless a call sets its own. Defaults to
	// "svcgen-client".
	UserAgent string
	// MaxResponseBytes limits the body of a response read into memory; a
	// longer one fails the call with ErrResponseTooLarge. Defaults to 16 MiB.
	MaxResponseBytes int64
}

// RetryPolicy says how a call is retried when it can be repeated safely:
// its method is idempotent (GET, HEAD, PUT, DELETE, OPTIONS, TRACE; never
// POST or PATCH, unless the call carries an Idempotency-Key header) and it
// got no answer (the connection failed) or 429, 502, 503 or 504.
type RetryPolicy struct {
	// MaxAttempts counts the first attempt too: 1 never retries. Zero
	// means 3.
	MaxAttempts int
	// BaseDelay is the longest wait before the first retry; it doubles
	// with each retry, up to MaxDelay, and each wait is a random duration
	// below it ("full jitter"), so that clients that failed together do not
	// retry together. Zero means 100 ms.
	BaseDelay time.Duration
	// MaxDelay caps each wait. An answer whose Retry-After asks for a
	// longer wait is not retried but returned as it is. Zero means 5 s.
	MaxDelay time.Duration
}

// Call is one request of a typed client, built by its generated method.
type Call struct {
	Operation   string         // the Go method name, for errors: "CreateOrder"
	Method      string         // http.MethodGet...
	Path        string         // expanded and escaped, appended to the base URL's path: "/v1/orders/a%2Fb"
	Query       url.Values     // nil for none
	Header      http.Header    // nil for none
	Cookies     []*http.Cookie // nil for none
	Body        []byte         // nil for none; sent again on each attempt
	ContentType string         // of Body
	Accept      string         // the media types the operation answers with
	Security    []Requirement  // the operation's security alternatives, nil for none
}

// AddQuery adds values to the query parameter name.
func (c *Call) AddQuery(name string, values ...string) {
	if c.Query == nil {
		c.Query = url.Values{}
	}
	c.Query[name] = append(c.Query[name], values...)
}

// AddQueryValues adds every value of values to the query.
func (c *Call) AddQueryValues(values url.Values) {
	for name, vs := range values {
		c.AddQuery(name, vs...)
	}
}

// SetHeader sets the header name.
func (c *Call) SetHeader(name, value string) {
	if c.Header == nil {
		c.Header = http.Header{}
	}
	c.Header.Set(name, value)
}

// AddCookie adds the cookie name.
func (c *Call) AddCookie(name, value string) {
	c.Cookies = append(c.Cookies, &http.Cookie{Name: name, Value: value})
}

// AddQueryObject adds the properties of v, an object query parameter, as
// svcgen.FormValues writes them: name[property]=value when deep
// (style deepObject), property=value otherwise.
func (c *Call) AddQueryObject(name string, deep bool, v any) error {
	prefix := ""
	if deep {
		prefix = name
	}
	values, err := FormValues(v, prefix)
	if err != nil {
		return fmt.Errorf("%s: query parameter %q: %w", c.Operation, name, err)
	}
	c.AddQueryValues(values)
	return nil
}

// AddJSON sends v as JSON text in the query parameter, header or cookie
// (in) name: a parameter the spec describes by content. (A cookie cannot
// carry the quotes of JSON strings: net/http drops them.)
func (c *Call) AddJSON(in, name string, v any) error {
	text, err := json.Marshal(v)
	if err != nil {
		return fmt.Errorf("%s: %s parameter %q: %w", c.Operation, in, name, err)
	}
	switch in {
	case "query":
		c.AddQuery(name, string(text))
	case "header":
		c.SetHeader(name, string(text))
	case "cookie":
		c.AddCookie(name, string(text))
	}
	return nil
}

// SetJSON makes v, encoded as JSON, the body, of media type contentType.
func (c *Call) SetJSON(contentType string, v any) error {
	body, err := json.Marshal(v)
	if err != nil {
		return fmt.Errorf("%s: encoding the body: %w", c.Operation, err)
	}
	c.Body, c.ContentType = body, contentType
	return nil
}

// SetForm makes v, a value that encodes as a JSON object, the
// application/x-www-form-urlencoded body, written by FormValues.
func (c *Call) SetForm(v any) error {
	values, err := FormValues(v, "")
	if err != nil {
		return fmt.Errorf("%s: encoding the form: %w", c.Operation, err)
	}
	c.Body, c.ContentType = []byte(values.Encode()), "application/x-www-form-urlencoded"
	return nil
}

// FilePart is the files of a multipart body sent under one name.
type FilePart struct {
	Name  string
	Files []*File // nil ones are left out
}

// SetMultipart makes a multipart/form-data body of the fields of v (nil
// for none), written by FormValues, and of the files.
func (c *Call) SetMultipart(v any, files ...FilePart) error {
	var fields url.Values
	if v != nil {
		var err error
		if fields, err = FormValues(v, ""); err != nil {
			return fmt.Errorf("%s: encoding the form: %w", c.Operation, err)
		}
	}
	var b bytes.Buffer
	w := multipart.NewWriter(&b)
	for _, name := range slices.Sorted(maps.Keys(fields)) {
		for _, value := range fields[name] {
			if err := w.WriteField(name, value); err != nil {
				return err
			}
		}
	}
	for _, part := range files {
		for _, f := range part.Files {
			if f == nil {
				continue
			}
			if err := writeFile(w, part.Name, f); err != nil {
				return fmt.Errorf("%s: file %q: %w", c.Operation, part.Name, err)
			}
		}
	}
	if err := w.Close(); err != nil {
		return err
	}
	c.Body, c.ContentType = b.Bytes(), w.FormDataContentType()
	return nil
}

// writeFile writes f as a part of w named name.
func writeFile(w *multipart.Writer, name string, f *File) error {
	h := make(textproto.MIMEHeader)
	h.Set("Content-Disposition", mime.FormatMediaType("form-data", map[string]string{"name": name, "filename": f.Filename}))
	ct := f.ContentType
	if ct == "" {
		ct = "application/octet-stream"
	}
	h.Set("Content-Type", ct)
	dst, err := w.CreatePart(h)
	if err != nil {
		return err
	}
	src, err := f.Open()
	if err != nil {
		return err
	}
	defer src.Close()
	_, err = io.Copy(dst, src)
	return err
}

// Response is the answer to a call, its body read whole.
type Response struct {
	Operation string
	Status    int
	Header    http.Header
	Body      []byte
}

// ErrResponseTooLarge fails a call whose response body is longer than
// CallerOptions.MaxResponseBytes.
var ErrResponseTooLarge = errors.New("the response body is too large")

// CallError is a call that got no answer: the request could not be sent,
// the connection failed, or the context ended first (errors.Is with
// context.DeadlineExceeded tells a timeout).
type CallError struct {
	Operation string
	Method    string
	URL       string // without the query, which may hold an API key
	Attempts  int
	Err       error
}

func (e *CallError) Error() string {
	msg := e.Operation + ": " + e.Method + " " + e.URL + ": "
	if e.Attempts > 1 {
		msg += strconv.Itoa(e.Attempts) + " attempts: "
	}
	return msg + e.Err.Error()
}

func (e *CallError) Unwrap() error { return e.Err }

// ResponseError is an answer with a status of 400 or more, or one the
// spec does not declare: a generated client method returns one (as its
// error) for every such answer. errors.As finds it; Problem.Errors then
// lists the invalid fields of a 400.
type ResponseError struct {
	Operation string
	Status    int
	Header    http.Header
	// Problem is the RFC 9457 body of an application/problem+json answer,
	// which is what svcgen's services send with every error.
	Problem *Problem
	Body    []byte
	// Response is the typed response of a status the spec declares (an
	// api.GetOrder404Response, say), nil otherwise.
	Response any
}

// ResponseError has no Unwrap on purpose: were it to unwrap to the field
// errors of a 400, a service returning the error of a call it made would
// answer its own caller 400 with the other service's field errors.

func (e *ResponseError) Error() string {
	var b strings.Builder
	b.WriteString(e.Operation)
	b.WriteString(": ")
	b.WriteString(strconv.Itoa(e.Status))
	if text := http.StatusText(e.Status); text != "" {
		b.WriteString(" " + text)
	}
	switch p := e.Problem; {
	case p != nil:
		if p.Detail != "" {
			b.WriteString(": " + p.Detail)
		}
		if len(p.Errors) > 0 {
			b.WriteString(": " + Errors(p.Errors).Error())
		}
	case len(e.Body) > 0 && utf8.Valid(e.Body):
		const most = 200
		body := strings.TrimSpace(string(e.Body))
		if len(body) > most {
			body = strings.ToValidUTF8(body[:most], "") + "…"
		}
		b.WriteString(": " + strconv.Quote(body))
	}
	return b.String()
}

// Is reports whether target is an error of the same status (an *Error of
// this service's runtime or of any other's copy of it), so that
// errors.Is(err, svcgen.ErrUnauthorized) holds for a 401 answer.
func (e *ResponseError) Is(target error) bool {
	t, ok := target.(statusError)
	return ok && t.HTTPStatus() == e.Status
}

// Result is what a generated client method returns for the answer r,
// which it decoded into typed (nil when the spec does not declare r's
// status) with decodeErr: typed when the status is below 400; otherwise,
// or when the status is not declared, a *ResponseError (holding typed);
// decodeErr when a declared success could not be decoded. T is the
// operation's response interface: nil means undeclared.
func Result[T any](r *Response, typed T, decodeErr error) (T, error) {
	var zero T
	declared := any(typed) != nil
	switch {
	case r.Status >= 400 || !declared:
		if decodeErr != nil {
			typed = zero
		}
		return zero, r.err(typed)
	case decodeErr != nil:
		return zero, decodeErr
	}
	return typed, nil
}

// Err returns nil for a status below 400, else a *ResponseError holding
// typed, the typed response (nil when the spec does not declare the
// status).
func (r *Response) Err(typed any) error {
	if r.Status < 400 {
		return nil
	}
	return r.err(typed)
}

func (r *Response) err(typed any) *ResponseError {
	e := &ResponseError{Operation: r.Operation, Status: r.Status, Header: r.Header, Body: r.Body, Response: typed}
	// A problem, or a JSON error body the server made from one (its spec
	// declaring a schema of its own that leaves room for the problem's
	// members: svcgenhttp.ErrorForm) and that says so by its status.
	if ct := r.Header.Get("Content-Type"); isProblem(ct) || IsJSON(ct) {
		var p Problem
		if json.Unmarshal(r.Body, &p) == nil && (isProblem(ct) || p.Status == r.Status) {
			e.Problem = &p
		}
	}
	return e
}

func isProblem(ct string) bool {
	ct, _, _ = strings.Cut(ct, ";")
	return strings.EqualFold(strings.TrimSpace(ct), "application/problem+json")
}

// DecodeJSON decodes the body, which must be JSON, into v.
func (r *Response) DecodeJSON(v any) error {
	if ct := r.Header.Get("Content-Type"); ct != "" && !IsJSON(ct) {
		return fmt.Errorf("%s: the %d response is %s, not JSON", r.Operation, r.Status, ct)
	}
	if err := json.Unmarshal(r.Body, v); err != nil {
		return fmt.Errorf("%s: decoding the %d response: %w", r.Operation, r.Status, err)
	}
	return nil
}

// NewCaller returns a Caller of the service at baseURL, an absolute http
// or https URL whose path, if any, prefixes every call's path.
func NewCaller(baseURL string, opts CallerOptions) (*Caller, error) {
	u, err := url.Parse(baseURL)
	if err != nil {
		return nil, fmt.Errorf("base URL: %w", err)
	}
	if u.Scheme != "http" && u.Scheme != "https" || u.Host == "" {
		return nil, fmt.Errorf("base URL %q: want http://host or https://host", baseURL)
	}
	if u.RawQuery != "" || u.Fragment != "" || u.User != nil {
		return nil, fmt.Errorf("base URL %q: a query, fragment or user name does not belong in it", baseURL)
	}
	u.Path = strings.TrimSuffix(u.Path, "/")
	u.RawPath = strings.TrimSuffix(u.RawPath, "/")
	c := &Caller{base: *u, client: opts.HTTPClient, timeout: opts.Timeout, retry: opts.Retry,
		creds: opts.Credentials, agent: opts.UserAgent, limit: opts.MaxResponseBytes}
	if c.client == nil {
		c.client = defaultClient
	}
	if c.timeout == 0 {
		c.timeout = 10 * time.Second
	}
	if c.retry.MaxAttempts <= 0 {
		c.retry.MaxAttempts = 3
	}
	if c.retry.BaseDelay <= 0 {
		c.retry.BaseDelay = 100 * time.Millisecond
	}
	if c.retry.MaxDelay <= 0 {
		c.retry.MaxDelay = 5 * time.Second
	}
	if c.agent == "" {
		c.agent = "svcgen-client"
	}
	if c.limit <= 0 {
		c.limit = 16 << 20
	}
	return c, nil
}

type headerKey struct{}

// WithHeader returns ctx carrying a header that every call made with it
// sends, unless the call sets that header itself: an Idempotency-Key,
// which lets a POST or PATCH be retried, or one the spec does not declare.
// Credentials and the trace context are set after it.
func WithHeader(ctx context.Context, name, value string) context.Context {
	h := callHeaders(ctx).Clone()
	if h == nil {
		h = http.Header{}
	}
	h.Set(name, value)
	return context.WithValue(ctx, headerKey{}, h)
}

// callHeaders returns the headers WithHeader put in ctx.
func callHeaders(ctx context.Context) http.Header {
	h, _ := ctx.Value(headerKey{}).(http.Header)
	return h
}

// defaultClient is shared so that the Callers of a process share its
// connections. Services call a few hosts many times: keep more idle
// connections per host than the standard library's 2.
var defaultClient = &http.Client{Transport: &http.Transport{
	Proxy:                 http.ProxyFromEnvironment,
	DialContext:           (&net.Dialer{Timeout: 5 * time.Second, KeepAlive: 30 * time.Second}).DialContext,
	ForceAttemptHTTP2:     true,
	MaxIdleConns:          256,
	MaxIdleConnsPerHost:   64,
	IdleConnTimeout:       90 * time.Second,
	TLSHandshakeTimeout:   5 * time.Second,
	ExpectContinueTimeout: time.Second,
}}

// Do sends call and returns the answer, whatever its status, or a
// *CallError when there is none. When the context ends while Do waits to
// retry, it returns the last answer (or failure) at once.
func (c *Caller) Do(ctx context.Context, call *Call) (*Response, error) {
	if c.timeout > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, c.timeout)
		defer cancel()
	}
	req, err := c.request(ctx, call)
	if err != nil {
		return nil, &CallError{Operation: call.Operation, Method: call.Method, URL: c.redacted(call), Attempts: 1, Err: err}
	}
	retry := retryable(req)
	for attempt := 1; ; attempt++ {
		// A request is not reused once sent: each attempt sends a copy,
		// with the body read again from call.Body.
		attemptReq := req.Clone(ctx)
		if call.Body != nil {
			attemptReq.Body = io.NopCloser(bytes.NewReader(call.Body))
		}
		resp, err := c.send(attemptReq, call)
		if err != nil {
			err = &CallError{Operation: call.Operation, Method: call.Method, URL: c.redacted(call), Attempts: attempt, Err: err}
		}
		if !retry || attempt >= c.retry.MaxAttempts || ctx.Err() != nil || errors.Is(err, ErrResponseTooLarge) {
			return resp, err
		}
		wait, ok := c.backoff(attempt, resp)
		if !ok {
			return resp, err
		}
		if deadline, has := ctx.Deadline(); has && time.Until(deadline) < wait {
			return resp, err // the retry could not finish in time
		}
		timer := time.NewTimer(wait)
		select {
		case <-ctx.Done():
			timer.Stop()
			return resp, err
		case <-timer.C:
		}
	}
}

// request builds the request of call, which each attempt copies.
func (c *Caller) request(ctx context.Context, call *Call) (*http.Request, error) {
	u := c.base
	escaped := call.Path
	if !strings.HasPrefix(escaped, "/") {
		escaped = "/" + escaped
	}
	path, err := url.PathUnescape(escaped)
	if err != nil {
		return nil, fmt.Errorf("path %q: %w", call.Path, err)
	}
	u.Path += path
	u.RawPath = c.base.EscapedPath() + escaped
	query := url.Values{}
	for k, v := range call.Query {
		query[k] = append([]string(nil), v...)
	}
	var body io.Reader
	if call.Body != nil {
		body = bytes.NewReader(call.Body)
	}
	req, err := http.NewRequestWithContext(ctx, call.Method, u.String(), body)
	if err != nil {
		return nil, err
	}
	for k, v := range call.Header {
		req.Header[k] = append([]string(nil), v...)
	}
	if call.Body != nil && call.ContentType != "" {
		req.Header.Set("Content-Type", call.ContentType)
	}
	if call.Accept != "" && req.Header.Get("Accept") == "" {
		req.Header.Set("Accept", call.Accept)
	}
	for name, values := range callHeaders(ctx) {
		if _, set := req.Header[name]; !set {
			req.Header[name] = append([]string(nil), values...)
		}
	}
	if req.Header.Get("User-Agent") == "" {
		req.Header.Set("User-Agent", c.agent)
	}
	if parent, state := TraceparentFrom(ctx); parent != "" {
		req.Header.Set("Traceparent", parent)
		if state != "" {
			req.Header.Set("Tracestate", state)
		}
	}
	for _, ck := range call.Cookies {
		req.AddCookie(ck)
	}
	for _, creds := range c.credentials(ctx, call.Security) {
		apply(creds.scheme, creds.Credentials, req, query)
	}
	req.URL.RawQuery = query.Encode()
	return req, nil
}

// redacted is the URL of call for errors: without the query, which may
// carry an API key.
func (c *Caller) redacted(call *Call) string {
	return c.base.String() + call.Path
}

// send makes one attempt.
func (c *Caller) send(req *http.Request, call *Call) (*Response, error) {
	resp, err := c.client.Do(req)
	if err != nil {
		var ue *url.Error
		if errors.As(err, &ue) {
			err = ue.Err // its text repeats the URL, query included
		}
		return nil, err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, c.limit+1))
	if err != nil {
		return nil, fmt.Errorf("reading the %d response: %w", resp.StatusCode, err)
	}
	if int64(len(body)) > c.limit {
		return nil, fmt.Errorf("%w: more than %d bytes", ErrResponseTooLarge, c.limit)
	}
	return &Response{Operation: call.Operation, Status: resp.StatusCode, Header: resp.Header, Body: body}, nil
}

// retryable reports whether req may be sent more than once: its method
// is idempotent, or it carries an Idempotency-Key.
func retryable(req *http.Request) bool {
	switch req.Method {
	case http.MethodGet, http.MethodHead, http.MethodPut, http.MethodDelete, http.MethodOptions, http.MethodTrace:
		return true
	}
	return req.Header.Get("Idempotency-Key") != ""
}

// backoff returns how long to wait before attempt+1 after the answer resp
// (nil: no answer), and whether to retry at all.
func (c *Caller) backoff(attempt int, resp *Response) (time.Duration, bool) {
	if resp != nil {
		switch resp.Status {
		case http.StatusTooManyRequests, http.StatusBadGateway, http.StatusServiceUnavailable, http.StatusGatewayTimeout:
		default:
			return 0, false
		}
		if after, ok := retryAfter(resp.Header.Get("Retry-After"), time.Now()); ok {
			return after, after <= c.retry.MaxDelay
		}
	}
	ceiling := c.retry.MaxDelay
	if shift := attempt - 1; shift < 32 && c.retry.BaseDelay<<shift < ceiling && c.retry.BaseDelay<<shift > 0 {
		ceiling = c.retry.BaseDelay << shift
	}
	return rand.N(ceiling + 1), true
}

// retryAfter reads a Retry-After header: seconds, or an HTTP date.
func retryAfter(v string, now time.Time) (time.Duration, bool) {
	if v == "" {
		return 0, false
	}
	if secs, err := strconv.ParseInt(v, 10, 64); err == nil {
		if secs < 0 {
			return 0, false
		}
		if secs > int64(24*time.Hour/time.Second) {
			secs = int64(24 * time.Hour / time.Second)
		}
		return time.Duration(secs) * time.Second, true
	}
	if t, err := http.ParseTime(v); err == nil {
		return max(t.Sub(now), 0), true
	}
	return 0, false
}

// schemeCredentials are the credentials of one scheme of a requirement.
type schemeCredentials struct {
	scheme *Scheme
	Credentials
}

// credentials returns the credentials of the first of reqs whose every
// scheme the Caller has credentials for; none when no requirement is met
// (an empty requirement lets the call go without, otherwise the server
// answers 401).
func (c *Caller) credentials(ctx context.Context, reqs []Requirement) []schemeCredentials {
	if c.creds == nil {
		return nil
	}
	for _, req := range reqs {
		if len(req) == 0 {
			continue // anonymous: but send credentials when some requirement is met
		}
		out := make([]schemeCredentials, 0, len(req))
		for _, use := range req {
			cr, ok := c.creds(ctx, use.Scheme.Name)
			if !ok {
				out = nil
				break
			}
			out = append(out, schemeCredentials{use.Scheme, cr})
		}
		if out != nil {
			return out
		}
	}
	return nil
}

// apply puts creds where scheme s carries them.
func apply(s *Scheme, creds Credentials, req *http.Request, query url.Values) {
	switch s.Kind {
	case "basic":
		// Add, not SetBasicAuth: a requirement may pair basic with a bearer token.
		req.Header.Add("Authorization", "Basic "+base64.StdEncoding.EncodeToString([]byte(creds.Username+":"+creds.Password)))
	case "apiKey":
		switch s.In {
		case "header":
			req.Header.Set(s.Param, creds.Token)
		case "query":
			query.Set(s.Param, creds.Token)
		case "cookie":
			req.AddCookie(&http.Cookie{Name: s.Param, Value: creds.Token})
		}
	default: // bearer, oauth2, openIdConnect and other HTTP schemes
		auth := s.Auth
		if auth == "" {
			auth = "Bearer"
		}
		req.Header.Add("Authorization", auth+" "+creds.Token)
	}
}
