// Package service is the benchmark's implementation of the Pets API for
// svcgen's generated server (bench/served): the same in-memory behaviour
// as the other servers' (pets 1 to 100 made up front; creates validated,
// numbered and echoed, not stored).
package service

import (
	"context"
	"fmt"
	"log/slog"
	"sync/atomic"

	"example.com/pets/api"
	"example.com/pets/internal/store"
)

// Service implements api.Service.
type Service struct {
	pets   []api.Pet
	nextID atomic.Int64
}

// New returns the Service; the database is not used.
func New(_ *slog.Logger, _ *store.DB) *Service {
	s := &Service{pets: make([]api.Pet, 100)}
	kinds := []api.Kind{api.KindDog, api.KindCat, api.KindBird}
	for i := range s.pets {
		id := int64(i + 1)
		phone := fmt.Sprintf("+1555%07d", id)
		s.pets[i] = api.Pet{
			ID: id, Name: fmt.Sprintf("pet-%d", id), Kind: kinds[i%3], Age: int32(i % 20),
			Owner: api.Owner{Email: fmt.Sprintf("owner%d@example.com", id), Phone: &phone},
			Tags:  []string{"friendly", "small"},
		}
	}
	s.nextID.Store(1000)
	return s
}

var _ api.Service = (*Service)(nil)

// CreatePets handles POST /batches.
func (s *Service) CreatePets(ctx context.Context, req *api.CreatePetsRequest) (api.CreatePetsResponse, error) {
	n := int64(len(req.Body.Pets))
	last := s.nextID.Add(n)
	return &api.CreatePets200Response{Body: api.BatchResult{Count: int32(n), FirstID: last - n + 1}}, nil
}

// ListPets handles GET /pets.
func (s *Service) ListPets(ctx context.Context, req *api.ListPetsRequest) (api.ListPetsResponse, error) {
	n := len(s.pets)
	if req.Limit != nil && int(*req.Limit) < n {
		n = int(*req.Limit)
	}
	return &api.ListPets200Response{Body: s.pets[:n]}, nil
}

// CreatePet handles POST /pets.
func (s *Service) CreatePet(ctx context.Context, req *api.CreatePetRequest) (api.CreatePetResponse, error) {
	b := req.Body
	return &api.CreatePet201Response{Body: api.Pet{
		ID: s.nextID.Add(1), Name: b.Name, Kind: b.Kind, Age: b.Age, Owner: b.Owner, Tags: b.Tags,
	}}, nil
}

// GetPet handles GET /pets/{petId}.
func (s *Service) GetPet(ctx context.Context, req *api.GetPetRequest) (api.GetPetResponse, error) {
	if req.PetID < 1 || req.PetID > int64(len(s.pets)) {
		return &api.GetPet404Response{Body: api.Error{Message: "no such pet"}}, nil
	}
	return &api.GetPet200Response{Body: s.pets[req.PetID-1]}, nil
}
