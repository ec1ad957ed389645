import { Injectable } from '@nestjs/common';
import type { AnomalyChangeKind } from '@app/graph';
import { createHash } from 'node:crypto';
import type { PoolClient } from 'pg';
import { clientOf, type Transaction } from './transaction';
import { ANOMALY_COLUMNS, toAnomaly, type AnomalyRecord } from './anomaly-record';
import { anomalyColumns, PUBLISH_CHANGED } from './anomaly-changes.sql';
import { encodeHeaders } from './dead-letter-headers';
import {
  batchRows,
  PRINCIPALS_ON_CONFLICT,
  REQUESTS_ON_CONFLICT,
  TOKENS_ON_CONFLICT,
  type StoredTokenRow,
} from './batch-rows';
import type {
  AnomalyRow,
  DeadLetterRow,
  EventGraph,
  PrincipalRow,
  StoredAnomaly,
} from './graph-rows';

export interface StoreBatchResult {
  /** Events new to the store, in input order. */
  stored: EventGraph[];
  /** Events already stored before (same source and id): they changed nothing. */
  duplicates: number;
  /** Dead letters recorded for the first time (a re-read message is recorded once). */
  deadLettered: number;
}

export interface BatchToStore {
  graphs: EventGraph[];
  deadLetters: DeadLetterRow[];
}

const eventKey = (source: string, ceId: string): string => `${source}\u0000${ceId}`;
const json = (value: unknown): string => JSON.stringify(value);

// A dedupe key is built from ids of up to 512 bytes each; a long one is stored as its hash
// so that it always fits the unique index.
const MAX_DEDUPE_KEY_BYTES = 512;
const boundedDedupeKey = (key: string): string =>
  Buffer.byteLength(key, 'utf8') <= MAX_DEDUPE_KEY_BYTES
    ? key
    : `sha256:${createHash('sha256').update(key, 'utf8').digest('hex')}`;

export const WITHDRAWN_REASON =
  'the facts stored since no longer show it: the rules, judging the request again, did not find it';
export const REOPENED_REASON = 'the facts stored since show it again';

/** What the rules found after a batch, and which requests they judged again (and why). */
export interface Verdicts {
  found: AnomalyRow[];
  /** The requests judged again: an open anomaly of theirs not found again is withdrawn. */
  evaluated: string[];
  /** The rules that judge requests: only their anomalies are withdrawn when not found. */
  rules: readonly string[];
}

/**
 * Writes batches of events into the append-only ledger and the provenance graph, inside the
 * caller's transaction and in a fixed number of statements whatever the batch size.
 * Idempotent: an event already in the ledger (same source and id) adds nothing.
 */
@Injectable()
export class EventStoreRepository {
  /**
   * Records the refused messages and stores the events new to the ledger with the graph rows
   * they add. Their anomalies are not stored here: the caller adds the rules' findings and
   * records them all at once with `insertAnomalies`, in the same transaction.
   */
  async storeBatch(
    tx: Transaction,
    { graphs, deadLetters }: BatchToStore,
  ): Promise<StoreBatchResult> {
    const client = clientOf(tx);
    const deadLettered = await this.insertDeadLetters(client, deadLetters);
    if (graphs.length === 0) return { stored: [], duplicates: 0, deadLettered };
    const fresh = await this.insertEvents(client, graphs);
    const stored = graphs.filter((graph) =>
      fresh.has(eventKey(graph.event.source, graph.event.ceId)),
    );
    const withIds = <T extends { source: string; ceId: string }>(rows: T[]) =>
      rows.map((row) => ({ ...row, eventId: fresh.get(eventKey(row.source, row.ceId)) }));

    const rows = batchRows(stored);
    await this.upsertPrincipals(client, rows.principals);
    await this.upsertTokens(client, rows.tokens);
    await this.upsertRequests(client, rows.requests);
    await this.insertExchanges(client, withIds(rows.exchanges));
    const hops = withIds(rows.hops);
    await this.insertHops(client, hops);
    await this.trackParentWaits(client, hops);
    await this.insertChanges(client, withIds(rows.changes));
    return { stored, duplicates: graphs.length - stored.length, deadLettered };
  }

