import type { ProvenanceAnswer } from '@app/investigation';
import type { HopView, TokenView } from '@app/graph';
import { toAnomaly } from '../anomalies/anomaly.mapper';
import { toPrincipal } from '../principals/principal.mapper';
import { toToken } from '../tokens/token.mapper';
import type { Hop } from './models/hop.model';
import type { Provenance } from './models/provenance.model';

/** A hop of a reconstruction, with the token it presented (`tokens` by record key). */
export function toHop(hop: HopView, tokens: ReadonlyMap<string, TokenView>): Hop {
  const token = hop.tokenKey ? tokens.get(hop.tokenKey) : undefined;
  return {
    hopId: hop.hopId,
    parentHopId: hop.parentHopId,
    requestId: hop.requestId,
    reportedBy: hop.tenant,
    actor: toPrincipal(hop.actor),
    onBehalfOf: hop.onBehalfOf ? toPrincipal(hop.onBehalfOf) : null,
    tool: hop.tool,
    target: hop.target,
    decision: hop.decision,
    reason: hop.reason,
    occurredAt: hop.occurredAt,
    token: token ? toToken(token) : null,
  };
}

export function toProvenance(answer: ProvenanceAnswer): Provenance {
  const { provenance } = answer;
  const tokens = new Map(answer.tokens.map((token) => [token.key, token]));
  return {
    requestId: provenance.requestId,
    origin: provenance.origin ? toPrincipal(provenance.origin) : null,
    chain: provenance.chain.map((principal, position) => ({
      position,
      principal: toPrincipal(principal),
    })),
    hops: provenance.hops.map((hop) => toHop(hop, tokens)),
    tokens: [...tokens.values()]
      .sort(
        (a, b) =>
          (a.issuedAt?.getTime() ?? 0) - (b.issuedAt?.getTime() ?? 0) || a.key.localeCompare(b.key),
      )
      .map((token) => {
        const exchange = provenance.issuedBy.get(token.key);
        const parent = token.parentKey ? tokens.get(token.parentKey) : undefined;
        return {
          token: toToken(token),
          parent: parent ? toToken(parent) : null,
          actor: exchange ? toPrincipal(exchange.actor) : null,
          subject: exchange ? toPrincipal(exchange.subject) : null,
          grantType: exchange?.grantType ?? null,
          exchangedAt: exchange?.occurredAt ?? null,
        };
      }),
    gaps: provenance.gaps.map((gap) => ({
      kind: gap.kind,
      hopId: gap.hopId,
      tokenKey: gap.tokenKey,
      reason: gap.detail,
    })),
    anomalies: answer.anomalies.map(toAnomaly),
    complete: provenance.complete,
  };
}
