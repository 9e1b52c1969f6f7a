package schema_test

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/pmezard/go-difflib/difflib"
	"golang.org/x/tools/txtar"

	"github.com/svcgen/svcgen/generator/build"
	"github.com/svcgen/svcgen/generator/load"
	"github.com/svcgen/svcgen/generator/model"
	"github.com/svcgen/svcgen/generator/render"
	"github.com/svcgen/svcgen/generator/schema"
)

var update = flag.Bool("update", false, "rewrite golden files")

// A case is one testdata/*.txtar archive: the comment says what it shows
// (a first line "allow-destructive" sets the flag), new.yaml is the new spec
// (absent: the old one again), old.yaml the old one (absent:
// testdata/shop.yaml). The other files are what Diff returns.
type testCase struct {
	name     string
	path     string
	arc      *txtar.Archive
	allow    bool
	old, new *model.Service
}

// inputs are the archive files a case is made from; the rest is output.
var inputs = map[string]bool{"old.yaml": true, "new.yaml": true}

func cases(t *testing.T) []testCase {
	t.Helper()
	paths, err := filepath.Glob("testdata/*.txtar")
	if err != nil || len(paths) == 0 {
		t.Fatalf("no cases in testdata: %v", err)
	}
	shop, err := os.ReadFile("testdata/shop.yaml")
	if err != nil {
		t.Fatal(err)
	}
	var out []testCase
	for _, p := range paths {
		arc, err := txtar.ParseFile(p)
		if err != nil {
			t.Fatal(err)
		}
		c := testCase{
			name:  strings.TrimSuffix(filepath.Base(p), ".txtar"),
			path:  p,
			arc:   arc,
			allow: strings.HasPrefix(string(arc.Comment), "allow-destructive\n"),
		}
		oldSpec, newSpec := shop, []byte(nil)
		for _, f := range arc.Files {
			switch f.Name {
			case "old.yaml":
				oldSpec = f.Data
			case "new.yaml":
				newSpec = f.Data
			}
		}
		if newSpec == nil {
			newSpec = oldSpec
		}
		c.old = buildSpec(t, p+": old.yaml", oldSpec)
		c.new = buildSpec(t, p+": new.yaml", newSpec)
		out = append(out, c)
	}
	return out
}

// buildSpec builds the model of an OpenAPI document, as svcgen does.
func buildSpec(t *testing.T, what string, src []byte) *model.Service {
	t.Helper()
	path := filepath.Join(t.TempDir(), "openapi.yaml")
	if err := os.WriteFile(path, src, 0o644); err != nil {
		t.Fatal(err)
	}
	spec, _, err := load.Load(context.Background(), path)
	if err != nil {
		t.Fatalf("%s: %v", what, err)
	}
	svc, err := build.Build(spec, build.Options{SpecFile: "openapi.yaml"})
	if err != nil {
		t.Fatalf("%s: %v", what, err)
	}
	return svc
}

