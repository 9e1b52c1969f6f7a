// Package service implements the Catalog API.
//
// This file is yours: svcgen wrote it once with every operation answering
// 501 Not Implemented. Replace the bodies with your logic. On regenerate,
// svcgen adds stubs for new operations and merges its changes into your
// edits; it never drops your code.
package service

import (
	"context"
	"log/slog"

	"example.com/catalog/internal/api"
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

// ListCategories: List categories
func (s *Service) ListCategories(ctx context.Context, req *api.ListCategoriesRequest) (api.ListCategoriesResponse, error) {
	return nil, api.ErrNotImplemented
}

// CreateCategory: Create a category
func (s *Service) CreateCategory(ctx context.Context, req *api.CreateCategoryRequest) (api.CreateCategoryResponse, error) {
	return nil, api.ErrNotImplemented
}

// GetCategory: Get a category
func (s *Service) GetCategory(ctx context.Context, req *api.GetCategoryRequest) (api.GetCategoryResponse, error) {
	return nil, api.ErrNotImplemented
}

// ListProducts: List products
func (s *Service) ListProducts(ctx context.Context, req *api.ListProductsRequest) (api.ListProductsResponse, error) {
	return nil, api.ErrNotImplemented
}

// CreateProduct: Create a product
func (s *Service) CreateProduct(ctx context.Context, req *api.CreateProductRequest) (api.CreateProductResponse, error) {
	return nil, api.ErrNotImplemented
}

// GetProduct: Get a product
func (s *Service) GetProduct(ctx context.Context, req *api.GetProductRequest) (api.GetProductResponse, error) {
	return nil, api.ErrNotImplemented
}

// ReplaceProduct: Replace a product
func (s *Service) ReplaceProduct(ctx context.Context, req *api.ReplaceProductRequest) (api.ReplaceProductResponse, error) {
	return nil, api.ErrNotImplemented
}

// DeleteProduct: Delete a product
func (s *Service) DeleteProduct(ctx context.Context, req *api.DeleteProductRequest) (api.DeleteProductResponse, error) {
	return nil, api.ErrNotImplemented
}
