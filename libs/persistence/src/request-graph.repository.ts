import { Inject, Injectable } from '@nestjs/common';
import type { Pool, PoolClient } from 'pg';
import { DatabaseService } from './database.service';
import {
  type ExchangeView,
  type HopView,
  type PrincipalChangeView,
  type PrincipalView,
  type RequestGraph,
  type TokenView,
  keyOfRecord,
  recordKey,
  reporterOfRecord,
  type TenantScope,
} from '@app/graph';
import { type LifecycleAuthorities } from '@app/contract';
import { authoritiesParam, byLifecycleAuthority, revocationInEffect } from './lifecycle-facts.sql';
import { LIFECYCLE_AUTHORITIES } from './persistence.tokens';
import { scopeParam } from './scope-param';
import { clientOf, type Transaction } from './transaction';

type Queryable = Pick<Pool | PoolClient, 'query'>;

/** The tenants whose view is loaded (a scope's tenants), or null for every tenant's. */
type Tenants = string[] | null;

/** Bound on what one revocation or offboarding re-evaluates in a single batch. */
const MAX_AFFECTED = 100_000;

const PRINCIPAL_JSON = (alias: string) =>
  `json_build_object('ref', ${alias}.id::text, 'id', ${alias}.subject, 'issuer', ${alias}.issuer, 'tenant', ${alias}.tenant,
                     'kind', ${alias}.kind, 'displayName', ${alias}.display_name, 'reportedBy', ${alias}.reporter)`;

/** Splits record keys into the (reporters, keys) arrays SQL joins on. */
function recordPairs(records: Iterable<string>): [string[], string[]] {
  const reporters: string[] = [];
  const keys: string[] = [];
  for (const record of records) {
    reporters.push(reporterOfRecord(record));
    keys.push(keyOfRecord(record));
  }
  return [reporters, keys];
}

const inScope = (tenants: Tenants, tenant: string): boolean =>
  tenants === null || tenants.includes(tenant);

const date = (value: string | Date | null): Date | null =>
  value === null ? null : new Date(value);

/** The principals a request names: who acted, for whom, who exchanged for whom. */
function principalRefsOf(graph: RequestGraph): Set<string> {
  const refs = new Set<string>();
  for (const hop of graph.hops) {
    refs.add(hop.actor.ref);
    if (hop.onBehalfOf) refs.add(hop.onBehalfOf.ref);
  }
  for (const x of graph.exchanges) refs.add(x.subject.ref).add(x.actor.ref);
  return refs;
}

/** The record keys of the tokens a request presented or exchanged. */
function tokenKeysOf(graph: RequestGraph): Set<string> {
  const keys = new Set<string>();
  for (const hop of graph.hops) if (hop.tokenKey) keys.add(hop.tokenKey);
  for (const x of graph.exchanges) {
    keys.add(x.subjectTokenKey).add(x.issuedTokenKey);
    if (x.actorTokenKey) keys.add(x.actorTokenKey);
  }
  return keys;
}

/**
 * Loads the stored facts of many requests at once, in a fixed number of set-based
 * queries (never one per hop or token). Two views, one per purpose: the reader's
 * (`loadVisible`, the API's, filtered by its tenant scope) and the rules' (`loadForRules`,
 * every tenant's account, inside the ingest transaction).
 *
 * Ownership: every hop, exchange, token and principal record belongs to the tenant that
 * reported it. A scope reads its own tenants' records, and another tenant's hop only when
 * the hop targets one of its tenants; the token presented there is shown as that tenant
 * described it, without its lineage or lifecycle (the reporter's private record).
 * Revocations and lifecycle changes take effect only when reported by the token's or the
 * principal's own tenant, or by a tenant trusted for it (LifecycleAuthorities).
 */
// Seeds the hash of a request id into the advisory lock of its judging.
const REQUEST_JUDGE_LOCK = 0x6a756467;

