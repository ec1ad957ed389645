import { impersonationWithoutMayActRule } from './impersonation-without-may-act.rule';
import { crmStory, run } from './rule-test-kit';

describe('IMPERSONATION_WITHOUT_MAY_ACT', () => {
  it('fires when the subject token names another allowed actor', () => {
    const { builder } = crmStory();
    builder.token('tok-alice', { claims: { may_act: { sub: 'agent:calendar-bot' } } });
    expect(run(impersonationWithoutMayActRule, builder.build()).map((f) => f.subject)).toEqual([
      'tok-bot',
    ]);
  });

  it('stays quiet when may_act names the actor or is absent', () => {
    const { builder } = crmStory();
    builder.token('tok-alice', { claims: { may_act: { sub: 'agent:support-bot' } } });
    expect(run(impersonationWithoutMayActRule, builder.build())).toEqual([]);
  });
});
