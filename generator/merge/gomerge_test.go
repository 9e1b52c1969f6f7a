package merge

import (
	"go/format"
	"strings"
	"testing"
)

// goSrc builds a service.go-like file: the package clause, the imports
// (one per line), then the declarations separated by blank lines.
func goSrc(imports []string, decls ...string) string {
	s := "// Package service is yours.\npackage service\n\n"
	if len(imports) > 0 {
		s += "import (\n"
		for _, i := range imports {
			s += "\t" + i + "\n"
		}
		s += ")\n\n"
	}
	return s + strings.Join(decls, "\n")
}

func method(name, body string) string {
	return "// " + name + " does it.\nfunc (s *Service) " + name + "(ctx context.Context) error {\n" + body + "}\n"
}

const stub = "\treturn api.ErrNotImplemented\n"

var (
	std     = []string{`"context"`, "", `"example.com/w/internal/api"`}
	typ     = "// Service implements api.Service.\ntype Service struct {\n\tlog *slog.Logger\n}\n"
	helper  = "// helper is the user's.\nfunc helper() int { return 1 }\n"
	helper2 = "func other() string {\n\treturn \"x\"\n}\n"
)

func TestGo(t *testing.T) {
	tests := []struct {
		name               string
		base, ours, theirs string
		want               string
		conflicts          int
	}{
		{
			// The motivating case: both sides append at the end of the file.
			name:   "helper appended, stub appended",
			base:   goSrc(std, typ, method("A", stub)),
			ours:   goSrc(std, typ, method("A", stub), helper),
			theirs: goSrc(std, typ, method("A", stub), method("B", stub)),
			want:   goSrc(std, typ, method("A", stub), helper, method("B", stub)),
		},
		{
			name:   "helper at the start, stub between methods",
			base:   goSrc(std, typ, method("A", stub), method("C", stub)),
			ours:   goSrc(std, helper, typ, method("A", stub), method("C", stub)),
			theirs: goSrc(std, typ, method("A", stub), method("B", stub), method("C", stub)),
			want:   goSrc(std, helper, typ, method("A", stub), method("B", stub), method("C", stub)),
		},
		{
			// A helper after A stays with A; the new stub goes before C,
			// which follows it in the render.
			name:   "helper between methods keeps its neighbours",
			base:   goSrc(std, typ, method("A", stub), method("C", stub)),
			ours:   goSrc(std, typ, method("A", stub), helper, method("C", stub)),
			theirs: goSrc(std, typ, method("A", stub), method("B", stub), method("B2", stub), method("C", stub)),
			want:   goSrc(std, typ, method("A", stub), helper, method("B", stub), method("B2", stub), method("C", stub)),
		},
		{
			name:   "body edited on one side, stub added and another changed on the other",
			base:   goSrc(std, typ, method("A", stub), method("C", stub)),
			ours:   goSrc(std, typ, method("A", "\tlog.Print(1)\n\treturn nil\n"), method("C", stub)),
			theirs: goSrc(std, typ, method("A", stub), method("B", stub), method("C", "\treturn nil\n")),
			want:   goSrc(std, typ, method("A", "\tlog.Print(1)\n\treturn nil\n"), method("B", stub), method("C", "\treturn nil\n")),
		},
		{
			// Both sides changed A: its lines merge, apart from each other.
			name:   "one declaration changed on both sides, different lines",
			base:   goSrc(std, typ, method("A", "\ta := 1\n\tb := 2\n\tc := 3\n\td := 4\n\treturn nil\n")),
			ours:   goSrc(std, typ, method("A", "\ta := 10\n\tb := 2\n\tc := 3\n\td := 4\n\treturn nil\n")),
			theirs: goSrc(std, typ, method("A", "\ta := 1\n\tb := 2\n\tc := 3\n\td := 40\n\treturn nil\n")),
			want:   goSrc(std, typ, method("A", "\ta := 10\n\tb := 2\n\tc := 3\n\td := 40\n\treturn nil\n")),
		},
		{
			// Only the overlapping line conflicts; the helper appended and
			// the stub added stay outside the markers.
			name:   "one declaration changed on both sides, same line",
			base:   goSrc(std, typ, method("A", stub)),
			ours:   goSrc(std, typ, method("A", "\treturn nil\n"), helper),
			theirs: goSrc(std, typ, method("A", "\treturn errors.New(\"x\")\n"), method("B", stub)),
			want: goSrc(std, typ, "// A does it.\nfunc (s *Service) A(ctx context.Context) error {\n"+
				"<<<<<<< yours\n\treturn nil\n=======\n\treturn errors.New(\"x\")\n>>>>>>> svcgen\n}\n",
				helper, method("B", stub)),
			conflicts: 1,
		},
		{
			name:   "doc comment edited by the user, body changed by svcgen",
			base:   goSrc(std, typ, method("A", stub)),
			ours:   goSrc(std, typ, strings.Replace(method("A", stub), "// A does it.", "// A does it well.\n// Really.", 1)),
			theirs: goSrc(std, typ, method("A", "\treturn nil\n")),
			want:   goSrc(std, typ, strings.Replace(method("A", "\treturn nil\n"), "// A does it.", "// A does it well.\n// Really.", 1)),
		},
		{
			// The user wrote the last method that used errors and dropped
			// the import; svcgen's new stub uses it again.
			name:   "an import the user dropped comes back for svcgen's new code",
			base:   goSrc([]string{`"context"`, `"errors"`}, typ, method("A", "\treturn errors.New(\"a\")\n")),
			ours:   goSrc([]string{`"context"`}, typ, method("A", "\treturn nil\n")),
			theirs: goSrc([]string{`"context"`, `"errors"`}, typ, method("A", "\treturn errors.New(\"a\")\n"), method("B", "\treturn errors.New(\"b\")\n")),
			want:   goSrc([]string{`"context"`, `"errors"`}, typ, method("A", "\treturn nil\n"), method("B", "\treturn errors.New(\"b\")\n")),
		},
		{
			name:   "imports added on both sides",
			base:   goSrc(std, typ, method("A", stub)),
			ours:   goSrc([]string{`"context"`, `"fmt"`, "", `"example.com/w/internal/api"`}, typ, method("A", "\tfmt.Println()\n"+stub)),
			theirs: goSrc([]string{`"context"`, `"time"`, "", `"example.com/w/internal/api"`}, typ, method("A", stub), method("B", "\ttime.Sleep(1)\n"+stub)),
			want: goSrc([]string{`"context"`, `"fmt"`, `"time"`, "", `"example.com/w/internal/api"`}, typ,
				method("A", "\tfmt.Println()\n"+stub), method("B", "\ttime.Sleep(1)\n"+stub)),
		},
		{
			// svcgen's render no longer imports store, but the user's
			// helper uses it: it stays. The log import svcgen dropped with
			// nothing else using it goes.
			name: "import removed by svcgen but used by the user",
			base: goSrc([]string{`"context"`, `"log"`, "", `"example.com/w/internal/api"`, `"example.com/w/internal/store"`}, typ,
				method("A", "\tlog.Print()\n\t_ = store.X\n"+stub)),
			ours: goSrc([]string{`"context"`, `"log"`, "", `"example.com/w/internal/api"`, `"example.com/w/internal/store"`}, typ,
				method("A", "\tlog.Print()\n\t_ = store.X\n"+stub), "func helper() { _ = store.Y }\n"),
			theirs: goSrc(std, typ, method("A", stub)),
			want: goSrc([]string{`"context"`, "", `"example.com/w/internal/api"`, `"example.com/w/internal/store"`}, typ,
				method("A", stub), "func helper() { _ = store.Y }\n"),
		},
		{
			// The user commented their import; svcgen moves a package (the
			// same name, a new path) and adds one: the user's block is
			// edited, not rebuilt, and the old path does not stay beside
			// the new one for sharing its name.
			name: "import block edited in place",
			base: goSrc([]string{`"context"`, "", `"example.com/w/internal/api"`}, typ, method("A", stub)),
			ours: goSrc([]string{`"context"`, `"strings" // for shout`, "", `"example.com/w/internal/api"`}, typ, method("A", stub),
				"func shout(s string) string { return strings.ToUpper(s) }\n"),
			theirs: goSrc([]string{`"context"`, `"time"`, "", `"example.com/w/api"`, `"example.com/w/runtime"`}, typ,
				method("A", "\ttime.Sleep(runtime.D)\n"+stub)),
			want: goSrc([]string{`"context"`, `"strings" // for shout`, `"time"`, "", `"example.com/w/api"`, `"example.com/w/runtime"`}, typ,
				method("A", "\ttime.Sleep(runtime.D)\n"+stub), "func shout(s string) string { return strings.ToUpper(s) }\n"),
		},
		{
			name: "standard library group added to a block without one",
			base: goSrc([]string{`"example.com/w/internal/api"`}, typ, method("A", stub)),
			ours: goSrc([]string{`// the contract`, `"example.com/w/internal/api"`}, typ, method("A", stub), helper),
			theirs: goSrc([]string{`"context"`, "", `"example.com/w/internal/api"`}, typ,
				method("A", "\t_ = context.TODO\n"+stub)),
			want: goSrc([]string{`"context"`, "", `// the contract`, `"example.com/w/internal/api"`}, typ,
				method("A", "\t_ = context.TODO\n"+stub), helper),
		},
		{
			name:   "name added to a group while svcgen changes another",
			base:   goSrc(std, "const (\n\tA = 1\n\tB = 2\n)\n", method("A", stub)),
			ours:   goSrc(std, "const (\n\tA = 1\n\tB = 2\n\tC = 3\n)\n", method("A", stub)),
			theirs: goSrc(std, "const (\n\tA = 10\n\tB = 2\n)\n", method("A", stub)),
			want:   goSrc(std, "const (\n\tA = 10\n\tB = 2\n\tC = 3\n)\n", method("A", stub)),
		},
		{
			name:   "stub deleted by the user stays deleted though svcgen changed it",
			base:   goSrc(std, typ, method("A", stub), method("B", stub)),
			ours:   goSrc(std, typ, method("A", stub)),
			theirs: goSrc(std, typ, method("A", stub), method("B", "\treturn nil\n")),
			want:   goSrc(std, typ, method("A", stub)),
		},
		{
			name:   "declaration deleted by svcgen but edited by the user stays",
			base:   goSrc(std, typ, method("A", stub), method("B", stub)),
			ours:   goSrc(std, typ, method("A", stub), method("B", "\treturn nil\n")),
			theirs: goSrc(std, typ, method("A", stub)),
			want:   goSrc(std, typ, method("A", stub), method("B", "\treturn nil\n")),
		},
		{
			name:   "unchanged declaration deleted by svcgen goes",
			base:   goSrc(std, typ, method("A", stub), method("B", stub)),
			ours:   goSrc(std, typ, method("A", stub), method("B", stub), helper),
			theirs: goSrc(std, typ, method("A", stub)),
			want:   goSrc(std, typ, method("A", stub), helper),
		},
		{
			name:   "field added to Service by the user, svcgen adds a field too",
			base:   goSrc(std, "type Service struct {\n\ta int\n\n\tb int\n}\n", method("A", stub)),
			ours:   goSrc(std, "type Service struct {\n\ta     int\n\tcache map[string]int\n\n\tb int\n}\n", method("A", stub)),
			theirs: goSrc(std, "type Service struct {\n\ta int\n\n\tb int\n\tc int\n}\n", method("A", stub)),
			want:   goSrc(std, "type Service struct {\n\ta     int\n\tcache map[string]int\n\n\tb int\n\tc int\n}\n", method("A", stub)),
		},
		{
			name:   "both add the same declaration",
			base:   goSrc(std, typ),
			ours:   goSrc(std, typ, method("A", stub), helper2),
			theirs: goSrc(std, typ, method("A", stub)),
			want:   goSrc(std, typ, method("A", stub), helper2),
		},
		{
			name:   "free comment between declarations travels with the next one",
			base:   goSrc(std, typ, method("A", stub)),
			ours:   goSrc(std, typ, "// Helpers below.\n\n"+helper, method("A", stub)),
			theirs: goSrc(std, typ, method("A", stub), method("B", stub)),
			want:   goSrc(std, typ, "// Helpers below.\n\n"+helper, method("A", stub), method("B", stub)),
		},
		{
			name:   "blank declarations matched by text",
			base:   goSrc(std, typ, "var _ api.Service = (*Service)(nil)\n", method("A", stub)),
			ours:   goSrc(std, typ, "var _ api.Service = (*Service)(nil)\n", "var _ fmt.Stringer = (*Service)(nil)\n", method("A", stub)),
			theirs: goSrc(std, typ, "var _ api.Service = (*Service)(nil)\n", method("A", stub), method("B", stub)),
			want:   goSrc(std, typ, "var _ api.Service = (*Service)(nil)\n", "var _ fmt.Stringer = (*Service)(nil)\n", method("A", stub), method("B", stub)),
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Go([]byte(tt.base), []byte(tt.ours), []byte(tt.theirs), labels)
			if err != nil {
				t.Fatal(err)
			}
			want := tt.want
			if tt.conflicts == 0 {
				b, err := format.Source([]byte(want))
				if err != nil {
					t.Fatalf("want does not format: %v\n%s", err, want)
				}
				want = string(b)
			}
			if string(got.Content) != want || got.Conflicts != tt.conflicts {
				t.Errorf("got %d conflicts:\n%s\nwant %d:\n%s", got.Conflicts, got.Content, tt.conflicts, want)
			}
			// Swapping the sides changes at most the order and the
			// conflict labels, never whether it merges.
			sw, err := Go([]byte(tt.base), []byte(tt.theirs), []byte(tt.ours), labels)
			if err != nil || sw.Conflicts != tt.conflicts {
				t.Errorf("sides swapped: %d conflicts (%v), want %d:\n%s", sw.Conflicts, err, tt.conflicts, sw.Content)
			}
		})
	}
}

