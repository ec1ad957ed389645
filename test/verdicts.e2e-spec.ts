import { ANOMALY_UPDATED, anomalyEventSchema, type AnomalyEvent } from '@app/contract';
import type { Kafka, Producer } from 'kafkajs';
import type { Pool } from 'pg';
import { expectEventually } from './support/eventually';
import { devToken, graphql } from './support/graphql-client';
import {
  collectTopic,
  createTopics,
  testKafka,
  testPool,
  uniqueSuffix,
  type ConsumedMessage,
} from './support/infra';
import { loadScenario, shuffled, type Scenario } from './support/scenarios';
import { startService, stopGracefully, type IngestorProcess } from './support/service-process';

/**
 * CONTRACT §5: verdicts converge. Once all of a request's events have arrived, the set of
 * open anomalies is the same whatever their order and batching; a verdict later facts clear
 * is withdrawn (kept, with the reason), not deleted. Each order below sends one event at a
 * time and waits until it is stored, so every event is judged in a batch of its own.
 */
const PROVENANCE = `query ($requestId: ID!) {
  provenance(requestId: $requestId) {
    hops { hopId }
    anomalies { id rule verdict verdictReason version triage }
  }
}`;

interface AnomalyView {
  id: string;
  rule: string;
  verdict: string;
  verdictReason: string | null;
  version: number;
  triage: string;
}

describe('verdicts converge whatever the arrival order', () => {
  const run = uniqueSuffix();
  const topic = `verdicts-${run}`;
  const anomalyTopic = `${topic}-anomalies`;
  let kafka: Kafka;
  let producer: Producer;
  let pool: Pool;
  let ingestor: IngestorProcess | undefined;
  let api: IngestorProcess | undefined;
  let published: Awaited<ReturnType<typeof collectTopic>>;

  beforeAll(async () => {
    kafka = testKafka();
    pool = testPool();
    await createTopics(kafka, [topic, `${topic}.dlq`, anomalyTopic]);
    producer = kafka.producer();
    await producer.connect();
    published = await collectTopic(kafka, anomalyTopic);
    const env = {
      KAFKA_TOPIC: topic,
      KAFKA_ANOMALY_TOPIC: anomalyTopic,
      KAFKA_GROUP_ID: `ingestor-${topic}`,
      OUTBOX_POLL_MS: '200',
    };
    [ingestor, api] = await Promise.all([startService('ingestor', env), startService('api', env)]);
  });

  afterAll(async () => {
    await published?.stop();
    await producer?.disconnect();
    await pool?.end();
    await stopGracefully(api, ingestor);
  });

  /** Sends the scenario's events in `order`, each once the one before it is stored. */
  async function replay(scenario: Scenario, order: number[]): Promise<AnomalyView[]> {
    for (const index of order) {
      const event = scenario.events[index];
      await producer.send({
        topic,
        messages: [
          {
            key: scenario.requestId,
            value: JSON.stringify(event),
            headers: { 'content-type': 'application/cloudevents+json' },
          },
        ],
      });
      await expectEventually(async () => {
        const { rows } = await pool.query('SELECT 1 FROM events WHERE ce_id = $1', [event.id]);
        expect(rows).toHaveLength(1);
      });
    }
    const tenant = String(scenario.events[0].tenantid);
    const authorization = `Bearer ${await devToken([tenant], ['investigator'])}`;
    return expectEventually(async () => {
      const answer = await graphql(
        api!.port,
        PROVENANCE,
        { requestId: scenario.requestId },
        authorization,
      );
      const provenance = answer.data?.provenance as
        { hops: unknown[]; anomalies: AnomalyView[] } | undefined;
      expect(provenance?.hops).toHaveLength(scenario.expect.hops.length);
      return provenance!.anomalies;
    });
  }

  const open = (anomalies: AnomalyView[]) =>
    anomalies
      .filter((anomaly) => anomaly.verdict === 'OPEN')
      .map((anomaly) => anomaly.rule)
      .sort();

  it('withdraws an orphaned delegation once the origin turns out to have been reinstated before the use', async () => {
    // Exchange, disable, the use after reinstatement, the use during suspension, and only
    // then the reinstatement: until it arrives, both uses look orphaned.
    const scenario = loadScenario('suspended-then-reinstated', `${run}-a`);
    const anomalies = await replay(scenario, [0, 1, 4, 3, 2]);

    expect(open(anomalies)).toEqual(scenario.expect.anomalies);
    const withdrawn = anomalies.filter((anomaly) => anomaly.verdict === 'WITHDRAWN');
    expect(withdrawn).toEqual([
      expect.objectContaining({
        rule: 'ORPHANED_DELEGATION',
        version: 2,
        triage: 'NEW',
        verdictReason: expect.stringContaining('no longer show it'),
      }),
    ]);
    // Consumers of the anomaly topic learn of the change: the same anomaly, version 2.
    const change = await expectEventually(() => {
      const events = published.messages
        .map((message: ConsumedMessage) =>
          anomalyEventSchema.parse(JSON.parse(message.value!.toString('utf8'))),
        )
        .filter((event: AnomalyEvent) => event.data.id === withdrawn[0].id);
      expect(events.map((event) => [event.type, event.data.version])).toEqual([
        ['provenant.anomaly.detected', 1],
        [ANOMALY_UPDATED, 2],
      ]);
      return events[1];
    });
    expect(change).toMatchObject({
      id: `${withdrawn[0].id}.2`,
      data: { verdict: 'WITHDRAWN', verdictReason: withdrawn[0].verdictReason },
    });
  });

  it('reaches the same open anomalies in every order tried', async () => {
    const orders = [
      [0, 1, 2, 3, 4],
      [4, 3, 2, 1, 0],
      [2, 4, 0, 3, 1],
      ...[11, 12, 13].map((seed) => shuffled([0, 1, 2, 3, 4], seed)),
    ];
    const outcomes: string[][] = [];
    for (const [index, order] of orders.entries()) {
      const scenario = loadScenario('suspended-then-reinstated', `${run}-o${index}`);
      outcomes.push(open(await replay(scenario, order)));
    }
    expect(outcomes).toEqual(orders.map(() => ['ORPHANED_DELEGATION']));
  });

  it('takes a jti and a fingerprint named together as one token, whichever event comes first', async () => {
    // The revocation names the token by its fingerprint alone, the use by its jti alone;
    // only the exchange names both. Every order of the three, each event a batch of its own.
    const orders = [
      [0, 1, 2],
      [0, 2, 1],
      [1, 0, 2],
      [1, 2, 0],
      [2, 0, 1],
      [2, 1, 0],
    ];
    const outcomes: string[][] = [];
    for (const [index, order] of orders.entries()) {
      const scenario = loadScenario('revoked-by-fingerprint', `${run}-f${index}`);
      outcomes.push(open(await replay(scenario, order)));
    }
    expect(outcomes).toEqual(orders.map(() => ['USE_AFTER_REVOCATION']));
  });
});
