package svcgen

import (
	"database/sql/driver"
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"strconv"
	"time"
)

// Nullable holds an optional value that may also be null, so that a PATCH
// can tell "leave unchanged" (absent) from "clear" (null).
type Nullable[T any] struct {
	Value T
	Set   bool // the field was present
	Null  bool // it was present and null
}

// Null returns a Nullable that is present and null.
func Null[T any]() Nullable[T] { return Nullable[T]{Set: true, Null: true} }

// Value returns a Nullable that holds v.
func Value[T any](v T) Nullable[T] { return Nullable[T]{Value: v, Set: true} }

// IsZero reports whether the value is absent; `omitzero` leaves it out.
func (n Nullable[T]) IsZero() bool { return !n.Set }

// Get returns the value and whether there is one (present and not null).
func (n Nullable[T]) Get() (T, bool) { return n.Value, n.Set && !n.Null }

func (n Nullable[T]) MarshalJSON() ([]byte, error) {
	if !n.Set || n.Null {
		return []byte("null"), nil
	}
	return json.Marshal(n.Value)
}

func (n *Nullable[T]) UnmarshalJSON(data []byte) error {
	var zero T
	n.Set, n.Value = true, zero
	n.Null = IsNull(data)
	if n.Null {
		return nil
	}
	return json.Unmarshal(data, &n.Value)
}

// Ptr returns a pointer to a copy of v.
func Ptr[T any](v T) *T { return &v }

// DecodeDefault sets a spec default that no Go literal can express. The
// spec was validated when the code was generated, so it decodes.
func DecodeDefault(dst any, js string) { _ = json.Unmarshal([]byte(js), dst) }

// Redacter is a type with write-only properties, which a response leaves
// out.
type Redacter[T any] interface {
	Redacted() T
}

// RedactAll redacts every item of a slice, into a new slice.
func RedactAll[T Redacter[T]](s []T) []T {
	if s == nil {
		return nil
	}
	out := make([]T, len(s))
	for i, x := range s {
		out[i] = x.Redacted()
	}
	return out
}

// RedactMap redacts every value of a map, into a new map.
func RedactMap[T Redacter[T]](m map[string]T) map[string]T {
	if m == nil {
		return nil
	}
	out := make(map[string]T, len(m))
	for k, x := range m {
		out[k] = x.Redacted()
	}
	return out
}

// Date is a calendar date without a time zone (format: date).
type Date struct {
	Year  int
	Month time.Month
	Day   int
}

// ParseDate parses YYYY-MM-DD.
func ParseDate(s string) (Date, error) {
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		return Date{}, errors.New("must be a date (YYYY-MM-DD)")
	}
	return Date{t.Year(), t.Month(), t.Day()}, nil
}

func (d Date) String() string { return fmt.Sprintf("%04d-%02d-%02d", d.Year, int(d.Month), d.Day) }

func (d Date) MarshalJSON() ([]byte, error) { return []byte(`"` + d.String() + `"`), nil }

func (d *Date) UnmarshalJSON(data []byte) error {
	if IsNull(data) {
		return nil
	}
	var s string
	if err := json.Unmarshal(data, &s); err != nil {
		var te *json.UnmarshalTypeError
		if errors.As(err, &te) { // not a string: say a date was wanted, not a string
			return &json.UnmarshalTypeError{Value: JSONKind(data), Type: reflect.TypeFor[Date]()}
		}
		return err
	}
	v, err := ParseDate(s)
	if err != nil {
		return &json.UnmarshalTypeError{Value: "string " + strconv.Quote(s), Type: reflect.TypeFor[Date]()}
	}
	*d = v
	return nil
}

// Value stores a Date in a database column as YYYY-MM-DD.
func (d Date) Value() (driver.Value, error) { return d.String(), nil }

// Scan reads a Date from a DATE or text column.
func (d *Date) Scan(src any) error {
	switch v := src.(type) {
	case time.Time:
		*d = Date{v.Year(), v.Month(), v.Day()}
		return nil
	case string:
		x, err := ParseDate(v)
		*d = x
		return err
	case []byte:
		x, err := ParseDate(string(v))
		*d = x
		return err
	}
	return fmt.Errorf("cannot read a date from %T", src)
}
