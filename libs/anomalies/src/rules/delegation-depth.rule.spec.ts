import { delegationDepthRule } from './delegation-depth.rule';
import { crmStory, run } from './rule-test-kit';

describe('DELEGATION_DEPTH', () => {
  it('fires when the chain has more delegates than allowed', () => {
    expect(
      run(delegationDepthRule, crmStory().builder.build(), { maxDelegationDepth: 1 }),
    ).toMatchObject([{ details: { delegates: 2, max: 1 } }]);
  });

  it('stays quiet within the limit', () => {
    expect(run(delegationDepthRule, crmStory().builder.build(), { maxDelegationDepth: 2 })).toEqual(
      [],
    );
  });
});
