import type { AnomalyTriage, AnomalyVerdict, Severity } from '@app/graph';

/**
 * The rows one batch of events adds to the provenance graph. Every row names its event by
 * `(source, ceId)`; principals are named by their identity triple. The repository resolves
 * both to database ids in SQL, so a batch is written in a handful of set-based statements.
 */
export interface EventKey {
  source: string;
  ceId: string;
}

/** One tenant's record of a principal: `reporter` named it, `tenant` owns the identity. */
export interface PrincipalKey {
  reporter: string;
  tenant: string;
  issuer: string;
  subject: string;
}

export interface EventRow extends EventKey {
  type: string;
  tenant: string;
  targetTenant: string | null;
  requestId: string | null;
  time: string;
  traceparent: string | null;
  data: unknown;
  topic: string;
  partition: number;
  offset: string;
}

export interface PrincipalRow extends PrincipalKey {
  kind: string;
  displayName: string | null;
}

/** One tenant's (the reporter's) description of a token. */
export interface TokenRow {
  reporter: string;
  key: string;
  tenant: string;
  issuer: string | null;
  jti: string | null;
  fingerprint: string | null;
  audience: string[];
  scopes: string[];
  issuedAt: string | null;
  expiresAt: string | null;
  claims: unknown;
  parentKey: string | null;
  actorTokenKey: string | null;
  revokedAt: string | null;
  revokeReason: string | null;
  /**
   * How much this description counts against another of the same token (smaller first):
   * the issuing exchange's before any other mention, then the earlier event (its time,
   * source and id). See `describedTokens`.
   */
  precedence: string;
}

export interface RequestRow {
  requestId: string;
  time: string;
}

export interface ExchangeRow extends EventKey {
  requestId: string;
  tenant: string;
  subject: PrincipalKey;
  actor: PrincipalKey;
  subjectTokenKey: string;
  actorTokenKey: string | null;
  issuedTokenKey: string;
  grantType: string | null;
  occurredAt: string;
}

export interface HopRow extends EventKey {
  requestId: string;
  hopId: string;
  parentHopId: string | null;
  tenant: string;
  actor: PrincipalKey;
  onBehalfOf: PrincipalKey | null;
  toolName: string | null;
  toolServer: string | null;
  targetService: string;
  targetTenant: string | null;
  targetResource: string | null;
  targetAction: string | null;
  tokenKey: string | null;
  decision: 'allow' | 'deny';
  reason: string | null;
  occurredAt: string;
}

export interface PrincipalChangeRow extends EventKey {
  principal: PrincipalKey;
  change: string;
  effectiveAt: string;
  tenant: string;
}

export interface AnomalyRow {
  rule: string;
  severity: Severity;
  requestId: string | null;
  tenant: string;
  targetTenant: string | null;
  dedupeKey: string;
  summary: string;
  details: unknown;
  /** The suppression that silences it from detection on (id), if one matches. */
  suppressedBy?: string | null;
}

/** Rows derived from one event; `anomalies` are those visible from the event alone. */
export interface EventGraph {
  event: EventRow;
  principals: PrincipalRow[];
  tokens: TokenRow[];
  requests: RequestRow[];
  exchanges: ExchangeRow[];
  hops: HopRow[];
  changes: PrincipalChangeRow[];
  anomalies: AnomalyRow[];
}

export interface StoredAnomaly extends AnomalyRow {
  id: string;
  detectedAt: Date;
  /**
   * Position in the live feed once published (`null` until then, and again from each change
   * until the change is published: every change takes the next position).
   */
  feedSeq: string | null;
  verdict: AnomalyVerdict;
  /** Why the verdict changed, once it has. */
  verdictReason: string | null;
  triage: AnomalyTriage;
  /** 1 at detection, one more at every change. */
  version: number;
  changedAt: Date;
  /** The suppression that silenced it: still stored and exported, kept off live dashboards. */
  suppressedBy: string | null;
}

/** A refused message, recorded with its batch and published to the dead-letter topic. */
export interface DeadLetterRow {
  /** Where it was read from: one dead letter per position, however often it is re-read. */
  topic: string;
  partition: number;
  offset: string;
  code: string;
  reason: string;
  /** The copy to publish, as received (headers include the `x-provenant-*` ones). */
  key: Buffer | null;
  value: Buffer | null;
  headers: DeadLetterHeader[];
}

/** A Kafka header as bytes: hostile names and values are kept exactly, whatever they hold. */
export interface DeadLetterHeader {
  name: Buffer;
  value: Buffer;
}
