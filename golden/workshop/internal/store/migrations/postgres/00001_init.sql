-- The first schema of Workshop, written by svcgen for postgres.
-- Migrations are append-only: change the schema in a new file.

-- +goose Up
CREATE TABLE "gadgets" (
    "id" TEXT PRIMARY KEY,
    "color" TEXT NOT NULL,
    "dims" JSONB,
    "finish" TEXT,
    "label" TEXT,
    "name" TEXT NOT NULL,
    "parts" JSONB,
    "shape" JSONB,
    "size" BIGINT NOT NULL,
    "weight" DOUBLE PRECISION
);
CREATE INDEX "gadgets_color_idx" ON "gadgets" ("color");

-- +goose Down
DROP TABLE "gadgets";
