import {
  keyOfRecord,
  type ExchangeView,
  type HopView,
  type PrincipalKind,
  type PrincipalView,
  type TokenView,
} from '@app/graph';
import {
  dateTime,
  qualifiedName,
  type ProvAttributes,
  type ProvScalar,
  type ProvValue,
} from './prov-json.types';

/** Attributes without their empty values: an absent fact is left out, never written empty. */
export function compact(attributes: Record<string, ProvValue | null | undefined>): ProvAttributes {
  const out: ProvAttributes = {};
  for (const [key, value] of Object.entries(attributes)) {
    if (value === null || value === undefined || value === '') continue;
    if (Array.isArray(value) && value.length === 0) continue;
    out[key] = value;
  }
  return out;
}

/**
 * PROV-DM (W3C Recommendation, §5.3.1 "Agent") names three agent types: a human is a
 * `prov:Person`, everything else that acts here (an AI agent, a service, a tool, a workload)
 * runs as software: `prov:SoftwareAgent`.
 */
const AGENT_TYPES: Readonly<Record<PrincipalKind, string>> = {
  human: 'prov:Person',
  agent: 'prov:SoftwareAgent',
  service: 'prov:SoftwareAgent',
  tool: 'prov:SoftwareAgent',
  workload: 'prov:SoftwareAgent',
};

export function agentAttributes(principal: PrincipalView): ProvAttributes {
  const claimed = principal.reportedBy !== principal.tenant;
  return compact({
    'prov:type': qualifiedName(AGENT_TYPES[principal.kind]),
    'prov:label': principal.displayName,
    'provenant:kind': principal.kind,
    'provenant:id': principal.id,
    'provenant:issuer': principal.issuer,
    'provenant:tenant': principal.tenant,
    'provenant:reportedBy': principal.reportedBy,
    // Another tenant's claim about this principal, never its own tenant's record of it.
    'provenant:reportedByAnotherTenant': claimed ? true : null,
  });
}

const times = (at: Date | null) => (at === null ? null : dateTime(at));

export function tokenAttributes(token: TokenView, gapKinds: readonly string[]): ProvAttributes {
  return compact({
    'prov:type': qualifiedName('provenant:Token'),
    'provenant:key': keyOfRecord(token.key),
    'provenant:jti': token.jti,
    'provenant:fingerprint': token.fingerprint,
    'provenant:issuer': token.issuer,
    'provenant:tenant': token.tenant,
    'provenant:reportedBy': token.reportedBy,
    'provenant:reportedByAnotherTenant': token.reportedBy !== token.tenant ? true : null,
    'provenant:audience': [...token.audience],
    'provenant:scope': [...token.scopes],
    'provenant:issuedAt': times(token.issuedAt),
    'provenant:expiresAt': times(token.expiresAt),
    'provenant:revokedAt': times(token.revokedAt),
    'provenant:revokedBy': token.revokedBy,
    'provenant:gap': [...gapKinds],
  });
}

/** A token referred to by a hop or an exchange but not described in the answer. */
export const bareTokenAttributes = (key: string): ProvAttributes => ({
  'prov:type': qualifiedName('provenant:Token'),
  'provenant:key': key,
});

export function hopAttributes(
  hop: HopView,
  onBehalfOf: string | null,
  gapKinds: readonly string[],
): ProvAttributes {
  return compact({
    'prov:startTime': hop.occurredAt.toISOString(),
    'prov:type': qualifiedName('provenant:Hop'),
    'provenant:hopId': hop.hopId,
    'provenant:parentHopId': hop.parentHopId,
    'provenant:reportedBy': hop.tenant,
    'provenant:service': hop.target.service,
    'provenant:resource': hop.target.resource,
    'provenant:action': hop.target.action,
    'provenant:targetTenant': hop.target.tenant,
    'provenant:decision': hop.decision,
    'provenant:reason': hop.reason,
    'provenant:tool': hop.tool?.name,
    'provenant:toolServer': hop.tool?.server,
    'provenant:onBehalfOf': onBehalfOf === null ? null : qualifiedName(onBehalfOf),
    'provenant:gap': [...gapKinds],
  });
}

export const exchangeAttributes = (exchange: ExchangeView): ProvAttributes =>
  compact({
    'prov:startTime': exchange.occurredAt.toISOString(),
    'prov:type': qualifiedName('provenant:TokenExchange'),
    'provenant:reportedBy': exchange.tenant,
    'provenant:grantType': exchange.grantType,
  });

/** The facts of the request as a whole: its chain, what could not be linked, what was flagged. */
export interface RequestFacts {
  requestId: string;
  complete: boolean;
  origin: string | null;
  chain: readonly string[];
  gaps: readonly string[];
  anomalies: readonly string[];
}

export const requestAttributes = (facts: RequestFacts): ProvAttributes =>
  compact({
    'prov:type': qualifiedName('provenant:Request'),
    'provenant:requestId': facts.requestId,
    'provenant:complete': facts.complete,
    'provenant:origin': facts.origin === null ? null : qualifiedName(facts.origin),
    'provenant:chain': facts.chain.map((name): ProvScalar => qualifiedName(name)),
    'provenant:gap': [...facts.gaps],
    'provenant:anomaly': [...facts.anomalies],
  });
