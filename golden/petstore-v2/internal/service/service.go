// Package service implements the Pet Store API.
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

	"example.com/petstore-v2/api"
	"example.com/petstore-v2/internal/store"
	"example.com/petstore-v2/svcgen"
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

// ListPets: List pets
func (s *Service) ListPets(ctx context.Context, req *api.ListPetsRequest) (api.ListPetsResponse, error) {
	return s.crud.ListPets(ctx, req)
}

// AddPet: Add a pet
func (s *Service) AddPet(ctx context.Context, req *api.AddPetRequest) (api.AddPetResponse, error) {
	return s.crud.AddPet(ctx, req)
}

// GetPetByID: Get a pet
func (s *Service) GetPetByID(ctx context.Context, req *api.GetPetByIDRequest) (api.GetPetByIDResponse, error) {
	return s.crud.GetPetByID(ctx, req)
}

// UpdatePet: Replace a pet
func (s *Service) UpdatePet(ctx context.Context, req *api.UpdatePetRequest) (api.UpdatePetResponse, error) {
	return s.crud.UpdatePet(ctx, req)
}

// DeletePet: Delete a pet
func (s *Service) DeletePet(ctx context.Context, req *api.DeletePetRequest) (api.DeletePetResponse, error) {
	return s.crud.DeletePet(ctx, req)
}

// GetInventory: Count pets by status
func (s *Service) GetInventory(ctx context.Context, req *api.GetInventoryRequest) (api.GetInventoryResponse, error) {
	return nil, svcgen.ErrNotImplemented
}
