import { untrackedHopRule } from './untracked-hop.rule';
import { crmStory, run } from './rule-test-kit';

const GRACE_MS = 60_000;
const minutesAfter = (iso: string, minutes: number) =>
  new Date(new Date(iso).getTime() + minutes * 60_000);

/** The CRM story with a hop h3 whose parent `h9` never arrives, received at 09:00:04. */
function orphanStory() {
  const story = crmStory();
  story.builder.hop('h3', story.bot, '2026-11-01T09:00:04Z', {
    onBehalfOf: story.alice,
    tokenKey: 'tok-bot',
    parentHopId: 'h9',
    service: 'crm-mcp',
  });
  return story;
}

describe('UNTRACKED_HOP', () => {
  it('fires when the act claims disagree with the observed exchanges', () => {
    const { builder } = crmStory();
    builder.token('tok-tool', { claims: { act: { sub: 'tool:other' } } });
    expect(run(untrackedHopRule, builder.build()).map((f) => f.subject)).toEqual([
      'h2:ACT_MISMATCH',
    ]);
  });

  it('does not fire for a missing parent hop within the grace period: it may still arrive', () => {
    const { builder } = orphanStory();
    const policy = { untrackedHopGraceMs: GRACE_MS };
    expect(run(untrackedHopRule, builder.build(), policy)).toEqual([]);
    const justBefore = new Date(minutesAfter('2026-11-01T09:00:04Z', 1).getTime() - 1);
    expect(run(untrackedHopRule, builder.build(), policy, justBefore)).toEqual([]);
  });

  it('fires once the grace has run out, and gives the same finding whenever judged after', () => {
    const { builder } = orphanStory();
    const policy = { untrackedHopGraceMs: GRACE_MS };
    const atGrace = run(
      untrackedHopRule,
      builder.build(),
      policy,
      minutesAfter('2026-11-01T09:00:04Z', 1),
    );
    const muchLater = run(
      untrackedHopRule,
      builder.build(),
      policy,
      minutesAfter('2026-11-01T09:00:04Z', 600),
    );
    expect(atGrace.map((f) => f.subject)).toEqual(['h3:MISSING_PARENT_HOP']);
    expect(atGrace[0].summary).toBe(
      'hop h3 names parent hop h9, which has not arrived within 1 min',
    );
    expect(muchLater).toEqual(atGrace);
  });

  it('counts the grace from when the hop was received, not from when it says it happened', () => {
    const { builder, bot, alice } = crmStory();
    // A gateway replaying yesterday's hop today: its parent may be right behind it.
    builder.hop('h3', bot, '2026-10-31T09:00:00Z', {
      onBehalfOf: alice,
      tokenKey: 'tok-bot',
      parentHopId: 'h9',
      receivedAt: '2026-11-01T09:00:04Z',
    });
    const policy = { untrackedHopGraceMs: GRACE_MS };
    expect(
      run(untrackedHopRule, builder.build(), policy, new Date('2026-11-01T09:00:30Z')),
    ).toEqual([]);
    expect(
      run(untrackedHopRule, builder.build(), policy, new Date('2026-11-01T09:01:04Z')),
    ).toHaveLength(1);
  });

  it('no longer fires once the parent has arrived, however late', () => {
    const { builder, bot, alice } = orphanStory();
    builder.hop('h9', bot, '2026-11-01T09:00:03Z', {
      onBehalfOf: alice,
      tokenKey: 'tok-bot',
      receivedAt: '2026-11-01T12:00:00Z',
    });
    const later = minutesAfter('2026-11-01T12:00:00Z', 60);
    expect(
      run(untrackedHopRule, builder.build(), { untrackedHopGraceMs: GRACE_MS }, later),
    ).toEqual([]);
  });
});
