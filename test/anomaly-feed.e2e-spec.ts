import { anomalyEvent, anomalyEventSchema } from '@app/contract';
import { createClient } from 'graphql-ws';
import type { Kafka, Producer } from 'kafkajs';
import type { Pool } from 'pg';
import WebSocket from 'ws';
import { expectEventually } from './support/eventually';
import { devToken } from './support/graphql-client';
import {
  collectTopic,
  createTopics,
  kcatProduce,
  testKafka,
  testPool,
  uniqueSuffix,
  type ConsumedMessage,
} from './support/infra';
import { loadScenario, type Scenario } from './support/scenarios';
import {
  startService,
  stopGracefully,
  stopIngestor,
  type IngestorProcess,
} from './support/service-process';

// The live anomaly feed over the real processes: only anomalies that exist in the store reach
// a dashboard, each once and only where its tenants may see it, and a dashboard that comes
// back with the `feedCursor` of the last anomaly it saw gets what it missed, then live ones.
// A wait for "nothing else arrives" is always a wait for a later anomaly the subscriber may
// see: the feed is delivered in order, so once that one is in, nothing before it is pending.

const SUBSCRIPTION = `subscription ($after: String) {
  anomalyDetected(after: $after) { id rule requestId severity feedCursor }
}`;
const STRUCTURED = { 'content-type': 'application/cloudevents+json; charset=UTF-8' };

interface FeedAnomaly {
  id: string;
  rule: string;
  requestId: string | null;
  severity: string;
  feedCursor: string;
}

interface Feed {
  received: FeedAnomaly[];
  errors: unknown[];
  close: () => Promise<void>;
}

interface Published {
  id: string;
  requestId: string;
  seq: string;
}

const ids = (anomalies: Array<{ id: string }>): string[] => anomalies.map(({ id }) => id);
/** Tenants of a dashboard that watches every tenant of these scenario runs. */
const tenantsOf = (...runs: string[]): string[] =>
  runs.flatMap((run) => [`acme-${run}`, `globex-${run}`]);

/** A dashboard's graphql-ws subscription to the feed, resumed after `after` when given. */
async function subscribe(port: number, tenants: string[], after?: string): Promise<Feed> {
  const client = createClient({
    url: `ws://127.0.0.1:${port}/graphql`,
    webSocketImpl: WebSocket,
    connectionParams: { authorization: `Bearer ${await devToken(tenants, ['dashboard'])}` },
    lazy: false,
    retryAttempts: 0,
  });
  await new Promise<void>((resolve, reject) => {
    client.on('connected', () => resolve());
    client.on('error', reject);
  });
  const received: FeedAnomaly[] = [];
  const errors: unknown[] = [];
  const stop = client.subscribe<{ anomalyDetected: FeedAnomaly }>(
    { query: SUBSCRIPTION, variables: { after: after ?? null } },
    {
      next: (message) => {
        if (message.errors) errors.push(...message.errors);
        if (message.data) received.push(message.data.anomalyDetected);
      },
      error: (error) => errors.push(error),
      complete: () => undefined,
    },
  );
  return {
    received,
    errors,
    close: async () => {
      stop();
      await client.dispose();
    },
  };
}

