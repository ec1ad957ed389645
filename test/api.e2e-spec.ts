import type { Kafka, Producer } from 'kafkajs';
import { createClient } from 'graphql-ws';
import WebSocket from 'ws';
import { expectEventually } from './support/eventually';
import { devToken, graphql } from './support/graphql-client';
import { createTopics, testKafka, uniqueSuffix } from './support/infra';
import {
  allAnomalies,
  loadScenario,
  requestAnomalies,
  scenarioNames,
  scenarioPolicyEnv,
  shuffled,
  type Scenario,
} from './support/scenarios';
import { startService, stopGracefully, type IngestorProcess } from './support/service-process';

const openOf = (anomalies: Array<{ rule: string; verdict: string }>) =>
  anomalies.filter((anomaly) => anomaly.verdict === 'OPEN');

const PROVENANCE = `query Provenance($requestId: ID!) {
  provenance(requestId: $requestId) {
    requestId complete
    origin { id issuer tenant kind }
    chain { position principal { id kind } }
    hops { hopId parentHopId decision actor { id } onBehalfOf { id } target { service tenant } token { jti scopes } }
    tokens { token { jti } parent { jti } actor { id } subject { id } }
    gaps { kind hopId reason }
    anomalies { id rule severity requestId summary detectedAt verdict }
  }
}`;

