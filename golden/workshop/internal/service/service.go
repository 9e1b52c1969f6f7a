// Package service implements the Workshop API.
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

	"example.com/workshop/api"
	"example.com/workshop/internal/store"
)

// Service implements api.Service.
type Service struct {
	log  *slog.Logger
	db   *store.DB
	crud *CRUD
}

// New returns a Service that keeps its data in db and logs to log.
func New(log *slog.Logger, db *store.DB) *Service {
	return &Service{log: log, db: db, crud: NewCRUD(db)}
}

var _ api.Service = (*Service)(nil)

// ListGadgets: List gadgets
func (s *Service) ListGadgets(ctx context.Context, req *api.ListGadgetsRequest) (api.ListGadgetsResponse, error) {
	return s.crud.ListGadgets(ctx, req)
}

// CreateGadget: Build a gadget
func (s *Service) CreateGadget(ctx context.Context, req *api.CreateGadgetRequest) (api.CreateGadgetResponse, error) {
	return s.crud.CreateGadget(ctx, req)
}

// GetGadget: Get a gadget
func (s *Service) GetGadget(ctx context.Context, req *api.GetGadgetRequest) (api.GetGadgetResponse, error) {
	return s.crud.GetGadget(ctx, req)
}

// ReplaceGadget: Rebuild a gadget
func (s *Service) ReplaceGadget(ctx context.Context, req *api.ReplaceGadgetRequest) (api.ReplaceGadgetResponse, error) {
	return s.crud.ReplaceGadget(ctx, req)
}

// UpdateGadget: Change some properties of a gadget
func (s *Service) UpdateGadget(ctx context.Context, req *api.UpdateGadgetRequest) (api.UpdateGadgetResponse, error) {
	return s.crud.UpdateGadget(ctx, req)
}

// DeleteGadget: Scrap a gadget
func (s *Service) DeleteGadget(ctx context.Context, req *api.DeleteGadgetRequest) (api.DeleteGadgetResponse, error) {
	return s.crud.DeleteGadget(ctx, req)
}
