import { readAnomalyDetails } from '@app/anomalies';
import type { AnomalyDetails } from './models/anomaly-details.model';

const date = (value: string | undefined): Date | null => {
  if (value === undefined) return null;
  const parsed = new Date(value);
  return Number.isNaN(parsed.getTime()) ? null : parsed;
};

/** Stored details as the typed GraphQL object (the rules' vocabulary, under investigators' names). */
export function toAnomalyDetails(stored: unknown): AnomalyDetails {
  const d = readAnomalyDetails(stored);
  return {
    hopId: d.hopId ?? null,
    offendingToken: d.tokenKey ?? null,
    parentToken: d.parentKey ?? null,
    principal: d.principal ?? null,
    principalIssuer: d.principalIssuer ?? null,
    issuer: d.issuer ?? null,
    targetService: d.service ?? null,
    tokenAudience: d.audience ?? null,
    addedScopes: d.added ?? null,
    revoked: d.revoked ?? null,
    expired: d.expired ?? null,
    revokedAt: date(d.revokedAt),
    expiresAt: date(d.expiresAt),
    depth: d.delegates ?? null,
    maxDepth: d.max ?? null,
    chain: d.chain ?? null,
    fromTenant: d.fromTenant ?? null,
    targetTenant: d.targetTenant ?? null,
    via: d.via ?? null,
    reporter: d.reporter ?? null,
    claimedTenant: d.claimedTenant ?? null,
    role: d.role ?? null,
    eventId: d.eventId ?? null,
    change: d.change ?? null,
    effectiveAt: date(d.effectiveAt),
    origin: d.origin ?? null,
    actor: d.actor ?? null,
    subject: d.subject ?? null,
    mayAct: d.mayAct ?? null,
    presenters: d.actors ?? null,
    reasons: d.reasons ?? null,
    gapKind: d.kind ?? null,
    raw: JSON.stringify(stored ?? null),
  };
}
