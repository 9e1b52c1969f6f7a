package format

import (
	"bytes"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// TestCopyRunIndents checks functions written with the indentation of
// wherever a partial template was used come out as gofmt prints them.
func TestCopyRunIndents(t *testing.T) {
	for name, src := range map[string]string{
		"partial": `func (v *T) validate(at *path, errs *Errors) {
	if !v.missing[0] {
		at := at.field("labels")
	errs.minItems(&at, len(v.Labels), 1)
		for i0 := range v.Labels {
	at0 := (at).elem(i0)
			errs.maxLength(&at0, v.Labels[i0], 3)
		}
	}
}
`,
		"switch": `// UnmarshalJSON reads T.
func (v *T) UnmarshalJSON(data []byte) error {
	for key, raw := range fields {
		switch key {
case "a":
	err = decodeField(raw, &v.A, key)
		default:
				err = nil // ignored
		}
	}
	return nil
}
`,
		"brackets": `func (s *S) Create(ctx context.Context) error {
	return mapError(s.db.inTx(ctx, func(tx *sql.Tx) error {
			q.write(` + "`INSERT`" + `)
		x := []int{
		1, 2,
			}
	return nil
}))
}
`,
		"one-liners": `func (v *T) Validate() error { return validateBody(v) }

func (r *AVeryLongRequestTypeNameThatGoesOnAndOnForeverAndEverRequest) RawBody() []byte { return r.rawBody }
`,
		"key-value lines": "func f() {\n\tx := T{\n\tA: 1,\n\t\t\tBBB: g(1, 2),\n\t\tCc:  \"x\",\n\t}\n\treturn &T{A: 1, B: 2}, nil\n}\n",
		"multi-line element": `func f() {
	return &api.CreateCustomer201Response{
		Location: "/v1/customers/" + url.PathEscape(v.ID),
		Body: api.Customer{
			ID: v.ID,
		Name: v.Name,
		},
		Status: 201,
		X: 1,
	}, nil
}
`,
		"var over lines": "// v is.\nvar v = []prop{\n{in: \"body\", name: \"id\"},\n\t{in: \"path\", name: \"x\", json: true},\n}\n\nvar m = map[string]int{\n\t\"a\": 1,\n\t\"bcd\": 2,\n}\n",
		"map literal":    "func f() {\n\tm := map[string]int{\n\t\t\"a\": 1,\n\t\t\"bbbb\": 2,\n\t}\n\tn := map[T]int{\n\t\tpkg.A: 1,\n\t\tpkg.Bcd: 2,\n\t}\n}\n",
		"literals": `func f() {
	wg.Go(func() { defer wg.Done(); work(aVeryLongArgumentName, anotherVeryLongArgumentName) })
	return func(x int) bool { return x > 0 }
}
`,
		"list doc":    "// F:\n// - a\nfunc f() {}\n",
		"quotes doc":  "// F says ``hi'' and doesn''t.\nfunc f() {}\n",
		"bullet doc":  "// F:\n// \u2022 one\n// \u2022 two\nfunc f() {}\n",
		"heading doc": "// F does.\n//\n// Details\n//\n// More.\nfunc f() {}\n",
		"types": `// T is a type.
type T struct {
// A doc
A int ` + "`json:\"a\"`" + `
// Bbbbbb doc
Bbbbbb string ` + "`json:\"b\"`" + `
C int
Ddddd []string ` + "`json:\"d\"`" + ` // x
E int // y
Ünïcode map[string]any // z

F int
missing [2]bool
}

// One has one field.
type One struct {
Body Root
}

type OneTagged struct {
// Its doc.
MaxDays *int64 ` + "`json:\"max_days,omitempty\" xml:\"a\"`" + ` // and  a comment
}

type Empty struct {
}

// Values of T.
const (
A1 T = "a"
Bbbbb2 T = "bb"
)

const (
X = 1
Yyy = 22
)

// I is an interface.
type I interface {
// M does.
M(ctx context.Context) (int, error)

N()
}

type A = B

type N []string

const K = 3
`,
		"comment": `func f() {
		// a comment line
	x()

		y() // trailing
}
`,
	} {
		got, _, ok := copyRun([]byte(src))
		if !ok {
			t.Errorf("%s: refused", name)
			continue
		}
		want, err := goWhole("p.go", "", []byte("package p\n\n"+src))
		if err != nil {
			t.Fatal(err)
		}
		want = bytes.TrimPrefix(want, []byte("package p\n"))
		if !bytes.Equal(got, want) {
			t.Errorf("%s: copied\n%s\ngofmt:\n%s", name, got, want)
		}
	}
}

// TestCopyRunRefuses checks what go/printer lays out by rules of its own is
// left to it.
func TestCopyRunRefuses(t *testing.T) {
	for name, src := range map[string]string{
		"long key":              "func f() {\n\tx := T{\n\t\tA: 1,\n\t\tAVeryLongKeyNameIndeedThatGoesOnAndOnAndOn: 2,\n\t}\n}\n",
		"comment in literal":    "func f() {\n\tx := T{\n\t\tA: 1,\n\t\t// b\n\t\tBBB: 2,\n\t}\n}\n",
		"commented element":     "func f() {\n\tx := T{\n\t\tA:   1, // one\n\t\tBBB: 2,\n\t}\n}\n",
		"label before a block":  "func f() {\nL: for {\n\t\tbreak L\n\t}\n}\n",
		"element with a func":   "func f() {\n\tx := T{\n\t\tA: func() int { return 1 },\n\t\tBBB: 2,\n\t}\n}\n",
		"struct":                "func f() {\n\tvar x struct {\n\t\ta int\n\t}\n}\n",
		"var list":              "func f() {\n\tvar (\n\t\ta = 1\n\t)\n}\n",
		"label":                 "func f() {\nloop:\n\tfor {\n\t\tbreak loop\n\t}\n}\n",
		"comments":              "func f() {\n\tx() // one\n\ty() // two\n}\n",
		"two spaces":            "func f() {\n\tx()  // one\n}\n",
		"continued":             "func f() {\n\tx := a &&\n\t\tb\n}\n",
		"raw string":            "func f() {\n\tx := `a\nb`\n}\n",
		"block comment":         "func f() {\n\t/* a */ x()\n}\n",
		"comment before }":      "func f() {\n\tx()\n\t// end\n}\n",
		"two blank lines":       "func f() {\n\tx()\n\n\n\ty()\n}\n",
		"embedded field":        "type T struct {\n\thttp.Handler\n\tx int\n}\n",
		"generic embedded":      "type T struct {\n\tNullable[string]\n\tx int\n}\n",
		"var list top":          "var (\n\ta = 1\n)\n",
		"const comment":         "const (\n\tA T = 1 // one\n\tB T = 2\n)\n",
		"mixed consts":          "const (\n\tA T = 1\n\tB = 2\n)\n",
		"multi-line field":      "type T struct {\n\tx struct {\n\t\ty int\n\t}\n}\n",
		"long literal":          "func f() {\n\tg(func() { aVeryLongNameIndeed(); anotherVeryLongNameIndeed(); yetAnotherVeryLongNameIndeed(); andOneMore() })\n}\n",
		"long two statements":   "func (r *AVeryLongRequestTypeNameThatGoesOnAndOnForeverAndEverAndEver) F() { a(); b(); return r.rawBody }\n",
		"carriage return":       "func f() {\n\tx() // a \r> b\n}\n",
		"empty literal":         "func f() {\n\tx := []int{\n\t}\n}\n",
		"empty call":            "func f() {\n\tg(\n\t)\n}\n",
		"closing in the middle": "func f() {\n\tg(a,\n\t\tb)\n}\n",
	} {
		c := copier{src: []byte(src), used: map[string]bool{}}
		if c.run() {
			t.Errorf("%s: copied", name)
			continue
		}
		// Refused, the run is printed: the file still comes out formatted.
		file := "package p\n\nfunc g() {\n}\n\n" + src
		want, err := goWhole("p.go", "", []byte(file))
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		got, ok := goParts([]byte(file), 1, true)
		if ok && !bytes.Equal(got, want) {
			t.Errorf("%s (%s): in parts\n%s\nwhole:\n%s", name, c.why, got, want)
		}
	}
}

// TestCopyGoldenFunctions takes the generated files in golden/, throws the
// indentation of their functions away (templates indent by where a partial
// is used, not by nesting) and checks that formatting them gives the golden
// bytes back, with most functions copied rather than printed.
func TestCopyGoldenFunctions(t *testing.T) {
	files, err := filepath.Glob("../../golden/*/internal/*/*.go")
	if err != nil {
		t.Fatal(err)
	}
	indent := regexp.MustCompile(`(?m)^\t+`)
	var copied, refused int
	for _, name := range files {
		if strings.HasPrefix(filepath.Base(filepath.Dir(name)), "svcgen") {
			// The runtime's copies (internal/svcgenhttp, svcgenevents)
			// are written as they are: they never pass the formatter.
			continue
		}
		want, err := os.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		// Only inside functions: the tabs of struct fields are kept.
		var b strings.Builder
		inFunc := false
		for _, line := range strings.SplitAfter(string(want), "\n") {
			switch {
			case strings.HasPrefix(line, "func ") && strings.HasSuffix(line, "{\n"):
				inFunc = true
			case line == "}\n":
				inFunc = false
			case inFunc && strings.HasPrefix(line, "\t") && !strings.Contains(line, "`"):
				line = indent.ReplaceAllString(line, "\t")
			}
			b.WriteString(line)
		}
		src := []byte(b.String())
		got, err := Go(filepath.Base(name), "golden", src)
		if err != nil {
			t.Fatal(err)
		}
		if line, same := sameLines(got, want); !same {
			t.Errorf("%s: differs at line %d:\n%s\ngolden:\n%s", name, line, window(got, line), window(want, line))
		}
		for _, p := range split(src, cutPoints(src), partSize, true)[1:] {
			if p.copied {
				if _, _, ok := copyRun(p.src); ok {
					copied += len(p.src)
				} else {
					refused += len(p.src)
				}
			}
		}
	}
	t.Logf("functions copied: %d bytes, printed: %d", copied, refused)
	if copied < 4*refused {
		t.Errorf("only %d bytes of functions copied, %d printed", copied, refused)
	}
}

// TestCopyRunSelectors checks the import names found by scanning.
func TestCopyRunSelectors(t *testing.T) {
	src := "func f() {\n\tjson.Marshal(v.time.x)\n\t_ = \"fmt.Sprint\"\n\ts := strings.Builder{}\n}\n"
	_, used, ok := copyRun([]byte(src))
	if !ok {
		t.Fatal("refused")
	}
	for name, want := range map[string]bool{"json": true, "v": true, "strings": true, "time": false, "fmt": false} {
		if used[name] != want {
			t.Errorf("used[%q] = %v, want %v", name, used[name], want)
		}
	}
}

// TestImportName checks the package names imports are assumed to have
// when unused ones are dropped: a wrong guess drops an import in use.
func TestImportName(t *testing.T) {
	for p, want := range map[string]string{
		"encoding/json":                        "json",
		"math/rand/v2":                         "rand",
		"github.com/nats-io/nats.go":           "nats",
		"github.com/nats-io/nats.go/jetstream": "jetstream",
		"github.com/pmezard/go-difflib":        "difflib",
		"gopkg.in/yaml.v3":                     "yaml",
		"example.com/orders/api":               "api",
	} {
		if got := importName(p); got != want {
			t.Errorf("importName(%q) = %q, want %q", p, got, want)
		}
	}
}
