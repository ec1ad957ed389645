import { reconstruct } from '@app/provenance';
import { crmStory, RequestGraphBuilder } from '@app/provenance/testing';
import Ajv2020 from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import { toProvDocument, type ProvAnomalyInput, type ProvDocumentInput } from './prov-document';
import type { ProvJsonDocument, ProvRecords } from './prov-json.types';
import schema from './prov-json.schema.json';
import { encodeNamePart } from './prov-qualified-name';

const ajv = new Ajv2020({ strict: true, allErrors: true });
addFormats(ajv);
const validate = ajv.compile(schema);

const anomaly: ProvAnomalyInput = {
  id: '12',
  rule: 'CROSS_TENANT_DELEGATION',
  severity: 'HIGH',
  summary: 'globex acted against acme',
  detectedAt: new Date('2026-11-01T09:00:05Z'),
};

/** The CRM story, a revoked root token and a hop another tenant reported about acme's agent. */
function story(
  order: { hops?: number[]; exchanges?: number[] } = {},
  anomalies = [anomaly, { ...anomaly, id: '9', rule: 'SHARED_TOKEN', severity: 'LOW' as const }],
): ProvDocumentInput {
  const { builder } = crmStory();
  builder.token('tok-alice', {
    revokedAt: new Date('2026-11-01T09:10:00Z'),
    revokedBy: 'acme',
  });
  const claimedBot = builder.principal('agent:support-bot', 'agent', 'acme', 'globex');
  builder.hop('g1', claimedBot, '2026-11-01T09:00:04Z', {
    tenant: 'globex',
    service: 'billing',
    targetTenant: 'acme',
  });
  const graph = builder.build(order);
  return {
    provenance: reconstruct(graph, { ownTenants: ['acme'] }),
    anomalies,
    tokens: [...graph.tokens.values()],
  };
}

const named = (records: ProvRecords, attribute: string, value: string): string => {
  const found = Object.entries(records).filter(([, attributes]) => attributes[attribute] === value);
  expect(found).toHaveLength(1);
  return found[0][0];
};
const qname = (name: string) => ({ $: name, type: 'xsd:QName' });

