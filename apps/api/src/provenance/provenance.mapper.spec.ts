import { RequestGraphBuilder } from '@app/provenance/testing';
import { reconstruct } from '@app/provenance';
import { toProvenance } from './provenance.mapper';

describe('toProvenance', () => {
  it('names as a token’s obtainer the delegate the chain names, though another exchange claims the token later', () => {
    // agent-a obtained t1 for alice and used it; a later exchange (a replay, or a hostile
    // report) claims t1 was issued to agent-b.
    const builder = new RequestGraphBuilder();
    const alice = builder.principal('alice', 'human');
    const agentA = builder.principal('agent-a');
    const agentB = builder.principal('agent-b');
    const graph = builder
      .exchange(alice, agentA, 't0', 't1', '2026-01-01T00:00:01Z')
      .exchange(alice, agentB, 't0', 't1', '2026-01-01T00:00:09Z')
      .hop('h1', agentA, '2026-01-01T00:00:10Z', { onBehalfOf: alice, tokenKey: 't1' })
      .build();
    const provenance = reconstruct(graph);
    expect(provenance.chain.map((principal) => principal.id)).toEqual(['alice', 'agent-a']);

    const answer = toProvenance({
      provenance,
      anomalies: [],
      tokens: [...graph.tokens.values()],
    });
    const t1 = answer.tokens.find((derivation) => derivation.token.key === 't1')!;
    expect(t1.actor?.id).toBe('agent-a');
    expect(t1.exchangedAt).toEqual(new Date('2026-01-01T00:00:01Z'));
  });
});
