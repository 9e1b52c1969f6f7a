package svcgen

import (
	"encoding/base64"
	"errors"
	"math"
	"strconv"
	"strings"
	"time"
)

// Parameter codecs: each Parse function reads one value from its text form
// and says what is wrong in words a client can act on; the Format
// functions write the text form a Parse function reads.

// ParseInt32 reads a 32-bit integer.
func ParseInt32[T ~int32](s string) (T, error) {
	n, err := strconv.ParseInt(s, 10, 32)
	if err != nil {
		return 0, errors.New("must be a 32-bit integer")
	}
	return T(n), nil
}

// ParseInt64 reads an integer.
func ParseInt64[T ~int64](s string) (T, error) {
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil {
		return 0, errors.New("must be an integer")
	}
	return T(n), nil
}

// ParseFloat32 reads a finite number.
func ParseFloat32[T ~float32](s string) (T, error) {
	f, err := strconv.ParseFloat(s, 32)
	if err != nil || math.IsInf(f, 0) || math.IsNaN(f) {
		return 0, errors.New("must be a number")
	}
	return T(f), nil
}

// ParseFloat64 reads a finite number.
func ParseFloat64[T ~float64](s string) (T, error) {
	f, err := strconv.ParseFloat(s, 64)
	if err != nil || math.IsInf(f, 0) || math.IsNaN(f) {
		return 0, errors.New("must be a number")
	}
	return T(f), nil
}

// ParseBool reads true or false.
func ParseBool(s string) (bool, error) {
	switch s {
	case "true":
		return true, nil
	case "false":
		return false, nil
	}
	return false, errors.New("must be true or false")
}

// ParseDateTime reads an RFC 3339 date-time.
func ParseDateTime(s string) (time.Time, error) {
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		return time.Time{}, errors.New("must be an RFC 3339 date-time")
	}
	return t, nil
}

// ParseBytes reads base64.
func ParseBytes(s string) ([]byte, error) {
	b, err := base64.StdEncoding.DecodeString(s)
	if err != nil {
		return nil, errors.New("must be base64")
	}
	return b, nil
}

// SplitParam splits a non-exploded array parameter. A parameter given
// more than once keeps every item: a header sent on two lines is one
// comma-separated list (RFC 9110, section 5.3), and a repeated query
// parameter is read the same way rather than cut to its first value.
func SplitParam(values []string, explode bool, sep string) []string {
	if explode || len(values) == 0 {
		return values
	}
	if len(values) == 1 {
		return strings.Split(values[0], sep)
	}
	var out []string
	for _, v := range values {
		out = append(out, strings.Split(v, sep)...)
	}
	return out
}
