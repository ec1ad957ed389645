import type { Severity, TenantScope } from '@app/graph';
import { Injectable } from '@nestjs/common';
import { DatabaseService } from './database.service';
import { scopeParam } from './scope-param';

/**
 * What a request must show, each part AND-combined, each about the facts the scope sees.
 * Free text arrives as LIKE patterns (escaped by the caller, matched with `ESCAPE '\'`).
 */
export interface RequestMatch {
  requestId?: string;
  /** A principal acting or acted for in a hop, or the subject of an exchange (the origin). */
  principal?: { pattern: string; tenant?: string; issuer?: string };
  /** A hop's target service or resource. */
  target?: string;
  /** A token presented in a hop, or exchanged (as subject or issued token), by jti or fingerprint. */
  token?: { jti?: string; issuer?: string; fingerprint?: string };
}
export type MatchKind = keyof RequestMatch;

/** A request's place in the list: its latest visible activity in the window, then its id. */
export interface RequestPosition {
  at: Date;
  requestId: string;
}

export interface RequestPageQuery {
  match: RequestMatch;
  since?: Date;
  until?: Date;
  /** Keyset cursor: requests strictly after this position (newest first). */
  after?: RequestPosition;
  limit: number;
}

/** One candidate list per selective part of a match; `complete` when it was not cut at the cap. */
export interface MatchProbe {
  kind: MatchKind;
  requestIds: string[];
  complete: boolean;
}

export interface RequestSummaryRow {
  requestId: string;
  firstSeenAt: Date;
  lastSeenAt: Date;
  hops: number;
  /** Distinct target services, in byte order, at most `MAX_TARGETS`. */
  targets: string[];
  targetCount: number;
  openAnomalies: number;
  maxSeverity: Severity | null;
}

const MAX_TARGETS = 5;

/** Builds one statement's parameter list: `p(value)` returns its placeholder. */
class Params {
  readonly values: unknown[] = [];
  p(value: unknown): string {
    this.values.push(value);
    return `$${this.values.length}`;
  }

  /** A placeholder given only where used: PostgreSQL cannot type a parameter nothing uses. */
  lazy(value: unknown): () => string {
    let placeholder: string | undefined;
    return () => (placeholder ??= this.p(value));
  }
}

/** What the scope sees: a hop it reported or aimed at it, an exchange it reported. */
const hopVisible = (h: string, tenants: string) =>
  `(${tenants}::text[] IS NULL OR ${h}.tenant = ANY(${tenants}::text[]) OR ${h}.target_tenant = ANY(${tenants}::text[]))`;
const exchangeVisible = (x: string, tenants: string) =>
  `(${tenants}::text[] IS NULL OR ${x}.tenant = ANY(${tenants}::text[]))`;

