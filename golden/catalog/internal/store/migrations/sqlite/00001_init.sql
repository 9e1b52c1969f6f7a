-- The first schema of Catalog, written by svcgen for sqlite.
-- Migrations are append-only: change the schema in a new file.

-- +goose Up
CREATE TABLE "categories" (
    "slug" TEXT PRIMARY KEY,
    "name" TEXT NOT NULL,
    "object" TEXT NOT NULL,
    "parent" TEXT,
    "product_count" INTEGER NOT NULL
);
CREATE TABLE "products" (
    "sku" TEXT PRIMARY KEY,
    "attributes" TEXT,
    "categories" TEXT,
    "compare_at_price" TEXT,
    "created_at" TIMESTAMP NOT NULL,
    "description" TEXT,
    "dimensions" TEXT,
    "gtin" TEXT,
    "media" TEXT,
    "name" TEXT NOT NULL,
    "object" TEXT NOT NULL,
    "price" TEXT NOT NULL,
    "rating" REAL,
    "status" TEXT,
    "updated_at" TIMESTAMP NOT NULL,
    "weight_grams" INTEGER
);
CREATE INDEX "products_status_idx" ON "products" ("status");

-- +goose Down
DROP TABLE "products";
DROP TABLE "categories";
