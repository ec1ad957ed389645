import { untrustedIssuerRule } from './untrusted-issuer.rule';
import { crmStory, run } from './rule-test-kit';

describe('UNTRUSTED_ISSUER', () => {
  it('fires for tokens whose issuer the tenant does not trust', () => {
    const { builder } = crmStory();
    builder.token('tok-tool', { issuer: 'https://sts.evil.example' });
    const trusted = new Map([['acme', new Set(['https://sts.acme.example'])]]);
    expect(
      run(untrustedIssuerRule, builder.build(), { trustedIssuers: trusted }).map((f) => f.subject),
    ).toEqual(['tok-tool']);
  });

  it('checks only tenants with a trust list', () => {
    const { builder } = crmStory();
    builder.token('tok-tool', { issuer: 'https://sts.evil.example' });
    expect(run(untrustedIssuerRule, builder.build())).toEqual([]);
  });
});
