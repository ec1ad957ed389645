import { defaultPolicy } from './anomaly-rule';
import { accountsByReporter, evaluateAnomalies } from './evaluate-anomalies';
import { recordKey } from '@app/graph';
import { crmStory, RequestGraphBuilder } from './rules/rule-test-kit';

/** Judged as the story's last hop lands. */
const NOW = new Date('2026-11-01T09:00:04Z');

describe('evaluateAnomalies', () => {
  it('finds nothing in a clean chain', () => {
    expect(evaluateAnomalies(crmStory().builder.build(), defaultPolicy(), NOW)).toEqual([]);
  });

  it('never writes a record key into an anomaly: its separator is text the database refuses', () => {
    // Loaded graphs name tokens by record key (reporter and key, joined by NUL); an anomaly
    // quoting one was refused by the database, and the event that raised it dead-lettered.
    const builder = new RequestGraphBuilder();
    const alice = builder.principal('alice', 'human');
    const bot = builder.principal('bot');
    const [t0, t1] = [recordKey('acme', 't0'), recordKey('acme', 't1')];
    builder
      .exchange(alice, bot, t0, t1, '2026-11-01T09:00:00Z')
      .hop('h1', bot, '2026-11-01T09:00:01Z', { onBehalfOf: alice, tokenKey: t1 })
      .hop('h2', builder.principal('mallory'), '2026-11-01T09:00:02Z', {
        onBehalfOf: alice,
        tokenKey: t1,
      })
      .presentedBy(t1, bot, builder.principal('mallory'));
    builder.token(t0, { scopes: ['crm.read'], claims: { may_act: { sub: 'someone-else' } } });
    builder.token(t1, { scopes: ['crm.read', 'crm.admin'], parentKey: t0 });
    const rows = evaluateAnomalies(builder.build(), defaultPolicy(), NOW);
    expect(rows.map((row) => row.rule).sort()).toEqual([
      'IMPERSONATION_WITHOUT_MAY_ACT',
      'SCOPE_ESCALATION',
      'SHARED_TOKEN',
      'UNTRACKED_HOP',
    ]);
    for (const row of rows) expect(JSON.stringify(row)).not.toContain('\\u0000');
  });

  it('keys each finding by rule, request, reporter and subject, so re-evaluation never duplicates', () => {
    const { builder, alice } = crmStory();
    builder.change(alice, 'offboarded', '2026-11-01T09:00:00Z');
    builder.token('tok-tool', { scopes: ['crm.read', 'crm.delete'] });
    const first = evaluateAnomalies(builder.build(), defaultPolicy(), NOW);
    expect(first.map((row) => row.dedupeKey).sort()).toEqual([
      'ORPHANED_DELEGATION|req-1|acme|h1',
      'ORPHANED_DELEGATION|req-1|acme|h2',
      'SCOPE_ESCALATION|req-1|acme|tok-tool',
    ]);
    expect(
      evaluateAnomalies(builder.build({ hops: [1, 0], exchanges: [1, 0] }), defaultPolicy(), NOW),
    ).toEqual(first);
  });

  it("judges each reporter's account alone: another tenant's hop of the same id changes nothing for the owner", () => {
    const clean = crmStory();
    const victimVerdicts = evaluateAnomalies(clean.builder.build(), defaultPolicy(), NOW);
    const { builder, alice } = crmStory();
    // The attacker's gateway reports a hop of the victim's ids, under the victim's hop,
    // with the victim's human as the actor and a token of its own.
    const forged = builder.principal('alice@acme.example', 'human', 'acme', 'globex');
    builder.hop('h2', forged, '2026-11-01T09:00:04Z', {
      parentHopId: 'h1',
      tenant: 'globex',
      targetTenant: 'acme',
      tokenKey: 'tok-forged',
    });
    const rows = evaluateAnomalies(builder.build(), defaultPolicy(), NOW);
    expect(rows.filter((row) => row.tenant === 'acme' && row.targetTenant !== 'acme')).toEqual(
      victimVerdicts,
    );
    expect(accountsByReporter(builder.build()).map((account) => account.hops[0].tenant)).toEqual([
      'acme',
      'globex',
    ]);
    // The claim is raised, for the attacker's tenant and shown to the victim's.
    expect(rows).toContainEqual(
      expect.objectContaining({
        rule: 'FOREIGN_PRINCIPAL_CLAIM',
        tenant: 'globex',
        targetTenant: 'acme',
        dedupeKey: 'FOREIGN_PRINCIPAL_CLAIM|req-1|globex|h2|actor',
      }),
    );
    expect(alice.reportedBy).toBe('acme');
  });
});
