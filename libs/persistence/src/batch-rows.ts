import { recordKey } from '@app/graph';
import type { EventGraph, PrincipalKey, PrincipalRow, TokenRow } from './graph-rows';

/** The rows a batch of events adds, one statement's worth per table. */
export type BatchRows = Omit<EventGraph, 'event' | 'anomalies'>;

/** Names one tenant's record of a principal, as the principals' unique key does. */
export const principalKey = (p: PrincipalKey): string =>
  `${p.reporter}\u0000${p.tenant}\u0000${p.issuer}\u0000${p.subject}`;

// The token fields the first description to name them sets and later ones only fill in.
const FIRST_WINS = [
  'issuer',
  'jti',
  'fingerprint',
  'issuedAt',
  'expiresAt',
  'claims',
  'parentKey',
  'actorTokenKey',
  'revokeReason',
] as const;

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
    for (const field of FIRST_WINS) {
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

/** What a reporter said first about a token stays; later events only fill in the gaps. */
export const TOKENS_ON_CONFLICT = `ON CONFLICT (reporter, key) DO UPDATE SET
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
         revoke_reason = COALESCE(tokens.revoke_reason, EXCLUDED.revoke_reason)`;

/** A request spans from the first to the last event seen of it, in whichever order they came. */
export const REQUESTS_ON_CONFLICT = `ON CONFLICT (request_id) DO UPDATE SET
         first_seen_at = LEAST(requests.first_seen_at, EXCLUDED.first_seen_at),
         last_seen_at = GREATEST(requests.last_seen_at, EXCLUDED.last_seen_at)`;
