/**
 * How tokens and hops are named. A token's key is its identity: `jti:<issuer>#<jti>` when it
 * has a jti (a jti is only unique per issuer), else `fp:<sha256 hex>`; never derived from the
 * raw token. Every tenant keeps its own record of a token or a hop, so in memory a record is
 * named by its reporter and its key together (a record key); NUL cannot occur in stored
 * text, so the pair splits back without ambiguity.
 */
export interface TokenIdentity {
  jti?: string;
  issuer?: string;
  fingerprint?: string;
}

export function tokenKeyOf(token: TokenIdentity): string {
  return token.jti !== undefined
    ? `jti:${token.issuer ?? ''}#${token.jti}`
    : `fp:${token.fingerprint}`;
}

export const recordKey = (reporter: string, key: string): string => `${reporter}\u0000${key}`;

/** The key inside a record key (a plain key is returned as it is). */
export const keyOfRecord = (record: string): string => record.slice(record.indexOf('\u0000') + 1);

/** The reporter inside a record key. */
export const reporterOfRecord = (record: string): string =>
  record.slice(0, Math.max(0, record.indexOf('\u0000')));
