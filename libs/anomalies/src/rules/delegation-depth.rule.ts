import type { AnomalyRule } from '../anomaly-rule';

/** A chain with more delegates after its origin than the policy allows. */
export const delegationDepthRule: AnomalyRule = {
  rule: 'DELEGATION_DEPTH',
  severity: 'MEDIUM',
  evaluate({ provenance, policy }) {
    const delegates = provenance.chain.length - 1;
    const last = provenance.hops[provenance.hops.length - 1] ?? null;
    const tenant = provenance.origin?.tenant ?? last?.tenant;
    if (delegates <= policy.maxDelegationDepth || !tenant) return [];
    return [
      {
        subject: 'chain',
        tenant,
        targetTenant: last?.target.tenant ?? null,
        summary: `${delegates} delegates after ${provenance.origin?.id ?? 'the origin'}; the policy allows ${policy.maxDelegationDepth}`,
        details: {
          delegates,
          max: policy.maxDelegationDepth,
          chain: provenance.chain.map((p) => p.id),
        },
      },
    ];
  },
};
