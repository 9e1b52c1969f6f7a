// Package service implements the Orders API.
//
// This file is yours: svcgen wrote it once with every operation answering
// 501 Not Implemented. Replace the bodies with your logic. On regenerate,
// svcgen adds stubs for new operations and merges its changes into your
// edits; it never drops your code.
package service

import (
	"context"
	"log/slog"

	"example.com/orders/internal/api"
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

// ListCategories: List the category tree
func (s *Service) ListCategories(ctx context.Context, req *api.ListCategoriesRequest) (api.ListCategoriesResponse, error) {
	return nil, api.ErrNotImplemented
}

// ListCustomers: List customers
func (s *Service) ListCustomers(ctx context.Context, req *api.ListCustomersRequest) (api.ListCustomersResponse, error) {
	return nil, api.ErrNotImplemented
}

// CreateCustomer: Create a customer
func (s *Service) CreateCustomer(ctx context.Context, req *api.CreateCustomerRequest) (api.CreateCustomerResponse, error) {
	return nil, api.ErrNotImplemented
}

// GetCustomer: Get a customer
func (s *Service) GetCustomer(ctx context.Context, req *api.GetCustomerRequest) (api.GetCustomerResponse, error) {
	return nil, api.ErrNotImplemented
}

// ReplaceCustomer: Replace a customer
func (s *Service) ReplaceCustomer(ctx context.Context, req *api.ReplaceCustomerRequest) (api.ReplaceCustomerResponse, error) {
	return nil, api.ErrNotImplemented
}

// UpdateCustomer: Update some fields of a customer
func (s *Service) UpdateCustomer(ctx context.Context, req *api.UpdateCustomerRequest) (api.UpdateCustomerResponse, error) {
	return nil, api.ErrNotImplemented
}

// DeleteCustomer: Delete a customer
func (s *Service) DeleteCustomer(ctx context.Context, req *api.DeleteCustomerRequest) (api.DeleteCustomerResponse, error) {
	return nil, api.ErrNotImplemented
}

// GetCustomersCustomerIDAvatar: Download the customer's avatar
func (s *Service) GetCustomersCustomerIDAvatar(ctx context.Context, req *api.GetCustomersCustomerIDAvatarRequest) (api.GetCustomersCustomerIDAvatarResponse, error) {
	return nil, api.ErrNotImplemented
}

// UploadCustomerAvatar: Upload the customer's avatar
func (s *Service) UploadCustomerAvatar(ctx context.Context, req *api.UploadCustomerAvatarRequest) (api.UploadCustomerAvatarResponse, error) {
	return nil, api.ErrNotImplemented
}

// ListOrders: List a customer's orders
func (s *Service) ListOrders(ctx context.Context, req *api.ListOrdersRequest) (api.ListOrdersResponse, error) {
	return nil, api.ErrNotImplemented
}

// CreateOrder: Place an order
func (s *Service) CreateOrder(ctx context.Context, req *api.CreateOrderRequest) (api.CreateOrderResponse, error) {
	return nil, api.ErrNotImplemented
}

// GetOrder: Get an order
func (s *Service) GetOrder(ctx context.Context, req *api.GetOrderRequest) (api.GetOrderResponse, error) {
	return nil, api.ErrNotImplemented
}

// ReplaceOrder: Replace an order
func (s *Service) ReplaceOrder(ctx context.Context, req *api.ReplaceOrderRequest) (api.ReplaceOrderResponse, error) {
	return nil, api.ErrNotImplemented
}

// UpdateOrder: Update some fields of an order
func (s *Service) UpdateOrder(ctx context.Context, req *api.UpdateOrderRequest) (api.UpdateOrderResponse, error) {
	return nil, api.ErrNotImplemented
}

// DeleteOrder: Delete an order
func (s *Service) DeleteOrder(ctx context.Context, req *api.DeleteOrderRequest) (api.DeleteOrderResponse, error) {
	return nil, api.ErrNotImplemented
}

// GetOrderReceipt: Get the receipt of an order
func (s *Service) GetOrderReceipt(ctx context.Context, req *api.GetOrderReceiptRequest) (api.GetOrderReceiptResponse, error) {
	return nil, api.ErrNotImplemented
}
