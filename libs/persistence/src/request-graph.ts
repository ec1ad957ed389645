import type { PrincipalKind } from '@app/contract';

/** Everything stored about one request, as the reconstruction and the rules see it. */
export interface PrincipalView {
  /** Database id: stable handle for equality, never shown. */
  ref: string;
  id: string;
  issuer: string;
  tenant: string;
  kind: PrincipalKind;
  displayName: string | null;
}

export interface TokenView {
  key: string;
  tenant: string;
  issuer: string | null;
  jti: string | null;
  fingerprint: string | null;
  audience: string[];
  scopes: string[];
  issuedAt: Date | null;
  expiresAt: Date | null;
  claims: Record<string, unknown> | null;
  parentKey: string | null;
  actorTokenKey: string | null;
  revokedAt: Date | null;
}

export interface ExchangeView {
  eventId: string;
  requestId: string;
  tenant: string;
  subject: PrincipalView;
  actor: PrincipalView;
  subjectTokenKey: string;
  actorTokenKey: string | null;
  issuedTokenKey: string;
  grantType: string | null;
  occurredAt: Date;
}

export interface HopView {
  eventId: string;
  requestId: string;
  hopId: string;
  parentHopId: string | null;
  tenant: string;
  actor: PrincipalView;
  onBehalfOf: PrincipalView | null;
  tool: { name: string; server: string | null } | null;
  target: {
    service: string;
    tenant: string | null;
    resource: string | null;
    action: string | null;
  };
  tokenKey: string | null;
  decision: 'allow' | 'deny';
  reason: string | null;
  occurredAt: Date;
}

export interface PrincipalChangeView {
  principalRef: string;
  change: string;
  effectiveAt: Date;
}

export interface RequestGraph {
  requestId: string;
  hops: HopView[];
  exchanges: ExchangeView[];
  /** The tokens the request touched and every ancestor they derive from. */
  tokens: Map<string, TokenView>;
  /** Lifecycle changes of the principals involved. */
  changes: PrincipalChangeView[];
  /** For each token presented here, every actor that presented it anywhere. */
  presenters: Map<string, string[]>;
}