@Injectable()
export class RequestGraphRepository {
  constructor(
    private readonly database: DatabaseService,
    @Inject(LIFECYCLE_AUTHORITIES) private readonly authorities: LifecycleAuthorities,
  ) {}

  /** The reader's view: what `scope` may see of each request (absent when nothing). */
  async loadVisible(
    scope: TenantScope,
    requestIds: readonly string[],
  ): Promise<Map<string, RequestGraph>> {
    if (requestIds.length === 0) return new Map();
    const { graphs } = await this.loadFacts(this.database.pool, scopeParam(scope), requestIds);
    return graphs;
  }

  /**
   * The rules' full account, read inside the ingest transaction: every tenant's records
   * (the rules judge each reporting tenant's account on its own), every revocation in
   * effect, the lifecycle changes in effect for the principals involved, and who else
   * presented each token.
   */
  async loadForRules(
    tx: Transaction,
    requestIds: readonly string[],
  ): Promise<Map<string, RequestGraph>> {
    if (requestIds.length === 0) return new Map();
    const db = clientOf(tx);
    // One judge per request at a time: a batch that judges a request waits for another
    // batch judging it to commit, then reads its facts too, so the last verdict recorded is
    // made on every fact committed (verdicts can be withdrawn: a stale one must not win).
    // Taken in one order (by hash), so two batches cannot wait on each other here.
    await db.query(
      `SELECT pg_advisory_xact_lock(k) FROM (
         SELECT DISTINCT hashtextextended(r, ${REQUEST_JUDGE_LOCK}) AS k FROM unnest($1::text[]) r ORDER BY 1
       ) locks`,
      [requestIds],
    );
    return this.loadAccounts(db, requestIds);
  }

  /**
   * The rules' full account, read in a read-only snapshot (`PolicyReplayRepository`) and
   * without the judging lock: a replay judges nothing and must never wait for ingestion.
   */
  loadForReplay(
    snapshot: Transaction,
    requestIds: readonly string[],
  ): Promise<Map<string, RequestGraph>> {
    if (requestIds.length === 0) return Promise.resolve(new Map<string, RequestGraph>());
    return this.loadAccounts(clientOf(snapshot), requestIds);
  }

  private async loadAccounts(
    db: Queryable,
    requestIds: readonly string[],
  ): Promise<Map<string, RequestGraph>> {
    const { graphs, tokenKeys } = await this.loadFacts(db, null, requestIds);
    await this.addChangesInEffect(db, graphs);
    await this.addPresenters(db, graphs, tokenKeys);
    return graphs;
  }

  /**
   * The time on the database's clock, which stamped every event's arrival: the rules judge
   * by it, so a verdict that depends on time (a parent hop's grace) is judged on the same
   * clock as the facts, whichever process judges. Read after `loadForRules` took the
   * request's judging lock, so each verdict recorded on a request is judged later than the
   * one before it (the transaction's start, `now()`, may be earlier than a verdict it waited for).
   */
  async clock(tx: Transaction): Promise<Date> {
    const { rows } = await clientOf(tx).query<{ now: Date }>('SELECT clock_timestamp() AS now');
    return rows[0].now;
  }

