import { sharedTokenRule } from './shared-token.rule';
import { crmStory, run } from './rule-test-kit';

describe('SHARED_TOKEN', () => {
  it('fires once per token presented by different actors', () => {
    const { builder, bot, tool } = crmStory();
    builder.presentedBy('tok-bot', bot, tool).presentedBy('tok-tool', tool);
    expect(run(sharedTokenRule, builder.build())).toMatchObject([
      { subject: 'tok-bot', details: { actors: 2 } },
    ]);
  });

  it('stays quiet when each token has one presenter', () => {
    const { builder, bot, tool } = crmStory();
    builder.presentedBy('tok-bot', bot).presentedBy('tok-tool', tool);
    expect(run(sharedTokenRule, builder.build())).toEqual([]);
  });
});
