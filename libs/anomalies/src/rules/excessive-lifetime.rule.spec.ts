import { excessiveLifetimeRule } from './excessive-lifetime.rule';
import { crmStory, run } from './rule-test-kit';

describe('EXCESSIVE_LIFETIME', () => {
  it('fires when a delegated token outlives its parent', () => {
    const { builder } = crmStory();
    builder.token('tok-tool', { expiresAt: new Date('2026-11-01T10:00:00Z') });
    expect(run(excessiveLifetimeRule, builder.build()).map((f) => f.subject)).toEqual(['tok-tool']);
  });

  it('fires when a delegated token lives longer than the policy allows', () => {
    const { builder } = crmStory();
    builder.token('tok-bot', { issuedAt: new Date('2026-11-01T09:00:00Z') });
    expect(
      run(excessiveLifetimeRule, builder.build(), { maxDelegatedLifetimeMs: 10 * 60 * 1000 }).map(
        (f) => f.subject,
      ),
    ).toEqual(['tok-bot']);
  });

  it('stays quiet for tokens within their parent and the policy', () => {
    expect(run(excessiveLifetimeRule, crmStory().builder.build())).toEqual([]);
  });
});
