import { keyOfRecord } from '@app/graph';
import { hopActors, type AnomalyRule, type Finding } from '../anomaly-rule';

/** One token presented by different actors (here or in any other request). */
export const sharedTokenRule: AnomalyRule = {
  rule: 'SHARED_TOKEN',
  severity: 'HIGH',
  evaluate({ graph }) {
    const findings: Finding[] = [];
    const reported = new Set<string>();
    for (const hop of graph.hops) {
      if (!hop.tokenKey || reported.has(hop.tokenKey)) continue;
      const presenters = graph.presenters.get(hop.tokenKey) ?? [];
      if (presenters.length < 2) continue;
      reported.add(hop.tokenKey);
      const key = keyOfRecord(hop.tokenKey);
      findings.push({
        subject: key,
        tenant: hop.tenant,
        targetTenant: hop.target.tenant,
        summary: `token ${key} was presented by ${presenters.length} different actors`,
        details: {
          ...hopActors(hop, graph.tokens.get(hop.tokenKey)),
          tokenKey: key,
          actors: presenters.length,
        },
      });
    }
    return findings;
  },
};
