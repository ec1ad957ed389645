import { recordKey } from '@app/graph';
import type { EventGraph, PrincipalKey, PrincipalRow, TokenRow } from './graph-rows';

/** The rows a batch of events adds, one statement's worth per table. */
export type BatchRows = Omit<EventGraph, 'event' | 'anomalies' | 'tokens'> & {
  tokens: StoredTokenRow[];
};

/** Names one tenant's record of a principal, as the principals' unique key does. */
export const principalKey = (p: PrincipalKey): string =>
  `${p.reporter}\u0000${p.tenant}\u0000${p.issuer}\u0000${p.subject}`;

/**
 * The token fields a description may give, each with its column: the value kept is the one
 * of the description that comes first by precedence (TokenRow.precedence) among those that
 * give it, wherever and in whichever order they arrived. `sources` records, per field, the
 * precedence of the description its value came from, so that the stored row and a later
 * batch's merge the same way (TOKENS_ON_CONFLICT).
 */
const DESCRIBED = [
  ['issuer', 'issuer'],
  ['fingerprint', 'fingerprint'],
  ['audience', 'audience'],
  ['scopes', 'scopes'],
  ['issuedAt', 'issued_at'],
  ['expiresAt', 'expires_at'],
  ['claims', 'claims'],
  ['parentKey', 'parent_key'],
  ['actorTokenKey', 'actor_token_key'],
] as const;
type DescribedField = (typeof DESCRIBED)[number][0];

/** A token as one batch writes it: its descriptions merged, with where each field came from. */
export interface StoredTokenRow extends TokenRow {
  sources: Partial<Record<DescribedField, string>>;
}

const given = (value: unknown): boolean =>
  value !== null && value !== undefined && !(Array.isArray(value) && value.length === 0);

/**
 * Merges the descriptions of one token a reporter gave several times in a batch, field by
 * field by precedence; the earliest revocation wins. Different reporters' descriptions are
 * different records, never merged.
 */
function mergeTokens(rows: TokenRow[]): StoredTokenRow[] {
  const merged = new Map<string, StoredTokenRow>();
  const ordered = [...rows].sort((a, b) =>
    a.precedence < b.precedence ? -1 : a.precedence > b.precedence ? 1 : 0,
  );
  for (const row of ordered) {
    const record = recordKey(row.reporter, row.key);
    let seen = merged.get(record);
    if (!seen) {
      seen = { ...row, sources: {} };
      for (const [field] of DESCRIBED) if (given(row[field])) seen.sources[field] = row.precedence;
      merged.set(record, seen);
      continue;
    }
    // In precedence order: a field already given keeps its value.
    for (const [field] of DESCRIBED) {
      if (given(seen[field]) || !given(row[field])) continue;
      (seen as unknown as Record<string, unknown>)[field] = row[field];
      seen.sources[field] = row.precedence;
    }
    seen.jti ??= row.jti;
    seen.revokeReason ??= row.revokeReason;
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

/**
 * The rows of several events' graphs, merged in memory where one statement may not touch a
 * row twice: a principal or a token named again in the batch is written once. Pure.
 */
export function batchRows(graphs: EventGraph[]): BatchRows {
  const all = <K extends keyof BatchRows>(key: K): BatchRows[K] =>
    graphs.flatMap((graph) => graph[key] as unknown[]) as BatchRows[K];
  return {
    principals: distinctPrincipals(all('principals')),
    tokens: mergeTokens(all('tokens')),
    requests: all('requests'),
    exchanges: all('exchanges'),
    hops: all('hops'),
    changes: all('changes'),
  };
}

// How a batch's rows meet the stored ones, whatever carried them to the database. Each
// follows an INSERT ... SELECT of the table's columns under their own names.

/** A display name, once known, is kept: a later one never replaces it. */
export const PRINCIPALS_ON_CONFLICT = `ON CONFLICT (reporter, tenant, issuer, subject) DO UPDATE SET display_name = EXCLUDED.display_name
       WHERE principals.display_name IS NULL AND EXCLUDED.display_name IS NOT NULL`;

// A description's field replaces the stored one when the stored row lacks it, or when the
// description comes first by precedence. A row stored before precedences were kept has no
// sources: what it holds stays, as it did then (the empty text sorts first).
const winsOver = (column: string, field: string, array: boolean): string => {
  const given = (alias: string) =>
    array ? `cardinality(${alias}.${column}) > 0` : `${alias}.${column} IS NOT NULL`;
  return `(${given('EXCLUDED')} AND (NOT ${given('tokens')}
           OR EXCLUDED.field_sources->>'${field}' < coalesce(tokens.field_sources->>'${field}', '')))`;
};
const ARRAYS: ReadonlySet<string> = new Set(['audience', 'scopes']);

/**
 * Each field of a token holds what its first description by precedence gives (the issuing
 * exchange's, else the earliest event's), whatever the order descriptions arrive in; the
 * earliest revocation wins.
 */
export const TOKENS_ON_CONFLICT = `ON CONFLICT (reporter, key) DO UPDATE SET
         ${DESCRIBED.map(
           ([field, column]) =>
             `${column} = CASE WHEN ${winsOver(column, field, ARRAYS.has(field))} THEN EXCLUDED.${column} ELSE tokens.${column} END`,
         ).join(',\n         ')},
         field_sources = tokens.field_sources || jsonb_strip_nulls(jsonb_build_object(${DESCRIBED.map(
           ([field, column]) =>
             `'${field}', CASE WHEN ${winsOver(column, field, ARRAYS.has(field))} THEN EXCLUDED.field_sources->'${field}' END`,
         ).join(', ')})),
         jti = COALESCE(tokens.jti, EXCLUDED.jti),
         revoked_at = LEAST(tokens.revoked_at, EXCLUDED.revoked_at),
         revoke_reason = COALESCE(tokens.revoke_reason, EXCLUDED.revoke_reason)`;

/** A request spans from the first to the last event seen of it, in whichever order they came. */
export const REQUESTS_ON_CONFLICT = `ON CONFLICT (request_id) DO UPDATE SET
         first_seen_at = LEAST(requests.first_seen_at, EXCLUDED.first_seen_at),
         last_seen_at = GREATEST(requests.last_seen_at, EXCLUDED.last_seen_at)`;
