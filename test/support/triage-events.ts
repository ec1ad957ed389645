/**
 * Small CloudEvents that raise one known anomaly each, for a tenant of the test's own: a
 * call with a token meant for another service (AUDIENCE_MISMATCH), an exchange that adds a
 * scope (SCOPE_ESCALATION), a use after revocation (USE_AFTER_REVOCATION).
 */
export type TestEvent = Record<string, unknown> & { id: string; data: Record<string, unknown> };

const envelope = (
  tenant: string,
  id: string,
  type: string,
  time: string,
  data: Record<string, unknown>,
): TestEvent => ({
  specversion: '1.0',
  id,
  source: `gw://${tenant}/test`,
  type,
  time,
  tenantid: tenant,
  data,
});

export function audienceMismatch(
  tenant: string,
  requestId: string,
  actor = 'agent:report-bot',
): TestEvent {
  return envelope(
    tenant,
    `${requestId}-call`,
    'provenant.action.performed',
    '2026-11-01T09:00:00Z',
    {
      requestId,
      hopId: 'h1',
      actor: { id: actor, issuer: 'https://agents.example', kind: 'agent' },
      target: { service: 'billing-api' },
      token: {
        jti: `tok-${requestId}`,
        issuer: 'https://sts.example',
        audience: ['crm-api'],
        scopes: ['crm.read'],
      },
      decision: 'allow',
    },
  );
}

export function scopeEscalation(tenant: string, requestId: string): TestEvent {
  return envelope(tenant, `${requestId}-x`, 'provenant.token.exchanged', '2026-11-01T09:00:00Z', {
    requestId,
    subject: { id: 'alice@example', issuer: 'https://login.example', kind: 'human' },
    actor: { id: 'agent:greedy', issuer: 'https://agents.example', kind: 'agent' },
    subjectToken: {
      jti: `parent-${requestId}`,
      issuer: 'https://login.example',
      scopes: ['crm.read'],
    },
    issuedToken: {
      jti: `child-${requestId}`,
      issuer: 'https://sts.example',
      scopes: ['crm.read', 'crm.admin'],
      issuedAt: '2026-11-01T09:00:00Z',
      expiresAt: '2026-11-01T09:05:00Z',
    },
  });
}

export function useAfterRevocation(tenant: string, requestId: string): TestEvent[] {
  const token = { jti: `revoked-${requestId}`, issuer: 'https://sts.example' };
  return [
    envelope(tenant, `${requestId}-rev`, 'provenant.token.revoked', '2026-11-01T10:00:00Z', {
      token,
      revokedAt: '2026-11-01T10:00:00Z',
    }),
    envelope(tenant, `${requestId}-use`, 'provenant.action.performed', '2026-11-01T11:00:00Z', {
      requestId,
      hopId: 'h1',
      actor: { id: 'agent:late', issuer: 'https://agents.example', kind: 'agent' },
      target: { service: 'warehouse' },
      token,
      decision: 'allow',
    }),
  ];
}
