package schema

import (
	"sort"
	"strings"
)

// tableDiff pairs a table's two versions.
type tableDiff struct {
	name     string
	from, to *Table // nil when the table is absent
	// recreate says why the table must be dropped and created again, or is
	// "" when it is kept.
	recreate string
}

// compare pairs the tables of from and to by name, sorted by name, and
// decides which tables must be recreated: those whose rows change identity
// (primary key or foreign keys) and, since their rows go with their
// parent's, the children of recreated tables.
func compare(from, to Schema) []*tableDiff {
	byName := map[string]*tableDiff{}
	var out []*tableDiff
	get := func(name string) *tableDiff {
		if d := byName[name]; d != nil {
			return d
		}
		d := &tableDiff{name: name}
		byName[name] = d
		out = append(out, d)
		return d
	}
	for i := range from.Tables {
		get(from.Tables[i].Name).from = &from.Tables[i]
	}
	for i := range to.Tables {
		get(to.Tables[i].Name).to = &to.Tables[i]
	}
	sort.Slice(out, func(i, j int) bool { return out[i].name < out[j].name })
	for _, d := range out {
		if d.from != nil && d.to != nil {
			d.recreate = identityChange(*d.from, *d.to)
		}
	}
	for changed := true; changed; {
		changed = false
		for _, d := range out {
			if d.from == nil || d.to == nil || d.recreate != "" {
				continue
			}
			for _, c := range d.from.Columns {
				if r := c.References; r != nil && r.Table != d.name && byName[r.Table] != nil && byName[r.Table].recreate != "" {
					if _, kept := d.to.column(c.Name); kept {
						d.recreate = "table " + quote(r.Table) + " is recreated"
						changed = true
						break
					}
				}
			}
		}
	}
	return out
}

// identityChange says why rows of table f cannot be kept in table t, or
// returns "".
func identityChange(f, t Table) string {
	fk, _ := f.column(f.PrimaryKey)
	tk, _ := t.column(t.PrimaryKey)
	switch {
	case f.PrimaryKey != t.PrimaryKey:
		return "primary key " + quote(f.PrimaryKey) + " is now " + quote(t.PrimaryKey)
	case !fk.sameType(tk):
		return "primary key " + quote(t.PrimaryKey) + " changed type (" + typeChange(fk, tk) + ")"
	}
	for _, c := range t.Columns {
		o, ok := f.column(c.Name)
		switch {
		case !ok && c.References != nil:
			return "new column " + quote(c.Name) + " references table " + quote(c.References.Table)
		case ok && !sameReference(o.References, c.References):
			return "foreign key of column " + quote(c.Name) + " changed"
		}
	}
	return ""
}

// typeChange shows a column's change of type: PostgreSQL's names, which
// say more, unless only SQLite's differ.
func typeChange(from, to Column) string {
	if from.Postgres == to.Postgres {
		return from.SQLite + " -> " + to.SQLite
	}
	return strings.TrimSuffix(from.Postgres, " PRIMARY KEY") + " -> " + strings.TrimSuffix(to.Postgres, " PRIMARY KEY")
}

// widening lists the PostgreSQL type changes that keep every value and
// leave SQLite's type as it was (int32 to int64, float to double): they
// are applied as safe changes.
var widening = map[[2]string]bool{
	{"INTEGER", "BIGINT"}:           true,
	{"REAL", "DOUBLE PRECISION"}:    true,
	{"INTEGER", "DOUBLE PRECISION"}: true,
}

func widens(from, to Column) bool {
	return from.SQLite == to.SQLite && widening[[2]string{from.Postgres, to.Postgres}]
}

// lossless reports whether changing a column from one type to the other
// keeps every value: a widening, or any type to text (every value has a
// text form, which is what the new store writes and reads). Such a change
// is applied at once; waiting would leave the store writing values the
// old column rejects or rewrites (a REAL column turns "12.50" into 12.5).
func lossless(from, to Column) bool {
	return widens(from, to) || to.SQLite == "TEXT" && to.Postgres == "TEXT"
}

// script is the statements that turn one schema into another in one
// dialect.
type script struct {
	stmts []string
	// rebuild is true when a SQLite table is rebuilt: the file then turns
	// foreign keys off around its own transaction.
	rebuild bool
}

// statements returns the statements that turn schema from into schema to,
// every change applied, in three phases: tables kept are altered (which
// may drop foreign keys to tables about to go), then tables dropped or
// recreated are dropped, children first, then new and recreated tables
// are created, parents first.
func statements(d Dialect, from, to Schema) script {
	var s script
	diffs := compare(from, to)
	var drop, create []Table
	for _, td := range diffs {
		switch {
		case td.to == nil:
			drop = append(drop, *td.from)
		case td.from == nil:
			create = append(create, *td.to)
		case td.recreate != "":
			drop = append(drop, *td.from)
			create = append(create, *td.to)
		default:
			stmts, rebuild := alter(d, *td.from, *td.to)
			s.stmts = append(s.stmts, stmts...)
			s.rebuild = s.rebuild || rebuild
		}
	}
	drop = creationOrder(drop)
	for i := len(drop) - 1; i >= 0; i-- {
		s.stmts = append(s.stmts, "DROP TABLE "+quote(drop[i].Name)+";")
	}
	for _, t := range creationOrder(create) {
		s.stmts = append(s.stmts, t.createTable(d, ""))
		for _, ix := range t.Indexes {
			s.stmts = append(s.stmts, t.createIndex(ix))
		}
	}
	return s
}

