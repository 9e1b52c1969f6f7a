-- The first schema of Workshop, written by svcgen for sqlite.
-- Migrations are append-only: change the schema in a new file.

-- +goose Up
CREATE TABLE "gadgets" (
    "id" TEXT PRIMARY KEY,
    "color" TEXT NOT NULL,
    "dims" TEXT,
    "finish" TEXT,
    "label" TEXT,
    "name" TEXT NOT NULL,
    "parts" TEXT,
    "shape" TEXT,
    "size" INTEGER NOT NULL,
    "weight" REAL
);
CREATE INDEX "gadgets_color_idx" ON "gadgets" ("color");

-- +goose Down
DROP TABLE "gadgets";
