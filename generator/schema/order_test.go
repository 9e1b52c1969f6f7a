package schema

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"
)

// TestCreationOrder holds creationOrder to its definition, written the
// direct way (pick the first ready table by name, again and again, which
// takes time quadratic in the number of tables), on random sets of tables
// referencing each other, cycles and references to absent tables included.
func TestCreationOrder(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for round := range 300 {
		n := 1 + r.IntN(12)
		var tables []Table
		for i := range n {
			tb := Table{Name: fmt.Sprintf("t%02d", r.IntN(40)*100+i)}
			for range r.IntN(4) {
				ref := fmt.Sprintf("t%02d", r.IntN(40)*100+r.IntN(n+2))
				if r.IntN(3) == 0 && len(tables) > 0 {
					ref = tables[r.IntN(len(tables))].Name
				}
				tb.Columns = append(tb.Columns, Column{Name: "c", References: &Reference{Table: ref, Column: "id"}})
			}
			tables = append(tables, tb)
		}
		got, want := names(creationOrder(tables)), names(slowCreationOrder(tables))
		if !slices.Equal(got, want) {
			t.Fatalf("round %d: got %v, want %v", round, got, want)
		}
	}
}

func names(ts []Table) []string {
	var out []string
	for _, t := range ts {
		out = append(out, t.Name)
	}
	return out
}

// slowCreationOrder is creationOrder's definition.
func slowCreationOrder(tables []Table) []Table {
	present := map[string]bool{}
	for _, t := range tables {
		present[t.Name] = true
	}
	sorted := slices.Clone(tables)
	slices.SortFunc(sorted, func(a, b Table) int {
		switch {
		case a.Name < b.Name:
			return -1
		case a.Name > b.Name:
			return 1
		}
		return 0
	})
	ready := func(t Table, done map[string]bool) bool {
		for _, c := range t.Columns {
			if r := c.References; r != nil && r.Table != t.Name && present[r.Table] && !done[r.Table] {
				return false
			}
		}
		return true
	}
	done := map[string]bool{}
	var out []Table
	for len(out) < len(sorted) {
		progress := false
		for _, t := range sorted {
			if !done[t.Name] && ready(t, done) {
				done[t.Name] = true
				out = append(out, t)
				progress = true
				break
			}
		}
		if !progress {
			for _, t := range sorted {
				if !done[t.Name] {
					done[t.Name] = true
					out = append(out, t)
				}
			}
		}
	}
	return out
}
