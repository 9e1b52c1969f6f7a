package svcgen

import (
	"context"
	"errors"
	"testing"
)

func TestCheckIfMatch(t *testing.T) {
	for _, c := range []struct {
		ifMatch string
		current int64
		ok      bool
	}{
		{"", 3, true},         // no precondition
		{`"3"`, 3, true},      // the current version
		{`"2"`, 3, false},     // a stale one
		{`"2", "3"`, 3, true}, // one of a list
		{`*`, 3, true},        // any version
		{`W/"3"`, 3, false},   // weak tags never match If-Match
		{`3`, 3, false},       // not an entity tag
		{` "3" `, 3, true},    // spaces around
		{`"3","4"`, 4, true},  // no space after the comma
		{`"30"`, 3, false},    // not a prefix match
		{`"3"`, 0, false},     // a resource with no version yet
	} {
		ctx := WithVersioned(context.Background(), &Versioned{IfMatch: c.ifMatch})
		err := CheckIfMatch(ctx, c.current)
		if (err == nil) != c.ok {
			t.Errorf("If-Match %q at version %d: %v, want ok=%v", c.ifMatch, c.current, err, c.ok)
		}
		if err != nil && (!errors.Is(err, ErrPreconditionFailed) || StatusOf(err) != 412) {
			t.Errorf("If-Match %q: %v is not a 412", c.ifMatch, err)
		}
	}
	// Outside a versioned request there is nothing to check.
	if err := CheckIfMatch(context.Background(), 3); err != nil {
		t.Errorf("no Versioned in the context: %v", err)
	}
}

func TestSetVersion(t *testing.T) {
	v := &Versioned{}
	ctx := WithVersioned(context.Background(), v)
	SetVersion(ctx, 7)
	if v.ETag != `"7"` || ETag(7) != `"7"` {
		t.Errorf("ETag %q, want \"7\" in quotes", v.ETag)
	}
	if VersionedFrom(ctx) != v {
		t.Error("VersionedFrom does not give back what WithVersioned put in")
	}
	SetVersion(context.Background(), 8) // no request: nothing to set, no panic
	if VersionedFrom(context.Background()) != nil {
		t.Error("VersionedFrom of a bare context is not nil")
	}
}
