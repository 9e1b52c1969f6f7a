package svcgen

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"testing"
)

type timeoutErr struct{}

func (timeoutErr) Error() string   { return "i/o timeout" }
func (timeoutErr) Timeout() bool   { return true }
func (timeoutErr) Temporary() bool { return true }

func TestUpstream(t *testing.T) {
	notFound := &ResponseError{Operation: "GetProduct", Status: 404}
	cases := []struct {
		name   string
		err    error
		status int // 0: err comes back as it is
	}{
		{"4xx is the caller's to decide", fmt.Errorf("wrapped: %w", notFound), 0},
		{"5xx", &ResponseError{Operation: "GetProduct", Status: 503}, http.StatusBadGateway},
		{"deadline", fmt.Errorf("call: %w", context.DeadlineExceeded), http.StatusGatewayTimeout},
		{"net timeout", &net.OpError{Op: "dial", Err: timeoutErr{}}, http.StatusGatewayTimeout},
		{"refused", &net.OpError{Op: "dial", Err: errors.New("connection refused")}, http.StatusServiceUnavailable},
		{"canceled", context.Canceled, 0},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got := Upstream("catalog", c.err)
			if c.status == 0 {
				if got != c.err {
					t.Fatalf("got %v, want the error itself", got)
				}
				return
			}
			var e *Error
			if !errors.As(got, &e) || e.Status != c.status {
				t.Fatalf("got %#v, want an *Error with status %d", got, c.status)
			}
			if !errors.Is(got, c.err) && !errors.Is(e.Err, c.err) {
				t.Errorf("the cause is lost: %v", e.Err)
			}
		})
	}
	if Upstream("catalog", nil) != nil {
		t.Error("Upstream(nil) is not nil")
	}
}

// otherResponseError stands for the *ResponseError of another service's
// copy of this package: a type of its own with the same method.
type otherResponseError struct{ status int }

func (e *otherResponseError) Error() string   { return "other: " + http.StatusText(e.status) }
func (e *otherResponseError) HTTPStatus() int { return e.status }

func TestUpstreamOfAnotherCopy(t *testing.T) {
	var e *Error
	if err := Upstream("catalog", fmt.Errorf("call: %w", &otherResponseError{500})); !errors.As(err, &e) || e.Status != http.StatusBadGateway {
		t.Errorf("a 500 of another copy's client: got %v, want 502", err)
	}
	other := &otherResponseError{404}
	if err := Upstream("catalog", other); err != other {
		t.Errorf("a 404 of another copy's client: got %v, want it as it is", err)
	}
	if got := StatusOf(fmt.Errorf("x: %w", other)); got != 404 {
		t.Errorf("StatusOf = %d, want 404", got)
	}
	if got := StatusOf(NotFound("x")); got != 404 {
		t.Errorf("StatusOf(NotFound) = %d", got)
	}
	if got := StatusOf(errors.New("plain")); got != 0 {
		t.Errorf("StatusOf(plain) = %d, want 0", got)
	}
}
