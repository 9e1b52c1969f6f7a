// Package schema describes the database schema a model implies and writes
// the next migration when the model changes.
//
// A Schema is what a service's migrations have created so far; svcgen keeps
// it in the service (.svcgen/schema.json) so that the next regenerate can
// compare it with the schema of the new model (Of) and append one migration
// (Diff). Migrations are append-only: a change that would lose data is
// written commented out unless the user allows it, and the Schema then still
// holds what the database has.
//
// Column types and zero values are decided by package build (model.Column);
// this package decides every statement, for the init migration as for the
// later ones.
package schema

import (
	"container/heap"
	"sort"
	"strings"

	"github.com/svcgen/svcgen/generator/model"
)

// Schema is the tables a service's migrations have created. It is
// JSON-serialisable and deterministic: tables and indexes sorted by name,
// columns in the order the table has them.
type Schema struct {
	Tables []Table `json:"tables"`
}

// Table is one table.
type Table struct {
	Name string `json:"name"`
	// PrimaryKey names the primary key column. Its types carry the
	// PRIMARY KEY clause itself, as package build writes them
	// ("INTEGER PRIMARY KEY"): SQLite's rowid alias is part of the type.
	PrimaryKey string   `json:"primaryKey"`
	Columns    []Column `json:"columns"`
	Indexes    []Index  `json:"indexes,omitempty"`
}

// Column is one column of a table.
type Column struct {
	Name     string `json:"name"`
	SQLite   string `json:"sqlite"` // type per dialect
	Postgres string `json:"postgres"`
	NotNull  bool   `json:"notNull,omitempty"`
	// Zero is the SQL literal existing rows get when the column is added
	// NOT NULL or made NOT NULL; the same in both dialects.
	Zero string `json:"zero,omitempty"`
	// References is the parent table's key this column holds, or nil. Rows
	// are deleted with their parent (ON DELETE CASCADE).
	References *Reference `json:"references,omitempty"`
}

// Reference is a foreign key: the parent table and its key column.
type Reference struct {
	Table  string `json:"table"`
	Column string `json:"column"`
}

// Index is a (non-unique) index.
type Index struct {
	Name    string   `json:"name"`
	Columns []string `json:"columns"`
}

// Dialect is the SQL flavour of a migration.
type Dialect string

const (
	SQLite   Dialect = "sqlite"
	Postgres Dialect = "postgres"
)

// Of returns the schema of svc's resources: what the init migration creates
// for it.
func Of(svc *model.Service) Schema {
	s := Schema{Tables: []Table{}}
	for _, r := range svc.Resources {
		t := Table{Name: r.Table, PrimaryKey: r.ID.Name}
		for _, c := range r.Columns {
			col := Column{Name: c.Name, SQLite: c.SQLite, Postgres: c.Postgres, NotNull: c.NotNull, Zero: c.Zero}
			// A flat item's parent key is a property of its own, which may
			// predate the nested collection: no reference, which SQLite
			// could only add by recreating the table (Create checks the
			// parent exists).
			if c == r.ParentColumn && r.Parent != nil && !r.Flat {
				col.References = &Reference{Table: r.Parent.Table, Column: r.Parent.ID.Name}
			}
			t.Columns = append(t.Columns, col)
			if c.Index {
				t.Indexes = append(t.Indexes, Index{Name: r.Table + "_" + c.Name + "_idx", Columns: []string{c.Name}})
			}
		}
		s.Tables = append(s.Tables, t)
	}
	return s.sorted()
}

// CreateSQL returns the statements that create s in an empty database:
// each table followed by its indexes, parents before children.
func (s Schema) CreateSQL(d Dialect) string {
	return strings.Join(statements(d, Schema{}, s).stmts, "\n")
}

// DropSQL returns the statements that drop every table of s, children
// before parents.
func (s Schema) DropSQL(d Dialect) string {
	return strings.Join(statements(d, s, Schema{}).stmts, "\n")
}

// sorted returns a deep copy of s with tables and indexes sorted by name.
func (s Schema) sorted() Schema {
	out := Schema{Tables: make([]Table, 0, len(s.Tables))}
	for _, t := range s.Tables {
		out.Tables = append(out.Tables, t.clone())
	}
	sort.Slice(out.Tables, func(i, j int) bool { return out.Tables[i].Name < out.Tables[j].Name })
	return out
}

func (t Table) clone() Table {
	out := t
	out.Columns = make([]Column, len(t.Columns))
	for i, c := range t.Columns {
		out.Columns[i] = c.clone()
	}
	out.Indexes = nil
	for _, ix := range t.Indexes {
		out.Indexes = append(out.Indexes, Index{Name: ix.Name, Columns: append([]string(nil), ix.Columns...)})
	}
	sort.Slice(out.Indexes, func(i, j int) bool { return out.Indexes[i].Name < out.Indexes[j].Name })
	return out
}

func (c Column) clone() Column {
	if c.References != nil {
		r := *c.References
		c.References = &r
	}
	return c
}

func (t Table) column(name string) (Column, bool) {
	for _, c := range t.Columns {
		if c.Name == name {
			return c, true
		}
	}
	return Column{}, false
}

