-- Hops waiting for their parent hop: once UNTRACKED_HOP_GRACE_MS has passed since a hop
-- arrived without its parent, the ingestors' sweeper judges its request again (UNTRACKED_HOP)
-- and removes the row; a parent arriving in time removes it. Kept in the database so that
-- a restart loses no wait and several ingestors share the work.

-- CreateTable
CREATE TABLE "hop_parent_waits" (
    "tenant" TEXT NOT NULL,
    "request_id" TEXT NOT NULL,
    "hop_id" TEXT NOT NULL,
    "parent_hop_id" TEXT NOT NULL,
    "arrived_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "hop_parent_waits_pkey" PRIMARY KEY ("tenant","request_id","hop_id")
);

-- CreateIndex
CREATE INDEX "hop_parent_waits_arrived_at_idx" ON "hop_parent_waits"("arrived_at");

-- CreateIndex
CREATE INDEX "hop_parent_waits_tenant_request_id_parent_hop_id_idx" ON "hop_parent_waits"("tenant", "request_id", "parent_hop_id");

-- Hops stored before this table existed whose parent never arrived: judged at the first sweep.
INSERT INTO "hop_parent_waits" ("tenant", "request_id", "hop_id", "parent_hop_id", "arrived_at")
SELECT h."tenant", h."request_id", h."hop_id", h."parent_hop_id", e."received_at"
FROM "hops" h JOIN "events" e ON e."id" = h."event_id"
WHERE h."parent_hop_id" IS NOT NULL
  AND NOT EXISTS (SELECT 1 FROM "hops" p WHERE p."tenant" = h."tenant"
                  AND p."request_id" = h."request_id" AND p."hop_id" = h."parent_hop_id");
