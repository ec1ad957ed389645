import {
  ACTION_PERFORMED,
  PRINCIPAL_CHANGED,
  TOKEN_EXCHANGED,
  TOKEN_REVOKED,
  type TokenRef,
} from '@app/contract';
import { tokenKeyOf, type Severity } from '@app/graph';
import { actChain } from '@app/provenance';
import type { ExportedAnomaly, ExportedEvent } from '../export-record';
import { cefLine, type CefValue } from './cef-escaping';

/**
 * CEF severities. The standard reads the integer in bands: 0–3 Low, 4–6 Medium, 7–8 High,
 * 9–10 Very-High (ArcSight CEF standard, "Severity"). Observed events sit in the Low band (a
 * denial or a lifecycle change a little higher, so it sorts above routine traffic); each
 * anomaly severity takes the top of its band, CRITICAL the top of Very-High.
 */
export const CEF_EVENT_SEVERITY = {
  [TOKEN_EXCHANGED]: 1,
  [ACTION_PERFORMED]: 1,
  [TOKEN_REVOKED]: 2,
  [PRINCIPAL_CHANGED]: 2,
} as const;
export const CEF_DENIED_ACTION_SEVERITY = 3;
export const CEF_ANOMALY_SEVERITY: Readonly<Record<Severity, number>> = {
  LOW: 3,
  MEDIUM: 6,
  HIGH: 8,
  CRITICAL: 10,
};

const EVENT_NAMES = {
  [TOKEN_EXCHANGED]: 'Token exchanged',
  [ACTION_PERFORMED]: 'Action performed',
  [TOKEN_REVOKED]: 'Token revoked',
  [PRINCIPAL_CHANGED]: 'Principal changed',
} as const;

/** The signature id (Device Event Class ID) of an anomaly: one per rule. */
export const cefAnomalySignatureId = (rule: string): string => `provenant.anomaly.${rule}`;

/** `CROSS_TENANT_DELEGATION` → `Cross tenant delegation`: the rule, readable. */
export function cefAnomalyName(rule: string): string {
  const words = rule.toLowerCase().replace(/_+/g, ' ').trim();
  return words === '' ? rule : words[0].toUpperCase() + words.slice(1);
}

const epochMs = (iso: string): number => Date.parse(iso);
const keyOf = (token: TokenRef | undefined): string | undefined =>
  token === undefined ? undefined : tokenKeyOf(token);

/** The token's RFC 8693 `act` chain, current actor first, as a JSON array (none without `act`). */
function actChainText(token: TokenRef | undefined): string | undefined {
  const chain = actChain(token?.claims ?? null);
  return chain.length === 0 ? undefined : JSON.stringify(chain);
}

type Extension = Array<readonly [string, CefValue]>;

/** What every event line carries: when, which record, which gateway, which request. */
function common(event: ExportedEvent, requestId: string | undefined): Extension {
  return [
    ['rt', epochMs(event.receivedAt)],
    ['start', epochMs(event.time)],
    ['externalId', event.uid],
    ['deviceExternalId', event.source],
    ...labelled('cs1', 'requestId', requestId),
    ...labelled('cs2', 'tenant', event.tenantid),
  ];
}

/** A custom field and its label, both left out when there is no value. */
function labelled(key: string, label: string, value: string | undefined): Extension {
  return value === undefined || value === ''
    ? []
    : [
        [key, value],
        [`${key}Label`, label],
      ];
}

