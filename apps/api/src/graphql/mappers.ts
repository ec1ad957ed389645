import { keyOfRecord } from '@app/contract';
import type { ProvenanceAnswer } from '@app/investigation';
import type {
  HopView,
  PrincipalView,
  StoredAnomaly,
  TokenTreeRow,
  TokenView,
} from '@app/persistence';
import { encodeCursor } from './cursor';
import type { Anomaly } from './models/anomaly.model';
import type { Decision, GapKind, PrincipalKind, Severity } from './models/enums';
import type { Hop } from './models/hop.model';
import type { Principal } from './models/principal.model';
import type { Provenance } from './models/provenance.model';
import type { Token, TokenLineageNode } from './models/token.model';

/** Domain views to GraphQL models: the only place the two shapes meet. */
export const toPrincipal = (view: PrincipalView): Principal => ({
  id: view.id,
  issuer: view.issuer,
  tenant: view.tenant,
  reportedBy: view.reportedBy,
  kind: view.kind as PrincipalKind,
  displayName: view.displayName,
});

// Views name tokens by record key (reporter and key); the API shows the key and the reporter.
export const toToken = (view: TokenView | TokenTreeRow): Token => ({
  key: keyOfRecord(view.key),
  tenant: view.tenant,
  reportedBy: view.reportedBy,
  issuer: view.issuer,
  jti: view.jti,
  fingerprint: view.fingerprint,
  audience: view.audience,
  scopes: view.scopes,
  issuedAt: view.issuedAt,
  expiresAt: view.expiresAt,
  revokedAt: view.revokedAt,
  parentKey: view.parentKey === null ? null : keyOfRecord(view.parentKey),
});

/** Cursor kind of a position in the live anomaly feed. */
export const FEED_CURSOR = 'feed';

export const toAnomaly = (anomaly: StoredAnomaly): Anomaly => ({
  id: anomaly.id,
  feedCursor: anomaly.feedSeq === null ? null : encodeCursor(FEED_CURSOR, anomaly.feedSeq),
  rule: anomaly.rule,
  severity: anomaly.severity as Severity,
  requestId: anomaly.requestId,
  detectedAt: anomaly.detectedAt,
  summary: anomaly.summary,
});

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
    decision: hop.decision as Decision,
    reason: hop.reason,
    occurredAt: hop.occurredAt,
    token: token ? toToken(token) : null,
  };
}

export function toProvenance(answer: ProvenanceAnswer): Provenance {
  const { provenance } = answer;
  const tokens = new Map(answer.tokens.map((token) => [token.key, token]));
  const exchangeOf = new Map(provenance.exchanges.map((x) => [x.issuedTokenKey, x]));
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
        const exchange = exchangeOf.get(token.key);
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
      kind: gap.kind as GapKind,
      hopId: gap.hopId,
      tokenKey: gap.tokenKey,
      reason: gap.detail,
    })),
    anomalies: answer.anomalies.map(toAnomaly),
    complete: provenance.complete,
  };
}

export const toLineageNode = (row: TokenTreeRow): TokenLineageNode => ({
  token: toToken(row),
  depth: row.depth,
  actor: row.actor,
  subject: row.subject,
  requestId: row.requestId,
});
