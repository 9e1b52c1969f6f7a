package model

import "testing"

func TestSetsDefault(t *testing.T) {
	for _, tc := range []struct {
		def  string
		want bool
	}{
		{"", false},           // no default
		{"0", false},          // an integer's zero value
		{"0.0", false},        // a number's
		{"false", false},      // a boolean's
		{`""`, false},         // a string's
		{"20", true},          // the value a request would otherwise lack
		{"-1", true},          // not zero
		{"true", true},        // not zero
		{`"asc"`, true},       // a string that is not empty
		{"api.SortAsc", true}, // an enum constant, even one whose value is ""
		{"0.5", true},         // a number that is not zero
	} {
		if got := (&Param{Default: tc.def}).SetsDefault(); got != tc.want {
			t.Errorf("Default %s: SetsDefault() = %v, want %v", tc.def, got, tc.want)
		}
	}
}

func TestText(t *testing.T) {
	for _, tc := range []struct{ expr, goType, want string }{
		{"id", "string", "id"},
		{"*v.ID", "int64", "strconv.FormatInt(*v.ID, 10)"},
		{"id", "int32", "strconv.FormatInt(int64(id), 10)"},
		{"v.Day", "svcgen.Date", "fmt.Sprint(v.Day)"}, // any other type
		{"v.Kind", "Kind", "fmt.Sprint(v.Kind)"},      // a named string type too
	} {
		if got := Text(tc.expr, tc.goType); got != tc.want {
			t.Errorf("Text(%q, %q) = %s, want %s", tc.expr, tc.goType, got, tc.want)
		}
	}
}

func TestPathSegment(t *testing.T) {
	for _, tc := range []struct{ expr, goType, want string }{
		{"v.ID", "string", "url.PathEscape(v.ID)"},
		{"*v.ID", "int64", "strconv.FormatInt(*v.ID, 10)"},
		{"req.Page", "int32", "strconv.FormatInt(int64(req.Page), 10)"},
		{"v.Day", "svcgen.Date", "url.PathEscape(fmt.Sprint(v.Day))"}, // any other type: its text
		{"v.Kind", "Kind", "url.PathEscape(fmt.Sprint(v.Kind))"},      // a named string type too
	} {
		if got := PathSegment(tc.expr, tc.goType); got != tc.want {
			t.Errorf("PathSegment(%q, %q) = %s, want %s", tc.expr, tc.goType, got, tc.want)
		}
	}
}
