// Package service implements the Hostile Names (2nd édition) API.
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

	"example.com/hostile/api"
	"example.com/hostile/internal/store"
	"example.com/hostile/svcgen"
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

// GetThing: Get a thing, legacy route
func (s *Service) GetThing(ctx context.Context, req *api.GetThingRequest) (api.GetThingResponse, error) {
	return s.crud.GetThing(ctx, req)
}

// Collisions: Return one of everything
func (s *Service) Collisions(ctx context.Context, req *api.CollisionsRequest) (api.CollisionsResponse, error) {
	return nil, svcgen.ErrNotImplemented
}

// GetFile: Download a file
func (s *Service) GetFile(ctx context.Context, req *api.GetFileRequest) (api.GetFileResponse, error) {
	return nil, svcgen.ErrNotImplemented
}

// Func: Store a keyword record
func (s *Service) Func(ctx context.Context, req *api.FuncRequest) (api.FuncResponse, error) {
	return nil, svcgen.ErrNotImplemented
}

// ReportsGet: Download the report
func (s *Service) ReportsGet(ctx context.Context, req *api.ReportsGetRequest) (api.ReportsGetResponse, error) {
	return nil, svcgen.ErrNotImplemented
}

// ListThings: List things
func (s *Service) ListThings(ctx context.Context, req *api.ListThingsRequest2) (api.ListThingsResponse2, error) {
	return s.crud.ListThings(ctx, req)
}

// CreateThing: Create a thing
func (s *Service) CreateThing(ctx context.Context, req *api.CreateThingRequest) (api.CreateThingResponse, error) {
	return s.crud.CreateThing(ctx, req)
}

// GetThing2: Get a thing
func (s *Service) GetThing2(ctx context.Context, req *api.GetThing2Request) (api.GetThing2Response, error) {
	return s.crud.GetThing2(ctx, req)
}

// ThingsDelete: Delete a thing
func (s *Service) ThingsDelete(ctx context.Context, req *api.ThingsDeleteRequest) (api.ThingsDeleteResponse, error) {
	return s.crud.ThingsDelete(ctx, req)
}
