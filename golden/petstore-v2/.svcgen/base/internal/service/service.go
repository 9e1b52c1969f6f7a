// Package service implements the Pet Store API.
//
// This file is yours: svcgen wrote it once with every operation answering
// 501 Not Implemented. Replace the bodies with your logic. On regenerate,
// svcgen adds stubs for new operations and merges its changes into your
// edits; it never drops your code.
package service

import (
	"context"
	"log/slog"

	"example.com/petstore-v2/internal/api"
)

// Service implements api.Service.
type Service struct {
	log *slog.Logger
}

// New returns a Service that logs to log.
func New(log *slog.Logger) *Service {
	return &Service{log: log}
}

var _ api.Service = (*Service)(nil)

// ListPets: List pets
func (s *Service) ListPets(ctx context.Context, req *api.ListPetsRequest) (api.ListPetsResponse, error) {
	return nil, api.ErrNotImplemented
}

// AddPet: Add a pet
func (s *Service) AddPet(ctx context.Context, req *api.AddPetRequest) (api.AddPetResponse, error) {
	return nil, api.ErrNotImplemented
}

// GetPetByID: Get a pet
func (s *Service) GetPetByID(ctx context.Context, req *api.GetPetByIDRequest) (api.GetPetByIDResponse, error) {
	return nil, api.ErrNotImplemented
}

// UpdatePet: Replace a pet
func (s *Service) UpdatePet(ctx context.Context, req *api.UpdatePetRequest) (api.UpdatePetResponse, error) {
	return nil, api.ErrNotImplemented
}

// DeletePet: Delete a pet
func (s *Service) DeletePet(ctx context.Context, req *api.DeletePetRequest) (api.DeletePetResponse, error) {
	return nil, api.ErrNotImplemented
}

// GetInventory: Count pets by status
func (s *Service) GetInventory(ctx context.Context, req *api.GetInventoryRequest) (api.GetInventoryResponse, error) {
	return nil, api.ErrNotImplemented
}
