import { anomalyEventSchema } from '@app/contract';
import type { Kafka, Producer } from 'kafkajs';
import type { Pool } from 'pg';
import { gateway, send, type CloudEvent } from './support/delegation-events';
import { expectEventually } from './support/eventually';
import { devToken, graphql } from './support/graphql-client';
import { collectTopic, createTopics, testKafka, testPool, uniqueSuffix } from './support/infra';
import {
  startService,
  stopGracefully,
  stopIngestor,
  type IngestorProcess,
} from './support/service-process';

/**
 * CONTRACT §5: UNTRACKED_HOP fires when a hop's parent has not arrived within a configured
 * grace period (UNTRACKED_HOP_GRACE_MS, from the hop's arrival). The sweeper that fires it
 * keeps its waits in the database: several ingestors share them without firing twice, and
 * a crashed ingestor's successor still fires what waited during the crash.
 */
const PROVENANCE = `query ($requestId: ID!) {
  provenance(requestId: $requestId) {
    complete
    gaps { kind hopId }
    anomalies { id rule verdict verdictReason version summary }
  }
}`;

interface UntrackedRow {
  id: string;
  verdict: string;
  version: number;
  detected_at: Date;
  due_at: Date;
  changes: string[];
}

/** A request whose tool hop (h3) names a parent (h2) that is not sent. */
function orphanRequest(gw: ReturnType<typeof gateway>, requestId: string) {
  const alice = gw.person('alice', 'human');
  const bot = gw.person('agent:bot', 'agent');
  const tool = gw.person('tool:crm', 'tool');
  const events: CloudEvent[] = [
    gw.exchange(requestId, alice, bot, `alice-${requestId}`, `bot-${requestId}`),
    gw.exchange(requestId, alice, tool, `bot-${requestId}`, `tool-${requestId}`),
    gw.action(requestId, { hopId: 'h1' }, bot, alice, `bot-${requestId}`, 'crm-mcp'),
    gw.action(requestId, { hopId: 'h3', parentHopId: 'h2' }, tool, alice, `tool-${requestId}`),
  ];
  const parent = gw.action(
    requestId,
    { hopId: 'h2', parentHopId: 'h1' },
    bot,
    alice,
    `bot-${requestId}`,
  );
  return { events, parent };
}

async function untrackedHops(pool: Pool, requestId: string): Promise<UntrackedRow[]> {
  const { rows } = await pool.query<UntrackedRow>(
    `SELECT a.id::text, a.verdict::text, a.version, a.detected_at,
            (SELECT e.received_at FROM hops h JOIN events e ON e.id = h.event_id
             WHERE h.request_id = a.request_id AND h.hop_id = 'h3') + $2 * interval '1 millisecond' AS due_at,
            ARRAY(SELECT c.change FROM anomaly_changes c WHERE c.anomaly_id = a.id ORDER BY c.version) AS changes
     FROM anomalies a WHERE a.request_id = $1 AND a.rule = 'UNTRACKED_HOP' ORDER BY a.id`,
    [requestId, GRACE_MS],
  );
  return rows;
}

async function storedEvents(pool: Pool, events: CloudEvent[]): Promise<void> {
  await expectEventually(async () => {
    const { rows } = await pool.query('SELECT 1 FROM events WHERE ce_id = ANY($1::text[])', [
      events.map((event) => event.id),
    ]);
    expect(rows).toHaveLength(events.length);
  });
}

const GRACE_MS = 2000;

