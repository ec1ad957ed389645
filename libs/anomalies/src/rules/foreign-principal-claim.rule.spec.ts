import { foreignPrincipalClaimRule } from './foreign-principal-claim.rule';
import { RequestGraphBuilder, crmStory, run } from './rule-test-kit';

describe('FOREIGN_PRINCIPAL_CLAIM', () => {
  const claim = () => {
    const builder = new RequestGraphBuilder();
    // globex's gateway reports acme's human acting against acme's own service.
    const alice = builder.principal('alice@acme.example', 'human', 'acme', 'globex');
    const bot = builder.principal('agent:bot', 'agent', 'globex');
    builder.hop('h9', alice, '2026-11-01T12:00:00Z', { tenant: 'globex', targetTenant: 'acme' });
    builder.hop('h10', bot, '2026-11-01T12:00:01Z', {
      tenant: 'globex',
      onBehalfOf: alice,
      targetTenant: 'globex',
    });
    return builder.build();
  };

  it("fires when a gateway names another tenant's principal, for the reporter and the named tenant", () => {
    expect(run(foreignPrincipalClaimRule, claim())).toMatchObject([
      { subject: 'h9|actor', tenant: 'globex', targetTenant: 'acme' },
      { subject: 'h10|obo', tenant: 'globex', targetTenant: 'acme' },
    ]);
  });

  it('leaves an actor of another tenant than the target to CROSS_TENANT_DELEGATION', () => {
    const builder = new RequestGraphBuilder();
    const agent = builder.principal('agent:x', 'agent', 'acme', 'globex');
    builder.hop('h1', agent, '2026-11-01T12:00:00Z', { tenant: 'globex', targetTenant: 'globex' });
    expect(run(foreignPrincipalClaimRule, builder.build())).toEqual([]);
  });

  it("stays quiet for a tenant's own principals and for federated pairs", () => {
    expect(run(foreignPrincipalClaimRule, crmStory().builder.build())).toEqual([]);
    expect(
      run(foreignPrincipalClaimRule, claim(), { federation: new Set(['acme>globex']) }),
    ).toEqual([]);
  });
});
