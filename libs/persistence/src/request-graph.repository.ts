import { Injectable } from '@nestjs/common';
import type { Pool, PoolClient } from 'pg';
import { DatabaseService } from './database.service';
import type {
  ExchangeView,
  HopView,
  PrincipalChangeView,
  PrincipalView,
  RequestGraph,
  TokenView,
} from './request-graph';
import { scopeParam, type TenantScope } from './tenant-scope';

type Queryable = Pick<Pool | PoolClient, 'query'>;

/** Bound on what one revocation or offboarding re-evaluates in a single batch. */
const MAX_AFFECTED = 100_000;

interface PrincipalJson {
  ref: string;
  id: string;
  issuer: string;
  tenant: string;
  kind: PrincipalView['kind'];
  displayName: string | null;
}

const PRINCIPAL_JSON = (alias: string) =>
  `json_build_object('ref', ${alias}.id::text, 'id', ${alias}.subject, 'issuer', ${alias}.issuer, 'tenant', ${alias}.tenant,
                     'kind', ${alias}.kind, 'displayName', ${alias}.display_name)`;

const date = (value: string | Date | null): Date | null =>
  value === null ? null : new Date(value);

/**
 * Loads the stored facts of many requests at once, in a fixed number of set-based
 * queries (never one per hop or token), filtered by the caller's tenant scope.
 */
@Injectable()
export class RequestGraphRepository {
  constructor(private readonly database: DatabaseService) {}

