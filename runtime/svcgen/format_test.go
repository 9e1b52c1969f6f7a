package svcgen

import (
	"math"
	"net/url"
	"reflect"
	"testing"
	"time"
)

type color string

type level int64

// roundTrip checks that parse reads back what format writes.
func roundTrip[T comparable](t *testing.T, format func(T) string, parse func(string) (T, error), vs ...T) {
	t.Helper()
	for _, v := range vs {
		s := format(v)
		got, err := parse(s)
		if err != nil || got != v {
			t.Errorf("%v written %q, read back %v, %v", v, s, got, err)
		}
	}
}

func TestFormatParseRoundTrip(t *testing.T) {
	roundTrip(t, FormatString[string], func(s string) (string, error) { return s, nil }, "", "a b/c?", "é")
	roundTrip(t, FormatString[color], func(s string) (color, error) { return color(s), nil }, "red")
	roundTrip(t, FormatInt[int32], ParseInt32[int32], 0, -7, math.MaxInt32, math.MinInt32)
	roundTrip(t, FormatInt[int64], ParseInt64[int64], 0, math.MaxInt64, math.MinInt64)
	roundTrip(t, FormatInt[level], ParseInt64[level], 3)
	roundTrip(t, FormatFloat32[float32], ParseFloat32[float32], 0, 0.1, -3.4e38, 1.17549435e-38)
	roundTrip(t, FormatFloat64[float64], ParseFloat64[float64], 0, 0.1, 1e300, -5e-324)
	roundTrip(t, FormatBool, ParseBool, true, false)
	roundTrip(t, FormatDate, ParseDate, Date{2026, time.December, 6}, Date{1, time.January, 1})
	at := time.Date(2026, 12, 6, 10, 0, 0, 123456789, time.FixedZone("", 3600))
	s := FormatDateTime(at)
	if got, err := ParseDateTime(s); err != nil || !got.Equal(at) {
		t.Errorf("%v written %q, read back %v, %v", at, s, got, err)
	}
	if got, err := ParseBytes(FormatBytes([]byte{0, 0xff, 'a'})); err != nil || string(got) != "\x00\xffa" {
		t.Errorf("bytes read back %q, %v", got, err)
	}
	if got := FormatEach([]int32{1, 2}, FormatInt[int32]); !reflect.DeepEqual(got, []string{"1", "2"}) {
		t.Errorf("FormatEach: %q", got)
	}
	if got, err := FormatJSON(map[string]int{"a": 1}); err != nil || got != `{"a":1}` {
		t.Errorf("FormatJSON: %q, %v", got, err)
	}
	if _, err := FormatJSON(math.NaN()); err == nil {
		t.Errorf("FormatJSON(NaN): no error")
	}
}

func TestFormValues(t *testing.T) {
	type inner struct {
		X int `json:"x"`
	}
	type filter struct {
		Name   string    `json:"name"`
		Min    *float64  `json:"min,omitempty"`
		Open   bool      `json:"open"`
		Tags   []string  `json:"tags"`
		Sizes  []int     `json:"sizes,omitempty"`
		Where  *inner    `json:"where,omitempty"`
		Note   *string   `json:"note"`
		Quoted string    `json:"quoted"`
		At     time.Time `json:"at"`
	}
	v := filter{Name: "a b", Min: Ptr(1.5), Open: true, Tags: []string{"x", "y"}, Sizes: []int{}, Where: &inner{2}, Quoted: `"q"`, At: time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)}
	tests := []struct {
		prefix string
		want   url.Values
	}{
		{"", url.Values{"name": {"a b"}, "min": {"1.5"}, "open": {"true"}, "tags": {"x", "y"}, "where": {`{"x":2}`}, "quoted": {`"q"`}, "at": {"2026-01-02T03:04:05Z"}}},
		{"f", url.Values{"f[name]": {"a b"}, "f[min]": {"1.5"}, "f[open]": {"true"}, "f[tags]": {"x", "y"}, "f[where]": {`{"x":2}`}, "f[quoted]": {`"q"`}, "f[at]": {"2026-01-02T03:04:05Z"}}},
	}
	for _, tt := range tests {
		got, err := FormValues(v, tt.prefix)
		if err != nil || !reflect.DeepEqual(got, tt.want) {
			t.Errorf("FormValues(prefix %q) =\n%v, %v\nwant\n%v", tt.prefix, got, err, tt.want)
		}
	}
	if _, err := FormValues([]int{1}, ""); err == nil {
		t.Errorf("FormValues of an array: no error")
	}
}
