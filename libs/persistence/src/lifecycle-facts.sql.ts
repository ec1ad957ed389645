import type { LifecycleAuthorities } from '@app/contract';

// The SQL that decides which lifecycle facts take effect. A revocation or a principal's
// lifecycle change counts when its reporter is the owning tenant itself or a tenant trusted
// for it (LifecycleAuthorities); anyone else's report is a claim, stored but without effect.
// Every query that needs "the revocation in effect" or "the changes in effect" builds it here.

/** The authorities as the one jsonb parameter the fragments below read. */
export const authoritiesParam = (authorities: LifecycleAuthorities): string =>
  JSON.stringify(authorities);

/**
 * True when `reporter` may report lifecycle facts for `owner`'s tokens and principals
 * (`authorities`: the placeholder of `authoritiesParam`, e.g. `$3`).
 */
export const byLifecycleAuthority = (
  owner: string,
  reporter: string,
  authorities: string,
): string => `(${reporter} = ${owner} OR (${authorities}::jsonb -> ${owner}) ? ${reporter})`;

export interface RevocationInEffect {
  /** Alias of the `tokens` row whose revocation is looked up. */
  token: string;
  /** Placeholder of the `authoritiesParam` parameter. */
  authorities: string;
  /** Alias of the result: `<as>.revoked_at`, `<as>.revoked_by` (both NULL when none). */
  as: string;
  /** Placeholder of a text[] parameter: only reports of these tenants count (NULL: all). */
  reportedWithin?: string;
}

/**
 * The keys that name the same token as the record `token` within its tenant: its own key,
 * and every key of a record carrying a fingerprint that a record of this key carries (an
 * event that names a jti and a fingerprint together makes them one token, whichever came
 * first: a revocation naming the token by its fingerprint alone reaches its jti, and back).
 */
export const sameTokenKeys = (token: string): string =>
  `SELECT ${token}.key UNION
   SELECT a.key FROM tokens a
   WHERE a.tenant = ${token}.tenant AND a.fingerprint IN (
     SELECT b.fingerprint FROM tokens b
     WHERE b.key = ${token}.key AND b.tenant = ${token}.tenant AND b.fingerprint IS NOT NULL)`;

/**
 * A `LEFT JOIN LATERAL` giving the revocation in effect for a token record: the earliest
 * one that the token's own tenant, or a tenant trusted for it, reported, in whichever
 * tenant's record of the same token it was filed, under any key of it (`sameTokenKeys`).
 */
export function revocationInEffect({
  token,
  authorities,
  as,
  reportedWithin,
}: RevocationInEffect): string {
  const within = reportedWithin
    ? `AND (${reportedWithin}::text[] IS NULL OR o.reporter = ANY(${reportedWithin}::text[]))`
    : '';
  return `LEFT JOIN LATERAL (
           SELECT o.revoked_at, o.reporter AS revoked_by FROM tokens o
           WHERE o.key IN (${sameTokenKeys(token)}) AND o.tenant = ${token}.tenant AND o.revoked_at IS NOT NULL
             AND ${byLifecycleAuthority(`${token}.tenant`, 'o.reporter', authorities)} ${within}
           ORDER BY o.revoked_at, o.reporter LIMIT 1) ${as} ON true`;
}
