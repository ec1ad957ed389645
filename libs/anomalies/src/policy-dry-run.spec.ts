import { crmStory } from '@app/provenance/testing';
import { defaultPolicy } from './anomaly-rule';
import { evaluateAnomalies } from './evaluate-anomalies';
import { DryRunTally, enabledRules, type OpenAnomaly } from './policy-dry-run';

const everyone = () => true;
const openOf = (rows: ReturnType<typeof evaluateAnomalies>): OpenAnomaly[] =>
  rows.map(({ dedupeKey, rule, summary }) => ({ dedupeKey, rule, summary, requestId: 'r1' }));

describe('a policy dry run', () => {
  // The CRM story: alice → support bot → CRM tool, two delegates.
  const graph = () => crmStory().builder.build();

  it('reports a rule that would newly fire under the proposal', () => {
    const tally = new DryRunTally(
      { ...defaultPolicy(), maxDelegationDepth: 1 },
      enabledRules(undefined),
      everyone,
      5,
    );
    tally.add([graph()], []);
    const { rules, samples } = tally.report();
    expect(rules).toEqual([{ rule: 'DELEGATION_DEPTH', wouldFire: 1, wouldWithdraw: 0 }]);
    expect(samples).toEqual([
      expect.objectContaining({ change: 'FIRE', rule: 'DELEGATION_DEPTH' }),
    ]);
    expect(tally.requests).toBe(1);
  });

  it('reports an open anomaly the proposal would no longer find, and leaves agreeing ones', () => {
    const strict = { ...defaultPolicy(), maxDelegationDepth: 1 };
    const open = openOf(evaluateAnomalies(graph(), strict, new Date()));
    expect(open).toHaveLength(1);
    const same = new DryRunTally(strict, enabledRules(undefined), everyone, 5);
    same.add([graph()], open);
    expect(same.report()).toEqual({ rules: [], samples: [] });
    const relaxed = new DryRunTally(defaultPolicy(), enabledRules(undefined), everyone, 5);
    relaxed.add([graph()], open);
    expect(relaxed.report().rules).toEqual([
      { rule: 'DELEGATION_DEPTH', wouldFire: 0, wouldWithdraw: 1 },
    ]);
  });

  it('withdraws what a disabled rule found, and counts only what the caller may see', () => {
    const strict = { ...defaultPolicy(), maxDelegationDepth: 1 };
    const open = openOf(evaluateAnomalies(graph(), strict, new Date()));
    const disabled = new DryRunTally(strict, enabledRules(['SHARED_TOKEN']), everyone, 5);
    disabled.add([graph()], open);
    expect(disabled.report().rules).toEqual([
      { rule: 'DELEGATION_DEPTH', wouldFire: 0, wouldWithdraw: 1 },
    ]);
    const stranger = new DryRunTally(strict, enabledRules(undefined), () => false, 5);
    stranger.add([graph()], []);
    expect(stranger.report().rules).toEqual([]);
  });

  it('keeps at most sampleSize samples of each change, counting them all', () => {
    const tally = new DryRunTally(
      { ...defaultPolicy(), maxDelegationDepth: 1 },
      enabledRules(undefined),
      everyone,
      0,
    );
    tally.add(
      [graph()],
      [{ dedupeKey: 'gone', rule: 'SHARED_TOKEN', requestId: 'r0', summary: 's' }],
    );
    expect(tally.report()).toEqual({
      rules: [
        { rule: 'DELEGATION_DEPTH', wouldFire: 1, wouldWithdraw: 0 },
        { rule: 'SHARED_TOKEN', wouldFire: 0, wouldWithdraw: 1 },
      ],
      samples: [],
    });
  });

  it('refuses a rule it does not know', () => {
    expect(() => enabledRules(['NO_SUCH_RULE'])).toThrow(/unknown rules: NO_SUCH_RULE/);
    expect(() => enabledRules(['RAW_CREDENTIAL_IN_EVENT'])).toThrow(RangeError);
  });
});