// alter returns the statements that turn table f into table t, which has
// the same name, primary key and foreign keys. SQLite cannot change a
// column's type or NOT NULL, nor drop a foreign key column, in place: it
// rebuilds the table.
func alter(d Dialect, f, t Table) (stmts []string, rebuild bool) {
	var dropped, added []Column
	var changed [][2]Column
	for _, c := range f.Columns {
		n, ok := t.column(c.Name)
		switch {
		case !ok:
			dropped = append(dropped, c)
			rebuild = rebuild || c.References != nil
		case c.typ(d) != n.typ(d) || c.NotNull != n.NotNull:
			changed = append(changed, [2]Column{c, n})
			rebuild = true
		}
	}
	for _, c := range t.Columns {
		if _, ok := f.column(c.Name); !ok {
			added = append(added, c)
		}
	}
	if d == SQLite && rebuild {
		return rebuildTable(f, t), true
	}
	tbl := "ALTER TABLE " + quote(t.Name)
	for _, ix := range f.Indexes {
		if n, ok := t.index(ix.Name); !ok || !sameIndex(ix, n) {
			stmts = append(stmts, "DROP INDEX "+quote(ix.Name)+";")
		}
	}
	for _, c := range dropped {
		stmts = append(stmts, tbl+" DROP COLUMN "+quote(c.Name)+";")
	}
	for _, c := range added {
		def := t.definition(d, c)
		if c.NotNull {
			def += " DEFAULT " + c.zero()
		}
		stmts = append(stmts, tbl+" ADD COLUMN "+def+";")
	}
	for _, p := range changed { // PostgreSQL only: SQLite rebuilt the table
		o, n := p[0], p[1]
		col := tbl + " ALTER COLUMN " + quote(n.Name)
		if o.Postgres != n.Postgres {
			using := ""
			if !widens(o, n) {
				using = " USING " + convert(quote(n.Name), o.Postgres, n.Postgres)
			}
			stmts = append(stmts, col+" TYPE "+n.Postgres+using+";")
		}
		switch {
		case o.NotNull && !n.NotNull:
			stmts = append(stmts, col+" DROP NOT NULL;")
		case !o.NotNull && n.NotNull:
			stmts = append(stmts,
				"UPDATE "+quote(t.Name)+" SET "+quote(n.Name)+" = "+n.zero()+" WHERE "+quote(n.Name)+" IS NULL;",
				col+" SET NOT NULL;")
		}
	}
	for _, ix := range t.Indexes {
		if o, ok := f.index(ix.Name); !ok || !sameIndex(ix, o) {
			stmts = append(stmts, t.createIndex(ix))
		}
	}
	return stmts, false
}

// convert is the PostgreSQL expression that turns column col of type from
// into type to: through text, which every type converts to and from, and
// through jsonb's own functions for JSON. A value that does not convert
// fails the migration, which PostgreSQL rolls back.
func convert(col, from, to string) string {
	switch {
	case to == "JSONB":
		return "to_jsonb(" + col + ")"
	case from == "JSONB" && to == "TEXT":
		return col + " #>> '{}'"
	case from == "JSONB":
		return "(" + col + " #>> '{}')::" + to
	case to == "TEXT":
		return col + "::text"
	}
	return col + "::text::" + to
}

// rebuildTable is SQLite's way to change a table beyond adding and
// dropping plain columns (sqlite.org/lang_altertable.html, "other kinds of
// table schema changes"): create the new table under another name, copy the
// rows, drop the old table, rename the new one and create its indexes. The
// file runs it with foreign keys off, or dropping a parent table would
// delete its children's rows.
func rebuildTable(f, t Table) []string {
	tmp := "svcgen_new_" + t.Name
	var cols, exprs []string
	for _, c := range t.Columns {
		o, ok := f.column(c.Name)
		switch {
		case ok && c.NotNull && !o.NotNull && c.Name != t.PrimaryKey:
			cols = append(cols, quote(c.Name))
			exprs = append(exprs, "COALESCE("+quote(c.Name)+", "+c.zero()+")")
		case ok:
			cols = append(cols, quote(c.Name))
			exprs = append(exprs, quote(c.Name))
		case c.NotNull:
			cols = append(cols, quote(c.Name))
			exprs = append(exprs, c.zero())
		}
	}
	stmts := []string{
		t.createTable(SQLite, tmp),
		"INSERT INTO " + quote(tmp) + " (" + strings.Join(cols, ", ") + ")\n    SELECT " + strings.Join(exprs, ", ") + " FROM " + quote(t.Name) + ";",
		"DROP TABLE " + quote(t.Name) + ";",
		"ALTER TABLE " + quote(tmp) + " RENAME TO " + quote(t.Name) + ";",
	}
	for _, ix := range t.Indexes {
		stmts = append(stmts, t.createIndex(ix))
	}
	return stmts
}
