-- The first schema of Pet Store, written by svcgen for sqlite.
-- Migrations are append-only: change the schema in a new file.

-- +goose Up
CREATE TABLE "pets" (
    "id" INTEGER PRIMARY KEY,
    "birth_date" TEXT,
    "category" TEXT,
    "name" TEXT NOT NULL,
    "photo_urls" TEXT NOT NULL,
    "price_cents" INTEGER,
    "status" TEXT,
    "tags" TEXT
);
CREATE INDEX "pets_status_idx" ON "pets" ("status");

-- +goose Down
DROP TABLE "pets";
