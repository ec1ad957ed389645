-- The search API: free-text searches by any part of a principal's id or display name and of
-- a target's service or resource (ILIKE '%text%') use trigram indexes (pg_trgm ships with
-- PostgreSQL); the request search walks each tenant's activity newest first, and finds a
-- token by its jti.
CREATE EXTENSION IF NOT EXISTS "pg_trgm";

CREATE INDEX "principals_subject_trgm_idx" ON "principals" USING GIN ("subject" gin_trgm_ops);

CREATE INDEX "principals_display_name_trgm_idx" ON "principals" USING GIN ("display_name" gin_trgm_ops);

CREATE INDEX "tokens_jti_idx" ON "tokens"("jti");

CREATE INDEX "token_exchanges_tenant_occurred_at_request_id_idx" ON "token_exchanges"("tenant", "occurred_at", "request_id");

CREATE INDEX "hops_tenant_occurred_at_request_id_idx" ON "hops"("tenant", "occurred_at", "request_id");

CREATE INDEX "hops_target_tenant_occurred_at_request_id_idx" ON "hops"("target_tenant", "occurred_at", "request_id");

CREATE INDEX "hops_target_service_trgm_idx" ON "hops" USING GIN ("target_service" gin_trgm_ops);

CREATE INDEX "hops_target_resource_trgm_idx" ON "hops" USING GIN ("target_resource" gin_trgm_ops);
