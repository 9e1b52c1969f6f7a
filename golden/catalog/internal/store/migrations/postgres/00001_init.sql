-- The first schema of Catalog, written by svcgen for postgres.
-- Migrations are append-only: change the schema in a new file.

-- +goose Up
CREATE TABLE "categories" (
    "slug" TEXT PRIMARY KEY,
    "name" TEXT NOT NULL,
    "object" TEXT NOT NULL,
    "parent" TEXT,
    "product_count" BIGINT NOT NULL
);
CREATE TABLE "products" (
    "sku" TEXT PRIMARY KEY,
    "attributes" JSONB,
    "categories" JSONB,
    "compare_at_price" JSONB,
    "created_at" TIMESTAMPTZ NOT NULL,
    "description" TEXT,
    "dimensions" JSONB,
    "gtin" TEXT,
    "media" JSONB,
    "name" TEXT NOT NULL,
    "object" TEXT NOT NULL,
    "price" JSONB NOT NULL,
    "rating" REAL,
    "status" TEXT,
    "updated_at" TIMESTAMPTZ NOT NULL,
    "weight_grams" INTEGER
);
CREATE INDEX "products_status_idx" ON "products" ("status");

-- +goose Down
DROP TABLE "products";
DROP TABLE "categories";