/** The statement's shared parts: the scope, the window, and the CTEs the match needs. */
function prelude(scope: TenantScope, query: Pick<RequestPageQuery, 'match' | 'since' | 'until'>) {
  const params = new Params();
  const scopeTenants = params.lazy(scopeParam(scope));
  const since = params.lazy(query.since ?? null);
  const until = params.lazy(query.until ?? null);
  const inWindow = (column: string) =>
    `(${since()}::timestamptz IS NULL OR ${column} >= ${since()}) AND (${until()}::timestamptz IS NULL OR ${column} < ${until()})`;
  const ctes: string[] = [];
  const { principal, token } = query.match;
  if (principal) {
    const pattern = params.p(principal.pattern);
    const tenant = params.p(principal.tenant ?? null);
    const issuer = params.p(principal.issuer ?? null);
    ctes.push(`who AS MATERIALIZED (
      SELECT id FROM principals
      WHERE (subject ILIKE ${pattern} ESCAPE '\\' OR display_name ILIKE ${pattern} ESCAPE '\\')
        AND (${tenant}::text IS NULL OR tenant = ${tenant}) AND (${issuer}::text IS NULL OR issuer = ${issuer}))`);
  }
  if (token) {
    const jti = params.p(token.jti ?? null);
    const issuer = params.p(token.issuer ?? null);
    const fingerprint = params.p(token.fingerprint ?? null);
    const named = (t: string) =>
      `(${jti}::text IS NULL OR (${t}.jti = ${jti} AND (${issuer}::text IS NULL OR ${t}.issuer = ${issuer})))
       AND (${fingerprint}::text IS NULL OR ${t}.fingerprint = ${fingerprint})`;
    // Every record of the token: those named, and the same reporter's records of the same
    // fingerprint (a token described once by jti and once by fingerprint is one token).
    ctes.push(`tok AS MATERIALIZED (
      SELECT t.reporter, t.key FROM tokens t WHERE ${named('t')}
      UNION
      SELECT o.reporter, o.key FROM tokens t JOIN tokens o ON o.reporter = t.reporter AND o.fingerprint = t.fingerprint
      WHERE ${named('t')} AND t.fingerprint IS NOT NULL)`);
  }
  return {
    params,
    get tenants() {
      return scopeTenants();
    },
    inWindow,
    with: ctes.length ? `WITH ${ctes.join(',\n')}` : '',
  };
}

type Prelude = ReturnType<typeof prelude>;

/**
 * Whether request `r` (an SQL expression) shows part `kind` of the match, in facts the scope
 * sees. Each check stays a lookup by request id (`OFFSET 0` keeps the planner from turning it
 * into a join that reads every row a broad part matches).
 */
function shows(kind: MatchKind, r: string, match: RequestMatch, shared: Prelude) {
  const { params } = shared;
  switch (kind) {
    case 'requestId':
      return `${r} = ${params.p(match.requestId)}`;
    case 'principal':
      return `(EXISTS (SELECT 1 FROM hops m WHERE m.request_id = ${r} AND ${hopVisible('m', shared.tenants)}
                 AND (m.actor_id IN (SELECT id FROM who) OR m.on_behalf_of_id IN (SELECT id FROM who)) OFFSET 0)
            OR EXISTS (SELECT 1 FROM token_exchanges m WHERE m.request_id = ${r} AND ${exchangeVisible('m', shared.tenants)}
                 AND m.subject_id IN (SELECT id FROM who) OFFSET 0))`;
    case 'target': {
      const pattern = params.p(match.target);
      return `EXISTS (SELECT 1 FROM hops m WHERE m.request_id = ${r} AND ${hopVisible('m', shared.tenants)}
                AND (m.target_service ILIKE ${pattern} ESCAPE '\\' OR m.target_resource ILIKE ${pattern} ESCAPE '\\') OFFSET 0)`;
    }
    case 'token':
      return `(EXISTS (SELECT 1 FROM hops m WHERE m.request_id = ${r} AND ${hopVisible('m', shared.tenants)}
                 AND (m.tenant, m.token_key) IN (SELECT reporter, key FROM tok) OFFSET 0)
            OR EXISTS (SELECT 1 FROM token_exchanges m WHERE m.request_id = ${r} AND ${exchangeVisible('m', shared.tenants)}
                 AND ((m.tenant, m.subject_token_key) IN (SELECT reporter, key FROM tok)
                      OR (m.tenant, m.issued_token_key) IN (SELECT reporter, key FROM tok)) OFFSET 0))`;
  }
}

