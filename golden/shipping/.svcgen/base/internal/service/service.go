// Package service implements the Shipping API.
//
// This file is yours: svcgen wrote it once. Operations it recognised as
// create, list, get, replace, patch or delete of a stored resource call the
// default implementation in crud_gen.go; every other operation answers 501
// Not Implemented. Replace any body with your logic. On regenerate, svcgen
// adds stubs for new operations and merges its changes into your edits; it
// never drops your code.
package service

import (
	"context"
	"log/slog"

	ordersclient "example.com/orders/client"
	"example.com/shipping/api"
	"example.com/shipping/internal/store"
)

// Service implements api.Service.
type Service struct {
	log  *slog.Logger
	db   *store.DB
	crud *CRUD
	// orders calls the orders service; svcgen.Upstream turns its
	// failures into the answer to give (502, 503, 504).
	orders *ordersclient.Client
}

// New returns a Service that keeps its data in db and logs to log, and
// calls orders through its client.
func New(log *slog.Logger, db *store.DB, orders *ordersclient.Client) *Service {
	return &Service{log: log, db: db, crud: NewCRUD(db), orders: orders}
}

var _ api.Service = (*Service)(nil)

// ListShipments: List shipments
func (s *Service) ListShipments(ctx context.Context, req *api.ListShipmentsRequest) (api.ListShipmentsResponse, error) {
	return s.crud.ListShipments(ctx, req)
}

// CreateShipment: Ship something by hand
func (s *Service) CreateShipment(ctx context.Context, req *api.CreateShipmentRequest) (api.CreateShipmentResponse, error) {
	return s.crud.CreateShipment(ctx, req)
}

// GetShipment: Get a shipment
func (s *Service) GetShipment(ctx context.Context, req *api.GetShipmentRequest) (api.GetShipmentResponse, error) {
	return s.crud.GetShipment(ctx, req)
}

// DeleteShipment: Delete a shipment
func (s *Service) DeleteShipment(ctx context.Context, req *api.DeleteShipmentRequest) (api.DeleteShipmentResponse, error) {
	return s.crud.DeleteShipment(ctx, req)
}
