package model

import (
	"flag"
	"go/token"
	"strconv"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite golden files (none in this package)")

func TestExported(t *testing.T) {
	_ = update
	cases := map[string]string{
		"user_id":       "UserID",
		"userId":        "UserID",
		"UserID":        "UserID",
		"user-id":       "UserID",
		"USER_ID":       "UserID",
		"HTTPServer":    "HTTPServer",
		"getHTTPUrl":    "GetHTTPURL",
		"3dModel":       "X3dModel",
		"2fa":           "X2fa",
		"prénom":        "Prénom",
		"名前":            "X名前",
		"Ωmega":         "Ωmega",
		"":              "",
		"..":            "",
		"type":          "Type",
		"list things":   "ListThings",
		"things.delete": "ThingsDelete",
		"a b":           "AB",
		"ids":           "IDs",
	}
	for in, want := range cases {
		if got := Exported(in); got != want {
			t.Errorf("Exported(%q) = %q, want %q", in, got, want)
		}
		if got := Exported(in); got != "" && !token.IsIdentifier(got) {
			t.Errorf("Exported(%q) = %q is not an identifier", in, got)
		}
	}
}

func TestUnexported(t *testing.T) {
	cases := map[string]string{
		"OrderID": "orderID",
		"type":    "type_",
		"string":  "string_",
		"len":     "len_",
		"URL":     "url",
		"URLPath": "urlPath",
		"3dModel": "x3dModel",
		"名前":      "名前",
	}
	for in, want := range cases {
		got := Unexported(in)
		if got != want {
			t.Errorf("Unexported(%q) = %q, want %q", in, got, want)
		}
		if !token.IsIdentifier(got) {
			t.Errorf("Unexported(%q) = %q is not an identifier", in, got)
		}
	}
}

func TestNamespace(t *testing.T) {
	ns := NewNamespace("Service")
	for _, tc := range []struct{ in, want string }{
		{"Service", "Service2"},
		{"UserID", "UserID"},
		{"UserID", "UserID2"},
		{"UserID", "UserID3"},
		{"Service", "Service3"},
	} {
		if got := ns.Take(tc.in); got != tc.want {
			t.Errorf("Take(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

// TestNamespaceSuffixes: Take gives the smallest free suffix, however the
// names before it were taken, and stays fast when many types want one
// name.
func TestNamespaceSuffixes(t *testing.T) {
	ns := NewNamespace("Thing3")
	var got []string
	for range 3 {
		got = append(got, ns.Take("Thing"))
	}
	got = append(got, ns.Take("Thing5"), ns.Take("Thing"), ns.Take("Thing4"))
	want := []string{"Thing", "Thing2", "Thing4", "Thing5", "Thing6", "Thing42"}
	if strings.Join(got, " ") != strings.Join(want, " ") {
		t.Errorf("got %v, want %v", got, want)
	}
	for i := range 100_000 {
		if n := ns.Take("Many"); i > 0 && n != "Many"+strconv.Itoa(i+1) {
			t.Fatalf("take %d: %s", i, n)
		}
	}
}
