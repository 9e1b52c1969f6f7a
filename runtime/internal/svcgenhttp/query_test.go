package svcgenhttp

import (
	"net/url"
	"reflect"
	"strings"
	"testing"
)

// queryCases are query strings whose reading must match url.ParseQuery's.
var queryCases = []string{
	"",
	"a=1",
	"a=1&b=2&a=3",
	"a",
	"a=",
	"=1",
	"&&a=1&&",
	"a=1;b=2&c=3",     // a semicolon spoils its pair only
	"a=%zz&b=2",       // a bad escape in a value
	"%zz=1&b=2",       // ... and in a name
	"a+b=c+d&e%20f=%", // '+' is a space; a lone '%' is bad
	"a%26b=c%3Dd",     // an escaped separator stays in the text
	"filter[color]=red&filter%5Bsize%5D=3",
	"a=%E2%82%AC&%C3%A9=x",
	"a=1=2",
	strings.Repeat("a=1&", 9999) + "b=2",  // 10,000 parameters: read
	strings.Repeat("a=1&", 10000) + "b=2", // 10,001: none read
}

func TestParseQueryMatchesNetURL(t *testing.T) {
	for _, raw := range queryCases {
		checkQuery(t, raw)
	}
}

// checkQuery compares ParseQuery's reading of raw with url.ParseQuery's:
// the same names, each with the same values in the same order.
func checkQuery(t *testing.T, raw string) {
	t.Helper()
	want, _ := url.ParseQuery(raw)
	q := ParseQuery(raw, make(Query, 0, 8))
	got := url.Values{}
	for _, p := range q {
		got[p.Name] = append(got[p.Name], p.Value)
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("ParseQuery(%.80q) = %.200v, url.ParseQuery %.200v", raw, got, want)
	}
	for name, values := range want {
		vs, ok := q.Values(name)
		if !ok || !reflect.DeepEqual(vs, values) {
			t.Errorf("%.80q: Values(%q) = %q, %v; want %q", raw, name, vs, ok, values)
		}
		if v, n := q.Get(name); v != values[0] || n != len(values) {
			t.Errorf("%.80q: Get(%q) = %q, %d; want %q, %d", raw, name, v, n, values[0], len(values))
		}
	}
	if vs, ok := q.Values("absent"); ok || vs != nil {
		t.Errorf("%.80q: Values(absent) = %q, %v", raw, vs, ok)
	}
	if v, n := q.Get("absent"); v != "" || n != 0 {
		t.Errorf("%.80q: Get(absent) = %q, %d", raw, v, n)
	}
}

func FuzzParseQuery(f *testing.F) {
	for _, raw := range queryCases[:len(queryCases)-2] {
		f.Add(raw)
	}
	f.Fuzz(checkQuery)
}

// TestParseQueryAllocs holds the reason Query exists: with a buffer on the
// caller's stack, plain parameters cost no allocation.
func TestParseQueryAllocs(t *testing.T) {
	raw := "view=full&limit=10&tag=a&tag=b"
	allocs := testing.AllocsPerRun(100, func() {
		q := ParseQuery(raw, make(Query, 0, 8))
		if v, n := q.Get("view"); v != "full" || n != 1 {
			t.Fatal(v, n)
		}
	})
	if allocs != 0 {
		t.Errorf("%v allocations per query, want 0", allocs)
	}
}