/** The requests with a visible fact showing part `kind`, driven by that part's own index. */
function probeOf(kind: MatchKind, match: RequestMatch, shared: Prelude): string {
  const { params } = shared;
  switch (kind) {
    case 'requestId':
      return `SELECT ${params.p(match.requestId)}::text AS request_id`;
    case 'principal':
      return `SELECT h.request_id FROM who JOIN hops h ON h.actor_id = who.id WHERE ${hopVisible('h', shared.tenants)}
              UNION ALL SELECT h.request_id FROM who JOIN hops h ON h.on_behalf_of_id = who.id WHERE ${hopVisible('h', shared.tenants)}
              UNION ALL SELECT x.request_id FROM who JOIN token_exchanges x ON x.subject_id = who.id WHERE ${exchangeVisible('x', shared.tenants)}`;
    case 'target': {
      const pattern = params.p(match.target);
      return `SELECT h.request_id FROM hops h
              WHERE (h.target_service ILIKE ${pattern} ESCAPE '\\' OR h.target_resource ILIKE ${pattern} ESCAPE '\\')
                AND ${hopVisible('h', shared.tenants)}`;
    }
    case 'token':
      return `SELECT h.request_id FROM tok JOIN hops h ON h.token_key = tok.key AND h.tenant = tok.reporter
              WHERE ${hopVisible('h', shared.tenants)}
              UNION ALL SELECT x.request_id FROM tok JOIN token_exchanges x ON x.subject_token_key = tok.key AND x.tenant = tok.reporter
              WHERE ${exchangeVisible('x', shared.tenants)}
              UNION ALL SELECT x.request_id FROM tok JOIN token_exchanges x ON x.issued_token_key = tok.key AND x.tenant = tok.reporter
              WHERE ${exchangeVisible('x', shared.tenants)}`;
  }
}

const present = (match: RequestMatch): MatchKind[] =>
  (['requestId', 'principal', 'target', 'token'] as const).filter(
    (kind) => match[kind] !== undefined,
  );

/**
 * The request search, in set-based SQL. A request is visible through the facts the scope
 * sees (CONTRACT §3: hops its tenants reported or that target them, exchanges its tenants
 * reported), and only those facts are matched, ordered on and summarized: what the scope
 * may not see neither finds, places nor describes a request. Two plans answer a page, with
 * the same order and cursors: ranking a bounded list of candidates (`probe` then `rank`),
 * or walking the scope's activity newest first (`walk`).
 */
@Injectable()
export class RequestSearchRepository {
  constructor(private readonly database: DatabaseService) {}

  /**
   * For each selective part of the match, the requests it finds (with repeats), each list
   * cut at `cap` rows: one statement, each list read from its own index.
   */
  async probe(scope: TenantScope, match: RequestMatch, cap: number): Promise<MatchProbe[]> {
    const kinds = present(match);
    if (kinds.length === 0) return [];
    const shared = prelude(scope, { match });
    const limit = shared.params.p(cap);
    const columns = kinds.map(
      (kind) =>
        `ARRAY(SELECT request_id FROM (${probeOf(kind, match, shared)}) p LIMIT ${limit}) AS "${kind}"`,
    );
    const { rows } = await this.database.pool.query<Record<MatchKind, string[]>>(
      `${shared.with} SELECT ${columns.join(', ')}`,
      shared.params.values,
    );
    return kinds.map((kind) => ({
      kind,
      requestIds: [...new Set(rows[0][kind])],
      complete: rows[0][kind].length < cap,
    }));
  }

  /**
   * A page of `candidates` in list order: each placed at its latest visible activity in the
   * window, kept when it also shows the parts in `verify`. One statement, index lookups by
   * request id.
   */
  async rank(
    scope: TenantScope,
    candidates: readonly string[],
    verify: readonly MatchKind[],
    query: RequestPageQuery,
  ): Promise<RequestPosition[]> {
    if (candidates.length === 0) return [];
    const shared = prelude(scope, query);
    const { params, tenants, inWindow } = shared;
    const ids = params.p([...candidates]);
    const checks = verify.map((kind) => `AND ${shows(kind, 'c.request_id', query.match, shared)}`);
    const after = query.after
      ? `AND (r.at, c.request_id) < (${params.p(query.after.at)}::timestamptz, ${params.p(query.after.requestId)}::text)`
      : '';
    const { rows } = await this.database.pool.query<{ request_id: string; at: Date }>(
      `${shared.with}
       SELECT c.request_id, r.at FROM unnest(${ids}::text[]) AS c(request_id)
       CROSS JOIN LATERAL (SELECT max(at) AS at FROM (
         SELECT h.occurred_at AS at FROM hops h
         WHERE h.request_id = c.request_id AND ${hopVisible('h', tenants)} AND ${inWindow('h.occurred_at')}
         UNION ALL
         SELECT x.occurred_at FROM token_exchanges x
         WHERE x.request_id = c.request_id AND ${exchangeVisible('x', tenants)} AND ${inWindow('x.occurred_at')}) v) r
       WHERE r.at IS NOT NULL ${after} ${checks.join(' ')}
       ORDER BY r.at DESC, c.request_id DESC
       LIMIT ${params.p(query.limit)}`,
      params.values,
    );
    return rows.map((row) => ({ requestId: row.request_id, at: row.at }));
  }

