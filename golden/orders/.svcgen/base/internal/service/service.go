// Package service implements the Orders API.
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

	"example.com/orders/api"
	"example.com/orders/internal/store"
	"example.com/orders/svcgen"
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

// ListCategories: List the category tree
func (s *Service) ListCategories(ctx context.Context, req *api.ListCategoriesRequest) (api.ListCategoriesResponse, error) {
	return nil, svcgen.ErrNotImplemented
}

// ListCustomers: List customers
func (s *Service) ListCustomers(ctx context.Context, req *api.ListCustomersRequest) (api.ListCustomersResponse, error) {
	return s.crud.ListCustomers(ctx, req)
}

// CreateCustomer: Create a customer
func (s *Service) CreateCustomer(ctx context.Context, req *api.CreateCustomerRequest) (api.CreateCustomerResponse, error) {
	return s.crud.CreateCustomer(ctx, req)
}

// GetCustomer: Get a customer
func (s *Service) GetCustomer(ctx context.Context, req *api.GetCustomerRequest) (api.GetCustomerResponse, error) {
	return s.crud.GetCustomer(ctx, req)
}

// ReplaceCustomer: Replace a customer
func (s *Service) ReplaceCustomer(ctx context.Context, req *api.ReplaceCustomerRequest) (api.ReplaceCustomerResponse, error) {
	return s.crud.ReplaceCustomer(ctx, req)
}

// UpdateCustomer: Update some fields of a customer
func (s *Service) UpdateCustomer(ctx context.Context, req *api.UpdateCustomerRequest) (api.UpdateCustomerResponse, error) {
	return s.crud.UpdateCustomer(ctx, req)
}

// DeleteCustomer: Delete a customer
func (s *Service) DeleteCustomer(ctx context.Context, req *api.DeleteCustomerRequest) (api.DeleteCustomerResponse, error) {
	return s.crud.DeleteCustomer(ctx, req)
}

// GetCustomerAudit: Audit a customer's changes
func (s *Service) GetCustomerAudit(ctx context.Context, req *api.GetCustomerAuditRequest) (api.GetCustomerAuditResponse, error) {
	return s.crud.GetCustomerAudit(ctx, req)
}

// GetCustomersCustomerIDAvatar: Download the customer's avatar
func (s *Service) GetCustomersCustomerIDAvatar(ctx context.Context, req *api.GetCustomersCustomerIDAvatarRequest) (api.GetCustomersCustomerIDAvatarResponse, error) {
	return nil, svcgen.ErrNotImplemented
}

// UploadCustomerAvatar: Upload the customer's avatar
func (s *Service) UploadCustomerAvatar(ctx context.Context, req *api.UploadCustomerAvatarRequest) (api.UploadCustomerAvatarResponse, error) {
	return nil, svcgen.ErrNotImplemented
}

// ListOrders: List a customer's orders
func (s *Service) ListOrders(ctx context.Context, req *api.ListOrdersRequest) (api.ListOrdersResponse, error) {
	return s.crud.ListOrders(ctx, req)
}

// CreateOrder: Place an order
func (s *Service) CreateOrder(ctx context.Context, req *api.CreateOrderRequest) (api.CreateOrderResponse, error) {
	return s.crud.CreateOrder(ctx, req)
}

// GetOrder: Get an order
func (s *Service) GetOrder(ctx context.Context, req *api.GetOrderRequest) (api.GetOrderResponse, error) {
	return s.crud.GetOrder(ctx, req)
}

// ReplaceOrder: Replace an order
func (s *Service) ReplaceOrder(ctx context.Context, req *api.ReplaceOrderRequest) (api.ReplaceOrderResponse, error) {
	return s.crud.ReplaceOrder(ctx, req)
}

// UpdateOrder: Update some fields of an order
func (s *Service) UpdateOrder(ctx context.Context, req *api.UpdateOrderRequest) (api.UpdateOrderResponse, error) {
	return s.crud.UpdateOrder(ctx, req)
}

// DeleteOrder: Delete an order
func (s *Service) DeleteOrder(ctx context.Context, req *api.DeleteOrderRequest) (api.DeleteOrderResponse, error) {
	return s.crud.DeleteOrder(ctx, req)
}

// GetOrderHistory: List the changes of an order
func (s *Service) GetOrderHistory(ctx context.Context, req *api.GetOrderHistoryRequest) (api.GetOrderHistoryResponse, error) {
	return s.crud.GetOrderHistory(ctx, req)
}

// GetOrderReceipt: Get the receipt of an order
func (s *Service) GetOrderReceipt(ctx context.Context, req *api.GetOrderReceiptRequest) (api.GetOrderReceiptResponse, error) {
	return nil, svcgen.ErrNotImplemented
}
