import { keyOfRecord } from '@app/graph';
import type { AnomalyRule, Finding } from '../anomaly-rule';

/** A delegated token outlives its parent, or lives longer than the policy allows. */
export const excessiveLifetimeRule: AnomalyRule = {
  rule: 'EXCESSIVE_LIFETIME',
  severity: 'MEDIUM',
  evaluate({ graph, policy }) {
    const findings: Finding[] = [];
    for (const exchange of graph.exchanges) {
      const child = graph.tokens.get(exchange.issuedTokenKey);
      if (!child?.expiresAt) continue;
      const parent = graph.tokens.get(exchange.subjectTokenKey);
      const issuedAt = child.issuedAt ?? exchange.occurredAt;
      const reasons: string[] = [];
      if (parent?.expiresAt && child.expiresAt > parent.expiresAt)
        reasons.push(
          `outlives its parent (expires ${child.expiresAt.toISOString()} after ${parent.expiresAt.toISOString()})`,
        );
      if (child.expiresAt.getTime() - issuedAt.getTime() > policy.maxDelegatedLifetimeMs)
        reasons.push(
          `lives longer than the policy maximum of ${policy.maxDelegatedLifetimeMs / 1000} s`,
        );
      if (reasons.length === 0) continue;
      findings.push({
        subject: keyOfRecord(child.key),
        tenant: exchange.tenant,
        targetTenant: null,
        summary: `the token issued to ${exchange.actor.id} ${reasons.join(' and ')}`,
        details: {
          principal: exchange.actor.id,
          principalIssuer: exchange.actor.issuer,
          issuer: child.issuer,
          expiresAt: child.expiresAt.toISOString(),
          tokenKey: keyOfRecord(child.key),
          parentKey: keyOfRecord(exchange.subjectTokenKey),
          reasons,
        },
      });
    }
    return findings;
  },
};
