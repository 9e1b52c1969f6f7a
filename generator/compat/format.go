package compat

import (
	"fmt"
	"io"
)

// Format writes a report for a person: a heading with the counts, then one
// line per change in the order given, breaking ones marked BREAKING:
//
//	3 API changes, 1 breaking
//	BREAKING  POST /orders request body .sku: required field added (request-field-added)
//	          GET /orders query status: enum value "shipped" added (param-enum-value-added)
//	          GET /orders/{orderId}: operation added (operation-added)
//
// No changes read "no API changes".
func Format(w io.Writer, changes []Change) {
	if len(changes) == 0 {
		fmt.Fprintln(w, "no API changes")
		return
	}
	breaking := 0
	for _, c := range changes {
		if c.Breaking {
			breaking++
		}
	}
	noun := "API changes"
	if len(changes) == 1 {
		noun = "API change"
	}
	count := "none breaking"
	if breaking > 0 {
		count = fmt.Sprintf("%d breaking", breaking)
	}
	fmt.Fprintf(w, "%d %s, %s\n", len(changes), noun, count)
	for _, c := range changes {
		mark := "          "
		if c.Breaking {
			mark = "BREAKING  "
		}
		fmt.Fprintf(w, "%s%s: %s (%s)\n", mark, c.Where, c.Message, c.Kind)
	}
}
