import { keyOfRecord } from '@app/graph';
import type { AnomalyRule, Finding } from '../anomaly-rule';

/** A token's issuer is not trusted for the tenant it claims (tenants with a trust list). */
export const untrustedIssuerRule: AnomalyRule = {
  rule: 'UNTRUSTED_ISSUER',
  severity: 'HIGH',
  evaluate({ graph, policy }) {
    const findings: Finding[] = [];
    for (const token of graph.tokens.values()) {
      const trusted = policy.trustedIssuers.get(token.tenant);
      if (!trusted || !token.issuer || trusted.has(token.issuer)) continue;
      findings.push({
        subject: keyOfRecord(token.key),
        tenant: token.tenant,
        targetTenant: null,
        summary: `token ${keyOfRecord(token.key)} claims tenant ${token.tenant} but was issued by ${token.issuer}, which that tenant does not trust`,
        details: {
          tokenKey: keyOfRecord(token.key),
          issuer: token.issuer,
          principal: typeof token.claims?.sub === 'string' ? token.claims.sub : null,
        },
      });
    }
    return findings;
  },
};
