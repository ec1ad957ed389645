import type { Decision } from './decision';
import type { PrincipalKind } from './principal-kind';

/** Everything stored about one request, as the reconstruction and the rules see it. */
/**
 * Keys of tokens and hops in a loaded graph are record keys (`recordKey(reporter, key)`):
 * two tenants' records of the same token or hop id are different records.
 */
export interface PrincipalView {
  /** Database id: stable handle for equality, never shown. */
  ref: string;
  id: string;
  issuer: string;
  tenant: string;
  /** The tenant whose gateway reported this record (its claim when it is not `tenant`). */
  reportedBy: string;
  kind: PrincipalKind;
  displayName: string | null;
}

export interface TokenView {
  /** Record key: the reporter and the token's key. */
  key: string;
  /** The tenant whose gateway described this token. */
  reportedBy: string;
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
  /** Revoked by the token's own tenant (or a tenant trusted for it), never by a mere claim. */
  revokedAt: Date | null;
  /** Who reported that revocation. */
  revokedBy: string | null;
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
  /** Record key of the hop: its owning tenant and hop id. */
  key: string;
  /** Record key of the parent hop (a hop of the same owning tenant), if any. */
  parentKey: string | null;
  hopId: string;
  parentHopId: string | null;
  /** The owning tenant: the gateway that reported the hop. */
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
  decision: Decision;
  reason: string | null;
  occurredAt: Date;
  /** When the store received it (the database's clock): a missing parent's grace runs from here. */
  receivedAt: Date;
}

/** A lifecycle change in effect: reported by the principal's tenant or a trusted one. */
export interface PrincipalChangeView {
  principalRef: string;
  change: string;
  effectiveAt: Date;
  reportedBy: string;
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
