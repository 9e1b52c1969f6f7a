package service

import (
	"fmt"
	"testing"
)

// TestReplaceKeepsServerOwned replaces an order with a body that has none
// of the properties the server owns (read-only in the spec): its id,
// customer, creation time and total stay, its status is the new one, and
// the PATCH schema's properties are all the patch changes.
func TestReplaceKeepsServerOwned(t *testing.T) {
	h := newTestServer(t)
	var customer map[string]any
	call(t, h, "POST", "/v1/customers", "", nil, `{"email":"user@example.com","name":"a"}`, 201, &customer)
	orders := fmt.Sprintf("/v1/customers/%v/orders", customer["id"])
	const body = `{"items":[{"quantity":2,"sku":"BOOK-0042","unitPrice":12.5}],"payment":{"type":"bank_transfer","iban":"DE89370400440532013000"}}`
	var created map[string]any
	call(t, h, "POST", orders, "", nil, body, 201, &created)
	item := fmt.Sprintf("%s/%v", orders, created["id"])

	var replaced map[string]any
	call(t, h, "PUT", item, "", nil, `{"status":"paid",`+body[1:], 200, &replaced)
	for _, k := range []string{"id", "customerId", "createdAt", "totalCents"} {
		if fmt.Sprint(replaced[k]) != fmt.Sprint(created[k]) {
			t.Errorf("%s: %v after replace, was %v", k, replaced[k], created[k])
		}
	}
	if replaced["status"] != "paid" {
		t.Errorf("status %v after replace, want paid", replaced["status"])
	}

	// totalCents is not in OrderPatch (which allows other properties): a
	// patch that sends it does not change it.
	var patched map[string]any
	call(t, h, "PATCH", item, "", nil, `{"status":"shipped","totalCents":1}`, 200, &patched)
	if patched["status"] != "shipped" || fmt.Sprint(patched["totalCents"]) != fmt.Sprint(created["totalCents"]) {
		t.Errorf("patched %v", patched)
	}
}