  /** Records refused messages; returns how many were not recorded before. */
  private async insertDeadLetters(client: PoolClient, rows: DeadLetterRow[]): Promise<number> {
    if (rows.length === 0) return 0;
    const result = await client.query(
      `INSERT INTO dead_letters (topic, partition, "offset", code, reason, key, value, headers)
       SELECT d.topic, d.partition, d."offset", d.code, d.reason, decode(d.key, 'base64'),
              decode(d.value, 'base64'), d.headers
       FROM jsonb_to_recordset($1::jsonb) AS d(topic text, partition int, "offset" bigint, code text,
            reason text, key text, value text, headers jsonb)
       ORDER BY 1, 2, 3
       ON CONFLICT (topic, partition, "offset") DO NOTHING`,
      [
        json(
          rows.map((row) => ({
            ...row,
            key: row.key?.toString('base64') ?? null,
            value: row.value?.toString('base64') ?? null,
            headers: encodeHeaders(row.headers),
          })),
        ),
      ],
    );
    return result.rowCount ?? 0;
  }

  /**
   * Inserts the events and queues the new ones for their place in the ledger (in the same
   * statement, so in the batch's transaction); returns the ids of those not stored before.
   */
  private async insertEvents(
    client: PoolClient,
    graphs: EventGraph[],
  ): Promise<Map<string, string>> {
    const { rows } = await client.query<{ id: string; source: string; ce_id: string }>(
      `WITH inserted AS (
         INSERT INTO events (source, ce_id, type, tenant, target_tenant, request_id, time, traceparent, data, topic, partition, "offset")
         SELECT e.source, e."ceId", e.type, e.tenant, e."targetTenant", e."requestId", e.time, e.traceparent, e.data, e.topic, e.partition, e."offset"
         FROM jsonb_to_recordset($1::jsonb) AS e(source text, "ceId" text, type text, tenant text, "targetTenant" text,
              "requestId" text, time timestamptz, traceparent text, data jsonb, topic text, partition int, "offset" bigint)
         ON CONFLICT (source, ce_id) DO NOTHING
         RETURNING id, source, ce_id
       ), queued AS (
         INSERT INTO ledger_queue (event_id) SELECT id FROM inserted
       )
       SELECT id::text, source, ce_id FROM inserted`,
      [json(graphs.map((graph) => graph.event))],
    );
    return new Map(rows.map((row) => [eventKey(row.source, row.ce_id), row.id]));
  }

  private async upsertPrincipals(client: PoolClient, rows: PrincipalRow[]): Promise<void> {
    if (rows.length === 0) return;
    await client.query(
      `INSERT INTO principals (reporter, tenant, issuer, subject, kind, display_name)
       SELECT p.reporter, p.tenant, p.issuer, p.subject, p.kind::principal_kind, p."displayName"
       FROM jsonb_to_recordset($1::jsonb) AS p(reporter text, tenant text, issuer text, subject text, kind text, "displayName" text)
       ORDER BY 1, 2, 3, 4
       ${PRINCIPALS_ON_CONFLICT}`,
      [json(rows)],
    );
  }

  private async upsertTokens(client: PoolClient, rows: StoredTokenRow[]): Promise<void> {
    if (rows.length === 0) return;
    await client.query(
      `INSERT INTO tokens (reporter, key, tenant, issuer, jti, fingerprint, audience, scopes, issued_at, expires_at, claims,
                           parent_key, actor_token_key, revoked_at, revoke_reason, field_sources)
       SELECT t.reporter, t.key, t.tenant, t.issuer, t.jti, t.fingerprint,
              ARRAY(SELECT jsonb_array_elements_text(t.audience)), ARRAY(SELECT jsonb_array_elements_text(t.scopes)),
              t."issuedAt", t."expiresAt", t.claims, t."parentKey", t."actorTokenKey", t."revokedAt", t."revokeReason",
              t.sources
       FROM jsonb_to_recordset($1::jsonb) AS t(reporter text, key text, tenant text, issuer text, jti text, fingerprint text,
            audience jsonb, scopes jsonb, "issuedAt" timestamptz, "expiresAt" timestamptz, claims jsonb,
            "parentKey" text, "actorTokenKey" text, "revokedAt" timestamptz, "revokeReason" text, sources jsonb)
       ORDER BY t.reporter, t.key
       ${TOKENS_ON_CONFLICT}`,
      [json(rows)],
    );
  }

