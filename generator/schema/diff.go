package schema

import (
	"strings"
)

// Migration is the next migration, for both dialects.
type Migration struct {
	// Name is the file-name slug: "add_orders_gift_wrap", "add_table_invoices",
	// "change_orders" when several changes touch one table, else
	// "schema_change". Lower-case [a-z0-9_], at most 50 characters.
	Name string
	// SQLite and Postgres are the complete goose files.
	SQLite, Postgres []byte
	// Changes has one line per change, for the user, destructive ones
	// included:
	//	table "orders": column "gift_wrap" added (BOOLEAN, default false)
	Changes []string
	// Destructive repeats the changes of Changes that lose data (a dropped
	// table or column, a type change, NULLs made NOT NULL, a recreated
	// table) or wait for one. Unless allowDestructive, they are written
	// commented out and not applied.
	Destructive []string
	// Applied is the schema after this migration as written: what was
	// commented out is not in it (a dropped column is still there), so the
	// next Diff from Applied offers it again.
	Applied Schema
}

// change is one difference between two schemas.
type change struct {
	table string
	text  string // for the user
	slug  string // for the file name
	// destructive changes are written only with allowDestructive.
	destructive bool
}

// Diff returns the migration from schema old to schema new. Changes that
// lose data are applied only when allowDestructive is set; otherwise they
// are written commented out, and what the new store needs of the old shape
// is still done: a NOT NULL column whose drop waits is made nullable, since
// the store no longer writes it.
//
// ok is false when the migration would apply nothing: nothing changed, or
// every change is destructive and waits. In the second case m still lists
// the waiting changes in Destructive (and its files are valid migrations
// that only hold comments), so the caller can tell the user without adding
// an empty migration on every run.
func Diff(old, new Schema, allowDestructive bool) (m Migration, ok bool) {
	old, new = old.sorted(), new.sorted()
	applied, changes := resolve(old, new, allowDestructive)
	m.Applied = applied
	for _, c := range changes {
		m.Changes = append(m.Changes, c.text)
		if c.destructive {
			m.Destructive = append(m.Destructive, c.text)
		}
		ok = ok || !c.destructive || allowDestructive
	}
	if len(changes) == 0 {
		return m, false
	}
	m.Name = name(changes)
	m.SQLite = file(SQLite, old, applied, new, m, allowDestructive)
	m.Postgres = file(Postgres, old, applied, new, m, allowDestructive)
	return m, ok
}

// resolve lists the changes from old to new and returns the schema they
// leave: every change when allow is set, else only the safe ones.
func resolve(old, new Schema, allow bool) (Schema, []change) {
	diffs := compare(old, new)
	// A new table that references a table whose recreation waits must wait
	// too: the key it references does not exist yet.
	waits := map[string]string{}
	for again := !allow; again; {
		again = false
		for _, d := range diffs {
			if d.from != nil || waits[d.name] != "" {
				continue
			}
			for _, c := range d.to.Columns {
				r := c.References
				if r == nil {
					continue
				}
				for _, p := range diffs {
					if p.name == r.Table && (p.recreate != "" || waits[p.name] != "") {
						waits[d.name] = r.Table
						again = true
					}
				}
			}
		}
	}
	applied := Schema{Tables: []Table{}}
	var changes []change
	for _, d := range diffs {
		tbl := "table " + quote(d.name)
		switch {
		case d.to == nil:
			changes = append(changes, change{d.name, tbl + " dropped", "drop_table_" + d.name, true})
			if !allow {
				applied.Tables = append(applied.Tables, *d.from)
			}
		case d.from == nil && waits[d.name] != "":
			changes = append(changes, change{d.name, tbl + " added once table " + quote(waits[d.name]) + " is recreated", "add_table_" + d.name, true})
		case d.from == nil:
			changes = append(changes, change{d.name, tbl + " added", "add_table_" + d.name, false})
			applied.Tables = append(applied.Tables, *d.to)
		case d.recreate != "":
			changes = append(changes, change{d.name, tbl + " recreated, losing its rows: " + d.recreate, "recreate_table_" + d.name, true})
			if allow {
				applied.Tables = append(applied.Tables, *d.to)
			} else {
				applied.Tables = append(applied.Tables, *d.from)
			}
		default:
			t, cs := alterTable(*d.from, *d.to, allow)
			applied.Tables = append(applied.Tables, t)
			changes = append(changes, cs...)
		}
	}
	return applied.sorted(), changes
}

