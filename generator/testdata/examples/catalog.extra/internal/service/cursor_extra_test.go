package service

import (
	"fmt"
	"net/url"
	"testing"
)

// TestProductPagesByCursor walks the products two at a time through the
// API, following nextCursor until it is null: every product once, and a
// cursor the service did not make is a 400.
func TestProductPagesByCursor(t *testing.T) {
	h := newTestServer(t)
	for i := range 5 {
		body := fmt.Sprintf(`{"name":"p%d","price":{"amount":1,"currency":"EUR"},"sku":"SKU-%d"}`, i, i)
		call(t, h, "POST", "/api/products", "", nil, body, 201, nil)
	}
	seen := map[string]bool{}
	query := "limit=2"
	pages := 0
	for {
		var page struct {
			Items      []struct{ Sku string }
			NextCursor *string
		}
		call(t, h, "GET", "/api/products", query, nil, "", 200, &page)
		pages++
		for _, p := range page.Items {
			if seen[p.Sku] {
				t.Fatalf("%s on two pages", p.Sku)
			}
			seen[p.Sku] = true
		}
		if page.NextCursor == nil {
			break
		}
		if pages > 5 {
			t.Fatal("the cursor does not advance")
		}
		query = "limit=2&cursor=" + url.QueryEscape(*page.NextCursor)
	}
	if len(seen) != 5 || pages != 3 {
		t.Fatalf("%d products on %d pages, want 5 on 3", len(seen), pages)
	}
	var problem struct{ Errors []struct{ In, Field string } }
	call(t, h, "GET", "/api/products", "cursor=not+a+cursor", nil, "", 400, &problem)
	if len(problem.Errors) != 1 || problem.Errors[0].In != "query" || problem.Errors[0].Field != "cursor" {
		t.Fatalf("bad cursor: %+v, want the query parameter cursor named", problem)
	}
}
