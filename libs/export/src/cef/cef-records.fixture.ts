import {
  ACTION_PERFORMED,
  PRINCIPAL_CHANGED,
  TOKEN_EXCHANGED,
  TOKEN_REVOKED,
  type ActionPerformedData,
  type TokenExchangedData,
} from '@app/contract';
import type { ExportedAnomaly, ExportedEvent } from '../export-record';

// Records of each kind whose every text field is hostile to CEF, for the CEF line specs.

/** Each of the standard's special characters, non-ASCII text, and a trailing backslash. */
export const HOSTILE = 'pipe| back\\slash eq= cr\r lf\n crlf\r\n né 漢字 🙂 fake cs1=x end\\';
export const hostile = (label: string): string => `${label} ${HOSTILE}`;

export const envelope = {
  specversion: '1.0' as const,
  id: hostile('ce-id'),
  source: hostile('gateway'),
  time: '2026-11-01T09:00:02.000Z',
  tenantid: hostile('acme'),
  uid: '42',
  receivedAt: '2026-11-01T09:00:03.250Z',
};

export const principal = (id: string, kind: 'human' | 'agent' | 'tool' = 'agent') => ({
  id: hostile(id),
  issuer: hostile('https://login.acme.example'),
  kind,
  tenant: hostile('acme'),
});

const token = (jti: string) => ({
  jti: hostile(jti),
  issuer: 'https://sts.acme.example',
  claims: { sub: 'alice', act: { sub: hostile('tool'), act: { sub: 'agent:bot' } } },
});

export const actionData: ActionPerformedData = {
  requestId: hostile('req'),
  hopId: hostile('h2'),
  parentHopId: hostile('h1'),
  actor: principal('tool:crm', 'tool'),
  onBehalfOf: principal('alice', 'human'),
  tool: { name: hostile('crm.lookup') },
  target: {
    service: hostile('crm-api'),
    tenant: hostile('globex'),
    resource: hostile('/customers/7'),
    action: hostile('read'),
  },
  token: token('t-2'),
  decision: 'deny',
  reason: hostile('scope'),
};

export const action: ExportedEvent = { ...envelope, type: ACTION_PERFORMED, data: actionData };
export const exchangeData: TokenExchangedData = {
  requestId: hostile('req'),
  subject: principal('alice', 'human'),
  actor: principal('agent:bot'),
  subjectToken: { fingerprint: `sha256:${'ab'.repeat(32)}` },
  actorToken: token('t-actor'),
  issuedToken: token('t-1'),
  grantType: hostile('urn:ietf:params:oauth:grant-type:token-exchange'),
};
export const exchange: ExportedEvent = { ...envelope, type: TOKEN_EXCHANGED, data: exchangeData };
export const revoked: ExportedEvent = {
  ...envelope,
  type: TOKEN_REVOKED,
  data: {
    token: { ...token('t-1'), tenant: hostile('acme') },
    reason: hostile('leaked'),
    revokedAt: '2026-11-01T10:00:00Z',
  },
};
export const changed: ExportedEvent = {
  ...envelope,
  type: PRINCIPAL_CHANGED,
  data: {
    principal: principal('alice', 'human'),
    change: 'offboarded',
    effectiveAt: '2026-11-01T11:00:00+01:00',
  },
};
export const anomaly: ExportedAnomaly = {
  id: '7',
  rule: 'CROSS_TENANT_DELEGATION',
  severity: 'CRITICAL',
  requestId: hostile('req'),
  tenant: hostile('acme'),
  targetTenant: hostile('globex'),
  summary: hostile('agent acted in another tenant'),
  details: { hop: hostile('h2') },
  detectedAt: '2026-11-01T09:00:05.000Z',
  verdict: 'OPEN',
  verdictReason: null,
  triage: 'NEW',
  version: 1,
  changedAt: '2026-11-01T09:00:05.000Z',
  suppressedBy: null,
};