func (t Table) index(name string) (Index, bool) {
	for _, ix := range t.Indexes {
		if ix.Name == name {
			return ix, true
		}
	}
	return Index{}, false
}

// typ is the column's type in dialect d.
func (c Column) typ(d Dialect) string {
	if d == SQLite {
		return c.SQLite
	}
	return c.Postgres
}

// zero is the literal of the column's zero value. Schemas always carry it;
// the fallback by type serves hand-edited ones.
func (c Column) zero() string {
	if c.Zero != "" {
		return c.Zero
	}
	switch c.Postgres {
	case "BOOLEAN":
		return "false"
	case "SMALLINT", "INTEGER", "BIGINT", "REAL", "DOUBLE PRECISION", "NUMERIC":
		return "0"
	case "TIMESTAMPTZ":
		return "'1970-01-01 00:00:00+00:00'"
	case "DATE":
		return "'1970-01-01'"
	case "UUID":
		return "'00000000-0000-0000-0000-000000000000'"
	case "JSONB":
		return "'null'"
	}
	return "''"
}

// sameType reports whether c and o have the same type in both dialects.
func (c Column) sameType(o Column) bool { return c.SQLite == o.SQLite && c.Postgres == o.Postgres }

func sameReference(a, b *Reference) bool {
	if a == nil || b == nil {
		return a == b
	}
	return *a == *b
}

func sameIndex(a, b Index) bool {
	return a.Name == b.Name && strings.Join(a.Columns, "\x00") == strings.Join(b.Columns, "\x00")
}

// quote quotes an SQL identifier.
func quote(name string) string { return `"` + strings.ReplaceAll(name, `"`, `""`) + `"` }

func quoteAll(names []string) string {
	q := make([]string, len(names))
	for i, n := range names {
		q[i] = quote(n)
	}
	return strings.Join(q, ", ")
}

// definition is the column's definition in a CREATE TABLE or ADD COLUMN.
func (t Table) definition(d Dialect, c Column) string {
	s := quote(c.Name) + " " + c.typ(d)
	if c.NotNull && c.Name != t.PrimaryKey {
		s += " NOT NULL"
	}
	if r := c.References; r != nil {
		s += " REFERENCES " + quote(r.Table) + " (" + quote(r.Column) + ") ON DELETE CASCADE"
	}
	return s
}

// createTable is the CREATE TABLE statement of t, under another name when
// name is not "".
func (t Table) createTable(d Dialect, name string) string {
	if name == "" {
		name = t.Name
	}
	var b strings.Builder
	b.WriteString("CREATE TABLE " + quote(name) + " (")
	for i, c := range t.Columns {
		b.WriteString("\n    " + t.definition(d, c))
		if i < len(t.Columns)-1 {
			b.WriteString(",")
		}
	}
	b.WriteString("\n);")
	return b.String()
}

func (t Table) createIndex(ix Index) string {
	return "CREATE INDEX " + quote(ix.Name) + " ON " + quote(t.Name) + " (" + quoteAll(ix.Columns) + ");"
}

// creationOrder returns the tables of s with every table after the tables
// it references, otherwise by name.
func creationOrder(tables []Table) []Table {
	sorted := append([]Table(nil), tables...)
	sort.Slice(sorted, func(i, j int) bool { return sorted[i].Name < sorted[j].Name })
	index := make(map[string]int, len(sorted))
	for i, t := range sorted {
		index[t.Name] = i
	}
	// Kahn's algorithm, taking the first ready table by name each time:
	// waiting[i] counts the tables i references that are not created yet,
	// users[j] lists the tables that reference j.
	waiting := make([]int, len(sorted))
	users := make([][]int, len(sorted))
	for i, t := range sorted {
		seen := map[int]bool{}
		for _, c := range t.Columns {
			if r := c.References; r != nil && r.Table != t.Name {
				if j, ok := index[r.Table]; ok && !seen[j] {
					seen[j] = true
					waiting[i]++
					users[j] = append(users[j], i)
				}
			}
		}
	}
	ready := &intHeap{}
	for i := range sorted {
		if waiting[i] == 0 {
			heap.Push(ready, i)
		}
	}
	done := make([]bool, len(sorted))
	out := make([]Table, 0, len(sorted))
	for len(out) < len(sorted) {
		if ready.Len() == 0 { // a cycle, which no model makes: keep name order
			for i, t := range sorted {
				if !done[i] {
					done[i] = true
					out = append(out, t)
				}
			}
			break
		}
		i := heap.Pop(ready).(int)
		done[i] = true
		out = append(out, sorted[i])
		for _, u := range users[i] {
			if waiting[u]--; waiting[u] == 0 {
				heap.Push(ready, u)
			}
		}
	}
	return out
}

// intHeap is a min-heap of indexes into a sorted slice.
type intHeap []int

func (h intHeap) Len() int           { return len(h) }
func (h intHeap) Less(i, j int) bool { return h[i] < h[j] }
func (h intHeap) Swap(i, j int)      { h[i], h[j] = h[j], h[i] }
func (h *intHeap) Push(x any)        { *h = append(*h, x.(int)) }
func (h *intHeap) Pop() any {
	old := *h
	x := old[len(old)-1]
	*h = old[:len(old)-1]
	return x
}
