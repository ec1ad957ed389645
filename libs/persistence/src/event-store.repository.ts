import { Injectable } from '@nestjs/common';
import { createHash } from 'node:crypto';
import type { PoolClient } from 'pg';
import { ANOMALY_COLUMNS, toAnomaly, type AnomalyRecord } from './anomaly-record';
import { encodeHeaders } from './dead-letter-headers';
import { recordKey } from '@app/contract';
import { DatabaseService } from './database.service';
import type {
  AnomalyRow,
  DeadLetterRow,
  EventGraph,
  PrincipalKey,
  PrincipalRow,
  StoredAnomaly,
  TokenRow,
} from './graph-rows';

/**
 * Runs inside the batch's transaction once its rows are written, and returns the
 * anomalies the new facts reveal; they commit (or roll back) with the batch.
 */
export type AfterStore = (client: PoolClient, stored: EventGraph[]) => Promise<AnomalyRow[]>;

export interface StoreBatchResult {
  /** Events new to the store, in input order. */
  stored: EventGraph[];
  /** Events already stored before (same source and id): they changed nothing. */
  duplicates: number;
  /** Anomalies this batch raised for the first time (queued in the outbox for publishing). */
  anomalies: StoredAnomaly[];
  /** Dead letters recorded for the first time (a re-read message is recorded once). */
  deadLettered: number;
}

export interface BatchToStore {
  graphs: EventGraph[];
  deadLetters: DeadLetterRow[];
}

const eventKey = (source: string, ceId: string): string => `${source}\u0000${ceId}`;
const principalKey = (p: PrincipalKey): string =>
  `${p.reporter}\u0000${p.tenant}\u0000${p.issuer}\u0000${p.subject}`;

/**
 * Merges the descriptions of one token a reporter gave several times in a batch: first
 * value wins. Different reporters' descriptions are different records, never merged.
 */
function mergeTokens(rows: TokenRow[]): TokenRow[] {
  const merged = new Map<string, TokenRow>();
  for (const row of rows) {
    const record = recordKey(row.reporter, row.key);
    const seen = merged.get(record);
    if (!seen) {
      merged.set(record, { ...row });
      continue;
    }
    for (const field of [
      'issuer',
      'jti',
      'fingerprint',
      'issuedAt',
      'expiresAt',
      'claims',
      'parentKey',
      'actorTokenKey',
      'revokeReason',
    ] as const) {
      if (seen[field] === null || seen[field] === undefined)
        (seen as unknown as Record<string, unknown>)[field] = row[field];
    }
    if (seen.audience.length === 0) seen.audience = row.audience;
    if (seen.scopes.length === 0) seen.scopes = row.scopes;
    if (
      row.revokedAt &&
      (!seen.revokedAt || Date.parse(row.revokedAt) < Date.parse(seen.revokedAt))
    ) {
      seen.revokedAt = row.revokedAt;
    }
  }
  return [...merged.values()];
}

function distinctPrincipals(rows: PrincipalRow[]): PrincipalRow[] {
  const byKey = new Map<string, PrincipalRow>();
  for (const row of rows) {
    const seen = byKey.get(principalKey(row));
    if (!seen) byKey.set(principalKey(row), row);
    else if (!seen.displayName && row.displayName) seen.displayName = row.displayName;
  }
  return [...byKey.values()];
}

const json = (value: unknown): string => JSON.stringify(value);

// A dedupe key is built from ids of up to 512 bytes each; a long one is stored as its hash
// so that it always fits the unique index.
const MAX_DEDUPE_KEY_BYTES = 512;
const boundedDedupeKey = (key: string): string =>
  Buffer.byteLength(key, 'utf8') <= MAX_DEDUPE_KEY_BYTES
    ? key
    : `sha256:${createHash('sha256').update(key, 'utf8').digest('hex')}`;

/**
 * Writes batches of events into the append-only ledger and the provenance graph, in one
 * transaction per batch and a fixed number of statements whatever the batch size.
 * Idempotent: an event already in the ledger (same source and id) adds nothing.
 */
@Injectable()
export class EventStoreRepository {
  constructor(private readonly database: DatabaseService) {}

