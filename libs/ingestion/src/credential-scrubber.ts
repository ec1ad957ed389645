import { createHash } from 'node:crypto';

/** A raw credential found inside an event and replaced by its fingerprint. */
export interface CredentialFinding {
  /** Where it was, as a dotted path (`data.token.jti`). */
  path: string;
  kind: 'jwt' | 'bearer';
  /** `sha256:<hex>` of the raw credential: lets an investigator match it, never reveals it. */
  fingerprint: string;
}

// A JWS or JWE in compact form: base64url segments, the first one a JSON header (`{"` → `eyJ`).
const JWT =
  /eyJ[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]*(?:\.[A-Za-z0-9_-]*\.[A-Za-z0-9_-]*)?/g;
// An HTTP bearer credential (RFC 6750 b64token) of any shape, at least 8 characters long.
const BEARER = /\b(Bearer\s+)([A-Za-z0-9\-._~+/]{8,}=*)/gi;
const MAYBE_BEARER = /bearer/i;
const FINGERPRINT = /^sha256:[0-9a-f]{64}$/;

export const fingerprintOf = (raw: string): string =>
  `sha256:${createHash('sha256').update(raw, 'utf8').digest('hex')}`;

/** Replaces every raw credential inside `text`; returns the new text and what was found. */
export function scrubString(text: string, path: string, findings: CredentialFinding[]): string {
  if (text.length < 8) return text;
  // Both patterns need one of these: most strings are skipped without running them.
  if (!text.includes('eyJ') && !MAYBE_BEARER.test(text)) return text;
  let out = text.replace(BEARER, (_match, prefix: string, token: string) => {
    if (FINGERPRINT.test(token)) return `${prefix}${token}`;
    const fingerprint = fingerprintOf(token);
    findings.push({ path, kind: token.startsWith('eyJ') ? 'jwt' : 'bearer', fingerprint });
    return `${prefix}${fingerprint}`;
  });
  out = out.replace(JWT, (token: string) => {
    const fingerprint = fingerprintOf(token);
    findings.push({ path, kind: 'jwt', fingerprint });
    return fingerprint;
  });
  return out;
}