  /** Hops, exchanges and tokens with their lineage: what both views show. */
  private async loadFacts(
    db: Queryable,
    tenants: Tenants,
    requestIds: readonly string[],
  ): Promise<{ graphs: Map<string, RequestGraph>; tokenKeys: string[] }> {
    const graphs = new Map<string, RequestGraph>();
    const graphOf = (requestId: string): RequestGraph => {
      let graph = graphs.get(requestId);
      if (!graph) {
        graph = {
          requestId,
          hops: [],
          exchanges: [],
          tokens: new Map(),
          changes: [],
          presenters: new Map(),
        };
        graphs.set(requestId, graph);
      }
      return graph;
    };
    for (const hop of await this.hops(db, tenants, requestIds))
      graphOf(hop.requestId).hops.push(hop);
    for (const exchange of await this.exchanges(db, tenants, requestIds))
      graphOf(exchange.requestId).exchanges.push(exchange);

    // Tokens each request touched, with every ancestor the scope may see.
    const keysByRequest = new Map<string, Set<string>>();
    for (const graph of graphs.values()) keysByRequest.set(graph.requestId, tokenKeysOf(graph));
    const tokenKeys = [...new Set([...keysByRequest.values()].flatMap((keys) => [...keys]))];
    if (tokenKeys.length > 0) {
      const byKey = await this.tokensWithLineage(db, tenants, tokenKeys);
      for (const graph of graphs.values()) {
        for (const key of keysByRequest.get(graph.requestId)!) {
          let current = byKey.get(key);
          const seen = new Set<string>();
          while (current && !seen.has(current.key)) {
            seen.add(current.key);
            graph.tokens.set(current.key, current);
            current = current.parentKey ? byKey.get(current.parentKey) : undefined;
          }
        }
      }
    }
    return { graphs, tokenKeys };
  }

  private async hops(
    db: Queryable,
    tenants: Tenants,
    requestIds: readonly string[],
  ): Promise<HopView[]> {
    const { rows } = await db.query<{
      event_id: string;
      request_id: string;
      hop_id: string;
      parent_hop_id: string | null;
      tenant: string;
      actor: PrincipalView;
      obo: PrincipalView | null;
      tool_name: string | null;
      tool_server: string | null;
      target_service: string;
      target_tenant: string | null;
      target_resource: string | null;
      target_action: string | null;
      token_key: string | null;
      decision: 'allow' | 'deny';
      reason: string | null;
      occurred_at: Date;
      received_at: Date;
    }>(
      `SELECT h.event_id::text, h.request_id, h.hop_id, h.parent_hop_id, h.tenant, ${PRINCIPAL_JSON('a')} AS actor,
              CASE WHEN o.id IS NULL THEN NULL ELSE ${PRINCIPAL_JSON('o')} END AS obo,
              h.tool_name, h.tool_server, h.target_service, h.target_tenant, h.target_resource, h.target_action,
              h.token_key, h.decision, h.reason, h.occurred_at, e.received_at
       FROM hops h JOIN events e ON e.id = h.event_id
       JOIN principals a ON a.id = h.actor_id LEFT JOIN principals o ON o.id = h.on_behalf_of_id
       WHERE h.request_id = ANY($1::text[])
         AND ($2::text[] IS NULL OR h.tenant = ANY($2::text[]) OR h.target_tenant = ANY($2::text[]))`,
      [requestIds, tenants],
    );
    return rows.map((row) => ({
      eventId: row.event_id,
      requestId: row.request_id,
      key: recordKey(row.tenant, row.hop_id),
      parentKey: row.parent_hop_id === null ? null : recordKey(row.tenant, row.parent_hop_id),
      hopId: row.hop_id,
      parentHopId: row.parent_hop_id,
      tenant: row.tenant,
      actor: row.actor,
      onBehalfOf: row.obo,
      tool: row.tool_name ? { name: row.tool_name, server: row.tool_server } : null,
      target: {
        service: row.target_service,
        tenant: row.target_tenant,
        resource: row.target_resource,
        action: row.target_action,
      },
      tokenKey: row.token_key === null ? null : recordKey(row.tenant, row.token_key),
      decision: row.decision,
      reason: row.reason,
      occurredAt: row.occurred_at,
      receivedAt: row.received_at,
    }));
  }