  private async upsertRequests(client: PoolClient, rows: EventGraph['requests']): Promise<void> {
    if (rows.length === 0) return;
    await client.query(
      `INSERT INTO requests (request_id, first_seen_at, last_seen_at)
       SELECT r."requestId", min(r.time), max(r.time)
       FROM jsonb_to_recordset($1::jsonb) AS r("requestId" text, time timestamptz)
       GROUP BY r."requestId" ORDER BY 1
       ${REQUESTS_ON_CONFLICT}`,
      [json(rows)],
    );
  }

  private async insertExchanges(
    client: PoolClient,
    rows: Array<EventGraph['exchanges'][number] & { eventId?: string }>,
  ): Promise<void> {
    if (rows.length === 0) return;
    await client.query(
      `INSERT INTO token_exchanges (event_id, request_id, tenant, subject_id, actor_id, subject_token_key,
                                    actor_token_key, issued_token_key, grant_type, occurred_at)
       SELECT x."eventId", x."requestId", x.tenant, s.id, a.id, x."subjectTokenKey", x."actorTokenKey",
              x."issuedTokenKey", x."grantType", x."occurredAt"
       FROM jsonb_to_recordset($1::jsonb) AS x("eventId" bigint, "requestId" text, tenant text, subject jsonb, actor jsonb,
            "subjectTokenKey" text, "actorTokenKey" text, "issuedTokenKey" text, "grantType" text, "occurredAt" timestamptz)
       JOIN principals s ON s.reporter = x.subject->>'reporter' AND s.tenant = x.subject->>'tenant'
                        AND s.issuer = x.subject->>'issuer' AND s.subject = x.subject->>'subject'
       JOIN principals a ON a.reporter = x.actor->>'reporter' AND a.tenant = x.actor->>'tenant'
                        AND a.issuer = x.actor->>'issuer' AND a.subject = x.actor->>'subject'`,
      [json(rows)],
    );
  }

  private async insertHops(
    client: PoolClient,
    rows: Array<EventGraph['hops'][number] & { eventId?: string }>,
  ): Promise<void> {
    if (rows.length === 0) return;
    // A hop is (owning tenant, requestId, hopId): another tenant's hop of the same ids is a
    // different hop. When events of the same tenant report one hop differently, the earliest
    // report (its time, then source and id) is the hop, whichever arrived first; the others
    // are kept in the ledger only. A report arriving later that comes first replaces it.
    const reportOf = (hop: string) =>
      `${hop}.occurred_at, (SELECT e.source FROM events e WHERE e.id = ${hop}.event_id) COLLATE "C",
       (SELECT e.ce_id FROM events e WHERE e.id = ${hop}.event_id) COLLATE "C"`;
    await client.query(
      `INSERT INTO hops (event_id, request_id, hop_id, parent_hop_id, tenant, actor_id, on_behalf_of_id, tool_name,
                         tool_server, target_service, target_tenant, target_resource, target_action, token_key,
                         decision, reason, occurred_at)
       SELECT DISTINCT ON (h.tenant, h."requestId", h."hopId")
              h."eventId", h."requestId", h."hopId", h."parentHopId", h.tenant, a.id, o.id, h."toolName", h."toolServer",
              h."targetService", h."targetTenant", h."targetResource", h."targetAction", h."tokenKey",
              h.decision::decision, h.reason, h."occurredAt"
       FROM jsonb_to_recordset($1::jsonb) AS h("eventId" bigint, source text, "ceId" text, "requestId" text,
            "hopId" text, "parentHopId" text, tenant text, actor jsonb, "onBehalfOf" jsonb, "toolName" text, "toolServer" text, "targetService" text,
            "targetTenant" text, "targetResource" text, "targetAction" text, "tokenKey" text, decision text,
            reason text, "occurredAt" timestamptz)
       JOIN principals a ON a.reporter = h.actor->>'reporter' AND a.tenant = h.actor->>'tenant'
                        AND a.issuer = h.actor->>'issuer' AND a.subject = h.actor->>'subject'
       LEFT JOIN principals o ON o.reporter = h."onBehalfOf"->>'reporter' AND o.tenant = h."onBehalfOf"->>'tenant'
                              AND o.issuer = h."onBehalfOf"->>'issuer' AND o.subject = h."onBehalfOf"->>'subject'
       ORDER BY h.tenant, h."requestId", h."hopId", h."occurredAt", h.source COLLATE "C", h."ceId" COLLATE "C"
       ON CONFLICT (tenant, request_id, hop_id) DO UPDATE SET
         event_id = EXCLUDED.event_id, parent_hop_id = EXCLUDED.parent_hop_id, actor_id = EXCLUDED.actor_id,
         on_behalf_of_id = EXCLUDED.on_behalf_of_id, tool_name = EXCLUDED.tool_name,
         tool_server = EXCLUDED.tool_server, target_service = EXCLUDED.target_service,
         target_tenant = EXCLUDED.target_tenant, target_resource = EXCLUDED.target_resource,
         target_action = EXCLUDED.target_action, token_key = EXCLUDED.token_key, decision = EXCLUDED.decision,
         reason = EXCLUDED.reason, occurred_at = EXCLUDED.occurred_at
       WHERE (${reportOf('EXCLUDED')}) < (${reportOf('hops')})`,
      [json(rows)],
    );
  }