// The line merge cannot do the motivating case; the declaration merge can.
func TestFileUsesDeclarations(t *testing.T) {
	base := goSrc(std, typ, method("A", stub))
	ours := goSrc(std, typ, method("A", stub), helper)
	theirs := goSrc(std, typ, method("A", stub), method("B", stub))
	if m := Merge([]byte(base), []byte(ours), []byte(theirs), labels); m.Conflicts == 0 {
		t.Fatalf("the line merge no longer conflicts here; this test shows nothing:\n%s", m.Content)
	}
	if m := File("internal/service/service.go", []byte(base), []byte(ours), []byte(theirs), labels); m.Conflicts != 0 {
		t.Errorf("File on a .go file: %d conflicts:\n%s", m.Conflicts, m.Content)
	}
	if m := File("README.md", []byte(base), []byte(ours), []byte(theirs), labels); m.Conflicts == 0 {
		t.Errorf("File on a .md file merged by declaration:\n%s", m.Content)
	}
}

// A side that does not parse (conflict markers left from an earlier run)
// is merged by line.
func TestGoFallsBack(t *testing.T) {
	base := goSrc(std, typ, method("A", stub))
	ours := goSrc(std, typ, method("A", "<<<<<<< yours\n\treturn nil\n=======\n"+stub+">>>>>>> svcgen\n"))
	theirs := goSrc(std, typ, method("A", stub), method("B", stub))
	if _, err := Go([]byte(base), []byte(ours), []byte(theirs), labels); err == nil {
		t.Fatal("Go merged a side that does not parse")
	}
	got := File("x.go", []byte(base), []byte(ours), []byte(theirs), labels)
	want := Merge([]byte(base), []byte(ours), []byte(theirs), labels)
	if string(got.Content) != string(want.Content) || got.Conflicts != want.Conflicts {
		t.Errorf("File = %q, want the line merge's %q", got.Content, want.Content)
	}
}

