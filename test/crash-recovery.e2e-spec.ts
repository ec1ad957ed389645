import type { Kafka } from 'kafkajs';
import type { Pool } from 'pg';
// Plain ESM shared with the benchmarks; compiled for jest like our own code.
import { expectedCounts, generateTraffic } from '../tools/bench/traffic';
import { expectEventually } from './support/eventually';
import { createTopics, testKafka, testPool, uniqueSuffix } from './support/infra';
import { startIngestor, stopIngestor, type IngestorProcess } from './support/service-process';

/**
 * The ingestor stopped (SIGTERM), then killed (kill -9), in the middle of a real stream: afterwards every event
 * is in the graph exactly once. Offsets are committed only after a batch is stored, and
 * storing is idempotent, so a re-delivered batch adds nothing.
 */
describe('crash recovery', () => {
  const topic = `delegation-events-${uniqueSuffix()}`;
  const run = uniqueSuffix();
  const events = [...generateTraffic({ requests: 4000, seed: 7, run })];
  const expected = expectedCounts(events);
  let kafka: Kafka;
  let pool: Pool;
  const ingestors: IngestorProcess[] = [];
  // A short session lets the group notice a killed member quickly.
  const env = {
    KAFKA_TOPIC: topic,
    KAFKA_GROUP_ID: `ingestor-${topic}`,
    LOG_LEVEL: 'warn',
    KAFKA_SESSION_TIMEOUT_MS: '6000',
  };
  const stored = async (): Promise<number> =>
    Number(
      (await pool.query(`SELECT count(*) FROM events WHERE ce_id LIKE $1`, [`${run}-e%`])).rows[0]
        .count,
    );

  beforeAll(async () => {
    kafka = testKafka();
    pool = testPool();
    await createTopics(kafka, [topic, `${topic}.dlq`]);
  });

  afterAll(async () => {
    for (const ingestor of ingestors) await stopIngestor(ingestor, 'SIGKILL');
    await pool?.end();
  });

  it('loses nothing and duplicates nothing when the ingestor is stopped (SIGTERM) or killed (SIGKILL) mid-stream', async () => {
    const producer = kafka.producer();
    await producer.connect();
    // The stream keeps flowing while the ingestor dies and comes back.
    const producing = (async () => {
      for (let i = 0; i < events.length; i += 500) {
        await producer.send({
          topic,
          messages: events.slice(i, i + 500).map(({ key, value }) => ({
            key,
            value: JSON.stringify(value),
            headers: { 'content-type': 'application/cloudevents+json' },
          })),
        });
      }
    })();

    // A graceful stop (SIGTERM) first, then a crash (SIGKILL), each in mid-stream.
    for (const [threshold, signal] of [
      [2000, 'SIGTERM'],
      [9000, 'SIGKILL'],
    ] as const) {
      const ingestor = await startIngestor(env);
      ingestors.push(ingestor);
      await expectEventually(async () => expect(await stored()).toBeGreaterThan(threshold), {
        timeoutMs: 60_000,
        intervalMs: 20,
      });
      ingestor.child.kill(signal);
      expect([0, signal]).toContain(await ingestor.exited);
    }
    const survivor = await startIngestor(env);
    ingestors.push(survivor);
    await producing;
    await producer.disconnect();

    await expectEventually(async () => expect(await stored()).toBe(expected.events), {
      timeoutMs: 90_000,
      intervalMs: 200,
    });
    const counts = await pool.query(
      `SELECT (SELECT count(*) FROM token_exchanges WHERE request_id LIKE $1)::int AS exchanges,
              (SELECT count(*) FROM hops WHERE request_id LIKE $1)::int AS hops,
              (SELECT count(*) FROM (SELECT source, ce_id FROM events WHERE ce_id LIKE $2 GROUP BY 1, 2 HAVING count(*) > 1) d)::int AS duplicated`,
      [`${run}-req-%`, `${run}-e%`],
    );
    expect(counts.rows[0]).toEqual({
      exchanges: expected.exchanges,
      hops: expected.hops,
      duplicated: 0,
    });
    // Every event id the stream carried is there: nothing lost.
    const ids = await pool.query<{ ce_id: string }>(
      `SELECT ce_id FROM events WHERE ce_id LIKE $1`,
      [`${run}-e%`],
    );
    const seen = new Set(ids.rows.map((row) => row.ce_id));
    expect(events.filter(({ value }) => !seen.has(value.id))).toEqual([]);
  });
});