  private async exchanges(
    db: Queryable,
    tenants: Tenants,
    requestIds: readonly string[],
  ): Promise<ExchangeView[]> {
    const { rows } = await db.query<{
      event_id: string;
      request_id: string;
      tenant: string;
      subject: PrincipalView;
      actor: PrincipalView;
      subject_token_key: string;
      actor_token_key: string | null;
      issued_token_key: string;
      grant_type: string | null;
      occurred_at: Date;
    }>(
      `SELECT x.event_id::text, x.request_id, x.tenant, ${PRINCIPAL_JSON('s')} AS subject, ${PRINCIPAL_JSON('a')} AS actor,
              x.subject_token_key, x.actor_token_key, x.issued_token_key, x.grant_type, x.occurred_at
       FROM token_exchanges x JOIN principals s ON s.id = x.subject_id JOIN principals a ON a.id = x.actor_id
       WHERE x.request_id = ANY($1::text[]) AND ($2::text[] IS NULL OR x.tenant = ANY($2::text[]))`,
      [requestIds, tenants],
    );
    return rows.map((row) => ({
      eventId: row.event_id,
      requestId: row.request_id,
      tenant: row.tenant,
      subject: row.subject,
      actor: row.actor,
      subjectTokenKey: recordKey(row.tenant, row.subject_token_key),
      actorTokenKey:
        row.actor_token_key === null ? null : recordKey(row.tenant, row.actor_token_key),
      issuedTokenKey: recordKey(row.tenant, row.issued_token_key),
      grantType: row.grant_type,
      occurredAt: row.occurred_at,
    }));
  }

  /** The token records named by `tokenKeys` and their ancestors, by record key. */
  private async tokensWithLineage(
    db: Queryable,
    tenants: Tenants,
    tokenKeys: string[],
  ): Promise<Map<string, TokenView>> {
    const [reporters, keys] = recordPairs(tokenKeys);
    const { rows } = await db.query<{
      reporter: string;
      key: string;
      tenant: string;
      issuer: string | null;
      jti: string | null;
      fingerprint: string | null;
      audience: string[];
      scopes: string[];
      issued_at: Date | null;
      expires_at: Date | null;
      claims: Record<string, unknown> | null;
      parent_key: string | null;
      actor_token_key: string | null;
      revoked_at: Date | null;
      revoked_by: string | null;
    }>(
      // No depth column: UNION then drops rows already seen, which visits each token once
      // (linear in the chain) and also ends any cycle in parent links. Parents are records
      // of the same reporter; another tenant's record is not followed to its ancestors.
      `WITH RECURSIVE lineage AS (
         SELECT t.reporter, t.key, t.parent_key
         FROM unnest($1::text[], $2::text[]) AS k(reporter, key)
         JOIN tokens t ON t.reporter = k.reporter AND t.key = k.key
         UNION
         SELECT p.reporter, p.key, p.parent_key FROM lineage l
         JOIN tokens p ON p.reporter = l.reporter AND p.key = l.parent_key
         WHERE $3::text[] IS NULL OR l.reporter = ANY($3::text[]))
       SELECT t.reporter, t.key, t.tenant, t.issuer, t.jti, t.fingerprint, t.audience, t.scopes, t.issued_at,
              t.expires_at, t.claims, t.parent_key, t.actor_token_key, r.revoked_at, r.revoked_by
       FROM lineage l JOIN tokens t ON t.reporter = l.reporter AND t.key = l.key
       ${revocationInEffect({ token: 't', authorities: '$4', as: 'r', reportedWithin: '$3' })}`,
      [reporters, keys, tenants, authoritiesParam(this.authorities)],
    );
    const byKey = new Map<string, TokenView>();
    for (const row of rows) {
      // Another tenant's record, seen through its hop: as presented, nothing more.
      const own = inScope(tenants, row.reporter);
      // A revocation is shown to whoever may see its report (the rules see all): the earliest
      // reported within the scope, as in TokenRepository.descendants.
      const revocationSeen = own;
      const key = recordKey(row.reporter, row.key);
      byKey.set(key, {
        key,
        reportedBy: row.reporter,
        tenant: row.tenant,
        issuer: row.issuer,
        jti: row.jti,
        fingerprint: row.fingerprint,
        audience: row.audience,
        scopes: row.scopes,
        issuedAt: date(row.issued_at),
        expiresAt: date(row.expires_at),
        claims: row.claims,
        parentKey: own && row.parent_key !== null ? recordKey(row.reporter, row.parent_key) : null,
        actorTokenKey:
          own && row.actor_token_key !== null ? recordKey(row.reporter, row.actor_token_key) : null,
        revokedAt: revocationSeen ? date(row.revoked_at) : null,
        revokedBy: revocationSeen ? row.revoked_by : null,
      });
    }
    return byKey;
  }

