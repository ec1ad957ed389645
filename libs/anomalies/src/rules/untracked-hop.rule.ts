import type { AnomalyRule } from '../anomaly-rule';

const formatGrace = (ms: number): string =>
  ms % 60_000 === 0 ? `${ms / 60_000} min` : `${ms / 1000} s`;

/**
 * The token's act chain and the observed hops disagree, or a hop's parent has not arrived
 * within the grace period (`untrackedHopGraceMs`, counted from when the hop was received).
 * Before the grace runs out a missing parent is only a gap, since it may still come; once
 * it has, judging the request at any later time finds the same, until the parent arrives
 * and the verdict is withdrawn. The ingestor's sweeper judges such requests when their
 * grace ends, so the finding does not wait for another event of the request.
 */
export const untrackedHopRule: AnomalyRule = {
  rule: 'UNTRACKED_HOP',
  severity: 'MEDIUM',
  evaluate({ provenance, policy, now }) {
    return provenance.gaps.flatMap((gap) => {
      const hop = provenance.hops.find((h) => h.hopId === gap.hopId);
      if (!hop) return [];
      if (gap.kind === 'MISSING_PARENT_HOP') {
        const waited = now.getTime() - hop.receivedAt.getTime();
        if (waited < policy.untrackedHopGraceMs) return [];
        return [
          {
            subject: `${gap.hopId}:${gap.kind}`,
            tenant: hop.tenant,
            targetTenant: hop.target.tenant,
            summary: `hop ${hop.hopId} names parent hop ${hop.parentHopId}, which has not arrived within ${formatGrace(policy.untrackedHopGraceMs)}`,
            details: { ...gap, graceMs: policy.untrackedHopGraceMs },
          },
        ];
      }
      if (gap.kind !== 'ACT_MISMATCH' && gap.kind !== 'ACTOR_NOT_TOKEN_HOLDER') return [];
      return [
        {
          subject: `${gap.hopId}:${gap.kind}`,
          tenant: hop.tenant,
          targetTenant: hop.target.tenant,
          summary: gap.detail,
          details: { ...gap },
        },
      ];
    });
  },
};
