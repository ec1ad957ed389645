-- Suppressions: an admin's decision that anomalies matching some conditions are known and
-- need no alert. A suppressed anomaly is still stored, exported and published; it is only
-- kept off the live dashboards. Suppressions are audited and never deleted (revoked instead).

-- CreateTable
CREATE TABLE "anomaly_suppressions" (
    "id" BIGSERIAL NOT NULL,
    "tenant" TEXT NOT NULL,
    "target_tenant" TEXT,
    "rule" TEXT,
    "principal_id" TEXT,
    "principal_issuer" TEXT,
    "issuer" TEXT,
    "target_service" TEXT,
    "reason" TEXT NOT NULL,
    "expires_at" TIMESTAMPTZ(3),
    "created_by" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "revoked_by" TEXT,
    "revoked_at" TIMESTAMPTZ(3),

    CONSTRAINT "anomaly_suppressions_pkey" PRIMARY KEY ("id")
);

-- AlterTable
ALTER TABLE "anomalies" ADD COLUMN     "suppressed_by" BIGINT;

-- AlterTable
ALTER TABLE "anomaly_changes" ADD COLUMN     "actor_tenants" TEXT[],
ADD COLUMN     "suppression_id" BIGINT;

-- CreateIndex
CREATE INDEX "anomaly_suppressions_tenant_id_idx" ON "anomaly_suppressions"("tenant", "id");

-- AddForeignKey
ALTER TABLE "anomalies" ADD CONSTRAINT "anomalies_suppressed_by_fkey" FOREIGN KEY ("suppressed_by") REFERENCES "anomaly_suppressions"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- The audit trail stays: a suppression is revoked, never deleted.
CREATE FUNCTION "provenant_reject_suppression_deletion"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'anomaly_suppressions are kept for the audit: revoke instead of deleting';
END $$;
CREATE TRIGGER "anomaly_suppressions_no_delete" BEFORE DELETE ON "anomaly_suppressions"
  FOR EACH ROW EXECUTE FUNCTION "provenant_reject_suppression_deletion"();
CREATE TRIGGER "anomaly_suppressions_no_truncate" BEFORE TRUNCATE ON "anomaly_suppressions"
  FOR EACH STATEMENT EXECUTE FUNCTION "provenant_reject_suppression_deletion"();