  /**
   * The lifecycle changes in effect for the principals involved: reported by their own
   * tenant or a trusted one, whichever tenant's record of the principal they were filed under.
   */
  private async addChangesInEffect(
    db: Queryable,
    graphs: Map<string, RequestGraph>,
  ): Promise<void> {
    const principalRefs = new Set<string>();
    for (const graph of graphs.values())
      for (const ref of principalRefsOf(graph)) principalRefs.add(ref);
    const { rows } = await db.query<{
      principal_id: string;
      change: string;
      effective_at: Date;
      reported_by: string;
    }>(
      `SELECT mine.id::text AS principal_id, c.change, c.effective_at, c.tenant AS reported_by
       FROM principals mine
       JOIN principals o ON o.tenant = mine.tenant AND o.issuer = mine.issuer AND o.subject = mine.subject
       JOIN principal_changes c ON c.principal_id = o.id
       WHERE mine.id = ANY($1::bigint[]) AND ${byLifecycleAuthority('mine.tenant', 'c.tenant', '$2')}`,
      [[...principalRefs], authoritiesParam(this.authorities)],
    );
    const changesByRef = new Map<string, PrincipalChangeView[]>();
    for (const row of rows) {
      const list = changesByRef.get(row.principal_id) ?? [];
      list.push({
        principalRef: row.principal_id,
        change: row.change,
        effectiveAt: row.effective_at,
        reportedBy: row.reported_by,
      });
      changesByRef.set(row.principal_id, list);
    }
    for (const graph of graphs.values())
      for (const ref of principalRefsOf(graph))
        graph.changes.push(...(changesByRef.get(ref) ?? []));
  }

  /** For each token presented in a request: every actor that presented it in the same reporter's records. */
  private async addPresenters(
    db: Queryable,
    graphs: Map<string, RequestGraph>,
    tokenKeys: string[],
  ): Promise<void> {
    const [reporters, keys] = recordPairs(tokenKeys);
    const { rows } = await db.query<{ tenant: string; token_key: string; actors: string[] }>(
      `SELECT h.tenant, h.token_key, array_agg(DISTINCT h.actor_id::text) AS actors
       FROM unnest($1::text[], $2::text[]) AS k(reporter, key)
       JOIN hops h ON h.token_key = k.key AND h.tenant = k.reporter
       GROUP BY h.tenant, h.token_key`,
      [reporters, keys],
    );
    const presenters = new Map(
      rows.map((row) => [recordKey(row.tenant, row.token_key), row.actors]),
    );
    for (const graph of graphs.values())
      for (const hop of graph.hops)
        if (hop.tokenKey && presenters.has(hop.tokenKey))
          graph.presenters.set(hop.tokenKey, presenters.get(hop.tokenKey)!);
  }

  /**
   * Requests in which the same reporter presented one of `tokenRecordKeys` (record keys):
   * once a token is presented by a second actor, it is shared in each of them.
   */
  async requestsPresenting(tx: Transaction, tokenRecordKeys: string[]): Promise<string[]> {
    if (tokenRecordKeys.length === 0) return [];
    const [reporters, keys] = recordPairs(tokenRecordKeys);
    const { rows } = await clientOf(tx).query<{ request_id: string }>(
      `SELECT DISTINCT h.request_id FROM unnest($1::text[], $2::text[]) AS k(reporter, key)
       JOIN hops h ON h.token_key = k.key AND h.tenant = k.reporter
       LIMIT ${MAX_AFFECTED}`,
      [reporters, keys],
    );
    return rows.map((row) => row.request_id);
  }

