import type { AnomalyRule } from '../anomaly-rule';

/**
 * The token's act chain and the observed hops disagree. (A hop whose parent has not
 * arrived yet is a gap the API shows; it is no anomaly, since the parent may still come.)
 */
export const untrackedHopRule: AnomalyRule = {
  rule: 'UNTRACKED_HOP',
  severity: 'MEDIUM',
  evaluate({ provenance }) {
    return provenance.gaps
      .filter((gap) => gap.kind === 'ACT_MISMATCH' || gap.kind === 'ACTOR_NOT_TOKEN_HOLDER')
      .map((gap) => {
        const hop = provenance.hops.find((h) => h.hopId === gap.hopId)!;
        return {
          subject: `${gap.hopId}:${gap.kind}`,
          tenant: hop.tenant,
          targetTenant: hop.target.tenant,
          summary: gap.detail,
          details: { ...gap },
        };
      });
  },
};
