import { recordKey } from '@app/graph';
import { impersonationWithoutMayActRule } from './impersonation-without-may-act.rule';
import { crmStory, RequestGraphBuilder, run } from './rule-test-kit';

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

  // A loaded graph names tokens by record key (reporter NUL key): the subject, which goes
  // into the stored dedupe key, must be the token's key alone, or the database refuses it.
  it('names the issued token by its key, never by its record key', () => {
    const builder = new RequestGraphBuilder();
    const sue = builder.principal('sue@acme.example', 'human');
    const bot = builder.principal('agent:sales-bot', 'agent');
    const userKey = recordKey('acme', 'jti:https://login.acme.example#tok-sue');
    const issuedKey = recordKey('acme', 'jti:https://sts.acme.example#tok-sales');
    builder.exchange(sue, bot, userKey, issuedKey, '2026-11-13T09:00:00Z');
    builder.token(userKey, { claims: { may_act: { sub: 'agent:support-bot' } } });
    const findings = run(impersonationWithoutMayActRule, builder.build());
    expect(findings.map((f) => f.subject)).toEqual(['jti:https://sts.acme.example#tok-sales']);
    expect(JSON.stringify(findings)).not.toContain('\\u0000');
  });
});
