-- The ledger's one append order. Event ids come from a sequence at insert time, so when
-- batches overlap they commit out of id order: a reader paging by id could pass an id that
-- commits later. Instead, each batch queues its events, and one sequencer at a time gives
-- committed events the next positions; positions become visible in order.

-- CreateTable
CREATE TABLE "ledger_queue" (
    "event_id" BIGINT NOT NULL,

    CONSTRAINT "ledger_queue_pkey" PRIMARY KEY ("event_id")
);

-- CreateTable
CREATE TABLE "ledger_entries" (
    "leaf_index" BIGINT NOT NULL,
    "event_id" BIGINT NOT NULL,
    "tenant" TEXT NOT NULL,
    "target_tenant" TEXT,
    "sequenced_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "ledger_entries_pkey" PRIMARY KEY ("leaf_index")
);

-- CreateIndex
CREATE UNIQUE INDEX "ledger_entries_event_id_key" ON "ledger_entries"("event_id");

-- CreateIndex
CREATE INDEX "ledger_entries_tenant_leaf_index_idx" ON "ledger_entries"("tenant", "leaf_index");

-- CreateIndex
CREATE INDEX "ledger_entries_target_tenant_leaf_index_idx" ON "ledger_entries"("target_tenant", "leaf_index");

-- Events stored before the ledger order existed take their places first, in id order.
INSERT INTO "ledger_queue" ("event_id") SELECT "id" FROM "events";

-- A position, once given, is never changed or taken back.
CREATE FUNCTION "provenant_reject_ledger_mutation"() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'ledger_entries is append-only: % rejected', TG_OP
    USING ERRCODE = 'insufficient_privilege';
END
$$;

CREATE TRIGGER "ledger_entries_append_only"
  BEFORE UPDATE OR DELETE ON "ledger_entries"
  FOR EACH ROW EXECUTE FUNCTION "provenant_reject_ledger_mutation"();

CREATE TRIGGER "ledger_entries_no_truncate"
  BEFORE TRUNCATE ON "ledger_entries"
  FOR EACH STATEMENT EXECUTE FUNCTION "provenant_reject_ledger_mutation"();
