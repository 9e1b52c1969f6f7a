-- The first schema of Checkout, written by svcgen for sqlite.
-- Migrations are append-only: change the schema in a new file.

-- +goose Up
CREATE TABLE "quotes" (
    "id" TEXT PRIMARY KEY,
    "currency" TEXT NOT NULL,
    "quantity" INTEGER NOT NULL,
    "sku" TEXT NOT NULL,
    "total" REAL NOT NULL,
    "unit_price" REAL NOT NULL
);

-- +goose Down
DROP TABLE "quotes";
