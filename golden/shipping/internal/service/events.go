package service

// This file is yours: svcgen wrote it once, with a handler per event the
// spec subscribes to (x-svcgen-events), and adds handlers for new
// subscriptions on regenerate. events_gen.go decodes and checks each event
// before it calls the handler.
//
// A handler runs in a transaction that also records the event as applied:
// make every store call with ctx (through s.db or s.crud) and its writes
// commit with that record, once, or not at all. Return an error and the
// event is retried with a growing pause, then parked after five attempts
// (go run . events parked lists them; go run . events retry applies them
// again). Until a handler is written it returns svcgenevents.ErrNotHandled,
// which parks its events at once, so that none is lost meanwhile.

import (
	"context"

	ordersapi "example.com/orders/api"
	"example.com/shipping/internal/svcgenevents"
)

// OnOrderCreated applies order.created from the orders service.
func (s *Service) OnOrderCreated(ctx context.Context, e *ordersapi.OrderEvent) error {
	return svcgenevents.ErrNotHandled
}

// OnOrderDeleted applies order.deleted from the orders service.
func (s *Service) OnOrderDeleted(ctx context.Context, e *ordersapi.OrderEvent) error {
	return svcgenevents.ErrNotHandled
}

// OnOrderUpdated applies order.updated from the orders service.
func (s *Service) OnOrderUpdated(ctx context.Context, e *ordersapi.OrderEvent) error {
	return svcgenevents.ErrNotHandled
}
