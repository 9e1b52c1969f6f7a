// Package service implements the Checkout API.
//
// This file is the example's hand-written implementation (svcgen's tests
// put it in place of the generated one): CreateQuote asks the catalog
// service for the product's price through the catalog's generated client.
package service

import (
	"context"
	"log/slog"
	"net/http"

	catalogapi "example.com/catalog/api"
	catalogclient "example.com/catalog/client"
	"example.com/checkout/api"
	"example.com/checkout/internal/store"
	"example.com/checkout/svcgen"
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
	resp, err := s.catalog.GetProduct(ctx, &catalogapi.GetProductRequest{Sku: req.Body.Sku})
	if svcgen.StatusOf(err) == http.StatusNotFound {
		return nil, svcgen.NewError(http.StatusUnprocessableEntity, "the catalog has no product "+req.Body.Sku)
	}
	if err != nil {
		return nil, svcgen.Upstream("catalog", err)
	}
	product := resp.(*catalogapi.GetProduct200Response).Body
	if product.Status != nil && *product.Status != catalogapi.ProductStatusActive {
		return nil, svcgen.NewError(http.StatusUnprocessableEntity, "product "+req.Body.Sku+" is not for sale")
	}
	quote := api.Quote{
		Sku:       product.Sku,
		Quantity:  req.Body.Quantity,
		Currency:  product.Price.Currency,
		UnitPrice: product.Price.Amount,
		Total:     product.Price.Amount * float64(req.Body.Quantity),
	}
	if err := s.db.Quotes().Create(ctx, &quote); err != nil {
		return nil, err
	}
	return &api.CreateQuote201Response{Body: quote}, nil
}

// GetQuote: Get a quote
func (s *Service) GetQuote(ctx context.Context, req *api.GetQuoteRequest) (api.GetQuoteResponse, error) {
	return s.crud.GetQuote(ctx, req)
}
