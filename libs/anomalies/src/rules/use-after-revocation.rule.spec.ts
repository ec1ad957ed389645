import { useAfterRevocationRule } from './use-after-revocation.rule';
import { crmStory, run } from './rule-test-kit';

describe('USE_AFTER_REVOCATION', () => {
  it('fires when an ancestor token was revoked before the hop', () => {
    const { builder } = crmStory();
    builder.token('tok-alice', { revokedAt: new Date('2026-11-01T09:00:02.500Z') });
    expect(run(useAfterRevocationRule, builder.build())).toMatchObject([
      { subject: 'h2', details: { tokenKey: 'tok-alice', revoked: true } },
    ]);
  });

  it('fires when the token had expired', () => {
    const { builder } = crmStory();
    builder.token('tok-tool', { expiresAt: new Date('2026-11-01T09:00:02.900Z') });
    expect(run(useAfterRevocationRule, builder.build())).toMatchObject([
      { subject: 'h2', details: { expired: true } },
    ]);
  });

  it('stays quiet for a revocation after the last use', () => {
    const { builder } = crmStory();
    builder.token('tok-alice', { revokedAt: new Date('2026-11-01T09:10:00Z') });
    expect(run(useAfterRevocationRule, builder.build())).toEqual([]);
  });
});