describe('UNTRACKED_HOP after the grace period', () => {
  const run = uniqueSuffix();
  const topic = `untracked-${run}`;
  const anomalyTopic = `${topic}-anomalies`;
  const env = {
    KAFKA_TOPIC: topic,
    KAFKA_ANOMALY_TOPIC: anomalyTopic,
    KAFKA_GROUP_ID: `ingestor-${topic}`,
    OUTBOX_POLL_MS: '200',
    UNTRACKED_HOP_GRACE_MS: String(GRACE_MS),
  };
  let kafka: Kafka;
  let producer: Producer;
  let pool: Pool;
  let ingestors: IngestorProcess[] = [];
  let api: IngestorProcess | undefined;
  let published: Awaited<ReturnType<typeof collectTopic>>;

  beforeAll(async () => {
    kafka = testKafka();
    pool = testPool();
    await createTopics(kafka, [topic, `${topic}.dlq`, anomalyTopic]);
    producer = kafka.producer();
    await producer.connect();
    published = await collectTopic(kafka, anomalyTopic);
    // Two ingestors in one group: both sweep the same waits.
    const [first, second, reader] = await Promise.all([
      startService('ingestor', env),
      startService('ingestor', env),
      startService('api', env),
    ]);
    ingestors = [first, second];
    api = reader;
  });

  afterAll(async () => {
    await published?.stop();
    await producer?.disconnect();
    await pool?.end();
    await stopGracefully(api, ...ingestors);
  });

  const tenant = `acme-${run}`;
  const gw = gateway(tenant);
  const requests = Array.from({ length: 6 }, (_, i) => ({
    requestId: `req-orphan-${i}-${run}`,
    ...orphanRequest(gw, `req-orphan-${i}-${run}`),
  }));

  it('fires after the grace and not before, exactly once with two ingestors sweeping', async () => {
    await send(
      producer,
      topic,
      requests.flatMap((request) => request.events),
    );
    await storedEvents(
      pool,
      requests.flatMap((request) => request.events),
    );

    for (const { requestId } of requests) {
      const rows = await expectEventually(
        async () => {
          const found = await untrackedHops(pool, requestId);
          expect(found).toHaveLength(1);
          return found;
        },
        { timeoutMs: 30_000 },
      );
      // Not before: the anomaly was recorded once the grace had passed since h3 arrived.
      expect(rows[0].detected_at.getTime()).toBeGreaterThanOrEqual(rows[0].due_at.getTime());
      expect(rows[0]).toMatchObject({ verdict: 'OPEN', version: 1, changes: ['DETECTED'] });
    }
    // Both sweepers ran, and nothing was left due.
    for (const ingestor of ingestors) {
      await expectEventually(async () => {
        const metrics = await (await fetch(`http://127.0.0.1:${ingestor.port}/metrics`)).text();
        expect(metrics).toMatch(/^provenant_untracked_hop_last_sweep_timestamp_seconds [1-9]/m);
        expect(metrics).toMatch(/^provenant_untracked_hop_due 0$/m);
      });
    }
    // Each request has its one anomaly, as the API shows it.
    const authorization = `Bearer ${await devToken([tenant], ['investigator'])}`;
    for (const { requestId } of requests) {
      const answer = await graphql(api!.port, PROVENANCE, { requestId }, authorization);
      const provenance = answer.data?.provenance as {
        complete: boolean;
        gaps: Array<{ kind: string; hopId: string }>;
        anomalies: Array<{ rule: string; verdict: string; version: number; summary: string }>;
      };
      expect(provenance.complete).toBe(false);
      expect(provenance.gaps).toEqual([{ kind: 'MISSING_PARENT_HOP', hopId: 'h3' }]);
      expect(provenance.anomalies).toEqual([
        expect.objectContaining({
          rule: 'UNTRACKED_HOP',
          verdict: 'OPEN',
          version: 1,
          summary: 'hop h3 names parent hop h2, which has not arrived within 2 s',
        }),
      ]);
    }
    // Published to the anomaly topic, one detection per anomaly (consumers dedupe by id).
    const ids = new Set(
      (await Promise.all(requests.map(({ requestId }) => untrackedHops(pool, requestId)))).map(
        (rows) => rows[0].id,
      ),
    );
    await expectEventually(() => {
      const detected = published.messages
        .map((message) => anomalyEventSchema.parse(JSON.parse(message.value!.toString('utf8'))))
        .filter((event) => ids.has(event.data.id));
      expect(new Set(detected.map((event) => event.data.id))).toEqual(ids);
      expect(detected.every((event) => event.data.version === 1)).toBe(true);
    });
  });

  it('withdraws it, with the reason, when the parent arrives later', async () => {
    const [late] = requests;
    const [before] = await untrackedHops(pool, late.requestId);
    expect(before).toMatchObject({ verdict: 'OPEN' });

    await send(producer, topic, [late.parent]);

    const [after] = await expectEventually(async () => {
      const rows = await untrackedHops(pool, late.requestId);
      expect(rows).toEqual([
        expect.objectContaining({
          id: before.id,
          verdict: 'WITHDRAWN',
          version: 2,
          changes: ['DETECTED', 'WITHDRAWN'],
        }),
      ]);
      return rows;
    });
    const { rows: waits } = await pool.query(
      'SELECT 1 FROM hop_parent_waits WHERE request_id = $1',
      [late.requestId],
    );
    expect(waits).toEqual([]);
    await expectEventually(() => {
      const change = published.messages
        .map((message) => anomalyEventSchema.parse(JSON.parse(message.value!.toString('utf8'))))
        .find((event) => event.data.id === after.id && event.data.version === 2);
      expect(change?.data).toMatchObject({
        verdict: 'WITHDRAWN',
        verdictReason: expect.stringContaining('no longer show it'),
      });
    });
    // The others, whose parent never came, stay open.
    for (const { requestId } of requests.slice(1))
      expect(await untrackedHops(pool, requestId)).toEqual([
        expect.objectContaining({ verdict: 'OPEN', version: 1 }),
      ]);
  });

  it('does not fire when the parent arrives within the grace', async () => {
    const requestId = `req-in-time-${run}`;
    const { events, parent } = orphanRequest(gw, requestId);
    await send(producer, topic, events);
    await storedEvents(pool, events);
    await send(producer, topic, [parent]);
    await storedEvents(pool, [parent]);
    // The wait is gone with the parent's arrival, and once the grace is over there is nothing
    // for a sweep to find: the provenance is complete and the request has no anomaly.
    const { rows } = await pool.query<{ inTime: boolean }>(
      `SELECT max(e.received_at) FILTER (WHERE h.hop_id = 'h2')
              < max(e.received_at) FILTER (WHERE h.hop_id = 'h3') + $2 * interval '1 millisecond' AS "inTime"
       FROM hops h JOIN events e ON e.id = h.event_id WHERE h.request_id = $1`,
      [requestId, GRACE_MS],
    );
    expect(rows).toEqual([{ inTime: true }]);
    await expectEventually(async () => {
      const { rows: waits } = await pool.query<{ n: string }>(
        `SELECT count(*) AS n FROM hop_parent_waits WHERE request_id = $1`,
        [requestId],
      );
      expect(waits[0].n).toBe('0');
    });
    // A later request's anomaly proves the sweepers ran past this one's grace.
    const marker = orphanRequest(gw, `req-marker-${run}`);
    await send(producer, topic, marker.events);
    await expectEventually(async () =>
      expect(await untrackedHops(pool, `req-marker-${run}`)).toHaveLength(1),
    );
    expect(await untrackedHops(pool, requestId)).toEqual([]);
  });
});

