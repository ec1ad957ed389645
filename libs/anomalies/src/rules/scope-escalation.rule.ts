import { keyOfRecord } from '@app/graph';
import type { AnomalyRule, Finding } from '../anomaly-rule';

/** A delegated token carries scopes its parent did not. */
export const scopeEscalationRule: AnomalyRule = {
  rule: 'SCOPE_ESCALATION',
  severity: 'HIGH',
  evaluate({ graph }) {
    const findings: Finding[] = [];
    for (const exchange of graph.exchanges) {
      const child = graph.tokens.get(exchange.issuedTokenKey);
      const parent = graph.tokens.get(exchange.subjectTokenKey);
      if (!child || !parent || parent.scopes.length === 0) continue;
      const added = child.scopes.filter((scope) => !parent.scopes.includes(scope));
      if (added.length === 0) continue;
      findings.push({
        subject: keyOfRecord(child.key),
        tenant: exchange.tenant,
        targetTenant: null,
        summary: `${exchange.actor.id} obtained ${added.join(', ')} beyond what its parent token allowed`,
        details: {
          principal: exchange.actor.id,
          principalIssuer: exchange.actor.issuer,
          issuer: child.issuer,
          tokenKey: keyOfRecord(child.key),
          parentKey: keyOfRecord(parent.key),
          added,
        },
      });
    }
    return findings;
  },
};