describe('provenance API over real ingestion', () => {
  const topic = `delegation-events-${uniqueSuffix()}`;
  const anomalyTopic = `delegation-anomalies-${uniqueSuffix()}`;
  const run = uniqueSuffix();
  let kafka: Kafka;
  let producer: Producer;
  let ingestor: IngestorProcess;
  let api: IngestorProcess;
  const scenarios = new Map<string, Scenario>();

  const bearer = async (tenants: string[], roles = ['investigator']) =>
    `Bearer ${await devToken(tenants, roles)}`;
  const everyTenant = () => [
    ...new Set([...scenarios.values()].flatMap((scenario) => scenario.expect.visibleTo)),
  ];
  const produce = (events: Scenario['events']) =>
    producer.send({
      topic,
      messages: events.map((event) => ({
        key: typeof event.data.requestId === 'string' ? event.data.requestId : event.id,
        value: JSON.stringify(event),
        headers: { 'content-type': 'application/cloudevents+json' },
      })),
    });

  beforeAll(async () => {
    kafka = testKafka();
    await createTopics(kafka, [topic, `${topic}.dlq`, anomalyTopic]);
    producer = kafka.producer();
    await producer.connect();
    const env = {
      KAFKA_TOPIC: topic,
      KAFKA_ANOMALY_TOPIC: anomalyTopic,
      KAFKA_GROUP_ID: `ingestor-${topic}`,
      ...scenarioPolicyEnv([run]),
    };
    [ingestor, api] = await Promise.all([startService('ingestor', env), startService('api', env)]);
    for (const name of scenarioNames()) {
      const scenario = loadScenario(name, run);
      scenarios.set(name, scenario);
      await produce(shuffled(scenario.events, 11));
    }
    // Ingested when every scenario's events are visible to its own tenants.
    const auth = await bearer(everyTenant());
    await expectEventually(async () => {
      for (const scenario of scenarios.values()) {
        const { data } = await graphql(
          api.port,
          PROVENANCE,
          { requestId: scenario.requestId },
          auth,
        );
        expect(data?.provenance?.hops).toHaveLength(scenario.expect.hops.length);
        expect(openOf(data?.provenance?.anomalies ?? [])).toHaveLength(
          requestAnomalies(scenario).length,
        );
        for (const [requestId, expected] of Object.entries(scenario.expect.otherRequests ?? {})) {
          const other = await graphql(api.port, PROVENANCE, { requestId }, auth);
          expect(openOf(other.data?.provenance?.anomalies ?? [])).toHaveLength(expected.length);
        }
      }
    });
  });

  afterAll(async () => {
    await producer?.disconnect();
    await stopGracefully(api, ingestor);
  });

  describe.each(scenarioNames())('scenario %s', (name) => {
    it('answers the exact origin, chain, hops, gaps and anomalies to its tenant', async () => {
      const scenario = scenarios.get(name)!;
      const owner = scenario.expect.visibleTo[0];
      const { data, errors } = await graphql(
        api.port,
        PROVENANCE,
        { requestId: scenario.requestId },
        await bearer([owner]),
      );
      expect(errors).toBeUndefined();
      const provenance = data!.provenance;
      expect(provenance.origin.id).toBe(scenario.expect.origin);
      expect(
        provenance.chain.map((link: { position: number; principal: { id: string } }) => [
          link.position,
          link.principal.id,
        ]),
      ).toEqual(scenario.expect.chain.map((id, position) => [position, id]));
      expect(
        provenance.hops.map((hop: { hopId: string; parentHopId: string | null }) => ({
          hopId: hop.hopId,
          parentHopId: hop.parentHopId,
        })),
      ).toEqual(scenario.expect.hops);
      expect(provenance.gaps.map((gap: { kind: string }) => gap.kind).sort()).toEqual(
        [...(scenario.expect.gaps ?? [])].sort(),
      );
      expect(provenance.complete).toBe(scenario.expect.complete);
      // The open verdicts, as every tenant concerned sees them (a finding about a token of
      // another tenant goes to that tenant); however the events were batched, a withdrawn
      // one may be kept too.
      const shared = await graphql(
        api.port,
        PROVENANCE,
        { requestId: scenario.requestId },
        await bearer(scenario.expect.visibleTo),
      );
      expect(
        openOf(shared.data!.provenance.anomalies)
          .map((anomaly) => anomaly.rule)
          .sort(),
      ).toEqual(requestAnomalies(scenario).sort());
      for (const [child, parent] of Object.entries(scenario.expect.tokens)) {
        const derivation = provenance.tokens.find(
          (entry: { token: { jti: string } }) => entry.token.jti === child,
        );
        expect(derivation?.parent?.jti).toBe(parent);
        expect(derivation?.subject?.id).toBe(scenario.expect.origin);
      }
    });

    it('does not exist for an unrelated tenant', async () => {
      const scenario = scenarios.get(name)!;
      const { data, errors } = await graphql(
        api.port,
        PROVENANCE,
        { requestId: scenario.requestId },
        await bearer(scenario.expect.hiddenFrom),
      );
      expect(errors).toBeUndefined();
      expect(data).toEqual({ provenance: null });
    });
  });

  it("shows the victim tenant the cross-tenant attack on it, without the attacker tenant's exchanges", async () => {
    const scenario = scenarios.get('cross-tenant-actor-token')!;
    const { data } = await graphql(
      api.port,
      PROVENANCE,
      { requestId: scenario.requestId },
      await bearer([`acme-${run}`]),
    );
    const provenance = data!.provenance;
    expect(
      provenance.hops.map((hop: { hopId: string; target: { tenant: string } }) => [
        hop.hopId,
        hop.target.tenant,
      ]),
    ).toEqual([['export', `acme-${run}`]]);
    expect(
      provenance.anomalies.map((anomaly: { rule: string; severity: string }) => [
        anomaly.rule,
        anomaly.severity,
      ]),
    ).toEqual([['CROSS_TENANT_DELEGATION', 'CRITICAL']]);
    expect(provenance.origin.id).toBe('mallory@globex.example');
    // The exchange belongs to the attacker's tenant: the victim sees that it is missing.
    expect(provenance.gaps.map((gap: { kind: string }) => gap.kind)).toEqual(['UNLINKED_TOKEN']);
    expect(provenance.complete).toBe(false);
  });

  it('never reveals a raw credential through the API', async () => {
    const scenario = scenarios.get('raw-token-in-event')!;
    const { data } = await graphql(
      api.port,
      PROVENANCE,
      { requestId: scenario.requestId },
      await bearer([`acme-${run}`]),
    );
    expect(JSON.stringify(data)).not.toContain(scenario.expect.rawSecret!.slice(0, 40));
  });

  it("keeps every root field and nested path inside the caller's tenants", async () => {
    const stranger = await bearer([`initech-${run}`], ['investigator', 'dashboard']);
    const anomalies = await graphql(
      api.port,
      `
        {
          anomalies(first: 100) {
            edges {
              node {
                rule
                requestId
              }
            }
            pageInfo {
              hasNextPage
            }
          }
        }
      `,
      {},
      stranger,
    );
    expect(anomalies.data!.anomalies.edges).toEqual([]);
    const principal = await graphql(
      api.port,
      `
        query ($t: String!) {
          principal(tenant: $t, issuer: "https://login.acme.example", id: "alice@acme.example") {
            id
            actions {
              edges {
                node {
                  hopId
                }
              }
            }
          }
        }
      `,
      { t: `acme-${run}` },
      stranger,
    );
    expect(principal.data).toEqual({ principal: null });
    const lineage = await graphql(
      api.port,
      `
        query ($j: String!) {
          tokenLineage(jti: $j, issuer: "https://login.acme.example") {
            edges {
              node {
                token {
                  jti
                }
              }
            }
          }
        }
      `,
      { j: `tok-alice-${run}` },
      stranger,
    );
    expect(lineage.data).toEqual({ tokenLineage: { edges: [] } });

    // The same questions from acme's investigator do find things.
    const acme = await bearer([`acme-${run}`], ['investigator']);
    const own = await graphql(
      api.port,
      `
        query ($t: String!) {
          principal(tenant: $t, issuer: "https://login.acme.example", id: "alice@acme.example") {
            id
            kind
            actions(first: 10) {
              edges {
                node {
                  hopId
                  requestId
                  actor {
                    id
                  }
                }
              }
            }
          }
        }
      `,
      { t: `acme-${run}` },
      acme,
    );
    expect(own.data!.principal.kind).toBe('HUMAN');
    expect(
      own.data!.principal.actions.edges.map((edge: { node: { hopId: string } }) => edge.node.hopId),
    ).toEqual(['h1', 'h2']);
    const tree = await graphql(
      api.port,
      `
        query ($j: String!) {
          tokenLineage(jti: $j, issuer: "https://login.acme.example", first: 2) {
            edges {
              node {
                depth
                token {
                  jti
                }
                actor
              }
            }
            pageInfo {
              hasNextPage
              endCursor
            }
          }
        }
      `,
      { j: `tok-alice-${run}` },
      acme,
    );
    type LineageEdge = { node: { depth: number; token: { jti: string }; actor: string | null } };
    const rows = (edges: LineageEdge[]) =>
      edges.map(({ node }) => [node.depth, node.token.jti, node.actor]);
    expect(rows(tree.data!.tokenLineage.edges)).toEqual([
      [0, `tok-alice-${run}`, null],
      [1, `tok-bot-${run}`, 'agent:support-bot'],
    ]);
    expect(tree.data!.tokenLineage.pageInfo.hasNextPage).toBe(true);
    const rest = await graphql(
      api.port,
      `
        query ($j: String!, $a: String) {
          tokenLineage(jti: $j, issuer: "https://login.acme.example", after: $a) {
            edges {
              node {
                depth
                token {
                  jti
                }
                actor
              }
            }
            pageInfo {
              hasNextPage
            }
          }
        }
      `,
      { j: `tok-alice-${run}`, a: tree.data!.tokenLineage.pageInfo.endCursor },
      acme,
    );
    expect(rows(rest.data!.tokenLineage.edges)).toEqual([
      [2, `tok-tool-${run}`, 'tool:crm-lookup'],
    ]);
    expect(rest.data!.tokenLineage.pageInfo.hasNextPage).toBe(false);
  });

  it('pages anomalies with Relay cursors, newest first', async () => {
    const auth = await bearer(everyTenant(), ['dashboard']);
    const first = await graphql(
      api.port,
      `
        {
          anomalies(first: 2) {
            edges {
              cursor
              node {
                id
                rule
              }
            }
            pageInfo {
              hasNextPage
              endCursor
            }
          }
        }
      `,
      {},
      auth,
    );
    const page = first.data!.anomalies;
    expect(page.edges).toHaveLength(2);
    expect(page.pageInfo.hasNextPage).toBe(true);
    const next = await graphql(
      api.port,
      `
        query ($a: String) {
          anomalies(first: 300, after: $a) {
            edges {
              node {
                id
              }
            }
            pageInfo {
              hasNextPage
            }
          }
        }
      `,
      { a: page.pageInfo.endCursor },
      auth,
    );
    const ids = [
      ...page.edges.map((edge: { node: { id: string } }) => edge.node.id),
      ...next.data!.anomalies.edges.map((edge: { node: { id: string } }) => edge.node.id),
    ];
    // Every anomaly of the scenarios (all visible to their tenants), each once: the open
    // verdicts the scenarios expect, and any a later event of theirs withdrew.
    const whole = await graphql(
      api.port,
      '{ anomalies(first: 300) { edges { node { id rule verdict } } } }',
      {},
      auth,
    );
    const all = whole.data!.anomalies.edges.map(
      (edge: { node: { id: string; rule: string; verdict: string } }) => edge.node,
    );
    expect(ids).toEqual(all.map((node: { id: string }) => node.id));
    expect(
      openOf(all)
        .map((node) => node.rule)
        .sort(),
    ).toEqual([...scenarios.values()].flatMap(allAnomalies).sort());
    expect([...ids].sort((a, b) => Number(b) - Number(a))).toEqual(ids);
    const bad = await graphql(
      api.port,
      `
        {
          anomalies(after: "bm90LWEtY3Vyc29y") {
            edges {
              cursor
            }
          }
        }
      `,
      {},
      auth,
    );
    expect(bad.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
  });

  it('answers every bad argument with BAD_USER_INPUT and a safe message, over HTTP and the socket', async () => {
    const investigator = await bearer([`acme-${run}`], ['investigator', 'dashboard']);
    const tooBig = Buffer.from('anomaly:"99999999999999999999"').toString('base64url');
    const cases: Array<[string, Record<string, unknown>]> = [
      [
        'query($s: DateTime) { anomalies(filter: { since: $s }) { edges { cursor } } }',
        { s: 'yesterday' },
      ],
      ['{ anomalies(filter: { until: "2026-13-45T99:00:00Z" }) { edges { cursor } } }', {}],
      ['query($a: String) { anomalies(after: $a) { edges { cursor } } }', { a: tooBig }],
      ['query($r: ID!) { provenance(requestId: $r) { requestId } }', { r: 'req\u0000x' }],
      ['query($r: ID!) { provenance(requestId: $r) { requestId } }', { r: 'half \ud800 pair' }],
    ];
    for (const [query, variables] of cases) {
      const answer = await graphql(api.port, query, variables, investigator);
      expect({ query, code: answer.errors?.[0]?.extensions?.code }).toEqual({
        query,
        code: 'BAD_USER_INPUT',
      });
      expect(answer.errors?.[0]?.message).not.toMatch(
        /SELECT|syntax|relation|yesterday|2026-13-45/,
      );
      expect(answer.errors?.[0]?.message).not.toContain('\u0000');
    }

    // The same over graphql-ws: a subscription argument the caller got wrong.
    const client = createClient({
      url: `ws://127.0.0.1:${api.port}/graphql`,
      webSocketImpl: WebSocket,
      connectionParams: { authorization: investigator },
      lazy: false,
      retryAttempts: 0,
    });
    const codes = await Promise.all(
      ['bm90LWEtY3Vyc29y', Buffer.from('feed:"12\u0000"').toString('base64url'), 'x\u0000'].map(
        (after) =>
          new Promise<unknown>((resolve) =>
            client.subscribe(
              {
                query: 'subscription($a: String) { anomalyDetected(after: $a) { id } }',
                variables: { a: after },
              },
              {
                next: (message) => resolve(message.errors?.[0]?.extensions?.code),
                error: (error) =>
                  resolve(
                    (error as Array<{ extensions?: { code?: string } }>)[0]?.extensions?.code,
                  ),
                complete: () => resolve('completed'),
              },
            ),
          ),
      ),
    );
    expect(codes).toEqual(['BAD_USER_INPUT', 'BAD_USER_INPUT', 'BAD_USER_INPUT']);
    await client.dispose();
  });

  it('refuses callers without a valid token or the right role, and says nothing more', async () => {
    const requestId = scenarios.get('crm-agent-read')!.requestId;
    const none = await graphql(api.port, PROVENANCE, { requestId });
    expect(none.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    expect(none.data?.provenance ?? null).toBeNull();
    const unsigned = `${Buffer.from('{"alg":"none"}').toString('base64url')}.${Buffer.from(JSON.stringify({ sub: 'x', tenants: [`acme-${run}`], roles: ['admin'], iss: 'provenant-dev', aud: 'provenant-api', exp: 9e9 })).toString('base64url')}.`;
    expect(
      (await graphql(api.port, PROVENANCE, { requestId }, `Bearer ${unsigned}`)).errors?.[0]
        ?.extensions?.code,
    ).toBe('UNAUTHENTICATED');
    const expired = `Bearer ${await devToken([`acme-${run}`], ['investigator'], { exp: '-5m' })}`;
    expect(
      (await graphql(api.port, PROVENANCE, { requestId }, expired)).errors?.[0]?.extensions?.code,
    ).toBe('UNAUTHENTICATED');
    const wrongAudience = `Bearer ${await devToken([`acme-${run}`], ['investigator'], { aud: 'someone-else' })}`;
    expect(
      (await graphql(api.port, PROVENANCE, { requestId }, wrongAudience)).errors?.[0]?.extensions
        ?.code,
    ).toBe('UNAUTHENTICATED');
    const dashboard = await graphql(
      api.port,
      PROVENANCE,
      { requestId },
      await bearer([`acme-${run}`], ['dashboard']),
    );
    expect(dashboard.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    expect(JSON.stringify(dashboard.errors)).not.toMatch(/stack|at .*\.js|SELECT/);
    // Refused attempts are in the access log, without the token.
    const refusals = await expectEventually(() => {
      const lines = api
        .output()
        .split('\n')
        .filter((line) => line.includes('"outcome":"refused"'))
        .map((line) => JSON.parse(line) as { access: Record<string, unknown> });
      expect(lines.length).toBeGreaterThanOrEqual(5);
      return lines;
    });
    expect(refusals.map((line) => line.access)).toContainEqual(
      expect.objectContaining({ sub: 'test-user', field: 'provenance', outcome: 'refused' }),
    );
    expect(api.output()).not.toContain(unsigned);
  });

  it('refuses queries deeper than the limit before running them', async () => {
    let selection = 'id';
    for (let i = 0; i < 20; i++) selection = `principal { ${selection} }`;
    const deep = await graphql(
      api.port,
      `{ provenance(requestId: "x") { chain { ${selection} } } }`,
      {},
      await bearer([`acme-${run}`]),
    );
    expect(deep.errors?.[0]?.extensions?.code).toMatch(/QUERY_TOO_DEEP|GRAPHQL_VALIDATION_FAILED/);
  });

  it('rejects a cross-site form post (CSRF prevention)', async () => {
    const response = await fetch(`http://127.0.0.1:${api.port}/graphql?query=%7B__typename%7D`, {
      method: 'GET',
    });
    expect(response.status).toBe(400);
  });

  it('answers a provenance query in a fixed number of SQL statements, whatever the size of the chain', async () => {
    const auth = await bearer([`acme-${run}`]);
    const big = loadScenario('crm-agent-read', `${run}-big`);
    const hops = Array.from({ length: 40 }, (_, i) => ({
      ...big.events[3],
      id: `big-hop-${i}-${run}`,
      data: { ...big.events[3].data, hopId: `x${i}`, parentHopId: i === 0 ? 'h2' : `x${i - 1}` },
    }));
    await produce([...big.events, ...hops]);
    await expectEventually(async () => {
      const { data } = await graphql(
        api.port,
        PROVENANCE,
        { requestId: big.requestId },
        `Bearer ${await devToken([`acme-${run}-big`], ['investigator'])}`,
      );
      expect(data?.provenance?.hops).toHaveLength(42);
    });
    const statements = async (requestId: string, authorization: string) => {
      const read = async () =>
        Number(
          /^provenant_db_queries_total (\d+)/m.exec(
            await (await fetch(`http://127.0.0.1:${api.port}/metrics`)).text(),
          )![1],
        );
      const before = await read();
      await graphql(api.port, PROVENANCE, { requestId }, authorization);
      return (await read()) - before;
    };
    const small = await statements(scenarios.get('crm-agent-read')!.requestId, auth);
    const large = await statements(
      big.requestId,
      `Bearer ${await devToken([`acme-${run}-big`], ['investigator'])}`,
    );
    expect(small).toBeGreaterThan(0);
    expect(large).toBe(small);
  });

  it('logs every operation as a structured access record, without the token', async () => {
    const token = await bearer([`acme-${run}`]);
    const requestId = `req-audited-${run}`;
    await graphql(
      api.port,
      'query WhoLooked($r: ID!) { provenance(requestId: $r) { requestId } }',
      { r: requestId },
      token,
    );
    const record = await expectEventually(() => {
      const line = api
        .output()
        .split('\n')
        .find((candidate) => candidate.includes('"access"') && candidate.includes(requestId));
      expect(line).toBeDefined();
      return JSON.parse(line!) as { access: Record<string, unknown> };
    });
    expect(record.access).toMatchObject({
      sub: 'test-user',
      tenants: [`acme-${run}`],
      operation: 'WhoLooked',
      type: 'query',
      field: 'provenance',
      ids: { requestId },
      results: 0,
      outcome: 'ok',
    });
    expect(api.output()).not.toContain(token.slice('Bearer '.length));
  });

  it('closes a graphql-ws socket when its token expires', async () => {
    const shortLived = await devToken([`acme-${run}`], ['dashboard'], { exp: '3s' });
    const client = createClient({
      url: `ws://127.0.0.1:${api.port}/graphql`,
      webSocketImpl: WebSocket,
      connectionParams: { authorization: `Bearer ${shortLived}` },
      lazy: false,
      retryAttempts: 0,
    });
    const closed = new Promise<number>((resolve) =>
      client.on('closed', (event) => resolve((event as { code: number }).code)),
    );
    client.subscribe(
      { query: 'subscription { anomalyDetected { id } }' },
      { next: () => undefined, error: () => undefined, complete: () => undefined },
    );
    expect(await closed).toBe(4401);
    await client.dispose();
  });

  it('pushes new anomalies to dashboards of the affected tenants only (graphql-ws)', async () => {
    const subscribe = async (tenants: string[]) => {
      const received: Array<{ rule: string; requestId: string }> = [];
      const client = createClient({
        url: `ws://127.0.0.1:${api.port}/graphql`,
        webSocketImpl: WebSocket,
        connectionParams: { authorization: await bearer(tenants, ['dashboard']) },
        lazy: false,
      });
      await new Promise<void>((resolve, reject) => {
        client.on('connected', () => resolve());
        client.on('error', reject);
      });
      const stop = client.subscribe<{ anomalyDetected: { rule: string; requestId: string } }>(
        {
          query: 'subscription { anomalyDetected(minSeverity: HIGH) { rule requestId severity } }',
        },
        {
          next: (message) => message.data && received.push(message.data.anomalyDetected),
          error: () => undefined,
          complete: () => undefined,
        },
      );
      return {
        received,
        close: async () => {
          stop();
          await client.dispose();
        },
      };
    };
    const live = uniqueSuffix();
    const victim = await subscribe([`acme-${live}`]);
    const stranger = await subscribe([`initech-${live}`]);
    // graphql-ws registers a subscription as soon as its message arrives; an anomaly needs
    // a whole Kafka → ingestor → database → Kafka round trip first, far longer.
    const attack = loadScenario('cross-tenant-actor-token', live);
    await produce(attack.events);
    await expectEventually(() =>
      expect(victim.received).toEqual([
        { rule: 'CROSS_TENANT_DELEGATION', requestId: attack.requestId, severity: 'CRITICAL' },
      ]),
    );
    expect(stranger.received).toEqual([]);
    await victim.close();
    await stranger.close();

    const refused = createClient({
      url: `ws://127.0.0.1:${api.port}/graphql`,
      webSocketImpl: WebSocket,
      connectionParams: { authorization: 'Bearer nonsense' },
      lazy: false,
      retryAttempts: 0,
    });
    const closeCode = await new Promise<number>((resolve) =>
      refused.on('closed', (event) => resolve((event as { code: number }).code)),
    );
    expect(closeCode).toBe(4403);
    await refused.dispose();
    // The refused socket is in the access log, the opened ones too; no token is.
    await expectEventually(() => {
      const records = api
        .output()
        .split('\n')
        .filter((line) => line.includes('(graphql-ws connection)'))
        .map((line) => (JSON.parse(line) as { access: Record<string, unknown> }).access);
      expect(records).toContainEqual(
        expect.objectContaining({ sub: null, outcome: 'refused', reason: expect.any(String) }),
      );
      expect(records).toContainEqual(expect.objectContaining({ outcome: 'ok', sub: 'test-user' }));
    });
    expect(api.output()).not.toContain('nonsense');
  });
});
