-- Ownership of facts: every principal and token record belongs to the tenant whose gateway
-- reported it (its reporter), and a hop is identified by (owning tenant, request, hop id).
-- A claim one tenant makes about another tenant's principal or token becomes its own
-- record, never a change to the other tenant's.
--
-- Rows stored before this migration did not record their reporter; the best available
-- answer is the tenant they name, which is the reporter whenever an event did not name a
-- foreign tenant.

-- AlterTable
ALTER TABLE "principals" ADD COLUMN "reporter" TEXT;
UPDATE "principals" SET "reporter" = "tenant";
ALTER TABLE "principals" ALTER COLUMN "reporter" SET NOT NULL;

-- DropIndex
DROP INDEX "principals_tenant_issuer_subject_key";

-- CreateIndex
CREATE UNIQUE INDEX "principals_reporter_tenant_issuer_subject_key" ON "principals"("reporter", "tenant", "issuer", "subject");

-- CreateIndex
CREATE INDEX "principals_tenant_issuer_subject_idx" ON "principals"("tenant", "issuer", "subject");

-- AlterTable
ALTER TABLE "tokens" ADD COLUMN "reporter" TEXT;
UPDATE "tokens" SET "reporter" = "tenant";
ALTER TABLE "tokens" ALTER COLUMN "reporter" SET NOT NULL;
ALTER TABLE "tokens" DROP CONSTRAINT "tokens_pkey";
ALTER TABLE "tokens" ADD CONSTRAINT "tokens_pkey" PRIMARY KEY ("reporter", "key");

-- CreateIndex
CREATE INDEX "tokens_key_idx" ON "tokens"("key");

-- DropIndex
DROP INDEX "hops_request_id_hop_id_key";

-- CreateIndex
CREATE UNIQUE INDEX "hops_tenant_request_id_hop_id_key" ON "hops"("tenant", "request_id", "hop_id");

-- Anomalies of a request are now told apart by reporter too (`rule|request|reporter|subject`):
-- rewrite the keys already stored so that evaluating those requests again raises nothing twice.
UPDATE "anomalies"
SET "dedupe_key" = "rule" || '|' || "request_id" || '|' || "tenant" || '|'
                   || substr("dedupe_key", char_length("rule" || '|' || "request_id" || '|') + 1)
WHERE "request_id" IS NOT NULL
  AND left("dedupe_key", char_length("rule" || '|' || "request_id" || '|')) = "rule" || '|' || "request_id" || '|';
