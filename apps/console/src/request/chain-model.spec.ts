import type { Anomaly, Hop, Principal, Provenance } from '../api/types';
import { chainModel, principalNodeId } from './chain-model';
import { scopeDiff } from './scope-diff';

const principal = (id: string, kind: Principal['kind'], reportedBy = 'acme'): Principal => ({
  id,
  issuer: `https://${kind.toLowerCase()}.example`,
  tenant: 'acme',
  kind,
  reportedBy,
});
const alice = principal('alice', 'HUMAN');
const bot = principal('agent:bot', 'AGENT');
const tool = principal('tool:crm', 'TOOL', 'globex');
const hop = (
  hopId: string,
  actor: Principal,
  service: string,
  decision: Hop['decision'] = 'ALLOW',
): Hop => ({
  hopId,
  requestId: 'r1',
  occurredAt: '2026-11-01T10:00:00Z',
  reportedBy: 'acme',
  actor,
  target: { service },
  decision,
});
const anomaly = (details: Anomaly['details']): Anomaly => ({
  id: '1',
  rule: 'SCOPE_ESCALATION',
  severity: 'HIGH',
  detectedAt: '2026-11-01T10:00:00Z',
  summary: 's',
  details,
});

const provenance = (overrides: Partial<Provenance> = {}): Provenance => ({
  requestId: 'r1',
  complete: true,
  origin: alice,
  chain: [
    { position: 1, principal: bot },
    { position: 0, principal: alice },
    { position: 2, principal: tool },
  ],
  hops: [hop('h1', bot, 'crm-api'), hop('h2', tool, 'crm-api'), hop('h3', tool, 'crm-api', 'DENY')],
  gaps: [],
  anomalies: [],
  tokens: [],
  ...overrides,
});

describe('chainModel', () => {
  it('links the chain in position order and draws one call edge per actor and service', () => {
    const { nodes, edges } = chainModel(provenance());
    const ids = [alice, bot, tool].map(principalNodeId);
    expect(edges.filter((e) => e.kind === 'delegation').map((e) => [e.source, e.target])).toEqual([
      [ids[0], ids[1]],
      [ids[1], ids[2]],
    ]);
    const calls = edges.filter((e) => e.kind === 'call');
    expect(calls).toHaveLength(2);
    const fromTool = calls.find((e) => e.source === ids[2])!;
    expect(fromTool).toMatchObject({ calls: 2, denied: true });
    expect(fromTool.label).toContain('denied');
    expect(nodes.filter((n) => n.type === 'target').map((n) => n.label)).toEqual(['crm-api']);
  });

  it('marks what another tenant reported, and puts anomalies and gaps on the nodes they concern', () => {
    const { nodes } = chainModel(
      provenance({
        anomalies: [anomaly({ hopId: 'h1' })],
        gaps: [{ hopId: 'h2', kind: 'MISSING_PARENT_HOP', reason: 'parent h9 not seen' }],
      }),
    );
    const byId = (p: Principal) => nodes.find((n) => n.id === principalNodeId(p))!;
    expect(byId(tool).reportedByOther).toBe('globex');
    expect(byId(bot).reportedByOther).toBeUndefined();
    expect(byId(bot).anomalies.map((a) => a.rule)).toEqual(['SCOPE_ESCALATION']);
    expect(byId(alice).anomalies).toEqual([]);
    expect(byId(tool).gaps).toEqual(['MISSING_PARENT_HOP: parent h9 not seen']);
  });
});

describe('scopeDiff', () => {
  it('tells kept, widened and narrowed scopes apart', () => {
    expect(scopeDiff(['a', 'b'], ['b', 'c'])).toEqual({
      kept: ['b'],
      added: ['c'],
      dropped: ['a'],
    });
    expect(scopeDiff(undefined, ['b', 'a'])).toEqual({ kept: ['a', 'b'], added: [], dropped: [] });
  });
});