func TestImportName(t *testing.T) {
	for p, want := range map[string]string{
		"fmt":                                   "fmt",
		"net/http":                              "http",
		"github.com/jackc/pgx/v5":               "pgx",
		"github.com/mattn/go-sqlite3":           "sqlite3",
		"gopkg.in/yaml.v3":                      "yaml",
		"github.com/prometheus/client_golang":   "client_golang",
		"example.com/orders/internal/api":       "api",
		"github.com/pressly/goose/v3":           "goose",
		"github.com/santhosh-tekuri/jsonschema": "jsonschema",
	} {
		if got := importName(p); got != want {
			t.Errorf("importName(%q) = %q, want %q", p, got, want)
		}
	}
}

// runFunc wraps statements in the declaration both sides change.
func runFunc(body string) string {
	return "// run starts the service.\nfunc run() error {\n" + body + "\treturn nil\n}\n"
}

// TestGoAlignment: a side whose lines differ from base only in the
// spacing gofmt decides (a longer key realigns a composite literal) has
// not changed them, so two such sides merge; the spacing inside literals
// and comments still counts.
func TestGoAlignment(t *testing.T) {
	tests := []struct {
		name               string
		base, ours, theirs string
		want               string
		conflicts          int
	}{
		{
			// The user's field and svcgen's each realign the others.
			name:   "a field added on each side",
			base:   runFunc("\th := New(Options{\n\t\tLogger: logger,\n\t\tSpec:   spec,\n\t})\n\t_ = h\n"),
			ours:   runFunc("\th := New(Options{\n\t\tMaxBodyBytes: 2 << 20, // pictures\n\t\tLogger:       logger,\n\t\tSpec:         spec,\n\t})\n\t_ = h\n"),
			theirs: runFunc("\th := New(Options{\n\t\tLogger:   logger,\n\t\tSpec:     spec,\n\t\tRegistry: registry,\n\t})\n\t_ = h\n"),
			want:   runFunc("\th := New(Options{\n\t\tMaxBodyBytes: 2 << 20, // pictures\n\t\tLogger:       logger,\n\t\tSpec:         spec,\n\t\tRegistry:     registry,\n\t})\n\t_ = h\n"),
		},
		{
			// Theirs realigns the line ours changed inside a string: ours'
			// string stays.
			name:   "spacing inside a string is text",
			base:   runFunc("\tv := T{\n\t\tName: \"a b\",\n\t\tAge:  1,\n\t}\n\t_ = v\n"),
			ours:   runFunc("\tv := T{\n\t\tName: \"a  b\",\n\t\tAge:  1,\n\t}\n\t_ = v\n"),
			theirs: runFunc("\tv := T{\n\t\tName:     \"a b\",\n\t\tAge:      1,\n\t\tNickname: \"n\",\n\t}\n\t_ = v\n"),
			want:   runFunc("\tv := T{\n\t\tName:     \"a  b\",\n\t\tAge:      1,\n\t\tNickname: \"n\",\n\t}\n\t_ = v\n"),
		},
		{
			// Both change the same string's spacing differently: a conflict.
			name:      "both change a string's spacing",
			base:      runFunc("\tx := \"a b\"\n\t_ = x\n"),
			ours:      runFunc("\tx := \"a  b\"\n\t_ = x\n"),
			theirs:    runFunc("\tx := \"a   b\"\n\t_ = x\n"),
			conflicts: 1,
		},
		{
			// A trailing comment's text is the user's; its column is gofmt's.
			name:   "a comment's text, a comment's column",
			base:   runFunc("\ta := 1 // one\n\tbb := 2 // two\n\t_, _ = a, bb\n"),
			ours:   runFunc("\ta := 1 // the  one\n\tbb := 2 // two\n\t_, _ = a, bb\n"),
			theirs: runFunc("\ta := 1    // one\n\tbb := 2   // two\n\tccc := 3 // three\n\t_, _ = a, bb\n\t_ = ccc\n"),
			want:   runFunc("\ta := 1    // the  one\n\tbb := 2   // two\n\tccc := 3 // three\n\t_, _ = a, bb\n\t_ = ccc\n"),
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			src := func(body string) []byte { return []byte(goSrc(nil, body)) }
			got, err := Go(src(tc.base), src(tc.ours), src(tc.theirs), Labels{Ours: "yours", Theirs: "svcgen"})
			if err != nil {
				t.Fatal(err)
			}
			if got.Conflicts != tc.conflicts {
				t.Fatalf("%d conflicts, want %d:\n%s", got.Conflicts, tc.conflicts, got.Content)
			}
			if tc.conflicts > 0 {
				return
			}
			want, err := format.Source(src(tc.want))
			if err != nil {
				t.Fatal(err)
			}
			if string(got.Content) != string(want) {
				t.Errorf("got\n%s\nwant\n%s", got.Content, want)
			}
		})
	}
}

func TestGoKeys(t *testing.T) {
	in := []string{
		"\t\tLogger:   logger, // the  log\n",
		"\tx := \"a  b\" + 'c'   + `d  e\n",
		"  f   g` /* h   i\n",
		"j   */   k\n",
		"\ts := \"q\\\"  r\"   // c\n",
	}
	want := []string{
		"Logger: logger, // the  log",
		"x := \"a  b\" + 'c' + `d  e\n",
		"  f   g` /* h   i\n",
		"j   */ k",
		"s := \"q\\\"  r\" // c",
	}
	got := goKeys(in)
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("line %d: key %q, want %q", i, got[i], want[i])
		}
	}
}