describe('live anomaly feed (graphql-ws) over real ingestion', () => {
  const topic = `feed-events-${uniqueSuffix()}`;
  const anomalyTopic = `${topic}-anomalies`;
  const env = { KAFKA_TOPIC: topic, KAFKA_ANOMALY_TOPIC: anomalyTopic, KAFKA_GROUP_ID: topic };
  let kafka: Kafka;
  let producer: Producer;
  let pool: Pool;
  let onTopic: { messages: ConsumedMessage[]; stop: () => Promise<void> };
  let ingestor: IngestorProcess;
  let api: IngestorProcess;
  const feeds: Feed[] = [];

  const watch = async (tenants: string[], after?: string): Promise<Feed> => {
    const feed = await subscribe(api.port, tenants, after);
    feeds.push(feed);
    return feed;
  };

  /** Produces a scenario's events to the ingestor's topic; each raises one anomaly. */
  const ingest = async (name: string, run: string): Promise<Scenario> => {
    const scenario = loadScenario(name, run);
    await producer.send({
      topic,
      messages: scenario.events.map((event) => ({
        key: typeof event.data.requestId === 'string' ? event.data.requestId : event.id,
        value: JSON.stringify(event),
        headers: STRUCTURED,
      })),
    });
    return scenario;
  };

  /** The scenarios' anomalies once all are stored and published, in feed order. */
  const published = (scenarios: Scenario[]): Promise<Published[]> =>
    expectEventually(async () => {
      const { rows } = await pool.query<Published>(
        `SELECT id::text, request_id AS "requestId", feed_seq::text AS seq FROM anomalies
         WHERE request_id = ANY($1::text[]) ORDER BY anomalies.feed_seq`,
        [scenarios.map((scenario) => scenario.requestId)],
      );
      const expected = scenarios.reduce((sum, s) => sum + s.expect.anomalies.length, 0);
      expect(rows).toHaveLength(expected);
      expect(rows.filter((row) => row.seq === null)).toEqual([]);
      return rows;
    });

  beforeAll(async () => {
    kafka = testKafka();
    await createTopics(kafka, [topic, `${topic}.dlq`, anomalyTopic]);
    producer = kafka.producer();
    await producer.connect();
    pool = testPool();
    onTopic = await collectTopic(kafka, anomalyTopic);
    [ingestor, api] = await Promise.all([startService('ingestor', env), startService('api', env)]);
  });

  afterEach(async () => {
    for (const feed of feeds.splice(0)) {
      expect(feed.errors).toEqual([]);
      await feed.close();
    }
  });

  afterAll(async () => {
    await producer?.disconnect();
    await onTopic?.stop();
    await pool?.end();
    await stopGracefully(api, ingestor);
  });

  it('never delivers a message forged onto the anomaly topic, only anomalies from the store', async () => {
    const run = uniqueSuffix();
    const dashboard = await watch([`acme-${run}`]);
    const forged = anomalyEvent({
      id: '9000000000000000001',
      rule: 'CROSS_TENANT_DELEGATION',
      severity: 'CRITICAL',
      requestId: `req-forged-${run}`,
      tenant: `acme-${run}`,
      targetTenant: null,
      summary: 'forged',
      details: {},
      detectedAt: new Date().toISOString(),
      verdict: 'OPEN',
      verdictReason: null,
      triage: 'NEW',
      version: 1,
      changedAt: new Date().toISOString(),
      suppressedBy: null,
    });
    expect(anomalyEventSchema.safeParse(forged).success).toBe(true);
    await kcatProduce(anomalyTopic, `req-forged-${run}`, JSON.stringify(forged), STRUCTURED);
    const [real] = await published([await ingest('cross-tenant-actor-token', run)]);

    await expectEventually(() => expect(ids(dashboard.received)).toEqual([real.id]));
    expect(dashboard.received[0]).toMatchObject({
      rule: 'CROSS_TENANT_DELEGATION',
      requestId: `req-xt-${run}`,
      severity: 'CRITICAL',
    });
    // The forged message was really there for the API to read, next to the real one.
    const onTopicIds = () => onTopic.messages.map((m) => JSON.parse(m.value!.toString()).id);
    await expectEventually(() =>
      expect(onTopicIds()).toEqual(expect.arrayContaining([forged.id, real.id])),
    );
    expect(ids(dashboard.received)).not.toContain(forged.id);
  });

  it('delivers each anomaly once per subscription, only to the subscriptions of its tenants', async () => {
    const [one, two, last] = [uniqueSuffix(), uniqueSuffix(), uniqueSuffix()];
    // Every subscriber may also see `last`'s anomaly, raised after all the others.
    const both = await watch([...tenantsOf(one, two), `acme-${last}`]);
    const again = await watch([...tenantsOf(one, two), `acme-${last}`]);
    const globex = await watch([`globex-${one}`, `globex-${two}`, `acme-${last}`]);
    const stranger = await watch([`initech-${one}`, `initech-${two}`, `acme-${last}`]);
    const scenarios: Scenario[] = [];
    for (const run of [one, two])
      for (const name of ['cross-tenant-actor-token', 'use-after-offboarding'])
        scenarios.push(await ingest(name, run));
    const raised = await published(scenarios);
    // At-least-once delivery: the relay's message for one of them arrives a second time.
    const original = await expectEventually(() => {
      const message = onTopic.messages.find(
        (m) => JSON.parse(m.value!.toString()).id === raised[0].id,
      );
      expect(message).toBeDefined();
      return message!;
    });
    await kcatProduce(anomalyTopic, original.key!, original.value!, original.headers);
    const [final] = await published([await ingest('use-after-offboarding', last)]);

    const crossTenant = raised.filter((row) => row.requestId.startsWith('req-xt-'));
    await expectEventually(() => {
      expect(ids(both.received)).toEqual(ids([...raised, final]));
      expect(ids(again.received)).toEqual(ids([...raised, final]));
      expect(ids(globex.received)).toEqual(ids([...crossTenant, final]));
      expect(ids(stranger.received)).toEqual([final.id]);
    });
    expect(raised).toHaveLength(4);
    expect(crossTenant).toHaveLength(2);
  });

  it('resumes from the last feedCursor: the missed anomalies of its tenants in order, once, then live ones', async () => {
    const [one, two, three, other] = [
      uniqueSuffix(),
      uniqueSuffix(),
      uniqueSuffix(),
      uniqueSuffix(),
    ];
    const tenants = tenantsOf(one, two, three);
    const before = await watch(tenants);
    const [seen] = await published([await ingest('use-after-offboarding', one)]);
    await expectEventually(() => expect(ids(before.received)).toEqual([seen.id]));
    const cursor = before.received[0].feedCursor;
    await feeds.splice(feeds.indexOf(before), 1)[0].close();

    // Published while it is away, with another tenant's anomaly between its own two.
    const missed = await published([await ingest('cross-tenant-actor-token', two)]);
    const foreign = await published([await ingest('use-after-offboarding', other)]);
    missed.push(...(await published([await ingest('use-after-offboarding', two)])));
    expect(BigInt(foreign[0].seq)).toBeGreaterThan(BigInt(missed[0].seq));
    expect(BigInt(foreign[0].seq)).toBeLessThan(BigInt(missed[1].seq));

    const resumed = await watch(tenants, cursor);
    await expectEventually(() => expect(ids(resumed.received)).toEqual(ids(missed)));
    const [live] = await published([await ingest('use-after-offboarding', three)]);
    await expectEventually(() => expect(ids(resumed.received)).toEqual(ids([...missed, live])));
    const cursors = resumed.received.map((anomaly) => anomaly.feedCursor);
    expect(new Set([cursor, ...cursors]).size).toBe(4);
  });

  it('resumes from the last feedCursor across an API restart', async () => {
    const [one, two, three] = [uniqueSuffix(), uniqueSuffix(), uniqueSuffix()];
    const tenants = tenantsOf(one, two, three);
    const before = await watch(tenants);
    const [seen] = await published([await ingest('cross-tenant-actor-token', one)]);
    await expectEventually(() => expect(ids(before.received)).toEqual([seen.id]));
    const cursor = before.received[0].feedCursor;
    await feeds.splice(feeds.indexOf(before), 1)[0].close();

    expect([0, 'SIGTERM']).toContain(await stopIngestor(api));
    const missed = await published([
      await ingest('use-after-offboarding', one),
      await ingest('cross-tenant-actor-token', two),
    ]);
    api = await startService('api', env);

    const resumed = await watch(tenants, cursor);
    await expectEventually(() => expect(ids(resumed.received)).toEqual(ids(missed)));
    const [live] = await published([await ingest('use-after-offboarding', three)]);
    await expectEventually(() => expect(ids(resumed.received)).toEqual(ids([...missed, live])));
  });
});