  /**
   * Requests other than `except` in which a reporter presented a token that one of its new
   * exchanges issued, or one derived from it: the exchange gives that token its lineage (its
   * origin, its ancestors' revocations and expiries), so their rules must run again. One
   * statement: the descendants walk and the hops lookup follow indexes.
   */
  async requestsUsingIssued(
    tx: Transaction,
    issued: Array<{ tenant: string; key: string }>,
    except: readonly string[],
  ): Promise<string[]> {
    if (issued.length === 0) return [];
    const { rows } = await clientOf(tx).query<{ request_id: string }>(
      `WITH RECURSIVE lineage(reporter, key, depth) AS (
         SELECT reporter, key, 0 FROM unnest($1::text[], $2::text[]) AS k(reporter, key)
         UNION
         SELECT t.reporter, t.key, l.depth + 1 FROM lineage l
         JOIN tokens t ON t.parent_key = l.key AND t.reporter = l.reporter
         WHERE l.depth < 64
       )
       SELECT DISTINCT h.request_id FROM lineage l
       JOIN hops h ON h.token_key = l.key AND h.tenant = l.reporter
       WHERE h.request_id <> ALL($3::text[])
       LIMIT ${MAX_AFFECTED}`,
      [issued.map((i) => i.tenant), issued.map((i) => i.key), [...except]],
    );
    return rows.map((row) => row.request_id);
  }

  /**
   * Requests touched by lifecycle changes or revocations: their rules must run again.
   * Every tenant's record of the principal or token counts (a revocation by its owner
   * reaches another tenant's use of it). Written as index lookups (ids, then descendants
   * level by level, then requests) so the cost follows the changes, not the table sizes.
   */
  async requestsAffectedBy(
    tx: Transaction,
    principals: Array<{ tenant: string; issuer: string; subject: string }>,
    tokenKeys: string[],
  ): Promise<string[]> {
    if (principals.length === 0 && tokenKeys.length === 0) return [];
    const client = clientOf(tx);
    const principalIds =
      principals.length === 0
        ? []
        : (
            await client.query<{ id: string }>(
              `SELECT pr.id::text FROM principals pr
               JOIN jsonb_to_recordset($1::jsonb) AS k(tenant text, issuer text, subject text)
                 ON pr.tenant = k.tenant AND pr.issuer = k.issuer AND pr.subject = k.subject`,
              [JSON.stringify(principals)],
            )
          ).rows.map((row) => row.id);
    // Every key of the same tokens (a jti and a fingerprint named together are one token).
    const keys = new Set(
      tokenKeys.length === 0
        ? []
        : (
            await client.query<{ key: string }>(
              `SELECT k AS key FROM unnest($1::text[]) k
               UNION SELECT a.key FROM tokens b
               JOIN tokens a ON a.fingerprint = b.fingerprint AND a.tenant = b.tenant
               WHERE b.key = ANY($1::text[]) AND b.fingerprint IS NOT NULL`,
              [tokenKeys],
            )
          ).rows.map((row) => row.key),
    );
    let frontier = [...keys];
    while (frontier.length > 0 && keys.size < MAX_AFFECTED) {
      const { rows } = await client.query<{ key: string }>(
        'SELECT key FROM tokens WHERE parent_key = ANY($1::text[])',
        [frontier],
      );
      frontier = rows.map((row) => row.key).filter((key) => !keys.has(key));
      for (const key of frontier) keys.add(key);
    }
    const { rows } = await client.query<{ request_id: string }>(
      `SELECT request_id FROM hops WHERE on_behalf_of_id = ANY($1::bigint[])
       UNION SELECT request_id FROM hops WHERE token_key = ANY($2::text[])
       UNION SELECT request_id FROM token_exchanges WHERE subject_id = ANY($1::bigint[])
       LIMIT ${MAX_AFFECTED}`,
      [principalIds, [...keys]],
    );
    return rows.map((row) => row.request_id);
  }
}