// outputs are the archive files that show what Diff returned.
func outputs(t *testing.T, m schema.Migration, ok bool) map[string][]byte {
	t.Helper()
	var b strings.Builder
	fmt.Fprintf(&b, "ok: %v\nname: %s\n", ok, m.Name)
	for _, list := range []struct {
		name  string
		lines []string
	}{{"changes", m.Changes}, {"destructive", m.Destructive}} {
		fmt.Fprintf(&b, "%s:\n", list.name)
		for _, l := range list.lines {
			fmt.Fprintf(&b, "  %s\n", l)
		}
	}
	applied, err := json.MarshalIndent(m.Applied, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	out := map[string][]byte{"result": []byte(b.String()), "applied.json": append(applied, '\n')}
	if len(m.Changes) > 0 {
		out["sqlite.sql"] = m.SQLite
		out["postgres.sql"] = m.Postgres
	}
	return out
}

// TestDiff compares what Diff returns with the archives in testdata;
// -update rewrites them.
func TestDiff(t *testing.T) {
	for _, c := range cases(t) {
		t.Run(c.name, func(t *testing.T) {
			old, new := schema.Of(c.old), schema.Of(c.new)
			m, ok := schema.Diff(old, new, c.allow)
			got := outputs(t, m, ok)
			if *update {
				rewrite(t, c, got)
			} else {
				compare(t, c, got)
			}

			// Same input, same bytes.
			again, _ := schema.Diff(schema.Of(c.old), schema.Of(c.new), c.allow)
			if !reflect.DeepEqual(m, again) {
				t.Error("a second Diff of the same schemas differs")
			}
			// After the migration nothing is left to apply: only what
			// waits for --allow-destructive, which then applies it all.
			next, nextOK := schema.Diff(m.Applied, new, c.allow)
			if nextOK {
				t.Errorf("Diff from Applied still applies:\n%s", strings.Join(next.Changes, "\n"))
			}
			if !slicesEqual(next.Changes, next.Destructive) || !c.allow && !slicesEqual(next.Destructive, m.Destructive) {
				t.Errorf("Diff from Applied: changes %q, destructive %q; want the %q that wait", next.Changes, next.Destructive, m.Destructive)
			}
			final, _ := schema.Diff(m.Applied, new, true)
			if rest, _ := schema.Diff(final.Applied, new, false); len(rest.Changes) > 0 {
				t.Errorf("Diff with --allow-destructive from Applied leaves %q", rest.Changes)
			}
			if !ok && len(m.Destructive) == 0 && len(m.Changes) > 0 {
				t.Error("ok is false but nothing waits")
			}
			if len(m.Name) > 50 || strings.Trim(m.Name, "abcdefghijklmnopqrstuvwxyz0123456789_") != "" {
				t.Errorf("name %q: want at most 50 of [a-z0-9_]", m.Name)
			}
		})
	}
}

func slicesEqual(a, b []string) bool { return strings.Join(a, "\n") == strings.Join(b, "\n") }

func compare(t *testing.T, c testCase, got map[string][]byte) {
	t.Helper()
	want := map[string][]byte{}
	for _, f := range c.arc.Files {
		if !inputs[f.Name] {
			want[f.Name] = f.Data
		}
	}
	names := map[string]bool{}
	for n := range got {
		names[n] = true
	}
	for n := range want {
		names[n] = true
	}
	for _, n := range sortedKeys(names) {
		if bytes.Equal(got[n], want[n]) {
			continue
		}
		diff, _ := difflib.GetUnifiedDiffString(difflib.UnifiedDiff{
			A: difflib.SplitLines(string(want[n])), B: difflib.SplitLines(string(got[n])),
			FromFile: c.path + ": " + n, ToFile: "got", Context: 3,
		})
		t.Errorf("%s differs (go test -update rewrites it):\n%s", n, diff)
	}
}

func rewrite(t *testing.T, c testCase, got map[string][]byte) {
	t.Helper()
	arc := &txtar.Archive{Comment: c.arc.Comment}
	changed := false
	for _, f := range c.arc.Files {
		if inputs[f.Name] {
			arc.Files = append(arc.Files, f)
		} else if !bytes.Equal(f.Data, got[f.Name]) {
			changed = true
		}
	}
	for _, n := range []string{"result", "sqlite.sql", "postgres.sql", "applied.json"} {
		if data, ok := got[n]; ok {
			arc.Files = append(arc.Files, txtar.File{Name: n, Data: data})
		}
	}
	if len(arc.Files) != len(c.arc.Files) {
		changed = true
	}
	if !changed {
		return
	}
	if err := os.WriteFile(c.path, txtar.Format(arc), 0o644); err != nil {
		t.Fatal(err)
	}
	t.Logf("rewrote %s", c.path)
}

func sortedKeys(m map[string]bool) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// TestSchemaJSON checks that a schema survives .svcgen/schema.json: it
// encodes to the same bytes every time and decodes to itself, which
// then differs from the model in nothing.
func TestSchemaJSON(t *testing.T) {
	for _, spec := range []string{"testdata/shop.yaml", "../../spec/orders.yaml", "../../spec/hostile.yaml"} {
		src, err := os.ReadFile(spec)
		if err != nil {
			t.Fatal(err)
		}
		s := schema.Of(buildSpec(t, spec, src))
		a, err := json.MarshalIndent(s, "", "  ")
		if err != nil {
			t.Fatal(err)
		}
		var back schema.Schema
		if err := json.Unmarshal(a, &back); err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(s, back) {
			t.Errorf("%s: the schema does not survive JSON:\n%s", spec, a)
		}
		b, _ := json.MarshalIndent(back, "", "  ")
		if !bytes.Equal(a, b) {
			t.Errorf("%s: JSON differs between encodings", spec)
		}
		if m, ok := schema.Diff(back, schema.Of(buildSpec(t, spec, src)), false); ok || len(m.Changes) > 0 {
			t.Errorf("%s: decoded schema differs from the model's: %q", spec, m.Changes)
		}
	}
	// An empty schema encodes its tables as [], not null.
	if b, _ := json.Marshal(schema.Of(&model.Service{})); string(b) != `{"tables":[]}` {
		t.Errorf("empty schema: %s", b)
	}
}

// TestApply runs every case on real databases, as goose would at start-up:
// the init migration from the template, a row in every table, then the
// migration Up, Down and Up again, and, when changes waited, the migration
// that --allow-destructive writes next. After each step the database's
// tables, columns, indexes and foreign keys must be what the schema says,
// and the tables that are kept must still have their row.
//
// SQLite runs through the sqlite3 command, PostgreSQL through psql against
// TEST_DATABASE_URL; each is skipped when unavailable.
func TestApply(t *testing.T) {
	if testing.Short() {
		t.Skip("applying migrations to databases is the second tier: skipped with -short")
	}
	r, err := render.New()
	if err != nil {
		t.Fatal(err)
	}
	var engines []engine
	if _, err := exec.LookPath("sqlite3"); err != nil {
		t.Log("sqlite3 is not on PATH: migrations are not applied to SQLite (apt-get install sqlite3)")
	} else {
		engines = append(engines, sqliteEngine())
	}
	url := os.Getenv("TEST_DATABASE_URL")
	if _, err := exec.LookPath("psql"); err != nil || url == "" {
		t.Log("psql or TEST_DATABASE_URL (postgres://postgres@127.0.0.1:5432/test?sslmode=disable) is missing: migrations are not applied to PostgreSQL")
	} else {
		engines = append(engines, postgresEngine(url))
	}
	if os.Getenv("CI") != "" && len(engines) < 2 {
		t.Fatal("CI must apply migrations to both databases: .ci/run installs sqlite3 and sets TEST_DATABASE_URL")
	}
	if len(engines) == 0 {
		t.Skip("neither sqlite3 nor psql with TEST_DATABASE_URL is available")
	}
	for _, c := range cases(t) {
		for _, allow := range []bool{false, true} {
			old, new := schema.Of(c.old), schema.Of(c.new)
			m, _ := schema.Diff(old, new, allow)
			if len(m.Changes) == 0 || allow && len(m.Destructive) == 0 {
				continue // nothing to run, or the same as without allow
			}
			mode := "deferred"
			if allow {
				mode = "allowed"
			}
			for _, e := range engines {
				t.Run(c.name+"/"+mode+"/"+e.name, func(t *testing.T) {
					initFile, err := r.Render("service/internal/store/migrations/"+e.name+"/00001_init.sql.tmpl", c.old)
					if err != nil {
						t.Fatal(err)
					}
					exec := e.open(t)
					run := func(step string, file []byte, up bool, then string, want schema.Schema, kept []string) {
						t.Helper()
						f := parseGoose(t, step, file)
						script := f.down
						if up {
							script = f.up
						}
						if f.tx {
							script = "BEGIN;\n" + script + "COMMIT;\n"
						}
						script += then + e.describe
						wantLines := describe(e.name, want)
						for _, table := range kept {
							script += `SELECT 'rows ` + table + ` ' || count(*) FROM "` + table + `";` + "\n"
							wantLines = append(wantLines, "rows "+table+" 1")
						}
						out, err := exec(script)
						if err != nil {
							t.Fatalf("%s: %v\n%s", step, err, file)
						}
						got := strings.Split(strings.TrimSpace(out), "\n")
						sort.Strings(got)
						sort.Strings(wantLines)
						if g, w := strings.Join(got, "\n"), strings.Join(wantLines, "\n"); g != w {
							t.Fatalf("after %s the database is not what the schema says:\n%s", step, lineDiff(w, g))
						}
					}
					file := m.SQLite
					if e.name == "postgres" {
						file = m.Postgres
					}
					run("init Up", initFile, true, seedSQL(old), old, nil)
					kept := keptTables(old, m, allow)
					run("migration Up", file, true, "", m.Applied, kept)
					run("migration Down", file, false, "", old, kept)
					run("migration Up again", file, true, "", m.Applied, kept)
					if allow || len(m.Destructive) == 0 {
						return
					}
					// The user reruns with --allow-destructive.
					m2, ok := schema.Diff(m.Applied, new, true)
					if !ok {
						t.Fatal("nothing to apply with --allow-destructive")
					}
					file2 := m2.SQLite
					if e.name == "postgres" {
						file2 = m2.Postgres
					}
					kept2 := intersect(kept, keptTables(m.Applied, m2, true))
					run("destructive Up", file2, true, "", m2.Applied, kept2)
					run("destructive Down", file2, false, "", m.Applied, kept2)
					run("destructive Up again", file2, true, "", m2.Applied, kept2)
				})
			}
		}
	}
}

// keptTables are the tables of old whose rows m keeps: those still there
// and not recreated.
func keptTables(old schema.Schema, m schema.Migration, allow bool) []string {
	var out []string
	for _, t := range old.Tables {
		gone := true
		for _, a := range m.Applied.Tables {
			if a.Name == t.Name {
				gone = false
			}
		}
		for _, c := range m.Changes {
			if allow && strings.HasPrefix(c, "table "+strconv.Quote(t.Name)+" recreated") {
				gone = true
			}
		}
		if !gone {
			out = append(out, t.Name)
		}
	}
	return out
}

func intersect(a, b []string) []string {
	var out []string
	for _, x := range a {
		for _, y := range b {
			if x == y {
				out = append(out, x)
			}
		}
	}
	return out
}

// gooseFile is a migration as goose reads it.
type gooseFile struct {
	up, down string
	tx       bool
}

// parseGoose splits a migration into its sections the way goose's parser
// does, failing on what goose rejects: a comment goose would read as an
// annotation, SQL before "-- +goose Up", a statement left without its
// semicolon.
func parseGoose(t *testing.T, name string, file []byte) gooseFile {
	t.Helper()
	f := gooseFile{tx: true}
	section := ""
	var up, down strings.Builder
	for i, line := range strings.Split(string(file), "\n") {
		if strings.HasPrefix(strings.TrimSpace(line), "--") && strings.Contains(line, "+goose") {
			switch line {
			case "-- +goose Up":
				section = "up"
			case "-- +goose Down":
				if section != "up" {
					t.Fatalf("%s:%d: Down before Up", name, i+1)
				}
				section = "down"
			case "-- +goose NO TRANSACTION":
				f.tx = false
			default:
				t.Fatalf("%s:%d: goose reads %q as an annotation", name, i+1, line)
			}
			continue
		}
		switch section {
		case "":
			if strings.TrimSpace(line) != "" && !strings.HasPrefix(line, "--") {
				t.Fatalf("%s:%d: SQL before -- +goose Up", name, i+1)
			}
		case "up":
			up.WriteString(line + "\n")
		case "down":
			down.WriteString(line + "\n")
		}
	}
	if section != "down" {
		t.Fatalf("%s: no -- +goose Down section", name)
	}
	for _, s := range []string{up.String(), down.String()} {
		last := ""
		for _, line := range strings.Split(s, "\n") {
			if l := strings.TrimSpace(line); l != "" && !strings.HasPrefix(l, "--") {
				last = l
			}
		}
		if last != "" && !strings.HasSuffix(strings.TrimSpace(strings.SplitN(last, "--", 2)[0]), ";") {
			t.Fatalf("%s: statement without a semicolon: %q", name, last)
		}
	}
	f.up, f.down = up.String(), down.String()
	return f
}

// engine is a database the migrations run on.
type engine struct {
	name string
	// describe is SQL that prints the lines describe lists for a schema.
	describe string
	// open makes an empty database for the test and returns how to run a
	// script on a new connection to it, and what the script printed.
	open func(t *testing.T) func(script string) (string, error)
}

// describe lists what a database made from s holds, one sorted line per
// table, column, index and foreign key, in the terms the engine reports.
func describe(engine string, s schema.Schema) []string {
	var lines []string
	for _, t := range s.Tables {
		lines = append(lines, "table "+t.Name)
		for _, c := range t.Columns {
			pk := c.Name == t.PrimaryKey
			if engine == "sqlite" {
				notNull := c.NotNull && !pk
				lines = append(lines, fmt.Sprintf("column %s.%s %s notnull=%v pk=%v", t.Name, c.Name, strings.TrimSuffix(c.SQLite, " PRIMARY KEY"), notNull, pk))
			} else {
				lines = append(lines, fmt.Sprintf("column %s.%s %s notnull=%v", t.Name, c.Name, pgType(c.Postgres), c.NotNull || pk))
			}
			if r := c.References; r != nil {
				lines = append(lines, fmt.Sprintf("fk %s.%s -> %s.%s CASCADE", t.Name, c.Name, r.Table, r.Column))
			}
		}
		for _, ix := range t.Indexes {
			lines = append(lines, "index "+ix.Name)
		}
	}
	return lines
}

// pgType is a type as information_schema.columns names it.
func pgType(t string) string {
	t = strings.TrimSuffix(t, " PRIMARY KEY")
	t = strings.TrimSuffix(t, " GENERATED BY DEFAULT AS IDENTITY")
	if t == "TIMESTAMPTZ" {
		return "timestamp with time zone"
	}
	return strings.ToLower(t)
}

// seedSQL inserts one row in every table of s: NULL where allowed, else
// the zero value, keys that refer to each other.
func seedSQL(s schema.Schema) string {
	key := func(c schema.Column) string {
		switch {
		case strings.HasPrefix(c.Postgres, "BIGINT"), strings.HasPrefix(c.Postgres, "INTEGER"):
			return "1"
		case strings.HasPrefix(c.Postgres, "UUID"):
			return "'00000000-0000-0000-0000-000000000001'"
		}
		return "'k1'"
	}
	tables := map[string]schema.Table{}
	for _, t := range s.Tables {
		tables[t.Name] = t
	}
	var b strings.Builder
	done := map[string]bool{}
	var insert func(t schema.Table)
	insert = func(t schema.Table) {
		if done[t.Name] {
			return
		}
		done[t.Name] = true
		var cols, vals []string
		for _, c := range t.Columns {
			v := "NULL"
			switch {
			case c.Name == t.PrimaryKey:
				v = key(c)
			case c.References != nil:
				p := tables[c.References.Table]
				insert(p)
				for _, pc := range p.Columns {
					if pc.Name == c.References.Column {
						v = key(pc)
					}
				}
			case c.NotNull:
				v = c.Zero
			}
			cols = append(cols, `"`+c.Name+`"`)
			vals = append(vals, v)
		}
		fmt.Fprintf(&b, "INSERT INTO \"%s\" (%s) VALUES (%s);\n", t.Name, strings.Join(cols, ", "), strings.Join(vals, ", "))
	}
	for _, t := range s.Tables {
		insert(t)
	}
	return b.String()
}

func lineDiff(want, got string) string {
	d, _ := difflib.GetUnifiedDiffString(difflib.UnifiedDiff{
		A: difflib.SplitLines(want + "\n"), B: difflib.SplitLines(got + "\n"),
		FromFile: "schema", ToFile: "database", Context: 2,
	})
	return d
}

// command runs name with stdin and returns its output; anything on
// stderr is an error.
func command(stdin string, name string, args ...string) (string, error) {
	cmd := exec.Command(name, args...)
	cmd.Stdin = strings.NewReader(stdin)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	if err != nil || stderr.Len() > 0 {
		return stdout.String(), fmt.Errorf("%s: %v: %s", name, err, stderr.String())
	}
	return stdout.String(), nil
}

// sqliteEngine runs scripts through the sqlite3 command, with foreign keys
// on as the generated service opens its database.
func sqliteEngine() engine {
	return engine{
		name: "sqlite",
		describe: `
SELECT 'table ' || name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite%';
SELECT 'index ' || name FROM sqlite_schema WHERE type = 'index' AND name NOT LIKE 'sqlite%';
SELECT 'column ' || m.name || '.' || p.name || ' ' || p.type || ' notnull=' || iif(p."notnull", 'true', 'false') || ' pk=' || iif(p.pk, 'true', 'false')
  FROM sqlite_schema m JOIN pragma_table_info(m.name) p WHERE m.type = 'table' AND m.name NOT LIKE 'sqlite%';
SELECT 'fk ' || m.name || '.' || f."from" || ' -> ' || f."table" || '.' || f."to" || ' ' || f.on_delete
  FROM sqlite_schema m JOIN pragma_foreign_key_list(m.name) f WHERE m.type = 'table' AND m.name NOT LIKE 'sqlite%';
`,
		open: func(t *testing.T) func(string) (string, error) {
			path := filepath.Join(t.TempDir(), "test.db")
			return func(script string) (string, error) {
				return command("PRAGMA foreign_keys = ON;\n"+script, "sqlite3", "-bail", "-batch", path)
			}
		},
	}
}

// postgresEngine runs scripts through psql, in a schema of the test's own
// that is dropped afterwards.
func postgresEngine(url string) engine {
	psql := func(schema, script string) (string, error) {
		script = "SET client_min_messages = warning;\nSET search_path TO \"" + schema + "\";\n" + script
		return command(script, "psql", "-X", "-q", "-A", "-t", "-v", "ON_ERROR_STOP=1", "-d", url)
	}
	return engine{
		name: "postgres",
		describe: `
SELECT 'table ' || table_name FROM information_schema.tables WHERE table_schema = current_schema();
SELECT 'index ' || indexname FROM pg_indexes WHERE schemaname = current_schema() AND indexname NOT LIKE '%\_pkey';
SELECT 'column ' || table_name || '.' || column_name || ' ' || data_type || ' notnull=' || CASE is_nullable WHEN 'NO' THEN 'true' ELSE 'false' END
  FROM information_schema.columns WHERE table_schema = current_schema();
SELECT 'fk ' || c.relname || '.' || a.attname || ' -> ' || p.relname || '.' || pa.attname || ' ' || CASE k.confdeltype WHEN 'c' THEN 'CASCADE' ELSE k.confdeltype::text END
  FROM pg_constraint k
  JOIN pg_class c ON c.oid = k.conrelid JOIN pg_namespace n ON n.oid = c.relnamespace
  JOIN pg_attribute a ON a.attrelid = k.conrelid AND a.attnum = k.conkey[1]
  JOIN pg_class p ON p.oid = k.confrelid
  JOIN pg_attribute pa ON pa.attrelid = k.confrelid AND pa.attnum = k.confkey[1]
  WHERE k.contype = 'f' AND n.nspname = current_schema();
`,
		open: func(t *testing.T) func(string) (string, error) {
			t.Helper()
			var b [6]byte
			_, _ = rand.Read(b[:])
			schema := "svcgen_schema_test_" + hex.EncodeToString(b[:])
			if _, err := psql("public", `CREATE SCHEMA "`+schema+`";`); err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() {
				if _, err := psql("public", `DROP SCHEMA "`+schema+`" CASCADE;`); err != nil {
					t.Error(err)
				}
			})
			return func(script string) (string, error) { return psql(schema, script) }
		},
	}
}
