package eventlog

import (
	"encoding/json"
	"flag"
	"fmt"
	"strings"
	"testing"
	"time"
)

// update is accepted, as by every package of svcgen with tests (the
// README's go test ./... -update); nothing here is golden.
var _ = flag.Bool("update", false, "no golden files in this package")

func TestEncodeDecode(t *testing.T) {
	at := time.Date(2026, 12, 6, 12, 0, 0, 123000, time.UTC)
	e := &Event{ID: NewID(), Type: "order.updated", ResourceID: "7", Version: 3, Time: at, Data: json.RawMessage(`{"id":7,"status":"paid"}`)}
	b, err := e.Encode("orders")
	if err != nil {
		t.Fatal(err)
	}
	var env map[string]any
	if err := json.Unmarshal(b, &env); err != nil {
		t.Fatal(err)
	}
	// CloudEvents 1.0, structured mode.
	for k, want := range map[string]any{"specversion": "1.0", "source": "orders", "type": "order.updated", "subject": "7", "datacontenttype": "application/json", "version": 3.0} {
		if env[k] != want {
			t.Errorf("%s = %v, want %v", k, env[k], want)
		}
	}
	got, source, err := Decode(b)
	if err != nil || source != "orders" {
		t.Fatalf("Decode: %v, source %q", err, source)
	}
	if got.ID != e.ID || got.Type != e.Type || got.ResourceID != "7" || got.Version != 3 || !got.Time.Equal(at) || string(got.Data) != string(e.Data) {
		t.Errorf("round trip: %+v, want %+v", got, e)
	}
	// A deletion carries no data and no content type.
	del := &Event{ID: NewID(), Type: "order.deleted", ResourceID: "7", Version: 4, Time: at}
	b, _ = del.Encode("orders")
	if strings.Contains(string(b), "data") {
		t.Errorf("a deletion carries data: %s", b)
	}
	for _, bad := range []string{`{}`, `{"specversion":"0.3","id":"x","source":"s","type":"t"}`, `{"specversion":"1.0","source":"s","type":"t"}`, `not json`} {
		if _, _, err := Decode([]byte(bad)); err == nil {
			t.Errorf("Decode(%s) accepted it", bad)
		}
	}
}

func TestNames(t *testing.T) {
	if got := (&Event{Type: "order_item.created"}).Resource(); got != "order_item" {
		t.Errorf("Resource = %q", got)
	}
	// A resource's changes are versioned per resource, an event of the
	// service's own per type.
	for typ, want := range map[string]string{"order.created": "order", "order.updated": "order", "order.deleted": "order", "shipment.dispatched": "shipment.dispatched", "created": "created"} {
		if got := SequenceOf(typ); got != want {
			t.Errorf("SequenceOf(%q) = %q, want %q", typ, got, want)
		}
	}
	if Subject("orders", "order.created") != "orders.order.created" || Stream("orders") != "ORDERS_EVENTS" {
		t.Error("subject or stream naming changed: producers and consumers must agree on it")
	}
	if got := Postgres.Rebind(`a = ? AND b = ?`); got != `a = $1 AND b = $2` {
		t.Errorf("Rebind = %q", got)
	}
	if got := SQLite.Rebind(`a = ?`); got != `a = ?` {
		t.Errorf("SQLite Rebind = %q", got)
	}
	a, b := NewID(), NewID()
	if a == b || len(a) != 36 || a[14] != '4' {
		t.Errorf("NewID: %q, %q", a, b)
	}
}

// TestEnvelopeCodec: the envelope's own codec writes what encoding/json
// writes by its tags, and reads it back.
func TestEnvelopeCodec(t *testing.T) {
	type tagged envelope // the same fields and tags, no codec methods
	for _, e := range []*Event{
		{ID: "e1", Type: "order.created", ResourceID: "o<1>", Version: 3, Time: time.Date(2026, 12, 6, 1, 2, 3, 4, time.UTC), Data: []byte(`{"id":"o<1>"}`)},
		{ID: "e2", Type: "order.deleted", ResourceID: "o1", Time: time.Unix(0, 0).UTC()},
	} {
		got, err := e.Encode("orders")
		if err != nil {
			t.Fatal(err)
		}
		env := tagged{SpecVersion: "1.0", ID: e.ID, Source: "orders", Type: e.Type, Subject: e.ResourceID, Time: e.Time, Version: e.Version, Data: e.Data}
		if e.Data != nil {
			env.DataContentType = "application/json"
		}
		want, _ := json.Marshal(env)
		if string(got) != string(want) {
			t.Errorf("Encode = %s\nencoding/json writes %s", got, want)
		}
		back, source, err := Decode(got)
		var data, sent any
		_ = json.Unmarshal(back.Data, &data)
		_ = json.Unmarshal(e.Data, &sent)
		if err != nil || source != "orders" || back.ID != e.ID || back.Version != e.Version || !back.Time.Equal(e.Time) || fmt.Sprint(data) != fmt.Sprint(sent) {
			t.Errorf("Decode = %+v, %q, %v", back, source, err)
		}
	}
}
