// Package service implements the Checkout API.
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

	catalogclient "example.com/catalog/client"
	"example.com/checkout/api"
	"example.com/checkout/internal/store"
)

// Service implements api.Service.
type Service struct {
	log  *slog.Logger
	db   *store.DB
	crud *CRUD
	// catalog calls the catalog service; svcgen.Upstream turns its
	// failures into the answer to give (502, 503, 504).
	catalog *catalogclient.Client
}

// New returns a Service that keeps its data in db and logs to log, and
// calls catalog through its client.
func New(log *slog.Logger, db *store.DB, catalog *catalogclient.Client) *Service {
	return &Service{log: log, db: db, crud: NewCRUD(db), catalog: catalog}
}

var _ api.Service = (*Service)(nil)

// ListQuotes: List quotes
func (s *Service) ListQuotes(ctx context.Context, req *api.ListQuotesRequest) (api.ListQuotesResponse, error) {
	return s.crud.ListQuotes(ctx, req)
}

// CreateQuote: Quote a product
func (s *Service) CreateQuote(ctx context.Context, req *api.CreateQuoteRequest) (api.CreateQuoteResponse, error) {
	return s.crud.CreateQuote(ctx, req, s.completeQuote)
}

// GetQuote: Get a quote
func (s *Service) GetQuote(ctx context.Context, req *api.GetQuoteRequest) (api.GetQuoteResponse, error) {
	return s.crud.GetQuote(ctx, req)
}

// completeQuote fills in what a new Quote needs that neither the
// create request nor the store provides: currency, total, unitPrice. CreateQuote
// calls it before storing v; until you write it, they are stored as zero
// values.
func (s *Service) completeQuote(ctx context.Context, v *api.Quote) error {
	return nil
}
