-- The ledger's Merkle tree (RFC 9162) and its signed checkpoints. `ledger_nodes` holds the
-- hash of every complete, aligned subtree of 2^level leaves (level >= 1; level 0 is the leaf
-- hash in `ledger_leaves`), written by the integrator with the leaves that complete it, so
-- roots and proofs are a few lookups. `ledger_checkpoints` keeps every checkpoint the
-- service signed (C2SP signed note) and whether it was published to Kafka.

-- CreateTable
CREATE TABLE "ledger_nodes" (
    "level" SMALLINT NOT NULL,
    "idx" BIGINT NOT NULL,
    "hash" BYTEA NOT NULL,

    CONSTRAINT "ledger_nodes_pkey" PRIMARY KEY ("level","idx")
);

-- CreateTable
CREATE TABLE "ledger_checkpoints" (
    "tree_size" BIGINT NOT NULL,
    "root_hash" BYTEA NOT NULL,
    "note" TEXT NOT NULL,
    "signed_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "published_at" TIMESTAMPTZ(3),

    CONSTRAINT "ledger_checkpoints_pkey" PRIMARY KEY ("tree_size")
);

-- CreateIndex
CREATE INDEX "ledger_checkpoints_published_at_tree_size_idx" ON "ledger_checkpoints"("published_at", "tree_size");

-- A node, once written, is never changed or taken back.
CREATE TRIGGER "ledger_nodes_append_only"
  BEFORE UPDATE OR DELETE ON "ledger_nodes"
  FOR EACH ROW EXECUTE FUNCTION "provenant_reject_ledger_mutation"();

CREATE TRIGGER "ledger_nodes_no_truncate"
  BEFORE TRUNCATE ON "ledger_nodes"
  FOR EACH STATEMENT EXECUTE FUNCTION "provenant_reject_ledger_mutation"();
