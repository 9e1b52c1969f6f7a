package svcgen_test

import (
	"math"
	"reflect"
	"testing"
	"time"

	"github.com/svcgen/svcgen/runtime/svcgen"
)

type quantity int32
type serial int64
type ratio float32
type price float64

func TestParseInt32(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want quantity
		ok   bool
	}{
		{"0", 0, true},
		{"-7", -7, true},
		{"+7", 7, true},
		{"2147483647", math.MaxInt32, true},
		{"-2147483648", math.MinInt32, true},
		{"2147483648", 0, false},
		{"-2147483649", 0, false},
		{"1.0", 0, false},
		{"1e3", 0, false},
		{" 1", 0, false},
		{"0x10", 0, false},
		{"1_000", 0, false},
		{"", 0, false},
	} {
		got, err := svcgen.ParseInt32[quantity](tc.in)
		if got != tc.want || (err == nil) != tc.ok {
			t.Errorf("ParseInt32(%q) = %d, %v", tc.in, got, err)
		}
		if err != nil && err.Error() != "must be a 32-bit integer" {
			t.Errorf("ParseInt32(%q) error %q", tc.in, err)
		}
	}
}

func TestParseInt64(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want serial
		ok   bool
	}{
		{"2147483648", 2147483648, true},
		{"9223372036854775807", math.MaxInt64, true},
		{"-9223372036854775808", math.MinInt64, true},
		{"9223372036854775808", 0, false},
		{"12.5", 0, false},
		{"abc", 0, false},
		{"", 0, false},
	} {
		got, err := svcgen.ParseInt64[serial](tc.in)
		if got != tc.want || (err == nil) != tc.ok {
			t.Errorf("ParseInt64(%q) = %d, %v", tc.in, got, err)
		}
		if err != nil && err.Error() != "must be an integer" {
			t.Errorf("ParseInt64(%q) error %q", tc.in, err)
		}
	}
}

func TestParseFloat(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want float64
		ok32 bool
		ok64 bool
	}{
		{"1.5", 1.5, true, true},
		{"-0.25", -0.25, true, true},
		{"1e3", 1000, true, true},
		{"7", 7, true, true},
		{"1e39", 1e39, false, true}, // beyond float32
		{"1e309", 0, false, false},  // beyond float64
		{"NaN", 0, false, false},
		{"nan", 0, false, false},
		{"Inf", 0, false, false},
		{"-Inf", 0, false, false},
		{"+Infinity", 0, false, false},
		{"", 0, false, false},
		{"1,5", 0, false, false},
		{"abc", 0, false, false},
	} {
		f32, err := svcgen.ParseFloat32[ratio](tc.in)
		if (err == nil) != tc.ok32 || (tc.ok32 && f32 != ratio(tc.want)) || (!tc.ok32 && f32 != 0) {
			t.Errorf("ParseFloat32(%q) = %v, %v", tc.in, f32, err)
		}
		if err != nil && err.Error() != "must be a number" {
			t.Errorf("ParseFloat32(%q) error %q", tc.in, err)
		}
		f64, err := svcgen.ParseFloat64[price](tc.in)
		if (err == nil) != tc.ok64 || (tc.ok64 && f64 != price(tc.want)) || (!tc.ok64 && f64 != 0) {
			t.Errorf("ParseFloat64(%q) = %v, %v", tc.in, f64, err)
		}
		if err != nil && err.Error() != "must be a number" {
			t.Errorf("ParseFloat64(%q) error %q", tc.in, err)
		}
	}
}

func TestParseBool(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want bool
		ok   bool
	}{
		{"true", true, true},
		{"false", false, true},
		{"True", false, false}, // JSON's words, not strconv's
		{"1", false, false},
		{"t", false, false},
		{"", false, false},
	} {
		got, err := svcgen.ParseBool(tc.in)
		if got != tc.want || (err == nil) != tc.ok {
			t.Errorf("ParseBool(%q) = %v, %v", tc.in, got, err)
		}
		if err != nil && err.Error() != "must be true or false" {
			t.Errorf("ParseBool(%q) error %q", tc.in, err)
		}
	}
}

func TestParseDateTime(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want time.Time
		ok   bool
	}{
		{"2024-03-01T10:00:00Z", time.Date(2024, 3, 1, 10, 0, 0, 0, time.UTC), true},
		{"2024-03-01T10:00:00.123456789Z", time.Date(2024, 3, 1, 10, 0, 0, 123456789, time.UTC), true},
		{"2024-03-01T12:00:00+02:00", time.Date(2024, 3, 1, 10, 0, 0, 0, time.UTC), true},
		{"2024-03-01", time.Time{}, false},
		{"2024-03-01 10:00:00Z", time.Time{}, false},
		{"2024-03-01T10:00:00", time.Time{}, false}, // no offset
		{"", time.Time{}, false},
	} {
		got, err := svcgen.ParseDateTime(tc.in)
		if !got.Equal(tc.want) || (err == nil) != tc.ok {
			t.Errorf("ParseDateTime(%q) = %v, %v", tc.in, got, err)
		}
		if err != nil && err.Error() != "must be an RFC 3339 date-time" {
			t.Errorf("ParseDateTime(%q) error %q", tc.in, err)
		}
	}
}

func TestParseBytes(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want []byte
		ok   bool
	}{
		{"aGVsbG8=", []byte("hello"), true},
		{"", []byte{}, true},
		{"+/8=", []byte{0xfb, 0xff}, true},
		{"-_8=", nil, false},    // URL alphabet: not the standard one
		{"aGVsbG8", nil, false}, // padding required
		{"aGVs bG8=", nil, false},
		{"!!!!", nil, false},
	} {
		got, err := svcgen.ParseBytes(tc.in)
		if (err == nil) != tc.ok || (tc.ok && !reflect.DeepEqual(got, tc.want)) {
			t.Errorf("ParseBytes(%q) = %v, %v", tc.in, got, err)
		}
		if err != nil && err.Error() != "must be base64" {
			t.Errorf("ParseBytes(%q) error %q", tc.in, err)
		}
	}
}

func TestSplitParam(t *testing.T) {
	for _, tc := range []struct {
		name    string
		values  []string
		explode bool
		sep     string
		want    []string
	}{
		{"exploded", []string{"a", "b"}, true, ",", []string{"a", "b"}},
		{"exploded one value with a comma", []string{"a,b"}, true, ",", []string{"a,b"}},
		{"form", []string{"a,b,c"}, false, ",", []string{"a", "b", "c"}},
		{"pipes", []string{"a|b"}, false, "|", []string{"a", "b"}},
		{"spaces", []string{"a b"}, false, " ", []string{"a", "b"}},
		{"one item", []string{"a"}, false, ",", []string{"a"}},
		{"none", nil, false, ",", nil},
		{"empty items kept", []string{"a,,b"}, false, ",", []string{"a", "", "b"}},
		{"given twice: every item kept", []string{"a,b", "c"}, false, ",", []string{"a", "b", "c"}},
		{"header on three lines", []string{"1", "2", "3"}, false, ",", []string{"1", "2", "3"}},
	} {
		if got := svcgen.SplitParam(tc.values, tc.explode, tc.sep); !reflect.DeepEqual(got, tc.want) {
			t.Errorf("%s: got %q, want %q", tc.name, got, tc.want)
		}
	}
}
