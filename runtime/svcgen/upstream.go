package svcgen

import (
	"context"
	"errors"
	"net/http"
	"strconv"
)

// Upstream turns the error of a call to another service (named service)
// into the answer this service gives its own caller, so that a failure
// downstream reads as what it is instead of a bare 500:
//
//   - the other service answered 4xx: a *ResponseError, returned as it is,
//     for the caller to decide (a 404 of a product may be a 422 here);
//   - it answered 5xx: 502 Bad Gateway;
//   - the call timed out: 504 Gateway Timeout;
//   - it could not be reached (refused, reset, DNS): 503 Service
//     Unavailable.
//
// The cause stays in Err, logged by the server and never sent. A nil err
// is nil; the caller's own cancellation is returned as it is.
func Upstream(service string, err error) error {
	if err == nil {
		return nil
	}
	var answered statusError // a *ResponseError of any service's copy of this package
	switch {
	case errors.As(err, &answered) && answered.HTTPStatus() < 500:
		return err
	case errors.As(err, &answered):
		return &Error{Status: http.StatusBadGateway, Detail: service + " answered " + strconv.Itoa(answered.HTTPStatus()), Err: err}
	case errors.Is(err, context.Canceled):
		return err
	case errors.Is(err, context.DeadlineExceeded) || isTimeout(err):
		return &Error{Status: http.StatusGatewayTimeout, Detail: service + " did not answer in time", Err: err}
	}
	return &Error{Status: http.StatusServiceUnavailable, Detail: service + " is unavailable", Err: err}
}

// statusError is an error carrying an HTTP status. Every service has its
// own copy of this package, so the errors of another service's client are
// of other types: this interface is what they have in common.
type statusError interface {
	error
	HTTPStatus() int
}

// HTTPStatus is the status the other service answered.
func (e *ResponseError) HTTPStatus() int { return e.Status }

// HTTPStatus is the status the error answers with.
func (e *Error) HTTPStatus() int { return e.Status }

// StatusOf returns the HTTP status err carries: that of a *ResponseError
// (of this service's client or another's) or of an *Error, the first in
// its chain; 0 when it carries none. It tells a 404 from the other
// service apart from its failures: if svcgen.StatusOf(err) == 404.
func StatusOf(err error) int {
	var s statusError
	if errors.As(err, &s) {
		return s.HTTPStatus()
	}
	return 0
}

// isTimeout reports whether err says it is a timeout (net.Error does).
func isTimeout(err error) bool {
	var t interface{ Timeout() bool }
	return errors.As(err, &t) && t.Timeout()
}