describe('toProvDocument', () => {
  const doc = toProvDocument(story());
  const agent = (id: string, reporter = 'acme') =>
    Object.entries(doc.agent).find(
      ([, a]) => a['provenant:id'] === id && a['provenant:reportedBy'] === reporter,
    )![0];
  const hop = (hopId: string) => named(doc.activity, 'provenant:hopId', hopId);
  const token = (key: string) => named(doc.entity, 'provenant:key', key);
  const exchangeOf = (issued: string) =>
    Object.values(doc.wasGeneratedBy).find((g) => g['prov:entity'] === token(issued))![
      'prov:activity'
    ];

  it('is a PROV-JSON document by the schema written from the W3C submission', () => {
    const valid = validate(doc);
    expect(validate.errors ?? []).toEqual([]);
    expect(valid).toBe(true);
    expect(doc.prefix).toEqual({
      prov: 'http://www.w3.org/ns/prov#',
      xsd: 'http://www.w3.org/2001/XMLSchema#',
      provenant: 'urn:provenant:',
    });
  });

  it('makes each principal an agent typed by its kind, and marks another tenant’s claim', () => {
    expect(doc.agent[agent('alice@acme.example')]).toMatchObject({
      'prov:type': qname('prov:Person'),
      'provenant:kind': 'human',
      'provenant:tenant': 'acme',
      'provenant:issuer': 'https://acme.example',
    });
    expect(doc.agent[agent('tool:crm-lookup')]['prov:type']).toEqual(qname('prov:SoftwareAgent'));
    expect(doc.agent[agent('agent:support-bot')]).not.toHaveProperty(
      'provenant:reportedByAnotherTenant',
    );
    const claim = agent('agent:support-bot', 'globex');
    expect(claim).not.toBe(agent('agent:support-bot'));
    expect(doc.agent[claim]).toMatchObject({
      'provenant:tenant': 'acme',
      'provenant:reportedByAnotherTenant': true,
    });
  });

  it('makes hops activities associated with their actors, using the token presented', () => {
    expect(doc.activity[hop('h2')]).toMatchObject({
      'prov:startTime': '2026-11-01T09:00:03.000Z',
      'prov:type': qname('provenant:Hop'),
      'provenant:service': 'crm-api',
      'provenant:decision': 'allow',
      'provenant:reportedBy': 'acme',
      'provenant:parentHopId': 'h1',
      'provenant:onBehalfOf': qname(agent('alice@acme.example')),
    });
    expect(doc.activity[hop('g1')]).toMatchObject({
      'provenant:reportedBy': 'globex',
      'provenant:targetTenant': 'acme',
    });
    const associations = Object.values(doc.wasAssociatedWith);
    expect(associations).toContainEqual({
      'prov:activity': hop('h1'),
      'prov:agent': agent('agent:support-bot'),
    });
    expect(associations).toContainEqual({
      'prov:activity': hop('g1'),
      'prov:agent': agent('agent:support-bot', 'globex'),
    });
    expect(Object.values(doc.used)).toContainEqual({
      'prov:activity': hop('h2'),
      'prov:entity': token('tok-tool'),
      'prov:time': '2026-11-01T09:00:03.000Z',
      'prov:role': qname('provenant:presentedToken'),
    });
    expect(Object.values(doc.wasInformedBy)).toEqual([
      { 'prov:informed': hop('h2'), 'prov:informant': hop('h1') },
    ]);
  });

  it('makes tokens entities with their scopes, audience, expiry and revocation', () => {
    expect(doc.entity[token('tok-tool')]).toMatchObject({
      'prov:type': qname('provenant:Token'),
      'provenant:audience': ['crm-api'],
      'provenant:scope': ['crm.read'],
      'provenant:expiresAt': { $: '2026-11-01T09:05:00.000Z', type: 'xsd:dateTime' },
    });
    expect(doc.entity[token('tok-alice')]).toMatchObject({
      'provenant:scope': ['crm.read', 'crm.write'],
      'provenant:revokedAt': { $: '2026-11-01T09:10:00.000Z', type: 'xsd:dateTime' },
    });
    expect(Object.values(doc.wasInvalidatedBy)).toEqual([
      {
        'prov:entity': token('tok-alice'),
        'prov:time': '2026-11-01T09:10:00.000Z',
        'provenant:reportedBy': 'acme',
      },
    ]);
  });

  it('derives each issued token from its subject token, by its exchange', () => {
    const derivations = Object.values(doc.wasDerivedFrom);
    expect(derivations).toHaveLength(2);
    for (const [issued, subject] of [
      ['tok-bot', 'tok-alice'],
      ['tok-tool', 'tok-bot'],
    ]) {
      const derivation = derivations.find((d) => d['prov:generatedEntity'] === token(issued))!;
      expect(derivation).toMatchObject({
        'prov:usedEntity': token(subject),
        'prov:activity': exchangeOf(issued),
      });
      expect(doc.activity[exchangeOf(issued) as string]['prov:type']).toEqual(
        qname('provenant:TokenExchange'),
      );
      expect(doc.wasGeneratedBy[derivation['prov:generation'] as string]).toMatchObject({
        'prov:entity': token(issued),
      });
      expect(doc.used[derivation['prov:usage'] as string]).toMatchObject({
        'prov:entity': token(subject),
        'prov:role': qname('provenant:subjectToken'),
      });
    }
  });

  it('has each delegate of the chain act on behalf of the one before it', () => {
    expect(Object.values(doc.actedOnBehalfOf)).toEqual([
      {
        'prov:delegate': agent('agent:support-bot'),
        'prov:responsible': agent('alice@acme.example'),
        'prov:activity': exchangeOf('tok-bot'),
        'provenant:position': 1,
      },
      {
        'prov:delegate': agent('tool:crm-lookup'),
        'prov:responsible': agent('agent:support-bot'),
        'prov:activity': exchangeOf('tok-tool'),
        'provenant:position': 2,
      },
    ]);
  });

  it('describes the request as a whole: origin, chain, completeness, anomalies', () => {
    const request = named(doc.entity, 'provenant:requestId', 'req-1');
    expect(doc.entity[request]).toEqual({
      'prov:type': qname('provenant:Request'),
      'provenant:requestId': 'req-1',
      'provenant:complete': true,
      'provenant:origin': qname(agent('alice@acme.example')),
      'provenant:chain': ['alice@acme.example', 'agent:support-bot', 'tool:crm-lookup'].map((id) =>
        qname(agent(id)),
      ),
      'provenant:anomaly': [
        'SHARED_TOKEN LOW 9 2026-11-01T09:00:05.000Z: globex acted against acme',
        'CROSS_TENANT_DELEGATION HIGH 12 2026-11-01T09:00:05.000Z: globex acted against acme',
      ],
    });
  });

  it('names only records that exist, with valid qualified names', () => {
    const nodes = { ...doc.entity, ...doc.activity, ...doc.agent };
    const ncName = /^(?:prov|xsd|provenant):[A-Za-z_][A-Za-z0-9_.-]*$/;
    const relations = Object.entries(doc).filter(
      ([section]) => !['prefix', 'entity', 'activity', 'agent'].includes(section),
    ) as Array<[string, ProvRecords]>;
    for (const name of Object.keys(nodes)) expect(name).toMatch(ncName);
    for (const [section, records] of relations)
      for (const [id, attributes] of Object.entries(records)) {
        expect(id).toMatch(/^_:[a-z]+[0-9]+$/);
        for (const [attribute, value] of Object.entries(attributes)) {
          if (['prov:generation', 'prov:usage'].includes(attribute))
            expect({ ...doc.wasGeneratedBy, ...doc.used }).toHaveProperty([value as string]);
          else if (!['prov:time', 'prov:role'].includes(attribute) && attribute.startsWith('prov:'))
            expect([section, attribute, nodes[value as string]]).not.toContain(undefined);
        }
      }
  });

  it('writes the same bytes for the same answer, whatever order the facts arrived in', () => {
    const again = story({ hops: [2, 1, 0], exchanges: [1, 0] }, [...story().anomalies].reverse());
    const reordered = { ...again, tokens: [...again.tokens].reverse() };
    expect(JSON.stringify(toProvDocument(reordered))).toBe(JSON.stringify(doc));
    for (const nodes of [doc.entity, doc.activity, doc.agent])
      expect(Object.keys(nodes)).toEqual(Object.keys(nodes).sort());
  });
});

