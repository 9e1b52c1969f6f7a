package svcgenevents

import (
	"flag"
	"testing"
)

// update is accepted, as by every package of svcgen with tests.
var _ = flag.Bool("update", false, "no golden files in this package")

func TestFilter(t *testing.T) {
	sub := func(types ...string) []Subscription {
		var out []Subscription
		for _, typ := range types {
			out = append(out, Subscription{Source: "orders", Type: typ})
		}
		return out
	}
	for _, c := range []struct {
		subs []Subscription
		want string
	}{
		{sub("order.created"), "orders.order.created"},
		{sub("order.created", "order.deleted"), "orders.order.*"},
		{sub("order.created", "customer.created"), "orders.>"},
	} {
		if got := filter("orders", c.subs); got != c.want {
			t.Errorf("filter(%v) = %q, want %q", c.subs, got, c.want)
		}
	}
}

func TestOrdered(t *testing.T) {
	c := &Consumer{Subs: []Subscription{
		{Source: "orders", Type: "order.created"}, {Source: "orders", Type: "order.updated"}, {Source: "orders", Type: "order.deleted"},
		{Source: "orders", Type: "customer.updated"},
		{Source: "billing", Type: "order.created"},
	}}
	// Every change of orders' orders: held in version order.
	if !c.ordered("orders", "order.updated") {
		t.Error("all three changes subscribed, but not ordered")
	}
	// Only some changes: versions have gaps, so none is waited for.
	if c.ordered("orders", "customer.updated") || c.ordered("billing", "order.created") {
		t.Error("a partial subscription waits for versions it never receives")
	}
	// An event of the producer's own is a sequence by itself.
	if !c.ordered("shipping", "shipment.dispatched") {
		t.Error("an event of the producer's own is not held in version order")
	}
}
