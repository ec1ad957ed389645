import type { PrincipalChangeView } from '@app/graph';
import { hopActors, recipientsOf, type AnomalyRule, type Finding } from '../anomaly-rule';

const SUSPENDING = new Set(['offboarded', 'disabled']);
const text = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/**
 * Latest first. Changes at the same instant are ordered by what they say, never by how they
 * were loaded: a suspension before anything else (a reinstatement at the very instant of a
 * suspension does not undo it), then by change and reporter.
 */
const latestFirst = (a: PrincipalChangeView, b: PrincipalChangeView): number =>
  b.effectiveAt.getTime() - a.effectiveAt.getTime() ||
  Number(SUSPENDING.has(b.change)) - Number(SUSPENDING.has(a.change)) ||
  text(a.change, b.change) ||
  text(a.reportedBy, b.reportedBy);

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
        .sort(latestFirst)[0];
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
