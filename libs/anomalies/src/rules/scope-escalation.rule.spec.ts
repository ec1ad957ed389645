import { scopeEscalationRule } from './scope-escalation.rule';
import { crmStory, run } from './rule-test-kit';

describe('SCOPE_ESCALATION', () => {
  it('fires when a delegated token carries scopes its parent did not', () => {
    const { builder } = crmStory();
    builder.token('tok-tool', { scopes: ['crm.read', 'crm.admin'] });
    expect(run(scopeEscalationRule, builder.build())).toMatchObject([
      { subject: 'tok-tool', details: { added: ['crm.admin'] } },
    ]);
  });

  it('stays quiet for narrowed scopes or unknown parent scopes', () => {
    const { builder } = crmStory();
    expect(run(scopeEscalationRule, builder.build())).toEqual([]);
    builder.token('tok-bot', { scopes: [] });
    builder.token('tok-tool', { scopes: ['crm.admin'] });
    expect(run(scopeEscalationRule, builder.build())).toEqual([]);
  });
});
