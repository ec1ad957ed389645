import { defaultPolicy } from './anomaly-rule';
import { evaluateAnomalies } from './evaluate-anomalies';
import { crmStory } from './rules/rule-test-kit';

describe('evaluateAnomalies', () => {
  it('finds nothing in a clean chain', () => {
    expect(evaluateAnomalies(crmStory().builder.build(), defaultPolicy())).toEqual([]);
  });

  it('keys each finding by rule, request and subject, so re-evaluation never duplicates', () => {
    const { builder, alice } = crmStory();
    builder.change(alice, 'offboarded', '2026-11-01T09:00:00Z');
    builder.token('tok-tool', { scopes: ['crm.read', 'crm.delete'] });
    const first = evaluateAnomalies(builder.build(), defaultPolicy());
    expect(first.map((row) => row.dedupeKey).sort()).toEqual([
      'ORPHANED_DELEGATION|req-1|h1',
      'ORPHANED_DELEGATION|req-1|h2',
      'SCOPE_ESCALATION|req-1|tok-tool',
    ]);
    expect(
      evaluateAnomalies(builder.build({ hops: [1, 0], exchanges: [1, 0] }), defaultPolicy()),
    ).toEqual(first);
  });
});
