-- The ledger's leaves: each placed event as the exact bytes the Merkle tree hashes. The
-- sequencer gives an event its position; the integrator then writes, in position order,
-- the event's record (RFC 8785 canonical JSON, the text the NDJSON export serves as it is)
-- and its leaf hash SHA-256(0x00 || record). Leaves are contiguous from 0: a reader that
-- sees leaf N sees every leaf below it. The tenants and the event time are copied so that a
-- tenant's export pages by index from this table alone.

-- CreateTable
CREATE TABLE "ledger_leaves" (
    "leaf_index" BIGINT NOT NULL,
    "tenant" TEXT NOT NULL,
    "target_tenant" TEXT,
    "event_time" TIMESTAMPTZ(3) NOT NULL,
    "record" TEXT NOT NULL,
    "leaf_hash" BYTEA NOT NULL,
    "integrated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "ledger_leaves_pkey" PRIMARY KEY ("leaf_index")
);

-- CreateIndex
CREATE INDEX "ledger_leaves_tenant_leaf_index_idx" ON "ledger_leaves"("tenant", "leaf_index");

-- CreateIndex
CREATE INDEX "ledger_leaves_target_tenant_leaf_index_idx" ON "ledger_leaves"("target_tenant", "leaf_index");

-- AddForeignKey
ALTER TABLE "ledger_leaves" ADD CONSTRAINT "ledger_leaves_leaf_index_fkey" FOREIGN KEY ("leaf_index") REFERENCES "ledger_entries"("leaf_index") ON DELETE RESTRICT ON UPDATE CASCADE;

-- A leaf, once written, is never changed or taken back.
CREATE TRIGGER "ledger_leaves_append_only"
  BEFORE UPDATE OR DELETE ON "ledger_leaves"
  FOR EACH ROW EXECUTE FUNCTION "provenant_reject_ledger_mutation"();

CREATE TRIGGER "ledger_leaves_no_truncate"
  BEFORE TRUNCATE ON "ledger_leaves"
  FOR EACH STATEMENT EXECUTE FUNCTION "provenant_reject_ledger_mutation"();
