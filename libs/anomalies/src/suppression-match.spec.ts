import {
  isActive,
  suppressionFor,
  suppressionMatches,
  type SuppressibleAnomaly,
  type SuppressionRule,
} from './suppression-match';

const NOW = new Date('2026-12-06T10:00:00Z');

const suppression = (overrides: Partial<SuppressionRule> = {}): SuppressionRule => ({
  id: '1',
  tenant: 'acme',
  targetTenant: null,
  rule: null,
  principalId: null,
  principalIssuer: null,
  issuer: null,
  targetService: null,
  expiresAt: null,
  revokedAt: null,
  ...overrides,
});

const anomaly: SuppressibleAnomaly = {
  rule: 'AUDIENCE_MISMATCH',
  tenant: 'acme',
  targetTenant: 'acme',
  details: {
    principal: 'agent:bot',
    principalIssuer: 'https://login.acme.example',
    issuer: 'https://sts.acme.example',
    service: 'billing-api',
  },
};

describe('suppression matching', () => {
  it('matches on each condition it sets, and only on it', () => {
    const matches = (overrides: Partial<SuppressionRule>) =>
      suppressionMatches(suppression(overrides), anomaly, NOW);
    expect(matches({})).toBe(true);
    expect(matches({ rule: 'AUDIENCE_MISMATCH' })).toBe(true);
    expect(matches({ rule: 'SHARED_TOKEN' })).toBe(false);
    expect(matches({ principalId: 'agent:bot' })).toBe(true);
    expect(matches({ principalId: 'agent:other' })).toBe(false);
    expect(
      matches({ principalId: 'agent:bot', principalIssuer: 'https://login.acme.example' }),
    ).toBe(true);
    expect(matches({ principalId: 'agent:bot', principalIssuer: 'https://evil.example' })).toBe(
      false,
    );
    expect(matches({ issuer: 'https://sts.acme.example' })).toBe(true);
    expect(matches({ issuer: 'https://sts.other.example' })).toBe(false);
    expect(matches({ targetService: 'billing-api' })).toBe(true);
    expect(matches({ targetService: 'crm-api' })).toBe(false);
  });

  it('never matches a condition on a detail the rule did not record', () => {
    const bare = { ...anomaly, details: { hopId: 'h1' } };
    expect(suppressionMatches(suppression({ targetService: 'billing-api' }), bare, NOW)).toBe(
      false,
    );
    expect(suppressionMatches(suppression(), { ...anomaly, details: 'not an object' }, NOW)).toBe(
      true,
    );
  });

  it('silences only anomalies every tenant of which is its own', () => {
    const across = { ...anomaly, tenant: 'globex', targetTenant: 'acme' };
    // acme's suppression cannot silence what globex reported, nor globex's one what acme is shown.
    expect(suppressionMatches(suppression(), across, NOW)).toBe(false);
    expect(suppressionMatches(suppression({ tenant: 'globex' }), across, NOW)).toBe(false);
    expect(
      suppressionMatches(suppression({ tenant: 'globex', targetTenant: 'acme' }), across, NOW),
    ).toBe(true);
    // A pair suppression does not reach anomalies that stay within its reporting tenant.
    expect(
      suppressionMatches(suppression({ tenant: 'acme', targetTenant: 'globex' }), anomaly, NOW),
    ).toBe(false);
    expect(suppressionMatches(suppression(), { ...anomaly, targetTenant: null }, NOW)).toBe(true);
  });

  it('stops applying once expired or revoked', () => {
    const expiring = suppression({ expiresAt: new Date('2026-12-06T10:00:01Z') });
    expect(isActive(expiring, NOW)).toBe(true);
    expect(isActive(expiring, new Date('2026-12-06T10:00:01Z'))).toBe(false);
    expect(suppressionMatches(expiring, anomaly, new Date('2026-12-07T00:00:00Z'))).toBe(false);
    expect(suppressionMatches(suppression({ revokedAt: NOW }), anomaly, NOW)).toBe(false);
  });

  it('picks the oldest suppression that matches', () => {
    const picked = suppressionFor(
      [
        suppression({ id: '12', rule: 'AUDIENCE_MISMATCH' }),
        suppression({ id: '9', rule: 'SHARED_TOKEN' }),
        suppression({ id: '10' }),
      ],
      anomaly,
      NOW,
    );
    expect(picked?.id).toBe('10');
    expect(suppressionFor([suppression({ id: '3', rule: 'SHARED_TOKEN' })], anomaly, NOW)).toBe(
      undefined,
    );
  });
});
