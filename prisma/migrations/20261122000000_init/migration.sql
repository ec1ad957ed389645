-- CreateSchema
CREATE SCHEMA IF NOT EXISTS "public";

-- CreateEnum
CREATE TYPE "principal_kind" AS ENUM ('human', 'agent', 'service', 'tool', 'workload');

-- CreateEnum
CREATE TYPE "decision" AS ENUM ('allow', 'deny');

-- CreateEnum
CREATE TYPE "severity" AS ENUM ('LOW', 'MEDIUM', 'HIGH', 'CRITICAL');

-- CreateTable
CREATE TABLE "events" (
    "id" BIGSERIAL NOT NULL,
    "source" TEXT NOT NULL,
    "ce_id" TEXT NOT NULL,
    "type" TEXT NOT NULL,
    "tenant" TEXT NOT NULL,
    "target_tenant" TEXT,
    "request_id" TEXT,
    "time" TIMESTAMPTZ(3) NOT NULL,
    "traceparent" TEXT,
    "data" JSONB NOT NULL,
    "topic" TEXT NOT NULL,
    "partition" INTEGER NOT NULL,
    "offset" BIGINT NOT NULL,
    "received_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "events_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "principals" (
    "id" BIGSERIAL NOT NULL,
    "tenant" TEXT NOT NULL,
    "issuer" TEXT NOT NULL,
    "subject" TEXT NOT NULL,
    "kind" "principal_kind" NOT NULL,
    "display_name" TEXT,
    "first_seen_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "principals_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "principal_changes" (
    "id" BIGSERIAL NOT NULL,
    "event_id" BIGINT NOT NULL,
    "principal_id" BIGINT NOT NULL,
    "change" TEXT NOT NULL,
    "effective_at" TIMESTAMPTZ(3) NOT NULL,
    "tenant" TEXT NOT NULL,

    CONSTRAINT "principal_changes_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "tokens" (
    "key" TEXT NOT NULL,
    "tenant" TEXT NOT NULL,
    "issuer" TEXT,
    "jti" TEXT,
    "fingerprint" TEXT,
    "audience" TEXT[],
    "scopes" TEXT[],
    "issued_at" TIMESTAMPTZ(3),
    "expires_at" TIMESTAMPTZ(3),
    "claims" JSONB,
    "parent_key" TEXT,
    "actor_token_key" TEXT,
    "revoked_at" TIMESTAMPTZ(3),
    "revoke_reason" TEXT,
    "first_seen_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "tokens_pkey" PRIMARY KEY ("key")
);

-- CreateTable
CREATE TABLE "requests" (
    "request_id" TEXT NOT NULL,
    "first_seen_at" TIMESTAMPTZ(3) NOT NULL,
    "last_seen_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "requests_pkey" PRIMARY KEY ("request_id")
);

-- CreateTable
CREATE TABLE "token_exchanges" (
    "id" BIGSERIAL NOT NULL,
    "event_id" BIGINT NOT NULL,
    "request_id" TEXT NOT NULL,
    "tenant" TEXT NOT NULL,
    "subject_id" BIGINT NOT NULL,
    "actor_id" BIGINT NOT NULL,
    "subject_token_key" TEXT NOT NULL,
    "actor_token_key" TEXT,
    "issued_token_key" TEXT NOT NULL,
    "grant_type" TEXT,
    "occurred_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "token_exchanges_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "hops" (
    "id" BIGSERIAL NOT NULL,
    "event_id" BIGINT NOT NULL,
    "request_id" TEXT NOT NULL,
    "hop_id" TEXT NOT NULL,
    "parent_hop_id" TEXT,
    "tenant" TEXT NOT NULL,
    "actor_id" BIGINT NOT NULL,
    "on_behalf_of_id" BIGINT,
    "tool_name" TEXT,
    "tool_server" TEXT,
    "target_service" TEXT NOT NULL,
    "target_tenant" TEXT,
    "target_resource" TEXT,
    "target_action" TEXT,
    "token_key" TEXT,
    "decision" "decision" NOT NULL,
    "reason" TEXT,
    "occurred_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "hops_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "anomalies" (
    "id" BIGSERIAL NOT NULL,
    "rule" TEXT NOT NULL,
    "severity" "severity" NOT NULL,
    "request_id" TEXT,
    "tenant" TEXT NOT NULL,
    "target_tenant" TEXT,
    "dedupe_key" TEXT NOT NULL,
    "summary" TEXT NOT NULL,
    "details" JSONB NOT NULL,
    "detected_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "anomalies_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "events_request_id_idx" ON "events"("request_id");

-- CreateIndex
CREATE INDEX "events_tenant_id_idx" ON "events"("tenant", "id");

-- CreateIndex
CREATE INDEX "events_target_tenant_id_idx" ON "events"("target_tenant", "id");

-- CreateIndex
CREATE UNIQUE INDEX "events_source_ce_id_key" ON "events"("source", "ce_id");

-- CreateIndex
CREATE UNIQUE INDEX "principals_tenant_issuer_subject_key" ON "principals"("tenant", "issuer", "subject");

-- CreateIndex
CREATE UNIQUE INDEX "principal_changes_event_id_key" ON "principal_changes"("event_id");

-- CreateIndex
CREATE INDEX "principal_changes_principal_id_effective_at_idx" ON "principal_changes"("principal_id", "effective_at");

-- CreateIndex
CREATE INDEX "tokens_parent_key_idx" ON "tokens"("parent_key");

-- CreateIndex
CREATE INDEX "tokens_fingerprint_idx" ON "tokens"("fingerprint");

-- CreateIndex
CREATE UNIQUE INDEX "token_exchanges_event_id_key" ON "token_exchanges"("event_id");

-- CreateIndex
CREATE INDEX "token_exchanges_request_id_idx" ON "token_exchanges"("request_id");

-- CreateIndex
CREATE INDEX "token_exchanges_issued_token_key_idx" ON "token_exchanges"("issued_token_key");

-- CreateIndex
CREATE INDEX "token_exchanges_subject_token_key_idx" ON "token_exchanges"("subject_token_key");

-- CreateIndex
CREATE INDEX "token_exchanges_subject_id_idx" ON "token_exchanges"("subject_id");

-- CreateIndex
CREATE UNIQUE INDEX "hops_event_id_key" ON "hops"("event_id");

-- CreateIndex
CREATE INDEX "hops_token_key_idx" ON "hops"("token_key");

-- CreateIndex
CREATE INDEX "hops_actor_id_occurred_at_idx" ON "hops"("actor_id", "occurred_at");

-- CreateIndex
CREATE INDEX "hops_on_behalf_of_id_occurred_at_idx" ON "hops"("on_behalf_of_id", "occurred_at");

-- CreateIndex
CREATE UNIQUE INDEX "hops_request_id_hop_id_key" ON "hops"("request_id", "hop_id");

-- CreateIndex
CREATE UNIQUE INDEX "anomalies_dedupe_key_key" ON "anomalies"("dedupe_key");

-- CreateIndex
CREATE INDEX "anomalies_tenant_id_idx" ON "anomalies"("tenant", "id");

-- CreateIndex
CREATE INDEX "anomalies_target_tenant_id_idx" ON "anomalies"("target_tenant", "id");

-- CreateIndex
CREATE INDEX "anomalies_request_id_idx" ON "anomalies"("request_id");

-- Append-only ledger: the database itself refuses to change or remove an accepted event.
CREATE FUNCTION "provenant_reject_event_mutation"() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'events is append-only: % rejected', TG_OP
    USING ERRCODE = 'insufficient_privilege';
END
$$;

CREATE TRIGGER "events_append_only"
  BEFORE UPDATE OR DELETE ON "events"
  FOR EACH ROW EXECUTE FUNCTION "provenant_reject_event_mutation"();

CREATE TRIGGER "events_no_truncate"
  BEFORE TRUNCATE ON "events"
  FOR EACH STATEMENT EXECUTE FUNCTION "provenant_reject_event_mutation"();
