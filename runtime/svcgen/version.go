package svcgen

import (
	"context"
	"net/http"
	"strconv"
	"strings"
)

// Optimistic concurrency (RFC 9110 §8.8.3 and §13.1.1): a service whose
// resources keep an event log answers with the resource's version as a
// strong entity tag (ETag: "3"), and refuses a change whose If-Match names
// another version with 412 Precondition Failed, so that two clients that
// read version 3 cannot both write version 4.

// Versioned is what a request carries between the server and the store:
// the If-Match header it came with, and the entity tag to answer with.
type Versioned struct {
	IfMatch string // the If-Match header; "" when absent
	ETag    string // set by the store: the resource's version after the call
}

type versionedKey struct{}

// WithVersioned returns ctx carrying v.
func WithVersioned(ctx context.Context, v *Versioned) context.Context {
	return context.WithValue(ctx, versionedKey{}, v)
}

// VersionedFrom returns what ctx carries, or nil outside such a request.
func VersionedFrom(ctx context.Context) *Versioned {
	v, _ := ctx.Value(versionedKey{}).(*Versioned)
	return v
}

// ETag is the strong entity tag of a version: "3", quotes included.
func ETag(version int64) string { return `"` + strconv.FormatInt(version, 10) + `"` }

// ErrPreconditionFailed answers 412: the resource changed since the
// version the client names in If-Match.
var ErrPreconditionFailed = &Error{Status: http.StatusPreconditionFailed, Detail: "the resource has changed since the version If-Match names: read it again"}

// CheckIfMatch returns ErrPreconditionFailed when ctx carries an If-Match
// header that current, the resource's version, does not match. "*"
// matches any version; weak tags (W/"3") never match, as RFC 9110 asks of
// If-Match.
func CheckIfMatch(ctx context.Context, current int64) error {
	v := VersionedFrom(ctx)
	if v == nil || v.IfMatch == "" {
		return nil
	}
	want := ETag(current)
	for _, tag := range strings.Split(v.IfMatch, ",") {
		tag = strings.TrimSpace(tag)
		if tag == "*" || tag == want {
			return nil
		}
	}
	return ErrPreconditionFailed
}

// SetVersion records the resource's version, when ctx is such a request,
// for the ETag of the answer.
func SetVersion(ctx context.Context, version int64) {
	if v := VersionedFrom(ctx); v != nil {
		v.ETag = ETag(version)
	}
}