describe('toProvDocument with gaps', () => {
  const builder = new RequestGraphBuilder('req|2 é');
  const alice = builder.principal('alice@acme.example', 'human');
  const bot = builder.principal('agent:bot', 'agent');
  builder
    .hop('h2', bot, '2026-11-01T09:00:03Z', { onBehalfOf: alice, parentHopId: 'h0' })
    .hop('h3', bot, '2026-11-01T09:00:04Z', { onBehalfOf: alice, tokenKey: 'tok-x' });
  const graph = builder.build();
  const doc: ProvJsonDocument = toProvDocument({
    provenance: reconstruct(graph),
    anomalies: [],
    tokens: [...graph.tokens.values()],
  });

  it('puts each gap on the request and its kind on the hop it concerns', () => {
    expect(validate(doc)).toBe(true);
    const request = doc.entity[named(doc.entity, 'provenant:requestId', 'req|2 é')];
    expect(request['provenant:complete']).toBe(false);
    expect(request['provenant:gap']).toEqual([
      'MISSING_PARENT_HOP: hop h2 names parent hop h0, which was never observed',
      'NO_TOKEN: hop h2 acts on behalf of alice@acme.example without presenting a token',
      'UNLINKED_TOKEN: the exchange that issued the token presented at hop h3 was never observed',
    ]);
    expect(doc.entity[named(doc.entity, 'provenant:key', 'tok-x')]['provenant:gap']).toEqual([
      'UNLINKED_TOKEN',
    ]);
    expect(doc.activity[named(doc.activity, 'provenant:hopId', 'h2')]['provenant:gap']).toEqual([
      'MISSING_PARENT_HOP',
      'NO_TOKEN',
    ]);
    expect(doc.wasInformedBy).toEqual({});
    // Without exchanges, the chain's delegate acted for the origin in the hop it performed.
    expect(Object.values(doc.actedOnBehalfOf)).toEqual([
      expect.objectContaining({ 'prov:activity': named(doc.activity, 'provenant:hopId', 'h2') }),
    ]);
  });
});

describe('qualified names', () => {
  it('encodes every id into an NCName local part, one name per id', () => {
    const ids = [
      '',
      '_',
      'a.b',
      'a_2Eb',
      'a_b',
      'alice@acme.example',
      'spiffe://x/y',
      'é',
      '漢字',
      'a-b',
    ];
    const names = ids.map(encodeNamePart);
    expect(new Set(names).size).toBe(ids.length);
    for (const name of names)
      expect(`x.${name}`).toMatch(/^[A-Za-z_][A-Za-z0-9_-]*\.[A-Za-z0-9_-]+$/);
    expect(encodeNamePart('alice@acme.example')).toBe('alice_40acme_2Eexample');
    expect(encodeNamePart('é')).toBe('_C3_A9');
  });
});