  async load(
    scope: TenantScope,
    requestIds: readonly string[],
    options: { forRules?: boolean; client?: PoolClient } = {},
  ): Promise<Map<string, RequestGraph>> {
    const db: Queryable = options.client ?? this.database.pool;
    const tenants = scopeParam(scope);
    const graphs = new Map<string, RequestGraph>();
    if (requestIds.length === 0) return graphs;
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

    const hops = await db.query<{
      event_id: string;
      request_id: string;
      hop_id: string;
      parent_hop_id: string | null;
      tenant: string;
      actor: PrincipalJson;
      obo: PrincipalJson | null;
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
    }>(
      `SELECT h.event_id::text, h.request_id, h.hop_id, h.parent_hop_id, h.tenant, ${PRINCIPAL_JSON('a')} AS actor,
              CASE WHEN o.id IS NULL THEN NULL ELSE ${PRINCIPAL_JSON('o')} END AS obo,
              h.tool_name, h.tool_server, h.target_service, h.target_tenant, h.target_resource, h.target_action,
              h.token_key, h.decision, h.reason, h.occurred_at
       FROM hops h JOIN principals a ON a.id = h.actor_id LEFT JOIN principals o ON o.id = h.on_behalf_of_id
       WHERE h.request_id = ANY($1::text[])
         AND ($2::text[] IS NULL OR h.tenant = ANY($2::text[]) OR h.target_tenant = ANY($2::text[]))`,
      [requestIds, tenants],
    );
    for (const row of hops.rows) {
      const hop: HopView = {
        eventId: row.event_id,
        requestId: row.request_id,
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
        tokenKey: row.token_key,
        decision: row.decision,
        reason: row.reason,
        occurredAt: row.occurred_at,
      };
      graphOf(row.request_id).hops.push(hop);
    }

    const exchanges = await db.query<{
      event_id: string;
      request_id: string;
      tenant: string;
      subject: PrincipalJson;
      actor: PrincipalJson;
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
    for (const row of exchanges.rows) {
      const exchange: ExchangeView = {
        eventId: row.event_id,
        requestId: row.request_id,
        tenant: row.tenant,
        subject: row.subject,
        actor: row.actor,
        subjectTokenKey: row.subject_token_key,
        actorTokenKey: row.actor_token_key,
        issuedTokenKey: row.issued_token_key,
        grantType: row.grant_type,
        occurredAt: row.occurred_at,
      };
      graphOf(row.request_id).exchanges.push(exchange);
    }

    // Tokens each request touched, with every ancestor (the lineage may start elsewhere).
    const keysByRequest = new Map<string, Set<string>>();
    for (const graph of graphs.values()) {
      const keys = new Set<string>();
      for (const hop of graph.hops) if (hop.tokenKey) keys.add(hop.tokenKey);
      for (const x of graph.exchanges) {
        keys.add(x.subjectTokenKey).add(x.issuedTokenKey);
        if (x.actorTokenKey) keys.add(x.actorTokenKey);
      }
      keysByRequest.set(graph.requestId, keys);
    }
    const allKeys = [...new Set([...keysByRequest.values()].flatMap((keys) => [...keys]))];
    if (allKeys.length > 0) {
      const tokens = await db.query<{
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
      }>(
        // No depth column: UNION then drops rows already seen, which visits each token once
        // (linear in the chain) and also ends any cycle in parent links.
        `WITH RECURSIVE lineage AS (
           SELECT t.key, t.parent_key FROM tokens t WHERE t.key = ANY($1::text[])
           UNION
           SELECT p.key, p.parent_key FROM tokens p JOIN lineage l ON p.key = l.parent_key)
         SELECT t.key, t.tenant, t.issuer, t.jti, t.fingerprint, t.audience, t.scopes, t.issued_at, t.expires_at, t.claims,
                t.parent_key, t.actor_token_key, t.revoked_at
         FROM tokens t WHERE t.key IN (SELECT key FROM lineage)`,
        [allKeys],
      );
      const byKey = new Map<string, TokenView>();
      for (const row of tokens.rows) {
        byKey.set(row.key, {
          key: row.key,
          tenant: row.tenant,
          issuer: row.issuer,
          jti: row.jti,
          fingerprint: row.fingerprint,
          audience: row.audience,
          scopes: row.scopes,
          issuedAt: date(row.issued_at),
          expiresAt: date(row.expires_at),
          claims: row.claims,
          parentKey: row.parent_key,
          actorTokenKey: row.actor_token_key,
          revokedAt: date(row.revoked_at),
        });
      }
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

    if (options.forRules) await this.loadRuleFacts(db, graphs, allKeys);
    return graphs;
  }

  /** Facts only the rules need: principal lifecycle changes and who else used a token. */
  private async loadRuleFacts(
    db: Queryable,
    graphs: Map<string, RequestGraph>,
    tokenKeys: string[],
  ): Promise<void> {
    const principalRefs = new Set<string>();
    for (const graph of graphs.values()) {
      for (const hop of graph.hops) {
        principalRefs.add(hop.actor.ref);
        if (hop.onBehalfOf) principalRefs.add(hop.onBehalfOf.ref);
      }
      for (const x of graph.exchanges) principalRefs.add(x.subject.ref).add(x.actor.ref);
    }
    const changes = await db.query<{ principal_id: string; change: string; effective_at: Date }>(
      `SELECT principal_id::text, change, effective_at FROM principal_changes WHERE principal_id = ANY($1::bigint[])`,
      [[...principalRefs]],
    );
    const changesByRef = new Map<string, PrincipalChangeView[]>();
    for (const row of changes.rows) {
      const list = changesByRef.get(row.principal_id) ?? [];
      list.push({
        principalRef: row.principal_id,
        change: row.change,
        effectiveAt: row.effective_at,
      });
      changesByRef.set(row.principal_id, list);
    }
    const presented = await db.query<{ token_key: string; actors: string[] }>(
      `SELECT token_key, array_agg(DISTINCT actor_id::text) AS actors FROM hops WHERE token_key = ANY($1::text[]) GROUP BY token_key`,
      [tokenKeys],
    );
    const presenters = new Map(presented.rows.map((row) => [row.token_key, row.actors]));
    for (const graph of graphs.values()) {
      const refs = new Set<string>();
      for (const hop of graph.hops) {
        refs.add(hop.actor.ref);
        if (hop.onBehalfOf) refs.add(hop.onBehalfOf.ref);
        if (hop.tokenKey && presenters.has(hop.tokenKey))
          graph.presenters.set(hop.tokenKey, presenters.get(hop.tokenKey)!);
      }
      for (const x of graph.exchanges) refs.add(x.subject.ref).add(x.actor.ref);
      for (const ref of refs) graph.changes.push(...(changesByRef.get(ref) ?? []));
    }
  }

  /**
   * Requests touched by lifecycle changes or revocations: their rules must run again.
   * Written as index lookups (ids, then descendants level by level, then requests) so the
   * cost follows the changes, not the size of the tables.
   */
  async requestsAffectedBy(
    client: PoolClient,
    principals: Array<{ tenant: string; issuer: string; subject: string }>,
    tokenKeys: string[],
  ): Promise<string[]> {
    if (principals.length === 0 && tokenKeys.length === 0) return [];
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
    const keys = new Set(tokenKeys);
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