// alterTable lists the changes from table f to table t, which keeps its
// rows, and returns the table they leave.
func alterTable(f, t Table, allow bool) (Table, []change) {
	out := Table{Name: f.Name, PrimaryKey: f.PrimaryKey}
	var changes []change
	add := func(col, text, slug string, destructive bool) {
		changes = append(changes, change{t.Name, "table " + quote(t.Name) + ": " + text, slug + "_" + t.Name + "_" + col, destructive})
	}
	for _, c := range f.Columns {
		col := "column " + quote(c.Name)
		n, ok := t.column(c.Name)
		if !ok {
			add(c.Name, col+" dropped", "drop", true)
			if allow {
				continue
			}
			if c.NotNull && c.Name != f.PrimaryKey {
				add(c.Name, col+" made nullable while its drop waits, as the store no longer writes it", "alter", false)
				c.NotNull = false
			}
			out.Columns = append(out.Columns, c)
			continue
		}
		a := n
		if !c.sameType(n) {
			if widens(c, n) {
				add(c.Name, col+" widened ("+typeChange(c, n)+")", "alter", false)
			} else if lossless(c, n) {
				add(c.Name, col+" converted to text ("+typeChange(c, n)+"), keeping every value", "alter", false)
			} else {
				add(c.Name, col+" changed type ("+typeChange(c, n)+")", "alter", true)
				if !allow {
					a.SQLite, a.Postgres, a.Zero = c.SQLite, c.Postgres, c.Zero
				}
			}
		}
		switch {
		case c.NotNull && !n.NotNull:
			add(c.Name, col+" made nullable", "alter", false)
		case !c.NotNull && n.NotNull:
			add(c.Name, col+" made NOT NULL, NULLs becoming "+a.zero(), "alter", true)
			if !allow {
				a.NotNull = false
			}
		}
		out.Columns = append(out.Columns, a)
	}
	for _, c := range t.Columns {
		if _, ok := f.column(c.Name); ok {
			continue
		}
		what := c.Postgres + ", nullable"
		if c.NotNull {
			what = c.Postgres + ", default " + c.zero()
		}
		add(c.Name, "column "+quote(c.Name)+" added ("+what+")", "add", false)
		out.Columns = append(out.Columns, c)
	}
	for _, ix := range f.Indexes {
		if n, ok := t.index(ix.Name); !ok || !sameIndex(ix, n) {
			changes = append(changes, change{t.Name, "table " + quote(t.Name) + ": index " + quote(ix.Name) + " dropped", "drop_" + ix.Name, false})
		}
	}
	for _, ix := range t.Indexes {
		if o, ok := f.index(ix.Name); !ok || !sameIndex(ix, o) {
			changes = append(changes, change{t.Name, "table " + quote(t.Name) + ": index " + quote(ix.Name) + " added", "add_" + ix.Name, false})
		}
	}
	out.Indexes = t.Indexes
	return out.clone(), changes
}

// name is the file-name slug of a migration.
func name(changes []change) string {
	s := "schema_change"
	switch {
	case len(changes) == 1:
		s = changes[0].slug
	case oneTable(changes):
		s = "change_" + changes[0].table
	}
	var b strings.Builder
	for _, r := range strings.ToLower(s) {
		if r >= 'a' && r <= 'z' || r >= '0' && r <= '9' {
			b.WriteRune(r)
		} else {
			b.WriteByte('_')
		}
	}
	s = b.String()
	if len(s) > 50 {
		s = s[:50]
	}
	if s = strings.Trim(s, "_"); s == "" {
		s = "schema_change"
	}
	return s
}

func oneTable(changes []change) bool {
	for _, c := range changes {
		if c.table != changes[0].table {
			return false
		}
	}
	return true
}

// file writes the goose migration of one dialect: Up turns old into
// applied, Down turns applied back into old, and what turns applied into new
// is commented out when it waits for allowDestructive.
func file(d Dialect, old, applied, new Schema, m Migration, allow bool) []byte {
	up := statements(d, old, applied)
	down := statements(d, applied, old)
	var waiting script
	if !allow {
		waiting = statements(d, applied, new)
	}
	var b strings.Builder
	b.WriteString("-- A schema change written by svcgen for " + string(d) + ".\n")
	b.WriteString("-- Migrations are append-only: change the schema in a new file.\n--\n")
	for _, c := range m.Changes {
		b.WriteString("-- " + c + "\n")
	}
	// SQLite ignores PRAGMA foreign_keys inside a transaction, and goose
	// runs each migration in one unless told otherwise.
	noTx := up.rebuild || down.rebuild
	if noTx {
		b.WriteString("\n-- +goose NO TRANSACTION\n")
		b.WriteString("-- A table is rebuilt: each section turns foreign keys off, or dropping\n")
		b.WriteString("-- the old table would delete the rows of its children, and opens its\n")
		b.WriteString("-- own transaction.\n")
	}
	b.WriteString("\n-- +goose Up\n")
	section(&b, up.stmts, noTx, "-- Nothing to apply.")
	if len(waiting.stmts) > 0 {
		b.WriteString("\n-- DESTRUCTIVE, not applied: rerun svcgen regenerate --allow-destructive to write it\n")
		b.WriteString("-- in a new migration. It would run:\n")
		for _, s := range waiting.stmts {
			for _, line := range strings.Split(s, "\n") {
				b.WriteString("-- " + line + "\n")
			}
		}
	}
	b.WriteString("\n-- +goose Down\n")
	section(&b, down.stmts, noTx, "-- Nothing to undo.")
	return []byte(b.String())
}

// section writes the statements of an Up or Down section, in their own
// transaction with foreign keys off when the file runs without goose's.
func section(b *strings.Builder, stmts []string, noTx bool, empty string) {
	if len(stmts) == 0 {
		b.WriteString(empty + "\n")
		return
	}
	if noTx {
		stmts = append(append([]string{"PRAGMA foreign_keys = OFF;", "BEGIN;"}, stmts...), "COMMIT;", "PRAGMA foreign_keys = ON;")
	}
	for _, s := range stmts {
		b.WriteString(s + "\n")
	}
}
