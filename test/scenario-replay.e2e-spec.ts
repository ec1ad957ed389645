import { ANOMALY_RULES, EVENT_RULES } from '@app/anomalies';
import type { Kafka, Producer } from 'kafkajs';
import type { Pool } from 'pg';
import { expectEventually } from './support/eventually';
import { createTopics, testKafka, testPool, uniqueSuffix } from './support/infra';
import {
  allAnomalies,
  loadScenario,
  scenarioNames,
  scenarioPolicyEnv,
  shuffled,
  type Scenario,
} from './support/scenarios';
import { startService, stopGracefully, type IngestorProcess } from './support/service-process';

type Events = Scenario['events'];

/**
 * Every story of test/scenarios, replayed in three arrival orders, each order under its own
 * `{run}` (so its own tenants, tokens and requests) through one real ingestor: the open
 * anomalies of each story are the ones it expects, whatever the order, and a near miss
 * raises nothing at all, not even for a while.
 */
const ORDERS: Array<{ name: string; arrange: (events: Events) => Events }> = [
  { name: 'in order', arrange: (events) => events },
  { name: 'reversed', arrange: (events) => [...events].reverse() },
  { name: 'shuffled (seed 7)', arrange: (events) => shuffled(events, 7) },
];

interface AnomalyRow {
  rule: string;
  verdict: string;
  request_id: string | null;
  event_id: string | null;
}

describe('the scenario corpus in several arrival orders', () => {
  const topic = `delegation-events-${uniqueSuffix()}`;
  const base = uniqueSuffix();
  const runs = ORDERS.map((_, index) => `${base}o${index}`);
  const names = scenarioNames();
  let kafka: Kafka;
  let producer: Producer;
  let pool: Pool;
  let ingestor: IngestorProcess;

  beforeAll(async () => {
    kafka = testKafka();
    pool = testPool();
    await createTopics(kafka, [topic, `${topic}.dlq`, `${topic}-anomalies`]);
    producer = kafka.producer();
    await producer.connect();
    ingestor = await startService('ingestor', {
      KAFKA_TOPIC: topic,
      KAFKA_ANOMALY_TOPIC: `${topic}-anomalies`,
      KAFKA_GROUP_ID: `ingestor-${topic}`,
      ...scenarioPolicyEnv(runs),
    });
    // The orders side by side, in waves: wave k holds the k-th event of every story in every
    // order, and goes out once the waves before it are stored (or refused, which a test
    // below reports). So a story's events reach the store in its order, each in a later
    // batch than the one before: every order is judged as it arrives, not in one batch.
    const arranged = ORDERS.flatMap((order, index) =>
      names.map((name) => {
        const scenario = loadScenario(name, runs[index]);
        return { key: scenario.requestId, events: order.arrange(scenario.events) };
      }),
    );
    const waves = Math.max(...arranged.map((story) => story.events.length));
    let sent = 0;
    for (let wave = 0; wave < waves; wave++) {
      const messages = arranged
        .filter((story) => wave < story.events.length)
        .map((story) => ({
          key: story.key,
          value: JSON.stringify(story.events[wave]),
          headers: { 'content-type': 'application/cloudevents+json' },
        }));
      await producer.send({ topic, messages });
      sent += messages.length;
      // A batch's anomalies are written with its events: once stored, they are judged.
      await expectEventually(
        async () => {
          const { rows } = await pool.query<{ count: string }>(
            `SELECT (SELECT count(*) FROM events WHERE topic = $1)
                  + (SELECT count(*) FROM dead_letters WHERE topic = $1) AS count`,
            [topic],
          );
          expect(Number(rows[0].count)).toBe(sent);
        },
        { timeoutMs: 60_000, intervalMs: 100 },
      );
    }
  }, 240_000);

  afterAll(async () => {
    await producer?.disconnect();
    await pool?.end();
    await stopGracefully(ingestor);
  });

  /** Each story's anomalies in one run: by request, or by event for request-less claims. */
  async function anomaliesByScenario(run: string): Promise<Map<string, AnomalyRow[]>> {
    const scenarios = names.map((name) => loadScenario(name, run));
    const byRequest = new Map(
      scenarios.flatMap((s) =>
        [s.requestId, ...Object.keys(s.expect.otherRequests ?? {})].map((id) => [id, s.name]),
      ),
    );
    const byEvent = new Map(scenarios.flatMap((s) => s.events.map((e) => [e.id, s.name])));
    const { rows } = await pool.query<AnomalyRow>(
      `SELECT rule, verdict, request_id, details->>'eventId' AS event_id FROM anomalies
       WHERE request_id = ANY($1::text[]) OR (request_id IS NULL AND details->>'eventId' = ANY($2::text[]))`,
      [[...byRequest.keys()], [...byEvent.keys()]],
    );
    const found = new Map<string, AnomalyRow[]>(names.map((name) => [name, []]));
    for (const row of rows) {
      const name = row.request_id ? byRequest.get(row.request_id) : byEvent.get(row.event_id ?? '');
      found.get(name!)!.push(row);
    }
    return found;
  }

  it('stores every event of every story (none is refused)', async () => {
    const { rows } = await pool.query<{ code: string; reason: string; key: string }>(
      "SELECT code, reason, convert_from(key, 'UTF8') AS key FROM dead_letters WHERE topic = $1",
      [topic],
    );
    expect(rows).toEqual([]);
  });

  it('holds at least three positives and two near misses for every rule', () => {
    const rules = [...ANOMALY_RULES, ...EVENT_RULES].map((rule) => rule.rule);
    const coverage = new Map(
      [...rules, 'RAW_CREDENTIAL_IN_EVENT'].map((rule) => [rule, { positives: 0, nearMisses: 0 }]),
    );
    for (const name of names) {
      const { anomalies, nearMissOf } = loadScenario(name, 'x').expect;
      // A near miss raises nothing; a positive names no near miss.
      expect({ name, both: anomalies.length > 0 && nearMissOf !== undefined }).toEqual({
        name,
        both: false,
      });
      for (const rule of new Set(anomalies)) coverage.get(rule)!.positives += 1;
      if (nearMissOf) coverage.get(nearMissOf)!.nearMisses += 1;
    }
    for (const [rule, { positives, nearMisses }] of coverage)
      expect({ rule, positives: positives >= 3, nearMisses: nearMisses >= 2 }).toEqual({
        rule,
        positives: true,
        nearMisses: true,
      });
  });

  it.each(ORDERS.map((order, index) => [order.name, index] as const))(
    'raises exactly the expected open anomalies, and nothing for a near miss (%s)',
    async (_order, index) => {
      const found = await anomaliesByScenario(runs[index]);
      const actual: Record<string, string[]> = {};
      const expected: Record<string, string[]> = {};
      for (const name of names) {
        const scenario = loadScenario(name, runs[index]);
        const rows = found.get(name)!;
        // A near miss must not even raise an anomaly that a later event withdraws.
        const counted =
          scenario.expect.anomalies.length === 0 ? rows : rows.filter((r) => r.verdict === 'OPEN');
        actual[name] = counted.map((row) => row.rule).sort();
        expected[name] = allAnomalies(scenario).sort();
      }
      expect(actual).toEqual(expected);
    },
  );
});
