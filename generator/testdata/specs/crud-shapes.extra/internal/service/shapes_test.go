package service

// Hand-written tests of what the generated ones cannot know: that a list
// under one parent leaves out the others' rows, which values the store
// fills in, and that the create hook runs. Over HTTP, on SQLite and, when
// TEST_DATABASE_URL is set, on PostgreSQL.

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"log/slog"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"example.com/testdata-crud-shapes/api"
	"example.com/testdata-crud-shapes/internal/server"
	"example.com/testdata-crud-shapes/internal/store"
)

// databases opens, migrated, SQLite and (with TEST_DATABASE_URL)
// PostgreSQL in a schema of the test's own.
func databases(t *testing.T) map[string]*store.DB {
	t.Helper()
	ctx := context.Background()
	dbs := map[string]*store.DB{}
	lite, err := store.Open(ctx, store.Config{URL: "sqlite:" + filepath.Join(t.TempDir(), "test.db")})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { lite.Close() })
	dbs["sqlite"] = lite
	if url := os.Getenv("TEST_DATABASE_URL"); url != "" {
		admin, err := store.Open(ctx, store.Config{URL: url})
		if err != nil {
			t.Fatal(err)
		}
		var b [6]byte
		_, _ = rand.Read(b[:])
		schema := "shapes_" + hex.EncodeToString(b[:])
		if _, err := admin.ExecContext(ctx, `CREATE SCHEMA "`+schema+`"`); err != nil {
			t.Fatal(err)
		}
		sep := "?"
		if strings.Contains(url, "?") {
			sep = "&"
		}
		pg, err := store.Open(ctx, store.Config{URL: url + sep + "search_path=" + schema})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() {
			pg.Close()
			_, _ = admin.ExecContext(ctx, `DROP SCHEMA "`+schema+`" CASCADE`)
			admin.Close()
		})
		dbs["postgres"] = pg
	}
	for name, db := range dbs {
		if err := db.Migrate(ctx); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
	}
	return dbs
}

func handler(db *store.DB) http.Handler {
	log := slog.New(slog.DiscardHandler)
	return server.NewHandler(New(log, db), server.Options{Logger: log})
}

// ids lists the "id" of each item in a list answer.
func ids(items []any) []string {
	var out []string
	for _, x := range items {
		out = append(out, fmt.Sprint(x.(map[string]any)["id"]))
	}
	return out
}