  async storeBatch(
    { graphs, deadLetters }: BatchToStore,
    afterStore?: AfterStore,
  ): Promise<StoreBatchResult> {
    if (graphs.length === 0 && deadLetters.length === 0)
      return { stored: [], duplicates: 0, anomalies: [], deadLettered: 0 };
    return this.database.transaction(async (client) => {
      const deadLettered = await this.insertDeadLetters(client, deadLetters);
      if (graphs.length === 0) return { stored: [], duplicates: 0, anomalies: [], deadLettered };
      const fresh = await this.insertEvents(client, graphs);
      const stored = graphs.filter((graph) =>
        fresh.has(eventKey(graph.event.source, graph.event.ceId)),
      );
      const withIds = <T extends { source: string; ceId: string }>(rows: T[]) =>
        rows.map((row) => ({ ...row, eventId: fresh.get(eventKey(row.source, row.ceId)) }));

      type ListKey = Exclude<keyof EventGraph, 'event'>;
      const all = <K extends ListKey>(key: K): EventGraph[K] =>
        stored.flatMap((graph) => graph[key] as unknown[]) as EventGraph[K];
      await this.upsertPrincipals(client, distinctPrincipals(all('principals')));
      await this.upsertTokens(client, mergeTokens(all('tokens')));
      await this.upsertRequests(client, all('requests'));
      await this.insertExchanges(client, withIds(all('exchanges')));
      await this.insertHops(client, withIds(all('hops')));
      await this.insertChanges(client, withIds(all('changes')));
      const derived = afterStore && stored.length > 0 ? await afterStore(client, stored) : [];
      const anomalies = await this.insertAnomalies(client, [...all('anomalies'), ...derived]);
      return { stored, duplicates: graphs.length - stored.length, anomalies, deadLettered };
    });
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

  /** Inserts the events; returns the ids of those that were not stored before. */
  private async insertEvents(
    client: PoolClient,
    graphs: EventGraph[],
  ): Promise<Map<string, string>> {
    const { rows } = await client.query<{ id: string; source: string; ce_id: string }>(
      `INSERT INTO events (source, ce_id, type, tenant, target_tenant, request_id, time, traceparent, data, topic, partition, "offset")
       SELECT e.source, e."ceId", e.type, e.tenant, e."targetTenant", e."requestId", e.time, e.traceparent, e.data, e.topic, e.partition, e."offset"
       FROM jsonb_to_recordset($1::jsonb) AS e(source text, "ceId" text, type text, tenant text, "targetTenant" text,
            "requestId" text, time timestamptz, traceparent text, data jsonb, topic text, partition int, "offset" bigint)
       ON CONFLICT (source, ce_id) DO NOTHING
       RETURNING id, source, ce_id`,
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
       ON CONFLICT (reporter, tenant, issuer, subject) DO UPDATE SET display_name = EXCLUDED.display_name
       WHERE principals.display_name IS NULL AND EXCLUDED.display_name IS NOT NULL`,
      [json(rows)],
    );
  }

  private async upsertTokens(client: PoolClient, rows: TokenRow[]): Promise<void> {
    if (rows.length === 0) return;
    await client.query(
      `INSERT INTO tokens (reporter, key, tenant, issuer, jti, fingerprint, audience, scopes, issued_at, expires_at, claims,
                           parent_key, actor_token_key, revoked_at, revoke_reason)
       SELECT t.reporter, t.key, t.tenant, t.issuer, t.jti, t.fingerprint,
              ARRAY(SELECT jsonb_array_elements_text(t.audience)), ARRAY(SELECT jsonb_array_elements_text(t.scopes)),
              t."issuedAt", t."expiresAt", t.claims, t."parentKey", t."actorTokenKey", t."revokedAt", t."revokeReason"
       FROM jsonb_to_recordset($1::jsonb) AS t(reporter text, key text, tenant text, issuer text, jti text, fingerprint text,
            audience jsonb, scopes jsonb, "issuedAt" timestamptz, "expiresAt" timestamptz, claims jsonb,
            "parentKey" text, "actorTokenKey" text, "revokedAt" timestamptz, "revokeReason" text)
       ORDER BY t.reporter, t.key
       ON CONFLICT (reporter, key) DO UPDATE SET
         issuer = COALESCE(tokens.issuer, EXCLUDED.issuer),
         jti = COALESCE(tokens.jti, EXCLUDED.jti),
         fingerprint = COALESCE(tokens.fingerprint, EXCLUDED.fingerprint),
         audience = CASE WHEN cardinality(tokens.audience) = 0 THEN EXCLUDED.audience ELSE tokens.audience END,
         scopes = CASE WHEN cardinality(tokens.scopes) = 0 THEN EXCLUDED.scopes ELSE tokens.scopes END,
         issued_at = COALESCE(tokens.issued_at, EXCLUDED.issued_at),
         expires_at = COALESCE(tokens.expires_at, EXCLUDED.expires_at),
         claims = COALESCE(tokens.claims, EXCLUDED.claims),
         parent_key = COALESCE(tokens.parent_key, EXCLUDED.parent_key),
         actor_token_key = COALESCE(tokens.actor_token_key, EXCLUDED.actor_token_key),
         revoked_at = LEAST(tokens.revoked_at, EXCLUDED.revoked_at),
         revoke_reason = COALESCE(tokens.revoke_reason, EXCLUDED.revoke_reason)`,
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
       ON CONFLICT (request_id) DO UPDATE SET
         first_seen_at = LEAST(requests.first_seen_at, EXCLUDED.first_seen_at),
         last_seen_at = GREATEST(requests.last_seen_at, EXCLUDED.last_seen_at)`,
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
    // different hop. A second event of the same tenant claiming them is kept in the ledger only.
    await client.query(
      `INSERT INTO hops (event_id, request_id, hop_id, parent_hop_id, tenant, actor_id, on_behalf_of_id, tool_name,
                         tool_server, target_service, target_tenant, target_resource, target_action, token_key,
                         decision, reason, occurred_at)
       SELECT DISTINCT ON (h.tenant, h."requestId", h."hopId")
              h."eventId", h."requestId", h."hopId", h."parentHopId", h.tenant, a.id, o.id, h."toolName", h."toolServer",
              h."targetService", h."targetTenant", h."targetResource", h."targetAction", h."tokenKey",
              h.decision::decision, h.reason, h."occurredAt"
       FROM jsonb_to_recordset($1::jsonb) AS h("eventId" bigint, "requestId" text, "hopId" text, "parentHopId" text,
            tenant text, actor jsonb, "onBehalfOf" jsonb, "toolName" text, "toolServer" text, "targetService" text,
            "targetTenant" text, "targetResource" text, "targetAction" text, "tokenKey" text, decision text,
            reason text, "occurredAt" timestamptz)
       JOIN principals a ON a.reporter = h.actor->>'reporter' AND a.tenant = h.actor->>'tenant'
                        AND a.issuer = h.actor->>'issuer' AND a.subject = h.actor->>'subject'
       LEFT JOIN principals o ON o.reporter = h."onBehalfOf"->>'reporter' AND o.tenant = h."onBehalfOf"->>'tenant'
                              AND o.issuer = h."onBehalfOf"->>'issuer' AND o.subject = h."onBehalfOf"->>'subject'
       ORDER BY h.tenant, h."requestId", h."hopId", h."eventId"
       ON CONFLICT (tenant, request_id, hop_id) DO NOTHING`,
      [json(rows)],
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
   * Inserts anomalies not raised before and queues each new one in the outbox, in the same
   * statement (so in the batch's transaction): none is stored without being published.
   */
  async insertAnomalies(client: PoolClient, rows: AnomalyRow[]): Promise<StoredAnomaly[]> {
    if (rows.length === 0) return [];
    const result = await client.query<AnomalyRecord>(
      `WITH inserted AS (
         INSERT INTO anomalies (rule, severity, request_id, tenant, target_tenant, dedupe_key, summary, details)
         SELECT DISTINCT ON (a."dedupeKey") a.rule, a.severity::severity, a."requestId", a.tenant, a."targetTenant",
                a."dedupeKey", a.summary, a.details
         FROM jsonb_to_recordset($1::jsonb) AS a(rule text, severity text, "requestId" text, tenant text,
              "targetTenant" text, "dedupeKey" text, summary text, details jsonb)
         ORDER BY a."dedupeKey"
         ON CONFLICT (dedupe_key) DO NOTHING
         RETURNING ${ANOMALY_COLUMNS}
       ), queued AS (
         INSERT INTO anomaly_outbox (anomaly_id) SELECT id::bigint FROM inserted
       )
       SELECT * FROM inserted`,
      [json(rows.map((row) => ({ ...row, dedupeKey: boundedDedupeKey(row.dedupeKey) })))],
    );
    return result.rows.map(toAnomaly);
  }
}
