import type { Kafka, Producer } from 'kafkajs';
import type { Pool } from 'pg';
import { expectEventually } from './support/eventually';
import {
  collectTopic,
  createTopics,
  kcatConsumeAll,
  kcatProduce,
  testKafka,
  testPool,
  uniqueSuffix,
  type ConsumedMessage,
} from './support/infra';
import { startIngestor, stopGracefully, type IngestorProcess } from './support/service-process';
import { loadScenario, shuffled } from './support/scenarios';

const STRUCTURED = { 'content-type': 'application/cloudevents+json; charset=UTF-8' };

describe('ingestion from Kafka into PostgreSQL', () => {
  const topic = `delegation-events-${uniqueSuffix()}`;
  let kafka: Kafka;
  let producer: Producer;
  let pool: Pool;
  let ingestor: IngestorProcess;
  let dlq: { messages: ConsumedMessage[]; stop: () => Promise<void> };

  const produce = async (events: Array<{ data: Record<string, unknown> }>) => {
    await producer.send({
      topic,
      messages: events.map((event) => ({
        key: typeof event.data.requestId === 'string' ? event.data.requestId : 'none',
        value: JSON.stringify(event),
        headers: STRUCTURED,
      })),
    });
  };
  const count = async (sql: string, params: unknown[]) =>
    Number((await pool.query(sql, params)).rows[0].count);

  beforeAll(async () => {
    kafka = testKafka();
    pool = testPool();
    await createTopics(kafka, [topic, `${topic}.dlq`]);
    producer = kafka.producer();
    await producer.connect();
    ingestor = await startIngestor({ KAFKA_TOPIC: topic, KAFKA_GROUP_ID: `ingestor-${topic}` });
    dlq = await collectTopic(kafka, `${topic}.dlq`);
  });

  afterAll(async () => {
    await dlq?.stop();
    await producer?.disconnect();
    await pool?.end();
    await stopGracefully(ingestor);
  });

  it('stores a structured event produced by kcat', async () => {
    const run = uniqueSuffix();
    const [event] = loadScenario('support-tool-billing', run).events;
    await kcatProduce(topic, `req-billing-${run}`, JSON.stringify(event), {
      'content-type': 'Application/CloudEvents+JSON; charset=UTF-8',
    });
    await expectEventually(async () =>
      expect(
        await count('SELECT count(*) FROM token_exchanges WHERE request_id = $1', [
          `req-billing-${run}`,
        ]),
      ).toBe(1),
    );
    const { rows } = await pool.query(
      'SELECT topic, partition, "offset", received_at FROM events WHERE ce_id = $1',
      [`bill-1-${run}`],
    );
    expect(rows).toEqual([
      {
        topic,
        partition: expect.any(Number),
        offset: expect.any(String),
        received_at: expect.any(Date),
      },
    ]);
  });

  it('stores a binary-mode event (ce_ headers) produced by kcat', async () => {
    const run = uniqueSuffix();
    const event = loadScenario('support-tool-billing', run).events[1];
    await kcatProduce(topic, `req-billing-${run}`, JSON.stringify(event.data), {
      'content-type': 'application/json',
      ce_specversion: '1.0',
      ce_id: String(event.id),
      ce_source: String(event.source),
      ce_type: String(event.type),
      ce_time: String(event.time),
      ce_tenantid: String(event.tenantid),
      ce_traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01',
    });
    await expectEventually(async () => {
      const { rows } = await pool.query(
        `SELECT h.hop_id, h.decision, h.target_service, e.traceparent, p.subject AS actor
         FROM hops h JOIN events e ON e.id = h.event_id JOIN principals p ON p.id = h.actor_id WHERE h.request_id = $1`,
        [`req-billing-${run}`],
      );
      expect(rows).toEqual([
        {
          hop_id: 'invoices',
          decision: 'allow',
          target_service: 'billing-api',
          actor: 'support-console',
          traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01',
        },
      ]);
    });
  });

  it('sends every kind of bad message to the DLQ unchanged with a reason, and keeps consuming', async () => {
    const run = uniqueSuffix();
    const valid = loadScenario('vault-workflow-secret', run).events;
    const withData = (data: unknown, extra: Record<string, unknown> = {}) =>
      JSON.stringify({ ...valid[1], ...extra, data });
    let deepAct: Record<string, unknown> = { sub: 'agent:0' };
    for (let i = 1; i < 2000; i++) deepAct = { sub: `agent:${i}`, act: deepAct };
    const bad: Array<[string, string | Buffer]> = [
      ['INVALID_JSON', '{"specversion":"1.0","id":'],
      [
        'INVALID_UTF8',
        Buffer.concat([
          Buffer.from('{"specversion":"1.0","id":"'),
          Buffer.from([0xc3, 0x28]),
          Buffer.from('"}'),
        ]),
      ],
      ['INVALID_ENVELOPE', JSON.stringify({ ...valid[1], tenantid: undefined })],
      ['INVALID_DATA', withData({ ...valid[1].data, decision: 42 })],
      ['UNKNOWN_TYPE', JSON.stringify({ ...valid[1], type: 'provenant.token.minted' })],
      ['MESSAGE_TOO_LARGE', withData({ ...valid[1].data, reason: 'x'.repeat(300_000) })],
      [
        'FORBIDDEN_KEY',
        `{"specversion":"1.0","id":"p-${run}","__proto__":{"polluted":true},"data":{}}`,
      ],
      [
        'TOO_DEEP',
        withData({ ...valid[1].data, token: { jti: 'deep', claims: { act: deepAct } } }),
      ],
      ['TIME_IN_FUTURE', JSON.stringify({ ...valid[1], time: '2099-01-01T00:00:00Z' })],
    ];
    for (const [, value] of bad) await kcatProduce(topic, `bad-${run}`, value, STRUCTURED);
    await produce(valid);

    await expectEventually(async () =>
      expect(await count('SELECT count(*) FROM hops WHERE request_id = $1', [`txn-${run}`])).toBe(
        2,
      ),
    );
    const mine = await expectEventually(() => {
      const found = dlq.messages.filter((message) => message.key === `bad-${run}`);
      expect(found).toHaveLength(bad.length);
      return found;
    });
    mine.sort((a, b) => Number(BigInt(a.offset) - BigInt(b.offset)));
    bad.forEach(([code, value], index) => {
      const message = mine[index];
      expect(message.headers['x-provenant-error']).toMatch(new RegExp(`^${code}: .+`));
      expect(message.headers['x-provenant-topic']).toBe(topic);
      expect(message.headers['x-provenant-partition']).toMatch(/^\d+$/);
      expect(message.headers['x-provenant-offset']).toMatch(/^\d+$/);
      expect(message.headers['content-type']).toBe(STRUCTURED['content-type']);
      expect(Buffer.compare(message.value!, Buffer.from(value))).toBe(0);
    });
    // An independent client reads the reasons kafkajs wrote into the headers, too.
    const lines = (await kcatConsumeAll(`${topic}.dlq`)).filter((line) =>
      line.startsWith(`bad-${run}\t`),
    );
    expect(lines).toHaveLength(bad.length);
    for (const line of lines) expect(line).toMatch(/x-provenant-error-code=[A-Z_]+/);
    expect((await fetch(`http://127.0.0.1:${ingestor.port}/readyz`)).status).toBe(200);
  });

  it('ignores a redelivered event (same source and id): the graph does not change', async () => {
    const run = uniqueSuffix();
    const events = loadScenario('crm-agent-read', run).events;
    await produce(events);
    await produce(events);
    await produce([{ ...events[3], data: { ...events[3].data, decision: 'deny' } }]);
    await expectEventually(async () => {
      const metrics = await (await fetch(`http://127.0.0.1:${ingestor.port}/metrics`)).text();
      const duplicates = Number(/^provenant_events_duplicate_total (\d+)/m.exec(metrics)?.[1] ?? 0);
      expect(duplicates).toBeGreaterThanOrEqual(5);
    });
    expect(
      await count('SELECT count(*) FROM events WHERE request_id = $1', [`req-crm-${run}`]),
    ).toBe(4);
    expect(await count('SELECT count(*) FROM hops WHERE request_id = $1', [`req-crm-${run}`])).toBe(
      2,
    );
    expect(
      await count(`SELECT count(*) FROM hops WHERE request_id = $1 AND decision = 'allow'`, [
        `req-crm-${run}`,
      ]),
    ).toBe(2);
  });

  // The stories whose every hop presents a token its own request issued, judged without a
  // policy. The whole corpus, with its policy and in several orders, is replayed by
  // scenario-replay.e2e-spec.ts.
  const LINKED_STORIES = [
    'crm-agent-read',
    'cross-tenant-actor-token',
    'raw-token-in-event',
    'revoked-by-fingerprint',
    'support-tool-billing',
    'suspended-then-reinstated',
    'use-after-offboarding',
    'vault-workflow-secret',
  ];
  it.each(LINKED_STORIES.flatMap((name) => [1, 2, 3].map((seed) => [name, seed] as const)))(
    'links %s whatever the arrival order (seed %d)',
    async (name, seed) => {
      const run = uniqueSuffix();
      const scenario = loadScenario(name, run);
      await produce(shuffled(scenario.events, seed));
      await expectEventually(async () =>
        expect(await count('SELECT count(*) FROM events WHERE ce_id LIKE $1', [`%-${run}`])).toBe(
          scenario.events.length,
        ),
      );
      const hops = await pool.query(
        'SELECT hop_id AS "hopId", parent_hop_id AS "parentHopId" FROM hops WHERE request_id = $1 ORDER BY occurred_at, hop_id',
        [scenario.requestId],
      );
      expect(hops.rows).toEqual(scenario.expect.hops);
      for (const [child, parent] of Object.entries(scenario.expect.tokens)) {
        const token = await pool.query(`SELECT parent_key FROM tokens WHERE jti = $1`, [child]);
        expect(token.rows[0]?.parent_key).toMatch(new RegExp(`#${parent}$`));
      }
      const anomalies = await pool.query(
        'SELECT DISTINCT rule FROM anomalies WHERE request_id = $1 ORDER BY rule',
        [scenario.requestId],
      );
      expect(anomalies.rows.map((row) => row.rule)).toEqual([...scenario.expect.anomalies].sort());
      // Every hop's token is the one an exchange of this request issued, or its subject token.
      const unlinked = await count(
        `SELECT count(*) FROM hops h WHERE h.request_id = $1 AND NOT EXISTS
           (SELECT 1 FROM token_exchanges x WHERE x.issued_token_key = h.token_key)`,
        [scenario.requestId],
      );
      expect(unlinked).toBe(0);
    },
  );

  it('never stores a raw credential, and flags the event', async () => {
    const run = uniqueSuffix();
    const scenario = loadScenario('raw-token-in-event', run);
    await produce(scenario.events);
    const anomaly = await expectEventually(async () => {
      const { rows } = await pool.query(
        `SELECT rule, severity, details FROM anomalies WHERE request_id = $1`,
        [scenario.requestId],
      );
      expect(rows.map((row) => row.rule)).toContain('RAW_CREDENTIAL_IN_EVENT');
      return rows.find((row) => row.rule === 'RAW_CREDENTIAL_IN_EVENT');
    });
    expect(anomaly.details.findings[0].path).toBe('data.reason');
    for (const table of ['events', 'hops', 'tokens', 'anomalies', 'token_exchanges']) {
      expect(
        await count(`SELECT count(*) FROM ${table} t WHERE t::text LIKE '%' || $1 || '%'`, [
          scenario.expect.rawSecret!.slice(0, 40),
        ]),
      ).toBe(0);
    }
    const { rows } = await pool.query(`SELECT reason FROM hops WHERE request_id = $1`, [
      scenario.requestId,
    ]);
    expect(rows[0].reason).toMatch(/^upstream rejected Authorization: Bearer sha256:[0-9a-f]{64}$/);
    expect(ingestor.output()).not.toContain(scenario.expect.rawSecret!.slice(0, 40));
  });

  it('never stores the credential formats an attacker tried, wherever they sit', async () => {
    const run = uniqueSuffix();
    const scenario = loadScenario('raw-token-in-event', run);
    const action = structuredClone(scenario.events[scenario.events.length - 1]) as {
      id: string;
      data: Record<string, unknown> & { target: Record<string, unknown> };
    };
    const b64url = (text: string) => Buffer.from(text).toString('base64url');
    // Unique per run, so that nothing stored earlier can match.
    const secrets = {
      spacedJwt: `${b64url('{ "alg": "RS256" }')}.${b64url(`{"sub":"${run}"}`)}.c2ln${run}`,
      reorderedJwt: `${b64url('{"typ":"JWT",\n"alg":"ES256"}')}.${b64url('{}')}.c2ln${run}`,
      bearer: `opaque${run}Secret`,
      github: `ghp_${run}Zq8Lm2Xv5Rt9Wb3Nc6Hy1Kd4Pf7G`, // 36 after the prefix
      awsKeyId: `AKIA${run
        .toUpperCase()
        .replace(/[^A-Z2-7]/g, 'Q')
        .padEnd(16, 'X')}`,
      slack: `xoxb-1234567890-9876543210-${run}abcdefghij`,
      basic: Buffer.from(`svc-${run}:hunter2`).toString('base64'),
      urlToken: `at-${run}-value`,
      privateKey: `-----BEGIN RSA PRIVATE KEY-----\nMIIEowIBAAKCAQEA${run}`,
    };
    action.id = `leak-formats-${run}`;
    action.data.hopId = 'formats';
    action.data.reason = `tried ${secrets.spacedJwt} then BEARER\t${secrets.bearer}`;
    action.data.target.resource = `https://crm.example/cb?state=1&access_token=${secrets.urlToken}`;
    action.data.tool = { name: `git push with ${secrets.github}`, server: secrets.reorderedJwt };
    action.data.target.action = `${secrets.awsKeyId} ${secrets.slack} Basic ${secrets.basic}`;
    action.data.onBehalfOf = {
      ...(action.data.onBehalfOf as object),
      displayName: secrets.privateKey,
    };
    await produce([action]);
    const anomaly = await expectEventually(async () => {
      const { rows } = await pool.query(
        `SELECT details FROM anomalies WHERE rule = 'RAW_CREDENTIAL_IN_EVENT' AND details->>'eventId' = $1`,
        [action.id],
      );
      expect(rows).toHaveLength(1);
      return rows[0];
    });
    const kinds = (anomaly.details.findings as Array<{ kind: string }>).map((f) => f.kind);
    expect(new Set(kinds)).toEqual(
      new Set(['jwt', 'bearer', 'github', 'aws', 'slack', 'basic', 'url-parameter', 'private-key']),
    );
    for (const [name, secret] of Object.entries(secrets)) {
      for (const table of ['events', 'hops', 'principals', 'tokens', 'anomalies']) {
        const found = await count(
          `SELECT count(*) FROM ${table} t WHERE t::text LIKE '%' || $1 || '%'`,
          [secret.slice(0, 24)],
        );
        expect({ name, table, found }).toEqual({ name, table, found: 0 });
      }
      expect(ingestor.output()).not.toContain(secret.slice(0, 24));
    }
  });
});
