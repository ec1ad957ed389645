-- Hops are looked up by request (the reader's view, the rules' account of a batch's
-- requests): the unique key leads with request_id so that it serves those lookups, as the
-- key it replaced did before ownership put the tenant first.
DROP INDEX "hops_tenant_request_id_hop_id_key";

CREATE UNIQUE INDEX "hops_request_id_tenant_hop_id_key" ON "hops"("request_id", "tenant", "hop_id");
