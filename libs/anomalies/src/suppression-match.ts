import { readAnomalyDetails } from './anomaly-details';

/** The conditions of a suppression; a null condition matches anything. */
export interface SuppressionRule {
  id: string;
  /** The reporting tenant of the anomalies it silences. */
  tenant: string;
  /** Their target tenant; null: anomalies that stay within `tenant`. */
  targetTenant: string | null;
  /** Null: every rule. */
  rule: string | null;
  principalId: string | null;
  /** Only with `principalId`: the principal's issuer. */
  principalIssuer: string | null;
  /** The issuer of the token concerned. */
  issuer: string | null;
  targetService: string | null;
  expiresAt: Date | null;
  revokedAt: Date | null;
}

/** What a suppression is matched against: an anomaly the rules found. */
export interface SuppressibleAnomaly {
  rule: string;
  tenant: string;
  targetTenant: string | null;
  details: unknown;
}

/** Neither revoked nor expired at `now` (a suppression expires at its `expiresAt`). */
export const isActive = (suppression: SuppressionRule, now: Date): boolean =>
  suppression.revokedAt === null &&
  (suppression.expiresAt === null || suppression.expiresAt.getTime() > now.getTime());

const meets = (condition: string | null, value: string | undefined): boolean =>
  condition === null || condition === value;

/**
 * Whether `suppression` silences `anomaly` at `now`. The tenant pair must be the anomaly's
 * exactly: every tenant that sees the anomaly is a tenant of the suppression, so an admin
 * can never silence what another tenant is shown (a suppression of the reporting tenant
 * alone covers only anomalies that stay within it). A condition on a detail the rule does
 * not record (a principal, an issuer, a service) never matches.
 */
export function suppressionMatches(
  suppression: SuppressionRule,
  anomaly: SuppressibleAnomaly,
  now: Date,
): boolean {
  if (!isActive(suppression, now)) return false;
  if (anomaly.tenant !== suppression.tenant) return false;
  if ((anomaly.targetTenant ?? anomaly.tenant) !== (suppression.targetTenant ?? suppression.tenant))
    return false;
  if (!meets(suppression.rule, anomaly.rule)) return false;
  const details = readAnomalyDetails(anomaly.details);
  return (
    meets(suppression.principalId, details.principal) &&
    meets(suppression.principalIssuer, details.principalIssuer) &&
    meets(suppression.issuer, details.issuer) &&
    meets(suppression.targetService, details.service)
  );
}

/** The suppression that silences `anomaly` (the oldest of those that do), if any. */
export function suppressionFor(
  suppressions: readonly SuppressionRule[],
  anomaly: SuppressibleAnomaly,
  now: Date,
): SuppressionRule | undefined {
  return suppressions
    .filter((suppression) => suppressionMatches(suppression, anomaly, now))
    .sort((a, b) => (BigInt(a.id) < BigInt(b.id) ? -1 : 1))[0];
}
