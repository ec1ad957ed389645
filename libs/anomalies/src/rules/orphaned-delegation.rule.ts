import { hopActors, recipientsOf, type AnomalyRule, type Finding } from '../anomaly-rule';

const SUSPENDING = new Set(['offboarded', 'disabled']);

/** A delegated token used after its origin was offboarded or disabled. */
export const orphanedDelegationRule: AnomalyRule = {
  rule: 'ORPHANED_DELEGATION',
  severity: 'HIGH',
  evaluate({ graph, provenance }) {
    const findings: Finding[] = [];
    for (const hop of provenance.hops) {
      const lineage = provenance.lineageByHop.get(hop.key) ?? [];
      const origin = lineage[0]?.subject ?? hop.onBehalfOf;
      if (!origin || origin.ref === hop.actor.ref) continue;
      // The origin's standing at the time of the hop: its latest change before it.
      const last = graph.changes
        .filter(
          (change) => change.principalRef === origin.ref && change.effectiveAt <= hop.occurredAt,
        )
        .sort((a, b) => b.effectiveAt.getTime() - a.effectiveAt.getTime())[0];
      if (!last || !SUSPENDING.has(last.change)) continue;
      findings.push({
        subject: hop.hopId,
        ...recipientsOf(hop, { owner: origin.tenant, reportedBy: last.reportedBy }),
        summary: `${hop.actor.id} acted for ${origin.id} at ${hop.occurredAt.toISOString()}, after ${origin.id} was ${last.change} at ${last.effectiveAt.toISOString()}`,
        details: {
          ...hopActors(hop, hop.tokenKey ? graph.tokens.get(hop.tokenKey) : undefined),
          hopId: hop.hopId,
          origin: origin.id,
          change: last.change,
          effectiveAt: last.effectiveAt.toISOString(),
        },
      });
    }
    return findings;
  },
};
