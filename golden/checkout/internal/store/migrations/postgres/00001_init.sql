-- The first schema of Checkout, written by svcgen for postgres.
-- Migrations are append-only: change the schema in a new file.

-- +goose Up
CREATE TABLE "quotes" (
    "id" UUID PRIMARY KEY,
    "currency" TEXT NOT NULL,
    "quantity" INTEGER NOT NULL,
    "sku" TEXT NOT NULL,
    "total" DOUBLE PRECISION NOT NULL,
    "unit_price" DOUBLE PRECISION NOT NULL
);

-- +goose Down
DROP TABLE "quotes";
