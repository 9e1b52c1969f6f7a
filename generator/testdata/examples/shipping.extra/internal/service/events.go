package service

// This file is the example's hand-written event handlers (svcgen's tests
// put it in place of the generated one): a shipment per order, kept in
// step with the order's events.
//
// Each handler runs in the transaction that records the event as applied,
// which ctx carries: the store calls below join it, so a handler's writes
// and that record commit together, once.

import (
	"context"
	"fmt"

	ordersapi "example.com/orders/api"
	"example.com/shipping/api"
	"example.com/shipping/internal/store"
)

// OnOrderCreated makes the order's shipment, pending.
func (s *Service) OnOrderCreated(ctx context.Context, e *ordersapi.OrderEvent) error {
	o := e.Data
	items := int32(len(o.Items))
	v := api.Shipment{
		OrderID:      o.ID,
		CustomerID:   o.CustomerID,
		ItemCount:    &items,
		OrderVersion: &e.Version,
		Status:       statusOf(o),
	}
	return s.db.Shipments().Create(ctx, &v)
}

// OnOrderUpdated brings the order's shipment up to date: dispatched once
// the order is paid, cancelled with the order. A dispatch publishes
// shipment.dispatched and a cancellation shipment.cancelled, in the same
// transaction: exactly once, as the change itself.
func (s *Service) OnOrderUpdated(ctx context.Context, e *ordersapi.OrderEvent) error {
	sh, err := s.shipmentOf(ctx, e.Data.ID)
	if err != nil {
		return err
	}
	updated, err := s.db.Shipments().Update(ctx, sh.ID, func(v *api.Shipment) error {
		v.Status = statusOf(e.Data)
		items := int32(len(e.Data.Items))
		v.ItemCount = &items
		v.OrderVersion = &e.Version
		return nil
	})
	if err != nil {
		return err
	}
	switch {
	case sh.Status != api.ShipmentStatusDispatched && updated.Status == api.ShipmentStatusDispatched:
		return s.db.PublishShipmentDispatched(ctx, updated.ID, &api.Dispatch{
			ShipmentID:   updated.ID,
			OrderID:      updated.OrderID,
			Status:       api.DispatchStatusDispatched,
			ItemCount:    updated.ItemCount,
			DispatchedAt: updated.UpdatedAt,
		})
	case sh.Status != api.ShipmentStatusCancelled && updated.Status == api.ShipmentStatusCancelled:
		return s.db.PublishShipmentCancelled(ctx, updated.ID, &api.ShipmentCancelled{
			ShipmentID: updated.ID,
			OrderID:    updated.OrderID,
			Shipment:   updated,
		})
	}
	return nil
}

// OnOrderDeleted deletes the order's shipment.
func (s *Service) OnOrderDeleted(ctx context.Context, e *ordersapi.OrderEvent) error {
	var id int64
	if _, err := fmt.Sscan(e.Subject, &id); err != nil {
		return fmt.Errorf("order id %q: %w", e.Subject, err)
	}
	sh, err := s.shipmentOf(ctx, id)
	if err != nil {
		return err
	}
	return s.db.Shipments().Delete(ctx, sh.ID)
}

// shipmentOf finds the shipment of an order.
func (s *Service) shipmentOf(ctx context.Context, orderID int64) (*api.Shipment, error) {
	found, err := s.db.Shipments().List(ctx, store.ShipmentFilter{OrderID: &orderID}, store.Page{Limit: 1})
	if err != nil {
		return nil, err
	}
	if len(found) == 0 {
		return nil, fmt.Errorf("order %d has no shipment", orderID)
	}
	return &found[0], nil
}

func statusOf(o *ordersapi.Order) api.ShipmentStatus {
	switch {
	case o.Status == nil:
		return api.ShipmentStatusPending
	case *o.Status == ordersapi.OrderStatusCancelled:
		return api.ShipmentStatusCancelled
	case *o.Status == ordersapi.OrderStatusPaid, *o.Status == ordersapi.OrderStatusShipped:
		return api.ShipmentStatusDispatched
	}
	return api.ShipmentStatusPending
}
