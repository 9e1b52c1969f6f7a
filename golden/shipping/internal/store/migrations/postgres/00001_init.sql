-- The first schema of Shipping, written by svcgen for postgres.
-- Migrations are append-only: change the schema in a new file.

-- +goose Up
CREATE TABLE "shipments" (
    "id" UUID PRIMARY KEY,
    "created_at" TIMESTAMPTZ NOT NULL,
    "customer_id" TEXT NOT NULL,
    "item_count" INTEGER,
    "order_id" BIGINT NOT NULL,
    "order_version" BIGINT,
    "status" TEXT NOT NULL,
    "updated_at" TIMESTAMPTZ NOT NULL
);
CREATE INDEX "shipments_order_id_idx" ON "shipments" ("order_id");
CREATE TABLE "svcgen_inbox" (
    "event_id" TEXT PRIMARY KEY,
    "source" TEXT NOT NULL,
    "resource" TEXT NOT NULL,
    "resource_id" TEXT NOT NULL,
    "version" BIGINT NOT NULL,
    "processed_at" TIMESTAMPTZ NOT NULL
);
CREATE INDEX "svcgen_inbox_resource_idx" ON "svcgen_inbox" ("source", "resource", "resource_id", "version");
CREATE TABLE "svcgen_parked" (
    "event_id" TEXT PRIMARY KEY,
    "source" TEXT NOT NULL,
    "subject" TEXT NOT NULL,
    "data" TEXT NOT NULL,
    "error" TEXT NOT NULL,
    "attempts" BIGINT NOT NULL,
    "parked_at" TIMESTAMPTZ NOT NULL
);

-- +goose Down
DROP TABLE "svcgen_parked";
DROP TABLE "svcgen_inbox";
DROP TABLE "shipments";