  /**
   * A hop stored without its parent starts waiting for it (hop_parent_waits, stamped with its
   * event's arrival, which a report replacing the hop restamps); a hop stored here ends the
   * wait of the hops that name it as parent. A
   * wait a concurrent batch ends unseen is cleared by the sweeper, which judges before it
   * fires: the row only says when to judge, the verdict comes from the facts.
   */
  private async trackParentWaits(
    client: PoolClient,
    rows: Array<EventGraph['hops'][number] & { eventId?: string }>,
  ): Promise<void> {
    if (rows.length === 0) return;
    await client.query(
      `WITH fresh AS (
         SELECT h.tenant, h.request_id, h.hop_id, h.parent_hop_id, e.received_at
         FROM hops h JOIN events e ON e.id = h.event_id
         WHERE h.event_id = ANY($1::bigint[])
       ), arrived AS (
         DELETE FROM hop_parent_waits w USING fresh f
         WHERE w.tenant = f.tenant AND w.request_id = f.request_id AND w.parent_hop_id = f.hop_id
       )
       INSERT INTO hop_parent_waits (tenant, request_id, hop_id, parent_hop_id, arrived_at)
       SELECT f.tenant, f.request_id, f.hop_id, f.parent_hop_id, f.received_at FROM fresh f
       WHERE f.parent_hop_id IS NOT NULL
         AND NOT EXISTS (SELECT 1 FROM hops p WHERE p.tenant = f.tenant AND p.request_id = f.request_id
                         AND p.hop_id = f.parent_hop_id)
       ORDER BY 1, 2, 3
       ON CONFLICT (tenant, request_id, hop_id) DO UPDATE
         SET parent_hop_id = EXCLUDED.parent_hop_id, arrived_at = EXCLUDED.arrived_at`,
      [rows.map((row) => row.eventId)],
    );
  }

  private async insertChanges(
    client: PoolClient,
    rows: Array<EventGraph['changes'][number] & { eventId?: string }>,
  ): Promise<void> {
    if (rows.length === 0) return;
    await client.query(
      `INSERT INTO principal_changes (event_id, principal_id, change, effective_at, tenant)
       SELECT c."eventId", p.id, c.change, c."effectiveAt", c.tenant
       FROM jsonb_to_recordset($1::jsonb) AS c("eventId" bigint, principal jsonb, change text, "effectiveAt" timestamptz, tenant text)
       JOIN principals p ON p.reporter = c.principal->>'reporter' AND p.tenant = c.principal->>'tenant'
                        AND p.issuer = c.principal->>'issuer' AND p.subject = c.principal->>'subject'`,
      [json(rows)],
    );
  }

