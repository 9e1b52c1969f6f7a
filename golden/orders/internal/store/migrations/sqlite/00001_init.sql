-- The first schema of Orders, written by svcgen for sqlite.
-- Migrations are append-only: change the schema in a new file.

-- +goose Up
CREATE TABLE "customers" (
    "id" TEXT PRIMARY KEY,
    "billing_address" TEXT,
    "birth_date" TEXT,
    "created_at" TIMESTAMP NOT NULL,
    "email" TEXT NOT NULL,
    "marketing_opt_in" INTEGER,
    "metadata" TEXT,
    "name" TEXT NOT NULL,
    "order_count" INTEGER,
    "password" TEXT,
    "phone" TEXT,
    "preferences" TEXT,
    "tags" TEXT,
    "updated_at" TIMESTAMP NOT NULL
);
CREATE INDEX "customers_email_idx" ON "customers" ("email");
CREATE TABLE "orders" (
    "id" INTEGER PRIMARY KEY,
    "customer_id" TEXT NOT NULL REFERENCES "customers" ("id") ON DELETE CASCADE,
    "created_at" TIMESTAMP NOT NULL,
    "currency" TEXT,
    "delivery_date" TEXT,
    "discount" TEXT,
    "gift_message" TEXT,
    "items" TEXT NOT NULL,
    "metadata" TEXT,
    "notes" TEXT,
    "payment" TEXT NOT NULL,
    "shipping_address" TEXT,
    "shipping_class" TEXT,
    "status" TEXT,
    "total_cents" INTEGER NOT NULL,
    "updated_at" TIMESTAMP NOT NULL
);
CREATE INDEX "orders_customer_id_idx" ON "orders" ("customer_id");
CREATE INDEX "orders_status_idx" ON "orders" ("status");
CREATE TABLE "svcgen_events" (
    "seq" INTEGER PRIMARY KEY,
    "id" TEXT NOT NULL,
    "type" TEXT NOT NULL,
    "resource" TEXT NOT NULL,
    "resource_id" TEXT NOT NULL,
    "version" INTEGER NOT NULL,
    "time" TIMESTAMP NOT NULL,
    "data" TEXT,
    "published_at" TIMESTAMP
);
CREATE INDEX "svcgen_events_pending_idx" ON "svcgen_events" ("published_at", "seq");
CREATE INDEX "svcgen_events_resource_idx" ON "svcgen_events" ("resource", "resource_id", "version");

-- +goose Down
DROP TABLE "svcgen_events";
DROP TABLE "orders";
DROP TABLE "customers";
