-- The first schema of Hostile Names (2nd édition), written by svcgen for sqlite.
-- Migrations are append-only: change the schema in a new file.

-- +goose Up
CREATE TABLE "things" (
    "id" INTEGER PRIMARY KEY,
    "col" TEXT,
    "col2" TEXT,
    "t_2fa" TEXT,
    "t_3d_model" TEXT,
    "user_id" INTEGER,
    "user_id2" TEXT,
    "choice" TEXT,
    "error" TEXT,
    "inline" TEXT,
    "int" INTEGER,
    "len" INTEGER,
    "name" TEXT NOT NULL,
    "nil" TEXT,
    "no" TEXT,
    "null" TEXT,
    "parent" TEXT,
    "prnom" TEXT,
    "string" TEXT,
    "type" TEXT,
    "user_id3" INTEGER,
    "user_id4" TEXT,
    "user_id5" INTEGER,
    "mega" REAL,
    "col3" TEXT
);
CREATE TABLE "things2" (
    "id" INTEGER PRIMARY KEY,
    "col" TEXT,
    "col2" TEXT,
    "t_2fa" TEXT,
    "t_3d_model" TEXT,
    "user_id" INTEGER,
    "user_id2" TEXT,
    "choice" TEXT,
    "error" TEXT,
    "inline" TEXT,
    "int" INTEGER,
    "len" INTEGER,
    "name" TEXT NOT NULL,
    "nil" TEXT,
    "no" TEXT,
    "null" TEXT,
    "parent" TEXT,
    "prnom" TEXT,
    "string" TEXT,
    "type" TEXT,
    "user_id3" INTEGER,
    "user_id4" TEXT,
    "user_id5" INTEGER,
    "mega" REAL,
    "col3" TEXT
);
CREATE INDEX "things2_user_id2_idx" ON "things2" ("user_id2");
CREATE INDEX "things2_user_id4_idx" ON "things2" ("user_id4");
CREATE INDEX "things2_user_id5_idx" ON "things2" ("user_id5");

-- +goose Down
DROP TABLE "things2";
DROP TABLE "things";