  /**
   * Records what the rules found, in one statement (so in the batch's transaction): an
   * anomaly not raised before is inserted; a withdrawn one found again is reopened; and, for
   * each request judged again (`evaluated`), an open anomaly of one of `rules` that was not
   * found again is withdrawn. The reasons quote no fact (the facts that changed the verdict
   * may be another tenant's). Every change is kept in the anomaly's
   * history and queued in the outbox (no change is stored without being published); a
   * changed anomaly leaves the feed until its change is published at the next position.
   * A found row's `suppressedBy` (the caller matched the tenant's suppressions) is stored
   * with a new anomaly, or with a reopened one not suppressed before.
   */
  async recordVerdicts(tx: Transaction, verdicts: Verdicts): Promise<StoredAnomaly[]> {
    const { found, evaluated, rules } = verdicts;
    if (found.length === 0 && evaluated.length === 0) return [];
    // A finding that a suppression silences is stored as suppressed at detection; a
    // withdrawn one found again while a suppression silences it is reopened suppressed.
    const result = await clientOf(tx).query<AnomalyRecord & { change: AnomalyChangeKind }>(
      `WITH found AS (
         SELECT DISTINCT ON (a."dedupeKey") a.*
         FROM jsonb_to_recordset($1::jsonb) AS a(rule text, severity text, "requestId" text, tenant text,
              "targetTenant" text, "dedupeKey" text, summary text, details jsonb, "suppressedBy" bigint)
         ORDER BY a."dedupeKey"
       ), prior AS (
         SELECT a.id, a.suppressed_by FROM anomalies a JOIN found f ON a.dedupe_key = f."dedupeKey"
       ), inserted AS (
         INSERT INTO anomalies (rule, severity, request_id, tenant, target_tenant, dedupe_key, summary, details,
                                suppressed_by)
         SELECT f.rule, f.severity::severity, f."requestId", f.tenant, f."targetTenant", f."dedupeKey", f.summary,
                f.details, f."suppressedBy"
         FROM found f ORDER BY f."dedupeKey"
         ON CONFLICT (dedupe_key) DO NOTHING
         RETURNING ${ANOMALY_COLUMNS}, 'DETECTED'::text AS change, NULL::text AS actor, NULL::text[] AS actor_tenants,
                   NULL::text AS reason,
                   suppressed_by AS suppression_id
       ), reopened AS (
         UPDATE anomalies a SET verdict = 'OPEN', version = a.version + 1, changed_at = now(),
                verdict_reason = '${REOPENED_REASON}', feed_seq = NULL,
                suppressed_by = coalesce(a.suppressed_by, f."suppressedBy")
         FROM found f, prior p
         WHERE a.dedupe_key = f."dedupeKey" AND p.id = a.id AND a.verdict = 'WITHDRAWN'
         RETURNING ${anomalyColumns('a')}, 'REOPENED'::text AS change, NULL::text AS actor, NULL::text[] AS actor_tenants,
                   a.verdict_reason AS reason,
                   CASE WHEN p.suppressed_by IS NULL THEN a.suppressed_by END AS suppression_id
       ), withdrawn AS (
         UPDATE anomalies a SET verdict = 'WITHDRAWN', version = a.version + 1, changed_at = now(),
                verdict_reason = '${WITHDRAWN_REASON}', feed_seq = NULL
         WHERE a.request_id = ANY($2::text[]) AND a.rule = ANY($3::text[]) AND a.verdict = 'OPEN'
           AND NOT EXISTS (SELECT 1 FROM found f WHERE f."dedupeKey" = a.dedupe_key)
         RETURNING ${anomalyColumns('a')}, 'WITHDRAWN'::text AS change, NULL::text AS actor, NULL::text[] AS actor_tenants,
                   a.verdict_reason AS reason, NULL::bigint AS suppression_id
       ), changed AS (
         SELECT * FROM inserted UNION ALL SELECT * FROM reopened UNION ALL SELECT * FROM withdrawn
       ), ${PUBLISH_CHANGED}`,
      [
        json(
          found.map((row) => ({
            ...row,
            dedupeKey: boundedDedupeKey(row.dedupeKey),
            suppressedBy: row.suppressedBy ?? null,
          })),
        ),
        evaluated,
        [...rules],
      ],
    );
    return result.rows.map(toAnomaly);
  }
}
