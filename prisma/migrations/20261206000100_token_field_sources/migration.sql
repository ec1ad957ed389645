-- A token's stored description no longer depends on the order its descriptions arrived
-- in: each field keeps the value of the description that comes first by precedence (the
-- issuing exchange's, then the earliest event's), and `field_sources` records, per field,
-- the precedence its value came from. Rows stored before keep what they hold (no sources).

-- AlterTable
ALTER TABLE "tokens" ADD COLUMN     "field_sources" JSONB NOT NULL DEFAULT '{}';