  /**
   * A page found by walking the scope's activity newest first (per tenant: the hops it
   * reported, the hops aimed at it, the exchanges it reported, each from its own index),
   * each request met at its latest visible activity in the window and kept when it shows
   * every part of the match. The cost follows the page, not the tables.
   */
  async walk(scope: TenantScope, query: RequestPageQuery): Promise<RequestPosition[]> {
    const shared = prelude(scope, query);
    const { params, tenants, inWindow } = shared;
    const limit = params.p(query.limit);
    const checks = present(query.match)
      .map((kind) => `AND ${shows(kind, 'a.request_id', query.match, shared)}`)
      .join(' ');
    const cursor = query.after && {
      at: params.p(query.after.at),
      requestId: params.p(query.after.requestId),
    };
    const after = (at: string) =>
      cursor
        ? `AND (${at}, a.request_id) < (${cursor.at}::timestamptz, ${cursor.requestId}::text)`
        : '';
    // The activity a request is listed at: its latest visible one in the window (a hop
    // before an exchange of the same time, then the higher row id), so it is met once.
    const laterHop = (at: string, strictly: string) =>
      `EXISTS (SELECT 1 FROM hops o WHERE o.request_id = a.request_id AND ${hopVisible('o', tenants)}
                 AND ${inWindow('o.occurred_at')} AND ${strictly.replace(/\$at/g, at)})`;
    const laterExchange = (at: string, strictly: string) =>
      `EXISTS (SELECT 1 FROM token_exchanges o WHERE o.request_id = a.request_id AND ${exchangeVisible('o', tenants)}
                 AND ${inWindow('o.occurred_at')} AND ${strictly.replace(/\$at/g, at)})`;
    const hopBranch = (owner: string) => `
      SELECT a.request_id, a.occurred_at AS at FROM hops a
      WHERE ${owner} AND ${inWindow('a.occurred_at')} ${after('a.occurred_at')}
        AND NOT ${laterHop('a.occurred_at', '(o.occurred_at, o.id) > ($at, a.id)')}
        AND NOT ${laterExchange('a.occurred_at', 'o.occurred_at > $at')}
        ${checks}
      ORDER BY a.occurred_at DESC, a.request_id DESC LIMIT ${limit}`;
    const exchangeBranch = (owner: string) => `
      SELECT a.request_id, a.occurred_at AS at FROM token_exchanges a
      WHERE ${owner} AND ${inWindow('a.occurred_at')} ${after('a.occurred_at')}
        AND NOT ${laterHop('a.occurred_at', 'o.occurred_at >= $at')}
        AND NOT ${laterExchange('a.occurred_at', '(o.occurred_at, o.id) > ($at, a.id)')}
        ${checks}
      ORDER BY a.occurred_at DESC, a.request_id DESC LIMIT ${limit}`;
    const perTenant = (sql: string) =>
      scope.kind === 'system'
        ? `(${sql})`
        : `SELECT b.* FROM unnest(${tenants}::text[]) AS s(t) CROSS JOIN LATERAL (${sql}) b`;
    const owner = (column: string) => (scope.kind === 'system' ? 'true' : `${column} = s.t`);
    const hopBranches = [perTenant(hopBranch(owner('a.tenant')))];
    if (scope.kind !== 'system') hopBranches.push(perTenant(hopBranch(owner('a.target_tenant'))));
    // A request is seldom listed at an exchange (its hops come later): once the hops fill the
    // page, exchanges older than its last entry cannot enter it, and are not walked.
    const { rows } = await this.database.pool.query<{ request_id: string; at: Date }>(
      `${shared.with}${shared.with ? ',' : 'WITH'}
       by_hops AS MATERIALIZED (
         SELECT DISTINCT ON (at, request_id) request_id, at FROM (${hopBranches.join(' UNION ALL ')}) found
         ORDER BY at DESC, request_id DESC LIMIT ${limit}),
       page_floor AS (SELECT CASE WHEN count(*) >= ${limit} THEN min(at) END AS at FROM by_hops)
       SELECT DISTINCT ON (at, request_id) request_id, at FROM (
         SELECT request_id, at FROM by_hops
         UNION ALL ${perTenant(exchangeBranch(`${owner('a.tenant')} AND a.occurred_at >= COALESCE((SELECT at FROM page_floor), '-infinity')`))}
       ) found
       ORDER BY at DESC, request_id DESC
       LIMIT ${limit}`,
      params.values,
    );
    return rows.map((row) => ({ requestId: row.request_id, at: row.at }));
  }

