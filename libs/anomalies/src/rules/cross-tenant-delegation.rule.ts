import { keyOfRecord } from '@app/graph';
import { hopActors, type AnomalyRule, type Finding } from '../anomaly-rule';

/** A token or actor from one tenant used against another tenant's target, unfederated. */
export const crossTenantDelegationRule: AnomalyRule = {
  rule: 'CROSS_TENANT_DELEGATION',
  severity: 'CRITICAL',
  evaluate({ graph, policy }) {
    const findings: Finding[] = [];
    for (const hop of graph.hops) {
      const targetTenant = hop.target.tenant ?? hop.tenant;
      const token = hop.tokenKey ? graph.tokens.get(hop.tokenKey) : undefined;
      const foreign = [
        ['actor', hop.actor.tenant],
        ['token', token?.tenant],
      ].filter(
        ([, tenant]) =>
          tenant && tenant !== targetTenant && !policy.federation.has(`${tenant}>${targetTenant}`),
      );
      if (foreign.length === 0) continue;
      const [what, from] = foreign[0];
      findings.push({
        subject: hop.hopId,
        tenant: hop.tenant,
        targetTenant,
        summary: `${hop.actor.id} used a ${what} of tenant ${from} against ${hop.target.service} of tenant ${targetTenant} (hop ${hop.hopId})`,
        details: {
          ...hopActors(hop, token),
          hopId: hop.hopId,
          fromTenant: from,
          targetTenant,
          via: foreign.map(([kind]) => String(kind)),
          tokenKey: hop.tokenKey && keyOfRecord(hop.tokenKey),
        },
      });
    }
    return findings;
  },
};
