import type { AnomalyPolicy } from '@app/anomalies';
import type { IngestorEnv } from '@app/config';

/** The anomaly policy the ingestor's configuration sets (POLICY_*, UNTRACKED_HOP_GRACE_MS). */
export function anomalyPolicyOf(config: IngestorEnv): AnomalyPolicy {
  return {
    maxDelegationDepth: config.POLICY_MAX_DELEGATION_DEPTH,
    maxDelegatedLifetimeMs: config.POLICY_MAX_DELEGATED_LIFETIME_S * 1000,
    federation: new Set(config.POLICY_FEDERATION),
    trustedIssuers: new Map(
      Object.entries(config.POLICY_TRUSTED_ISSUERS).map(([tenant, issuers]) => [
        tenant,
        new Set(issuers),
      ]),
    ),
    lifecycleAuthorities: config.LIFECYCLE_AUTHORITIES,
    untrackedHopGraceMs: config.UNTRACKED_HOP_GRACE_MS,
  };
}
