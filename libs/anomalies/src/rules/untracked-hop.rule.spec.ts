import { untrackedHopRule } from './untracked-hop.rule';
import { crmStory, run } from './rule-test-kit';

describe('UNTRACKED_HOP', () => {
  it('fires when the act claims disagree with the observed exchanges', () => {
    const { builder } = crmStory();
    builder.token('tok-tool', { claims: { act: { sub: 'tool:other' } } });
    expect(run(untrackedHopRule, builder.build()).map((f) => f.subject)).toEqual([
      'h2:ACT_MISMATCH',
    ]);
  });

  it('does not fire for a parent hop that may still arrive', () => {
    const { builder, bot, alice } = crmStory();
    builder.hop('h3', bot, '2026-11-01T09:00:04Z', {
      onBehalfOf: alice,
      tokenKey: 'tok-bot',
      parentHopId: 'later',
      service: 'crm-mcp',
    });
    expect(run(untrackedHopRule, builder.build())).toEqual([]);
  });
});
