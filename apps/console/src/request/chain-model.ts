// What the request view draws, computed from one provenance answer: the chain's principals
// (origin first) and each target service the hops called, the delegation and call edges
// between them, which anomalies concern which node, where the gaps are, and which records
// another tenant reported. Pure: the graph and the tests read the same model.
import type { Anomaly, Hop, Principal, Provenance, Severity } from '../api/types';

export interface ChainNode {
  id: string;
  type: 'principal' | 'target';
  label: string;
  principal?: Principal;
  /** 0 for the origin, then each delegate; absent for actors outside the chain and targets. */
  position?: number;
  anomalies: Anomaly[];
  gaps: string[];
  /** The tenant that reported this principal when it is not the principal's own. */
  reportedByOther?: string;
}

export interface ChainEdge {
  id: string;
  source: string;
  target: string;
  kind: 'delegation' | 'call';
  label: string;
  denied?: boolean;
  /** Hops from the same actor to the same service, drawn as one edge. */
  calls?: number;
}

export const principalNodeId = (p: Pick<Principal, 'tenant' | 'issuer' | 'id'>): string =>
  `p:${p.tenant}|${p.issuer}|${p.id}`;
const targetNodeId = (hop: Hop): string => `t:${hop.target.tenant ?? ''}|${hop.target.service}`;

/** The principals an anomaly names: its principal, its actor, and the actor of its hop. */
function concerned(anomaly: Anomaly, hops: Hop[]): Set<string> {
  const ids = new Set<string>();
  const details = anomaly.details ?? {};
  if (details.principal) ids.add(details.principal);
  if (details.actor) ids.add(details.actor);
  const hop = details.hopId ? hops.find((h) => h.hopId === details.hopId) : undefined;
  if (hop) ids.add(hop.actor.id);
  return ids;
}

export function chainModel(provenance: Provenance): { nodes: ChainNode[]; edges: ChainEdge[] } {
  const nodes = new Map<string, ChainNode>();
  const edges = new Map<string, ChainEdge>();
  const addPrincipal = (principal: Principal, position?: number): ChainNode => {
    const id = principalNodeId(principal);
    let node = nodes.get(id);
    if (!node) {
      node = {
        id,
        type: 'principal',
        label: principal.displayName || principal.id,
        principal,
        anomalies: [],
        gaps: [],
        reportedByOther:
          principal.reportedBy !== principal.tenant ? principal.reportedBy : undefined,
      };
      nodes.set(id, node);
    }
    if (position !== undefined && node.position === undefined) node.position = position;
    return node;
  };

  const chain = [...provenance.chain].sort((a, b) => a.position - b.position);
  chain.forEach((link) => addPrincipal(link.principal, link.position));
  for (let i = 1; i < chain.length; i++) {
    const source = principalNodeId(chain[i - 1].principal);
    const target = principalNodeId(chain[i].principal);
    const id = `d:${source}->${target}`;
    edges.set(id, { id, source, target, kind: 'delegation', label: 'delegated to' });
  }

  for (const hop of provenance.hops) {
    const actor = addPrincipal(hop.actor);
    const targetId = targetNodeId(hop);
    if (!nodes.has(targetId)) {
      nodes.set(targetId, {
        id: targetId,
        type: 'target',
        label: hop.target.service,
        anomalies: [],
        gaps: [],
      });
    }
    const id = `c:${actor.id}->${targetId}`;
    const existing = edges.get(id);
    if (existing) {
      existing.calls = (existing.calls ?? 1) + 1;
      existing.denied ||= hop.decision === 'DENY';
    } else {
      const what = [hop.target.action, hop.target.resource].filter(Boolean).join(' ');
      edges.set(id, {
        id,
        source: actor.id,
        target: targetId,
        kind: 'call',
        label: what || 'called',
        calls: 1,
        denied: hop.decision === 'DENY',
      });
    }
  }
  for (const edge of edges.values())
    if (edge.kind === 'call')
      edge.label = `${edge.denied ? 'denied · ' : ''}${edge.label}${(edge.calls ?? 1) > 1 ? ` (${edge.calls} calls)` : ''}`;

  const byPrincipalId = (id: string) =>
    [...nodes.values()].filter((node) => node.principal?.id === id);
  for (const anomaly of provenance.anomalies) {
    for (const id of concerned(anomaly, provenance.hops))
      for (const node of byPrincipalId(id)) node.anomalies.push(anomaly);
  }
  for (const gap of provenance.gaps) {
    const hop = gap.hopId ? provenance.hops.find((h) => h.hopId === gap.hopId) : undefined;
    if (hop) nodes.get(principalNodeId(hop.actor))?.gaps.push(`${gap.kind}: ${gap.reason}`);
  }
  return { nodes: [...nodes.values()], edges: [...edges.values()] };
}

export const severitiesOf = (node: ChainNode): Severity[] => node.anomalies.map((a) => a.severity);
