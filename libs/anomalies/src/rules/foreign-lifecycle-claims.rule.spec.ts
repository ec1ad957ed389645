import type { EventGraph, PrincipalChangeRow, TokenRow } from '@app/persistence';
import { defaultPolicy } from '../anomaly-rule';
import { foreignLifecycleClaimRule } from './foreign-lifecycle-claim.rule';
import { foreignRevocationClaimRule } from './foreign-revocation-claim.rule';

const event = (tokens: TokenRow[], changes: PrincipalChangeRow[]): EventGraph =>
  ({
    event: { source: 'gw', ceId: 'e1' },
    principals: [],
    tokens,
    requests: [],
    exchanges: [],
    hops: [],
    changes,
    anomalies: [],
  }) as unknown as EventGraph;

const revocation = (reporter: string, tenant: string): TokenRow => ({
  reporter,
  key: 'jti:https://sts.acme.example#t-1',
  tenant,
  issuer: 'https://sts.acme.example',
  jti: 't-1',
  fingerprint: null,
  audience: [],
  scopes: [],
  issuedAt: null,
  expiresAt: null,
  claims: null,
  parentKey: null,
  actorTokenKey: null,
  revokedAt: '2026-11-01T12:00:00Z',
  revokeReason: null,
  precedence: '1|2026-11-01T12:00:00.000Z|gw|e1',
});

const offboarding = (reporter: string, tenant: string): PrincipalChangeRow => ({
  source: 'gw',
  ceId: 'e1',
  principal: { reporter, tenant, issuer: 'https://login.acme.example', subject: 'alice' },
  change: 'offboarded',
  effectiveAt: '2026-11-01T12:00:00Z',
  tenant: reporter,
});

describe('FOREIGN_REVOCATION_CLAIM and FOREIGN_LIFECYCLE_CLAIM', () => {
  it("fire when a tenant reports another tenant's token revoked or principal offboarded", () => {
    const graph = event([revocation('globex', 'acme')], [offboarding('globex', 'acme')]);
    expect(foreignRevocationClaimRule.evaluate(graph, defaultPolicy())).toMatchObject([
      { tenant: 'globex', targetTenant: 'acme', subject: 'jti:https://sts.acme.example#t-1' },
    ]);
    expect(foreignLifecycleClaimRule.evaluate(graph, defaultPolicy())).toMatchObject([
      { tenant: 'globex', targetTenant: 'acme' },
    ]);
  });

  it('stay quiet for the owner itself and for a tenant trusted for it', () => {
    const own = event([revocation('acme', 'acme')], [offboarding('acme', 'acme')]);
    expect(foreignRevocationClaimRule.evaluate(own, defaultPolicy())).toEqual([]);
    expect(foreignLifecycleClaimRule.evaluate(own, defaultPolicy())).toEqual([]);
    const trusted = { ...defaultPolicy(), lifecycleAuthorities: { acme: ['acme-hr'] } };
    const byHr = event([revocation('acme-hr', 'acme')], [offboarding('acme-hr', 'acme')]);
    expect(foreignRevocationClaimRule.evaluate(byHr, trusted)).toEqual([]);
    expect(foreignLifecycleClaimRule.evaluate(byHr, trusted)).toEqual([]);
  });

  it('ignore tokens that are merely described, not revoked', () => {
    const described = { ...revocation('globex', 'acme'), revokedAt: null };
    expect(foreignRevocationClaimRule.evaluate(event([described], []), defaultPolicy())).toEqual(
      [],
    );
  });
});
