import { reconstruct, type Provenance } from './chain-reconstructor';
import { crmStory, RequestGraphBuilder } from './testing/request-graph.builder';

const summary = (p: Provenance) => ({
  origin: p.origin?.id ?? null,
  chain: p.chain.map((principal) => principal.id),
  hops: p.hops.map((hop) => hop.hopId),
  gaps: p.gaps.map((gap) => `${gap.kind}:${gap.hopId}`),
  complete: p.complete,
});

function permutations(n: number): number[][] {
  if (n === 0) return [[]];
  return permutations(n - 1).flatMap((perm) =>
    Array.from({ length: n }, (_, i) => [...perm.slice(0, i), n - 1, ...perm.slice(i)]),
  );
}

describe('reconstruct', () => {
  it('finds the origin and the ordered chain from the token lineage', () => {
    const { builder } = crmStory();
    expect(summary(reconstruct(builder.build()))).toEqual({
      origin: 'alice@acme.example',
      chain: ['alice@acme.example', 'agent:support-bot', 'tool:crm-lookup'],
      hops: ['h1', 'h2'],
      gaps: [],
      complete: true,
    });
  });

  it('gives the same answer for every arrival order', () => {
    const { builder } = crmStory();
    const expected = summary(reconstruct(builder.build()));
    for (const hops of permutations(2)) {
      for (const exchanges of permutations(2)) {
        expect(summary(reconstruct(builder.build({ hops, exchanges })))).toEqual(expected);
      }
    }
  });

  it('reports a parent hop that never arrived', () => {
    const { builder, bot, alice } = crmStory();
    builder.hop('h3', bot, '2026-11-01T09:00:04Z', {
      onBehalfOf: alice,
      tokenKey: 'tok-bot',
      parentHopId: 'h9',
      service: 'crm-mcp',
    });
    const result = reconstruct(builder.build());
    expect(result.gaps.map((gap) => [gap.kind, gap.hopId])).toEqual([['MISSING_PARENT_HOP', 'h3']]);
    expect(result.complete).toBe(false);
  });

  it('reports a token whose exchange was never observed, and a delegated hop without a token', () => {
    const builder = new RequestGraphBuilder();
    const alice = builder.principal('alice', 'human');
    const bot = builder.principal('bot');
    builder.hop('h1', bot, '2026-11-01T10:00:00Z', { onBehalfOf: alice, tokenKey: 'tok-unknown' });
    builder.hop('h2', bot, '2026-11-01T10:00:01Z', { onBehalfOf: alice, parentHopId: 'h1' });
    const result = reconstruct(builder.build());
    expect(summary(result)).toEqual({
      origin: 'alice',
      chain: ['alice', 'bot'],
      hops: ['h1', 'h2'],
      gaps: ['UNLINKED_TOKEN:h1', 'NO_TOKEN:h2'],
      complete: false,
    });
  });

  it('reports act claims that name other actors than the observed exchanges', () => {
    const { builder } = crmStory();
    builder.token('tok-tool', {
      claims: { act: { sub: 'tool:crm-lookup', act: { sub: 'agent:someone-else' } } },
    });
    expect(reconstruct(builder.build()).gaps.map((gap) => [gap.kind, gap.hopId])).toEqual([
      ['ACT_MISMATCH', 'h2'],
    ]);
  });

  it('reports a hop performed by someone other than the token holder, or for someone else', () => {
    const { builder, alice, tool } = crmStory();
    const mallory = builder.principal('mallory', 'human');
    builder.hop('h3', tool, '2026-11-01T09:00:05Z', {
      onBehalfOf: alice,
      tokenKey: 'tok-bot',
      parentHopId: 'h2',
      service: 'crm-mcp',
    });
    builder.hop('h4', tool, '2026-11-01T09:00:06Z', {
      onBehalfOf: mallory,
      tokenKey: 'tok-tool',
      parentHopId: 'h2',
    });
    expect(reconstruct(builder.build()).gaps.map((gap) => `${gap.kind}:${gap.hopId}`)).toEqual([
      'ACTOR_NOT_TOKEN_HOLDER:h3',
      'ON_BEHALF_OF_MISMATCH:h4',
    ]);
  });

  it('keeps a delegate whose hop is missing: the chain follows its observed exchange', () => {
    // alice → bot → tool → svc, each step an observed exchange. The tool's hop (h2) never
    // arrived, so svc's hop hangs from a missing parent, while the bot's second call sits
    // deeper in the hop tree: the hop tree alone would make the chain alice → bot.
    const { builder, alice, bot } = crmStory();
    const svc = builder.principal('svc:billing', 'service');
    builder.exchange(alice, svc, 'tok-tool', 'tok-svc', '2026-11-01T09:00:03Z');
    const graph = builder.build();
    graph.hops = graph.hops.filter((hop) => hop.hopId !== 'h2');
    const more = new RequestGraphBuilder()
      .hop('h1b', bot, '2026-11-01T09:00:04Z', {
        onBehalfOf: alice,
        tokenKey: 'tok-bot',
        parentHopId: 'h1',
        service: 'crm-mcp',
      })
      .hop('h3', svc, '2026-11-01T09:00:05Z', {
        onBehalfOf: alice,
        tokenKey: 'tok-svc',
        parentHopId: 'h2',
        service: 'billing-api',
      })
      .build();
    graph.hops.push(...more.hops);
    for (const order of permutations(3)) {
      const shuffled = { ...graph, hops: order.map((i) => graph.hops[i]) };
      const result = summary(reconstruct(shuffled));
      expect(result.chain).toEqual([
        'alice@acme.example',
        'agent:support-bot',
        'tool:crm-lookup',
        'svc:billing',
      ]);
      expect(result.gaps).toEqual(['MISSING_PARENT_HOP:h3']);
    }
  });

  it('counts a delegation seen only through its exchange', () => {
    const { builder, alice, tool } = crmStory();
    const svc = builder.principal('svc:billing', 'service');
    builder.exchange(alice, svc, 'tok-tool', 'tok-svc', '2026-11-01T09:00:04Z');
    expect(summary(reconstruct(builder.build())).chain).toEqual([
      'alice@acme.example',
      'agent:support-bot',
      tool.id,
      'svc:billing',
    ]);
  });

  it('draws the chain from the exchanges when no hop presented a linked token', () => {
    const builder = new RequestGraphBuilder();
    const alice = builder.principal('alice', 'human');
    const bot = builder.principal('bot');
    const tool = builder.principal('tool', 'tool');
    builder
      .exchange(alice, bot, 'tok-a', 'tok-b', '2026-11-01T10:00:00Z')
      .exchange(alice, tool, 'tok-b', 'tok-c', '2026-11-01T10:00:01Z')
      .hop('h1', bot, '2026-11-01T10:00:02Z', { onBehalfOf: alice, tokenKey: 'tok-unknown' });
    expect(summary(reconstruct(builder.build())).chain).toEqual(['alice', 'bot', 'tool']);
  });

  it('tells a token issued twice at one instant the same way, whatever the database ids (found by the convergence property)', () => {
    // The same facts, with the principals' records created in either order (ids follow arrival).
    const chains = [
      ['agent:bot', 'agent:mallory'],
      ['agent:mallory', 'agent:bot'],
    ].map((created) => {
      const builder = new RequestGraphBuilder();
      const alice = builder.principal('alice', 'human');
      const [first, second] = created.map((id) => builder.principal(id));
      builder
        .exchange(alice, first, 'tok-a', 'tok-b', '2026-11-01T10:00:00Z')
        .exchange(alice, second, 'tok-a', 'tok-b', '2026-11-01T10:00:00Z');
      return summary(reconstruct(builder.build())).chain;
    });
    expect(chains).toEqual([
      ['alice', 'agent:bot'],
      ['alice', 'agent:bot'],
    ]);
  });

  it('stops on a cycle in token parents', () => {
    const { builder } = crmStory();
    builder.token('tok-alice', { parentKey: 'tok-tool' });
    const result = reconstruct(builder.build());
    expect(result.chain.length).toBeLessThan(10);
  });

  it("never links another tenant's hop under the reader's, nor lets it lead the chain", () => {
    const { builder } = crmStory();
    // globex reports hops of its own under acme's ids: a deeper chain, with acme's h2 as parent.
    const mallory = builder.principal('mallory', 'human', 'globex');
    const forged = builder.principal('agent:forged', 'agent', 'globex');
    builder
      .hop('h1', mallory, '2026-11-01T09:00:00Z', { tenant: 'globex', targetTenant: 'acme' })
      .hop('g1', forged, '2026-11-01T09:00:04Z', {
        tenant: 'globex',
        parentHopId: 'h2',
        targetTenant: 'acme',
      })
      .hop('g2', forged, '2026-11-01T09:00:05Z', {
        tenant: 'globex',
        parentHopId: 'g1',
        targetTenant: 'acme',
      });
    const seen = summary(reconstruct(builder.build(), { ownTenants: ['acme'] }));
    expect(seen.origin).toBe('alice@acme.example');
    expect(seen.chain).toEqual(['alice@acme.example', 'agent:support-bot', 'tool:crm-lookup']);
    // globex's g1 names a parent h2 that globex never reported: a gap, and not complete.
    expect(seen.gaps).toEqual(['MISSING_PARENT_HOP:g1']);
    expect(seen.complete).toBe(false);
    expect(seen.hops).toEqual(['h1', 'h1', 'h2', 'g1', 'g2']);
  });
});
