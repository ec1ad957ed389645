import { orphanedDelegationRule } from './orphaned-delegation.rule';
import { RequestGraphBuilder, crmStory, run } from './rule-test-kit';

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

  it('takes a suspension and a reinstatement at the same instant as suspended, whatever order they were loaded in (found by the convergence property)', () => {
    for (const changes of [
      ['disabled', 'enabled'],
      ['enabled', 'disabled'],
    ]) {
      const { builder, alice } = crmStory();
      for (const change of changes) builder.change(alice, change, '2026-11-01T08:00:00Z');
      expect(run(orphanedDelegationRule, builder.build()).map((f) => f.subject)).toEqual([
        'h1',
        'h2',
      ]);
    }
  });

  it("tells only the principal's tenant when the change was another tenant's report", () => {
    // globex's gateway acts for acme's human; acme (the owner) offboarded her.
    const builder = new RequestGraphBuilder();
    const alice = builder.principal('alice', 'human', 'acme', 'globex');
    const bot = builder.principal('agent:bot', 'agent', 'globex');
    builder
      .hop('h1', bot, '2026-11-01T10:00:00Z', {
        onBehalfOf: alice,
        tenant: 'globex',
        targetTenant: 'partner',
      })
      .change(alice, 'offboarded', '2026-11-01T09:00:00Z', 'acme');
    expect(run(orphanedDelegationRule, builder.build())).toMatchObject([
      { subject: 'h1', tenant: 'acme', targetTenant: null },
    ]);
    // Reported by the hop's own tenant: the hop's tenant and its target are told.
    const own = new RequestGraphBuilder();
    const carol = own.principal('carol', 'human', 'globex');
    own
      .hop('h1', own.principal('agent:bot', 'agent', 'globex'), '2026-11-01T10:00:00Z', {
        onBehalfOf: carol,
        tenant: 'globex',
        targetTenant: 'partner',
      })
      .change(carol, 'offboarded', '2026-11-01T09:00:00Z');
    expect(run(orphanedDelegationRule, own.build())).toMatchObject([
      { tenant: 'globex', targetTenant: 'partner' },
    ]);
  });
});