function eventExtension(event: ExportedEvent): Extension {
  switch (event.type) {
    case TOKEN_EXCHANGED: {
      const data = event.data;
      return [
        ...common(event, data.requestId),
        ['act', 'exchanged'],
        ['suser', data.actor.id],
        ['duser', data.subject.id],
        ...labelled('cs4', 'tokenKey', keyOf(data.issuedToken)),
        ...labelled('cs5', 'subjectTokenKey', keyOf(data.subjectToken)),
        ...labelled('cs6', 'actorTokenKey', keyOf(data.actorToken)),
        ...labelled('flexString1', 'grantType', data.grantType),
        ...labelled('flexString2', 'actChain', actChainText(data.issuedToken)),
      ];
    }
    case ACTION_PERFORMED: {
      const data = event.data;
      return [
        ...common(event, data.requestId),
        ['act', data.target.action ?? 'performed'],
        ['suser', data.actor.id],
        ['duser', data.onBehalfOf?.id],
        ['destinationServiceName', data.target.service],
        ['request', data.target.resource],
        ['outcome', data.decision],
        ['reason', data.reason],
        ...labelled('cs3', 'targetTenant', data.target.tenant),
        ...labelled('cs4', 'tokenKey', keyOf(data.token)),
        ...labelled('cs5', 'hopId', data.hopId),
        ...labelled('cs6', 'parentHopId', data.parentHopId),
        ...labelled('flexString1', 'tool', data.tool?.name),
        ...labelled('flexString2', 'actChain', actChainText(data.token)),
      ];
    }
    case TOKEN_REVOKED: {
      const data = event.data;
      return [
        ...common(event, undefined),
        ['act', 'revoked'],
        ['reason', data.reason],
        ...labelled('cs3', 'tokenTenant', data.token.tenant),
        ...labelled('cs4', 'tokenKey', keyOf(data.token)),
        ['deviceCustomDate1', epochMs(data.revokedAt)],
        ['deviceCustomDate1Label', 'revokedAt'],
      ];
    }
    case PRINCIPAL_CHANGED: {
      const data = event.data;
      return [
        ...common(event, undefined),
        ['act', data.change],
        ['duser', data.principal.id],
        ...labelled('cs3', 'principalTenant', data.principal.tenant),
        ...labelled('flexString1', 'principalIssuer', data.principal.issuer),
        ['deviceCustomDate1', epochMs(data.effectiveAt)],
        ['deviceCustomDate1Label', 'effectiveAt'],
      ];
    }
  }
}

function eventSeverity(event: ExportedEvent): number {
  return event.type === ACTION_PERFORMED && event.data.decision === 'deny'
    ? CEF_DENIED_ACTION_SEVERITY
    : CEF_EVENT_SEVERITY[event.type];
}

/** A stored event as one CEF line (no trailing newline). Signature id: the event type. */
export function toCefEvent(event: ExportedEvent): string {
  return cefLine(
    { signatureId: event.type, name: EVENT_NAMES[event.type], severity: eventSeverity(event) },
    eventExtension(event),
  );
}

/** A stored anomaly as one CEF line (no trailing newline). Signature id: one per rule. */
export function toCefAnomaly(anomaly: ExportedAnomaly): string {
  const details =
    anomaly.details === null || anomaly.details === undefined
      ? undefined
      : JSON.stringify(anomaly.details);
  return cefLine(
    {
      signatureId: cefAnomalySignatureId(anomaly.rule),
      name: cefAnomalyName(anomaly.rule),
      severity: CEF_ANOMALY_SEVERITY[anomaly.severity],
    },
    [
      // rt: when this version was made; act: what made it (detected, withdrawn, or updated).
      ['rt', epochMs(anomaly.changedAt)],
      ['externalId', anomaly.id],
      [
        'act',
        anomaly.version === 1
          ? 'detected'
          : anomaly.verdict === 'WITHDRAWN'
            ? 'withdrawn'
            : 'updated',
      ],
      ['outcome', anomaly.verdict === 'WITHDRAWN' ? 'withdrawn' : 'open'],
      ['cn1', anomaly.version],
      ['cn1Label', 'version'],
      ['msg', anomaly.summary],
      ...labelled('cs1', 'requestId', anomaly.requestId ?? undefined),
      ...labelled('cs2', 'tenant', anomaly.tenant),
      ...labelled('cs3', 'targetTenant', anomaly.targetTenant ?? undefined),
      ...labelled('cs4', 'rule', anomaly.rule),
      ...labelled('cs5', 'severity', anomaly.severity),
      ...labelled('cs6', 'details', details),
      ...labelled('flexString1', 'triage', anomaly.triage),
      ...labelled('flexString2', 'verdictReason', anomaly.verdictReason ?? undefined),
      // A suppressed anomaly is exported for the record; the suppression's id says why quiet.
      ...(anomaly.suppressedBy === null
        ? []
        : ([
            ['cn2', Number(anomaly.suppressedBy)],
            ['cn2Label', 'suppressedBy'],
          ] as const)),
    ],
  );
}
