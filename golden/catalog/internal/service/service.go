// Package service implements the Catalog API.
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

	"example.com/catalog/api"
	"example.com/catalog/internal/store"
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

// ListCategories: List categories
func (s *Service) ListCategories(ctx context.Context, req *api.ListCategoriesRequest) (api.ListCategoriesResponse, error) {
	return s.crud.ListCategories(ctx, req)
}

// CreateCategory: Create a category
func (s *Service) CreateCategory(ctx context.Context, req *api.CreateCategoryRequest) (api.CreateCategoryResponse, error) {
	return s.crud.CreateCategory(ctx, req)
}

// GetCategory: Get a category
func (s *Service) GetCategory(ctx context.Context, req *api.GetCategoryRequest) (api.GetCategoryResponse, error) {
	return s.crud.GetCategory(ctx, req)
}

// ListProducts: List products
func (s *Service) ListProducts(ctx context.Context, req *api.ListProductsRequest) (api.ListProductsResponse, error) {
	return s.crud.ListProducts(ctx, req)
}

// CreateProduct: Create a product
func (s *Service) CreateProduct(ctx context.Context, req *api.CreateProductRequest) (api.CreateProductResponse, error) {
	return s.crud.CreateProduct(ctx, req)
}

// GetProduct: Get a product
func (s *Service) GetProduct(ctx context.Context, req *api.GetProductRequest) (api.GetProductResponse, error) {
	return s.crud.GetProduct(ctx, req)
}

// ReplaceProduct: Replace a product
func (s *Service) ReplaceProduct(ctx context.Context, req *api.ReplaceProductRequest) (api.ReplaceProductResponse, error) {
	return s.crud.ReplaceProduct(ctx, req)
}

// DeleteProduct: Delete a product
func (s *Service) DeleteProduct(ctx context.Context, req *api.DeleteProductRequest) (api.DeleteProductResponse, error) {
	return s.crud.DeleteProduct(ctx, req)
}