describe('UNTRACKED_HOP across an ingestor crash during the grace', () => {
  const run = uniqueSuffix();
  const topic = `untracked-crash-${run}`;
  const CRASH_GRACE_MS = 8000;
  const env = {
    KAFKA_TOPIC: topic,
    KAFKA_ANOMALY_TOPIC: `${topic}-anomalies`,
    KAFKA_GROUP_ID: `ingestor-${topic}`,
    OUTBOX_POLL_MS: '200',
    UNTRACKED_HOP_GRACE_MS: String(CRASH_GRACE_MS),
  };
  let kafka: Kafka;
  let producer: Producer;
  let pool: Pool;
  let ingestor: IngestorProcess | undefined;

  beforeAll(async () => {
    kafka = testKafka();
    pool = testPool();
    await createTopics(kafka, [topic, `${topic}.dlq`, `${topic}-anomalies`]);
    producer = kafka.producer();
    await producer.connect();
    ingestor = await startService('ingestor', env);
  });

  afterAll(async () => {
    await producer?.disconnect();
    await pool?.end();
    await stopGracefully(ingestor);
  });

  it('still fires it once restarted: the wait was in the database, not in the process', async () => {
    const gw = gateway(`acme-${run}`);
    const requestId = `req-crash-${run}`;
    const { events } = orphanRequest(gw, requestId);
    await send(producer, topic, events);
    await storedEvents(pool, events);

    await stopIngestor(ingestor!, 'SIGKILL');
    ingestor = undefined;
    // Killed within the grace, before anything fired.
    const { rows } = await pool.query<{ within: boolean }>(
      `SELECT e.received_at + $2 * interval '1 millisecond' > now() AS within
       FROM hops h JOIN events e ON e.id = h.event_id WHERE h.request_id = $1 AND h.hop_id = 'h3'`,
      [requestId, CRASH_GRACE_MS],
    );
    expect(rows).toEqual([{ within: true }]);
    expect(await anomaliesOf(pool, requestId)).toEqual([]);

    ingestor = await startService('ingestor', env);
    await expectEventually(async () =>
      expect(await anomaliesOf(pool, requestId)).toEqual(['UNTRACKED_HOP']),
    );
  });
});

async function anomaliesOf(pool: Pool, requestId: string): Promise<string[]> {
  const { rows } = await pool.query<{ rule: string }>(
    `SELECT rule FROM anomalies WHERE request_id = $1 AND verdict = 'OPEN' ORDER BY rule`,
    [requestId],
  );
  return rows.map((row) => row.rule);
}
