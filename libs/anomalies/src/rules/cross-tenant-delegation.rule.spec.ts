import { crossTenantDelegationRule } from './cross-tenant-delegation.rule';
import { RequestGraphBuilder, crmStory, run } from './rule-test-kit';

describe('CROSS_TENANT_DELEGATION', () => {
  const attack = () => {
    const builder = new RequestGraphBuilder();
    const mallory = builder.principal('mallory', 'human', 'globex');
    const agent = builder.principal('agent:harvester', 'agent', 'globex');
    builder.exchange(mallory, agent, 'tok-m', 'tok-h', '2026-11-01T12:00:00Z', 'globex');
    builder.token('tok-h', { tenant: 'globex' });
    builder.hop('export', agent, '2026-11-01T12:00:01Z', {
      onBehalfOf: mallory,
      tokenKey: 'tok-h',
      targetTenant: 'acme',
      tenant: 'globex',
    });
    return builder.build();
  };

  it("fires when an actor or token of one tenant reaches another tenant's target", () => {
    expect(run(crossTenantDelegationRule, attack())).toMatchObject([
      { subject: 'export', tenant: 'globex', targetTenant: 'acme' },
    ]);
  });

  it('stays quiet inside one tenant and for federated pairs', () => {
    expect(run(crossTenantDelegationRule, crmStory().builder.build())).toEqual([]);
    expect(
      run(crossTenantDelegationRule, attack(), { federation: new Set(['globex>acme']) }),
    ).toEqual([]);
  });
});
