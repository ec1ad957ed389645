import type { AnomalyRow } from '@app/persistence';
import { reconstruct, type RequestGraph } from '@app/provenance';
import type { AnomalyPolicy, AnomalyRule } from './anomaly-rule';
import { audienceMismatchRule } from './rules/audience-mismatch.rule';
import { crossTenantDelegationRule } from './rules/cross-tenant-delegation.rule';
import { delegationDepthRule } from './rules/delegation-depth.rule';
import { excessiveLifetimeRule } from './rules/excessive-lifetime.rule';
import { impersonationWithoutMayActRule } from './rules/impersonation-without-may-act.rule';
import { orphanedDelegationRule } from './rules/orphaned-delegation.rule';
import { scopeEscalationRule } from './rules/scope-escalation.rule';
import { sharedTokenRule } from './rules/shared-token.rule';
import { untrackedHopRule } from './rules/untracked-hop.rule';
import { untrustedIssuerRule } from './rules/untrusted-issuer.rule';
import { useAfterRevocationRule } from './rules/use-after-revocation.rule';

/** Every rule evaluated on stored facts (RAW_CREDENTIAL_IN_EVENT is raised at decoding). */
export const ANOMALY_RULES: readonly AnomalyRule[] = [
  crossTenantDelegationRule,
  untrustedIssuerRule,
  audienceMismatchRule,
  scopeEscalationRule,
  excessiveLifetimeRule,
  useAfterRevocationRule,
  orphanedDelegationRule,
  untrackedHopRule,
  delegationDepthRule,
  sharedTokenRule,
  impersonationWithoutMayActRule,
];

/** All anomalies one request's facts show; the dedupe key makes re-evaluation harmless. */
export function evaluateAnomalies(
  graph: RequestGraph,
  policy: AnomalyPolicy,
  rules: readonly AnomalyRule[] = ANOMALY_RULES,
): AnomalyRow[] {
  const provenance = reconstruct(graph);
  return rules.flatMap((rule) =>
    rule.evaluate({ graph, provenance, policy }).map((finding) => ({
      rule: rule.rule,
      severity: rule.severity,
      requestId: graph.requestId,
      tenant: finding.tenant,
      targetTenant: finding.targetTenant,
      dedupeKey: `${rule.rule}|${graph.requestId}|${finding.subject}`,
      summary: finding.summary,
      details: finding.details,
    })),
  );
}