func TestInvoicesUnderAccounts(t *testing.T) {
	for name, db := range databases(t) {
		t.Run(name, func(t *testing.T) {
			h := handler(db)
			var a, b map[string]any
			call(t, h, "POST", "/accounts", "", nil, `{"name":"A"}`, 201, &a)
			call(t, h, "POST", "/accounts", "", nil, `{"name":"B"}`, 201, &b)
			var inv1, inv2, inv3 map[string]any
			call(t, h, "POST", fmt.Sprintf("/accounts/%s/invoices", a["id"]), "", nil, `{"amount_cents":100,"currency":"EUR","accountId":"ignored"}`, 201, &inv1)
			call(t, h, "POST", fmt.Sprintf("/accounts/%s/invoices", a["id"]), "", nil, `{"amount_cents":200,"currency":"USD"}`, 201, &inv2)
			call(t, h, "POST", fmt.Sprintf("/accounts/%s/invoices", b["id"]), "", nil, `{"amount_cents":300,"currency":"EUR"}`, 201, &inv3)
			// The parent key comes from the path; the store fills the rest.
			if inv1["accountId"] != a["id"] {
				t.Errorf("accountId %v, want the path's %v", inv1["accountId"], a["id"])
			}
			if inv1["status"] != "draft" {
				t.Errorf("status %v, want the first value, draft", inv1["status"])
			}
			for _, k := range []string{"created_at", "issued_at"} {
				ts, err := time.Parse(time.RFC3339, fmt.Sprint(inv1[k]))
				if err != nil || time.Since(ts) > time.Minute {
					t.Errorf("%s = %v, want about now", k, inv1[k])
				}
			}
			if day, err := time.Parse(time.DateOnly, fmt.Sprint(inv1["billing_date"])); err != nil || time.Since(day) > 48*time.Hour {
				t.Errorf("billing_date = %v, want today", inv1["billing_date"])
			}

			// A list under one account leaves out the other's invoices.
			var page map[string]any
			call(t, h, "GET", fmt.Sprintf("/accounts/%s/invoices", a["id"]), "", nil, "", 200, &page)
			got := ids(page["items"].([]any))
			want := []string{fmt.Sprint(inv1["id"]), fmt.Sprint(inv2["id"])}
			if fmt.Sprint(got) != fmt.Sprint(want) {
				t.Errorf("invoices of A: %v, want %v", got, want)
			}
			call(t, h, "GET", fmt.Sprintf("/accounts/%s/invoices", b["id"]), "", nil, "", 200, &page)
			if got := ids(page["items"].([]any)); fmt.Sprint(got) != fmt.Sprint([]string{fmt.Sprint(inv3["id"])}) {
				t.Errorf("invoices of B: %v", got)
			}
			// Pages by cursor, under the account.
			call(t, h, "GET", fmt.Sprintf("/accounts/%s/invoices", a["id"]), "limit=1", nil, "", 200, &page)
			if got := ids(page["items"].([]any)); len(got) != 1 || got[0] != want[0] || page["nextCursor"] == nil {
				t.Fatalf("first page of one: %v", page)
			}
			next := page["nextCursor"]
			page = nil // json.Unmarshal would keep the keys of a map it fills
			call(t, h, "GET", fmt.Sprintf("/accounts/%s/invoices", a["id"]), "limit=1&cursor="+fmt.Sprint(next), nil, "", 200, &page)
			if got := ids(page["items"].([]any)); len(got) != 1 || got[0] != want[1] || page["nextCursor"] != nil {
				t.Fatalf("second page of one: %v", page)
			}
			// No such account: 404, for the list and the create.
			missing := "/accounts/00000000-0000-4000-8000-000000000000/invoices"
			call(t, h, "GET", missing, "", nil, "", 404, nil)
			call(t, h, "POST", missing, "", nil, `{"amount_cents":1,"currency":"EUR"}`, 404, nil)

			// The flat item path: by id alone.
			item := fmt.Sprintf("/invoices/%v", inv1["id"])
			var read map[string]any
			call(t, h, "GET", item, "", nil, "", 200, &read)
			if fmt.Sprint(read) != fmt.Sprint(inv1) {
				t.Errorf("read back %v, want %v", read, inv1)
			}
			// A replace keeps what its body cannot send.
			var replaced map[string]any
			call(t, h, "PUT", item, "", nil, `{"amount_cents":150,"currency":"USD"}`, 200, &replaced)
			if replaced["amount_cents"] != 150.0 || replaced["currency"] != "USD" || replaced["memo"] != nil {
				t.Errorf("replaced: %v", replaced)
			}
			for _, k := range []string{"accountId", "status", "created_at", "issued_at", "billing_date"} {
				if replaced[k] != inv1[k] {
					t.Errorf("replace changed %s: %v, was %v", k, replaced[k], inv1[k])
				}
			}
			var patched map[string]any
			call(t, h, "PATCH", item, "", nil, `{"memo":"April"}`, 200, &patched)
			if patched["memo"] != "April" || patched["amount_cents"] != 150.0 || patched["accountId"] != a["id"] {
				t.Errorf("patched: %v", patched)
			}
			call(t, h, "DELETE", item, "", nil, "", 204, nil)
			call(t, h, "GET", item, "", nil, "", 404, nil)
			call(t, h, "GET", fmt.Sprintf("/accounts/%s/invoices", a["id"]), "", nil, "", 200, &page)
			if got := ids(page["items"].([]any)); fmt.Sprint(got) != fmt.Sprint(want[1:]) {
				t.Errorf("invoices of A after the delete: %v", got)
			}
		})
	}
}

