-- The first schema of Shipping, written by svcgen for sqlite.
-- Migrations are append-only: change the schema in a new file.

-- +goose Up
CREATE TABLE "shipments" (
    "id" TEXT PRIMARY KEY,
    "created_at" TIMESTAMP NOT NULL,
    "customer_id" TEXT NOT NULL,
    "item_count" INTEGER,
    "order_id" INTEGER NOT NULL,
    "order_version" INTEGER,
    "status" TEXT NOT NULL,
    "updated_at" TIMESTAMP NOT NULL
);
CREATE INDEX "shipments_order_id_idx" ON "shipments" ("order_id");
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
CREATE TABLE "svcgen_inbox" (
    "event_id" TEXT PRIMARY KEY,
    "source" TEXT NOT NULL,
    "resource" TEXT NOT NULL,
    "resource_id" TEXT NOT NULL,
    "version" INTEGER NOT NULL,
    "processed_at" TIMESTAMP NOT NULL
);
CREATE INDEX "svcgen_inbox_resource_idx" ON "svcgen_inbox" ("source", "resource", "resource_id", "version");
CREATE TABLE "svcgen_parked" (
    "event_id" TEXT PRIMARY KEY,
    "source" TEXT NOT NULL,
    "subject" TEXT NOT NULL,
    "data" TEXT NOT NULL,
    "error" TEXT NOT NULL,
    "attempts" INTEGER NOT NULL,
    "parked_at" TIMESTAMP NOT NULL
);

-- +goose Down
DROP TABLE "svcgen_parked";
DROP TABLE "svcgen_inbox";
DROP TABLE "svcgen_events";
DROP TABLE "shipments";
