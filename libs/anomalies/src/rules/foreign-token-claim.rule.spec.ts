import { foreignTokenClaimRule } from './foreign-token-claim.rule';
import { RequestGraphBuilder, crmStory, run } from './rule-test-kit';

describe('FOREIGN_TOKEN_CLAIM', () => {
  // globex's gateway reports an exchange that issued a token it says belongs to acme.
  const claim = () => {
    const builder = new RequestGraphBuilder();
    const mallory = builder.principal('mallory@globex.example', 'human', 'globex');
    const bot = builder.principal('agent:bot', 'agent', 'globex');
    builder.exchange(mallory, bot, 't-globex', 't-acme', '2026-11-01T12:00:00Z', 'globex');
    builder.token('t-globex', { reportedBy: 'globex', tenant: 'globex' });
    builder.token('t-acme', { reportedBy: 'globex', tenant: 'acme' });
    return builder.build();
  };

  it("fires when an exchange issues another tenant's token, for the reporter and that tenant", () => {
    expect(run(foreignTokenClaimRule, claim())).toMatchObject([
      {
        subject: 't-acme',
        tenant: 'globex',
        targetTenant: 'acme',
        details: { reporter: 'globex', claimedTenant: 'acme', tokenKey: 't-acme' },
      },
    ]);
  });

  it("stays quiet for a tenant's own tokens and for federated pairs, either way round", () => {
    expect(run(foreignTokenClaimRule, crmStory().builder.build())).toEqual([]);
    for (const pair of ['acme>globex', 'globex>acme']) {
      expect(run(foreignTokenClaimRule, claim(), { federation: new Set([pair]) })).toEqual([]);
    }
  });
});