func TestNotesUnderUsersNotStored(t *testing.T) {
	for name, db := range databases(t) {
		t.Run(name, func(t *testing.T) {
			h := handler(db)
			var n1, n2 map[string]any
			call(t, h, "POST", "/users/ada/notes", "", nil, `{"text":"one"}`, 201, &n1)
			call(t, h, "POST", "/users/bob/notes", "", nil, `{"text":"two"}`, 201, &n2)
			if n1["user_id"] != "ada" || n2["user_id"] != "bob" {
				t.Errorf("user_id from the path: %v, %v", n1, n2)
			}
			var list []any
			call(t, h, "GET", "/users/ada/notes", "", nil, "", 200, &list)
			if got := ids(list); fmt.Sprint(got) != fmt.Sprint([]string{fmt.Sprint(n1["id"])}) {
				t.Errorf("notes of ada: %v", got)
			}
			// No user resource here: an unknown user has no notes.
			call(t, h, "GET", "/users/carol/notes", "", nil, "", 200, &list)
			if len(list) != 0 {
				t.Errorf("notes of carol: %v", list)
			}
			var read map[string]any
			call(t, h, "GET", fmt.Sprintf("/notes/%v", n2["id"]), "", nil, "", 200, &read)
			if read["text"] != "two" {
				t.Errorf("read back %v", read)
			}
		})
	}
}

func TestShipmentsServerOwned(t *testing.T) {
	for name, db := range databases(t) {
		t.Run(name, func(t *testing.T) {
			h := handler(db)
			body := `{"recipient":{"name":"Ada","postcode":"NW1"},"parcels":[{"weight_grams":500}]}`
			var s map[string]any
			call(t, h, "POST", "/shipments", "", nil, body, 201, &s)
			if len(fmt.Sprint(s["id"])) != 36 {
				t.Errorf("id %v, want a UUID", s["id"])
			}
			if s["state"] != "label_created" {
				t.Errorf("state %v, want the default, label_created", s["state"])
			}
			if s["cost_cents"] != 0.0 {
				t.Errorf("cost_cents %v, want 0 until completeShipment is written", s["cost_cents"])
			}
			if s["delivered_at"] != nil {
				t.Errorf("delivered_at %v: an optional timestamp stays unset", s["delivered_at"])
			}
			created, err := time.Parse(time.RFC3339, fmt.Sprint(s["created_at"]))
			if err != nil || time.Since(created) > time.Minute {
				t.Errorf("created_at %v, want about now", s["created_at"])
			}
			if s["updatedAt"] == nil {
				t.Error("updatedAt not set")
			}
			var got map[string]any
			call(t, h, "GET", fmt.Sprintf("/shipments/%v", s["id"]), "", nil, "", 200, &got)
			if fmt.Sprint(got) != fmt.Sprint(s) {
				t.Errorf("read back %v, want %v", got, s)
			}
			// A replace sends recipient and parcels; the rest stays.
			var r map[string]any
			call(t, h, "PUT", fmt.Sprintf("/shipments/%v", s["id"]), "", nil, `{"recipient":{"name":"Bob","postcode":"E1"},"parcels":[{"weight_grams":700}]}`, 200, &r)
			if r["recipient"].(map[string]any)["name"] != "Bob" {
				t.Errorf("replaced: %v", r)
			}
			for _, k := range []string{"id", "state", "created_at", "cost_cents"} {
				if r[k] != s[k] {
					t.Errorf("replace changed %s: %v, was %v", k, r[k], s[k])
				}
			}
		})
	}
}

// TestCompleteShipment runs the default create with a hook such as the
// user writes in completeShipment: what it sets is stored.
func TestCompleteShipment(t *testing.T) {
	for name, db := range databases(t) {
		t.Run(name, func(t *testing.T) {
			ctx := context.Background()
			crud := NewCRUD(db)
			req := &api.CreateShipmentRequest{Body: api.ShipmentRequest{
				Recipient: api.Recipient{Name: "Ada", Postcode: "NW1"},
				Parcels:   []api.Parcel{{WeightGrams: 1200}},
			}}
			resp, err := crud.CreateShipment(ctx, req, func(_ context.Context, v *api.Shipment) error {
				v.CostCents = int64(len(v.Parcels)) * 490
				return nil
			})
			if err != nil {
				t.Fatal(err)
			}
			created := resp.(*api.CreateShipment201Response).Body
			stored, err := db.Shipments().Get(ctx, created.ID)
			if err != nil {
				t.Fatal(err)
			}
			if stored.CostCents != 490 {
				t.Errorf("cost_cents %d, want the hook's 490", stored.CostCents)
			}
			if _, err := crud.CreateShipment(ctx, req, func(context.Context, *api.Shipment) error {
				return fmt.Errorf("no carrier")
			}); err == nil || err.Error() != "no carrier" {
				t.Errorf("a failing hook: %v, want its error", err)
			}
		})
	}
}
