import { orphanedDelegationRule } from './orphaned-delegation.rule';
import { crmStory, run } from './rule-test-kit';

describe('ORPHANED_DELEGATION', () => {
  it('fires for hops after the origin was offboarded', () => {
    const { builder, alice } = crmStory();
    builder.change(alice, 'offboarded', '2026-11-01T09:00:02.500Z');
    expect(run(orphanedDelegationRule, builder.build()).map((f) => f.subject)).toEqual(['h2']);
  });

  it('stays quiet when the origin was re-enabled before the hop, or changed only later', () => {
    const { builder, alice } = crmStory();
    builder
      .change(alice, 'disabled', '2026-11-01T08:00:00Z')
      .change(alice, 'enabled', '2026-11-01T08:30:00Z');
    builder.change(alice, 'offboarded', '2026-11-01T12:00:00Z');
    expect(run(orphanedDelegationRule, builder.build())).toEqual([]);
  });
});
