import { tokenKeyOf } from '@app/graph';
import { type DelegationEvent, type PrincipalRef, type TokenRef } from '@app/contract';

import type {
  AnomalyRow,
  EventGraph,
  PrincipalKey,
  PrincipalRow,
  TokenRow,
} from '@app/persistence';
import type { CredentialFinding } from './credential-scrubber';

/** Where a message was read from: the ledger keeps it for every event. */
export interface MessagePosition {
  topic: string;
  partition: number;
  offset: string;
}

// Every record an event contributes belongs to the event's owning tenant (its reporter):
// a PrincipalRef or TokenRef naming another tenant is the reporter's claim, kept in the
// reporter's own records, never merged into the other tenant's.
export function principalKeyOf(ref: PrincipalRef, reporter: string): PrincipalKey {
  return { reporter, tenant: ref.tenant ?? reporter, issuer: ref.issuer, subject: ref.id };
}

function principalRow(ref: PrincipalRef, reporter: string): PrincipalRow {
  return {
    reporter,
    tenant: ref.tenant ?? reporter,
    issuer: ref.issuer,
    subject: ref.id,
    kind: ref.kind,
    displayName: ref.displayName ?? null,
  };
}

/**
 * The precedence of an event's descriptions of tokens (see TokenRow.precedence): `0` for the
 * token an exchange issued (the STS minted it: its description is the token's own), `1` for
 * any other mention; then the event's time (normalized, so text order is time order), its
 * source and its id. Every part is a fact of the event, never of its arrival.
 */
function precedenceOf(event: DelegationEvent, issued: boolean): string {
  return `${issued ? 0 : 1}|${new Date(event.time).toISOString()}|${event.source}|${event.id}`;
}

function tokenRow(
  token: TokenRef,
  reporter: string,
  precedence: string,
  extra?: Partial<TokenRow>,
): TokenRow {
  // Explicit fields, no spreads: this runs for every token of every event.
  const row: TokenRow = {
    reporter,
    key: tokenKeyOf(token),
    tenant: token.tenant ?? reporter,
    issuer: token.issuer ?? null,
    jti: token.jti ?? null,
    fingerprint: token.fingerprint ?? null,
    audience: token.audience ?? [],
    scopes: token.scopes ?? [],
    issuedAt: token.issuedAt ?? null,
    expiresAt: token.expiresAt ?? null,
    claims: token.claims ?? null,
    parentKey: null,
    actorTokenKey: null,
    revokedAt: null,
    revokeReason: null,
    precedence,
  };
  if (extra) Object.assign(row, extra);
  return row;
}

function requestIdOf(event: DelegationEvent): string | null {
  return event.type === 'provenant.token.exchanged' || event.type === 'provenant.action.performed'
    ? event.data.requestId
    : null;
}

function credentialAnomaly(event: DelegationEvent, findings: CredentialFinding[]): AnomalyRow {
  const where = [...new Set(findings.map((finding) => finding.path))].join(', ');
  return {
    rule: 'RAW_CREDENTIAL_IN_EVENT',
    severity: 'HIGH',
    requestId: requestIdOf(event),
    tenant: event.tenantid,
    targetTenant:
      event.type === 'provenant.action.performed' ? (event.data.target.tenant ?? null) : null,
    dedupeKey: `RAW_CREDENTIAL_IN_EVENT|${event.source}|${event.id}`,
    summary: `raw credential(s) in event ${event.id} from ${event.source} at ${where}; stored as fingerprints`,
    details: { source: event.source, eventId: event.id, findings },
  };
}

/** The graph rows one validated event contributes. Pure: no I/O. */
export function toEventGraph(
  event: DelegationEvent,
  credentials: CredentialFinding[],
  position: MessagePosition,
): EventGraph {
  const tenant = event.tenantid;
  const graph: EventGraph = {
    event: {
      source: event.source,
      ceId: event.id,
      type: event.type,
      tenant,
      targetTenant:
        event.type === 'provenant.action.performed' ? (event.data.target.tenant ?? null) : null,
      requestId: requestIdOf(event),
      time: event.time,
      traceparent: event.traceparent ?? null,
      data: event.data,
      topic: position.topic,
      partition: position.partition,
      offset: position.offset,
    },
    principals: [],
    tokens: [],
    requests: [],
    exchanges: [],
    hops: [],
    changes: [],
    anomalies: credentials.length > 0 ? [credentialAnomaly(event, credentials)] : [],
  };

  switch (event.type) {
    case 'provenant.token.exchanged': {
      const { data } = event;
      graph.principals.push(principalRow(data.subject, tenant), principalRow(data.actor, tenant));
      const subjectTokenKey = tokenKeyOf(data.subjectToken);
      const actorTokenKey = data.actorToken ? tokenKeyOf(data.actorToken) : null;
      const issuedTokenKey = tokenKeyOf(data.issuedToken);
      const mention = precedenceOf(event, false);
      graph.tokens.push(
        tokenRow(data.subjectToken, tenant, mention),
        tokenRow(data.issuedToken, tenant, precedenceOf(event, true), {
          parentKey: subjectTokenKey,
          actorTokenKey,
        }),
      );
      if (data.actorToken) graph.tokens.push(tokenRow(data.actorToken, tenant, mention));
      graph.requests.push({ requestId: data.requestId, time: event.time });
      graph.exchanges.push({
        source: event.source,
        ceId: event.id,
        requestId: data.requestId,
        tenant,
        subject: principalKeyOf(data.subject, tenant),
        actor: principalKeyOf(data.actor, tenant),
        subjectTokenKey,
        actorTokenKey,
        issuedTokenKey,
        grantType: data.grantType ?? null,
        occurredAt: event.time,
      });
      break;
    }
    case 'provenant.action.performed': {
      const { data } = event;
      graph.principals.push(principalRow(data.actor, tenant));
      if (data.onBehalfOf) graph.principals.push(principalRow(data.onBehalfOf, tenant));
      if (data.token) graph.tokens.push(tokenRow(data.token, tenant, precedenceOf(event, false)));
      graph.requests.push({ requestId: data.requestId, time: event.time });
      graph.hops.push({
        source: event.source,
        ceId: event.id,
        requestId: data.requestId,
        hopId: data.hopId,
        parentHopId: data.parentHopId ?? null,
        tenant,
        actor: principalKeyOf(data.actor, tenant),
        onBehalfOf: data.onBehalfOf ? principalKeyOf(data.onBehalfOf, tenant) : null,
        toolName: data.tool?.name ?? null,
        toolServer: data.tool?.server ?? null,
        targetService: data.target.service,
        targetTenant: data.target.tenant ?? null,
        targetResource: data.target.resource ?? null,
        targetAction: data.target.action ?? null,
        tokenKey: data.token ? tokenKeyOf(data.token) : null,
        decision: data.decision,
        reason: data.reason ?? null,
        occurredAt: event.time,
      });
      break;
    }
    case 'provenant.token.revoked': {
      const { data } = event;
      graph.tokens.push(
        tokenRow(data.token, tenant, precedenceOf(event, false), {
          revokedAt: data.revokedAt,
          revokeReason: data.reason ?? null,
        }),
      );
      break;
    }
    case 'provenant.principal.changed': {
      const { data } = event;
      graph.principals.push(principalRow(data.principal, tenant));
      graph.changes.push({
        source: event.source,
        ceId: event.id,
        principal: principalKeyOf(data.principal, tenant),
        change: data.change,
        effectiveAt: data.effectiveAt,
        tenant,
      });
      break;
    }
  }
  return graph;
}
