import { audienceMismatchRule } from './audience-mismatch.rule';
import { crmStory, run } from './rule-test-kit';

describe('AUDIENCE_MISMATCH', () => {
  it('fires when the target is not in the token audience', () => {
    const { builder, tool, alice } = crmStory();
    builder.hop('h3', tool, '2026-11-01T09:00:04Z', {
      onBehalfOf: alice,
      tokenKey: 'tok-tool',
      parentHopId: 'h2',
      service: 'billing-api',
    });
    expect(run(audienceMismatchRule, builder.build()).map((f) => f.subject)).toEqual(['h3']);
  });

  it('stays quiet when the audience matches or is unknown', () => {
    const { builder } = crmStory();
    builder.token('tok-tool', { audience: [] });
    expect(run(audienceMismatchRule, builder.build())).toEqual([]);
  });
});
