import { z } from 'zod';

/**
 * What the rules may put into an anomaly's `details`, one vocabulary for all of them: each
 * rule fills the keys that describe its finding. Stored as JSON; read back (by the API, by
 * suppression matching) through `readAnomalyDetails`, which keeps what is well typed and
 * drops the rest, so a detail stored by an older rule never breaks a reader.
 */
const text = z.string().optional().catch(undefined);
const texts = z.array(z.string()).optional().catch(undefined);
const count = z.number().int().optional().catch(undefined);
const flag = z.boolean().optional().catch(undefined);

export const anomalyDetailsSchema = z.object({
  /** The hop the finding is about. */
  hopId: text,
  /** The offending token (its key: `jti:…` or `sha256:…`), and the token it was exchanged from. */
  tokenKey: text,
  parentKey: text,
  /** Who acted (id and issuer): what a suppression's principal condition is checked against. */
  principal: text,
  principalIssuer: text,
  /** The issuer of the token concerned. */
  issuer: text,
  /** The service the hop called, and the audience of the token it presented. */
  service: text,
  audience: texts,
  /** Scopes a delegated token carries beyond its parent's. */
  added: texts,
  /** Revocation or expiry of the token used (ISO 8601). */
  revoked: flag,
  expired: flag,
  revokedAt: text,
  expiresAt: text,
  /** Delegates after the origin, the policy maximum, the chain's principals in order. */
  delegates: count,
  max: count,
  chain: texts,
  /** A cross-tenant use: the foreign tenant, the tenant targeted, what was foreign. */
  fromTenant: text,
  targetTenant: text,
  via: texts,
  /** A claim about another tenant's principal or token: who made it, about which tenant. */
  reporter: text,
  claimedTenant: text,
  role: text,
  eventId: text,
  /** A lifecycle change (offboarded, disabled...) and when it took effect. */
  change: text,
  effectiveAt: text,
  origin: text,
  /** An exchange: the actor, the subject it acts for, who `may_act` allows. */
  actor: text,
  subject: text,
  mayAct: text,
  /** How many different actors presented the token. */
  actors: count,
  /** Why a lifetime is excessive. */
  reasons: texts,
  /** An untracked hop: the kind of disagreement and what it is. */
  kind: text,
  detail: text,
});

export type AnomalyDetails = z.infer<typeof anomalyDetailsSchema>;

/** The typed view of stored details; anything unexpected reads as absent. */
export function readAnomalyDetails(details: unknown): AnomalyDetails {
  const parsed = anomalyDetailsSchema.safeParse(
    typeof details === 'object' && details !== null && !Array.isArray(details) ? details : {},
  );
  return parsed.success ? parsed.data : {};
}