  /** What a results list shows of each request, from the facts the scope sees: one statement. */
  async summaries(
    scope: TenantScope,
    requestIds: readonly string[],
  ): Promise<Map<string, RequestSummaryRow>> {
    if (requestIds.length === 0) return new Map();
    const { rows } = await this.database.pool.query<{
      request_id: string;
      first_at: Date;
      last_at: Date;
      hops: number;
      targets: string[];
      target_count: number;
      open_anomalies: number;
      max_severity: Severity | null;
    }>(
      `SELECT c.request_id, s.first_at, s.last_at, s.hops, s.targets, s.target_count,
              a.open_anomalies, a.max_severity
       FROM unnest($2::text[]) AS c(request_id)
       CROSS JOIN LATERAL (
         SELECT min(at) AS first_at, max(at) AS last_at, count(*) FILTER (WHERE hop)::int AS hops,
                (array_agg(DISTINCT target ORDER BY target) FILTER (WHERE target IS NOT NULL))[1:${MAX_TARGETS}] AS targets,
                count(DISTINCT target)::int AS target_count
         FROM (SELECT h.occurred_at AS at, true AS hop, h.target_service COLLATE "C" AS target FROM hops h
               WHERE h.request_id = c.request_id AND ${hopVisible('h', '$1')}
               UNION ALL
               SELECT x.occurred_at, false, NULL FROM token_exchanges x
               WHERE x.request_id = c.request_id AND ${exchangeVisible('x', '$1')}) v) s
       CROSS JOIN LATERAL (
         SELECT count(*)::int AS open_anomalies, max(an.severity)::text AS max_severity FROM anomalies an
         WHERE an.request_id = c.request_id AND an.verdict = 'OPEN'
           AND ($1::text[] IS NULL OR an.tenant = ANY($1::text[]) OR an.target_tenant = ANY($1::text[]))) a
       WHERE s.first_at IS NOT NULL`,
      [scopeParam(scope), [...requestIds]],
    );
    return new Map(
      rows.map((row) => [
        row.request_id,
        {
          requestId: row.request_id,
          firstSeenAt: row.first_at,
          lastSeenAt: row.last_at,
          hops: row.hops,
          targets: row.targets ?? [],
          targetCount: row.target_count,
          openAnomalies: row.open_anomalies,
          maxSeverity: row.max_severity,
        },
      ]),
    );
  }
}
