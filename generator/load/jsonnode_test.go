package load

import (
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"go.yaml.in/yaml/v4"
)

// yamlTree is what go-yaml makes of raw: the tree parse used before
// parseJSON, or nil when go-yaml refuses raw.
func yamlTree(raw []byte) *yaml.Node {
	if n, ok := parseOpenBrace(raw); ok {
		return n
	}
	var doc yaml.Node
	if yaml.Unmarshal(raw, &doc) != nil || doc.Kind != yaml.DocumentNode || len(doc.Content) != 1 {
		return nil
	}
	return doc.Content[0]
}

// sameTree reports the first difference between two node trees.
func sameTree(a, b *yaml.Node, ptr string) error {
	if a.Kind != b.Kind || a.Tag != b.Tag || a.Value != b.Value || a.Style != b.Style ||
		a.Line != b.Line || a.Column != b.Column || len(a.Content) != len(b.Content) {
		return fmt.Errorf("at %q: parseJSON gives kind %v tag %s style %v %d:%d %q (%d children), go-yaml kind %v tag %s style %v %d:%d %q (%d children)",
			ptr, a.Kind, a.Tag, a.Style, a.Line, a.Column, a.Value, len(a.Content), b.Kind, b.Tag, b.Style, b.Line, b.Column, b.Value, len(b.Content))
	}
	for i := range a.Content {
		if err := sameTree(a.Content[i], b.Content[i], fmt.Sprintf("%s/%d", ptr, i)); err != nil {
			return err
		}
	}
	return nil
}

// checkSameAsYAML fails t when parseJSON reads raw and go-yaml reads it
// differently; it returns whether parseJSON read it.
func checkSameAsYAML(t *testing.T, name string, raw []byte) bool {
	t.Helper()
	n, ok := parseJSON(raw)
	if !ok {
		return false
	}
	y := yamlTree(raw)
	if y == nil {
		return true // go-yaml refuses some JSON (tabs before a token...): parseJSON is more lenient
	}
	if err := sameTree(n, y, ""); err != nil {
		t.Errorf("%s: %v", name, err)
	}
	return true
}

func TestParseJSONSameAsYAML(t *testing.T) {
	cases := map[string]string{
		"nested":     "{\n  \"a\": {\"b\": [1, -2.5, 3e10, true, false, null, \"x\"]},\n  \"c\": []\n}",
		"escapes":    "{\n\"k\\n\": \"tab\\there \\\"q\\\" \\/ \\u00e9 \\\\\",\n \"e\": {}}",
		"non-ascii":  "{\n  \"prénom\": \"名前\", \"Ωmega\": [\"é\", {\"x\": 1}]\n}",
		"big ints":   "{\n\"a\": 9223372036854775807, \"b\": 18446744073709551615, \"c\": 18446744073709551616, \"d\": -9223372036854775809, \"e\": -0}",
		"one line":   `{"openapi": "3.0.3", "paths": {"/a": {"get": {"responses": {"200": {"description": "ok"}}}}}}`,
		"deep lines": "{\n\n\n    \"a\":\n\n  [\n1\n,\n2]}\n\n",
	}
	for name, src := range cases {
		if !checkSameAsYAML(t, name, []byte(src)) {
			t.Errorf("%s: parseJSON refused valid JSON", name)
		}
	}
	for name, src := range map[string]string{
		"not an object":     `[1]`,
		"leading space":     ` {}`,
		"trailing garbage":  "{}\n}",
		"trailing comma":    `{"a": 1,}`,
		"leading zero":      `{"a": 01}`,
		"bare word":         `{"a": nope}`,
		"unterminated":      `{"a": "b`,
		"control character": "{\"a\": \"b\tc\"}",
		"carriage return":   "{\r\n\"a\": 1}",
		"line separator":    "{\"a\": \"b\u2028c\"}",
		"surrogate":         `{"a": "\ud83d\ude00"}`,
		"invalid utf-8":     "{\"a\": \"\xff\"}",
		"too deep":          "{\"a\":" + strings.Repeat("[", maxJSONDepth+2) + strings.Repeat("]", maxJSONDepth+2) + "}",
	} {
		if _, ok := parseJSON([]byte(src)); ok {
			t.Errorf("%s: parseJSON read %q; go-yaml should", name, src)
		}
	}
}

// TestParseJSONSpecs compares the trees of every JSON file in testdata and,
// when SVCGEN_JSON_CORPUS names a folder (such as bench/.cache/npm), of
// every .json file under it.
func TestParseJSONSpecs(t *testing.T) {
	roots := []string{"testdata", filepath.Join("..", "testdata"), filepath.Join("..", "..", "spec")}
	if dir := os.Getenv("SVCGEN_JSON_CORPUS"); dir != "" {
		roots = append(roots, dir)
	}
	read := 0
	for _, root := range roots {
		filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
			if err != nil || d.IsDir() || !strings.HasSuffix(path, ".json") {
				return nil
			}
			raw, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			if checkSameAsYAML(t, path, raw) {
				read++
			}
			return nil
		})
	}
	t.Logf("%d JSON files read by parseJSON and compared with go-yaml", read)
}

func FuzzParseJSON(f *testing.F) {
	f.Add([]byte("{\n  \"a\": {\"b\": [1, -2.5, 3e10, true, false, null, \"x\\u00e9\"]}\n}"))
	f.Add([]byte(`{"openapi": "3.0.3", "info": {"title": "t", "version": "1"}}`))
	f.Fuzz(func(t *testing.T, raw []byte) {
		checkSameAsYAML(t, "input", raw)
	})
}
