import { keyOfRecord } from '@app/graph';
import { hopActors, type AnomalyRule, type Finding } from '../anomaly-rule';

/** The target service is not in the presented token's audience (when it has one). */
export const audienceMismatchRule: AnomalyRule = {
  rule: 'AUDIENCE_MISMATCH',
  severity: 'MEDIUM',
  evaluate({ graph }) {
    const findings: Finding[] = [];
    for (const hop of graph.hops) {
      const token = hop.tokenKey ? graph.tokens.get(hop.tokenKey) : undefined;
      if (!token || token.audience.length === 0 || token.audience.includes(hop.target.service))
        continue;
      findings.push({
        subject: hop.hopId,
        tenant: hop.tenant,
        targetTenant: hop.target.tenant,
        summary: `hop ${hop.hopId} called ${hop.target.service} with a token meant for ${token.audience.join(', ')}`,
        details: {
          ...hopActors(hop, token),
          hopId: hop.hopId,
          tokenKey: keyOfRecord(token.key),
          audience: token.audience,
          service: hop.target.service,
        },
      });
    }
    return findings;
  },
};
