import { anomalyEventSchema } from '@app/contract';
import { ConfigResourceTypes, type Kafka, type Producer } from 'kafkajs';
import type { Pool } from 'pg';
import { expectEventually } from './support/eventually';
import {
  committedOffsets,
  endOffsets,
  holdLedgerTurn,
  holdPrincipalLock,
  metricValue,
  type PrincipalKey,
} from './support/faults';
import {
  collectTopic,
  createTopics,
  kcatProduce,
  testKafka,
  testPool,
  uniqueSuffix,
  type ConsumedMessage,
} from './support/infra';
import { loadScenario } from './support/scenarios';
import { startIngestor, stopIngestor, type IngestorProcess } from './support/service-process';

// What must hold whatever gateways send and whatever happens to the processes around the
// ingestor: no message stops a partition, nothing stored is lost on the way out, and a
// shutdown or a database failure costs nothing. Each test has its own topics and group.

const STRUCTURED = { 'content-type': 'application/cloudevents+json' };

interface Lane {
  topic: string;
  groupId: string;
  anomalyTopic: string;
  env: Record<string, string>;
}

async function lane(kafka: Kafka, anomalyTopicConfig: Record<string, string> = {}): Promise<Lane> {
  const topic = `resilience-${uniqueSuffix()}`;
  const anomalyTopic = `${topic}-anomalies`;
  await createTopics(kafka, [topic, `${topic}.dlq`], 1);
  const admin = kafka.admin();
  await admin.connect();
  await admin.createTopics({
    waitForLeaders: true,
    topics: [
      {
        topic: anomalyTopic,
        numPartitions: 1,
        replicationFactor: 1,
        configEntries: Object.entries(anomalyTopicConfig).map(([name, value]) => ({ name, value })),
      },
    ],
  });
  await admin.disconnect();
  const groupId = `ingestor-${topic}`;
  return {
    topic,
    groupId,
    anomalyTopic,
    env: {
      KAFKA_TOPIC: topic,
      KAFKA_GROUP_ID: groupId,
      KAFKA_ANOMALY_TOPIC: anomalyTopic,
      OUTBOX_POLL_MS: '200',
      INGESTOR_LAG_INTERVAL_MS: '300',
    },
  };
}

describe('nothing stops the stream, nothing is lost', () => {
  let kafka: Kafka;
  let producer: Producer;
  let pool: Pool;
  const running: IngestorProcess[] = [];

  const start = async (env: Record<string, string>) => {
    const ingestor = await startIngestor(env);
    running.push(ingestor);
    return ingestor;
  };
  const send = (topic: string, key: string, values: Array<string | Buffer>) =>
    producer.send({
      topic,
      messages: values.map((value) => ({ key, value, headers: STRUCTURED })),
    });
  const stored = async (ceIds: string[]) =>
    (
      await pool.query<{ ce_id: string }>(
        'SELECT ce_id FROM events WHERE ce_id = ANY($1) ORDER BY ce_id',
        [ceIds],
      )
    ).rows.map((row) => row.ce_id);
  const billing = (run: string) => {
    const scenario = loadScenario('support-tool-billing', run);
    const action = scenario.events[1];
    const actor = action.data.actor as { id: string; issuer: string };
    const principal: PrincipalKey = {
      tenant: String(action.tenantid),
      issuer: actor.issuer,
      subject: actor.id,
    };
    return { scenario, action, principal };
  };

  beforeAll(async () => {
    kafka = testKafka();
    pool = testPool();
    producer = kafka.producer();
    await producer.connect();
  });

  // Every lane shares this run's database, so one outbox: an ingestor left running by an
  // earlier test would relay a later test's anomalies to its own lane's topic.
  afterEach(async () => {
    for (const ingestor of running.splice(0)) await stopIngestor(ingestor, 'SIGKILL');
  });

  afterAll(async () => {
    await producer?.disconnect();
    await pool?.end();
  });

  it('isolates every message the store cannot take and stores the rest of the batch once', async () => {
    const { topic, groupId, env } = await lane(kafka);
    const dlq = await collectTopic(kafka, `${topic}.dlq`);
    const ingestor = await start(env);
    const run = uniqueSuffix();
    const [first, second, third] = loadScenario('support-tool-billing', run).events;
    const json = (event: unknown) => JSON.stringify(event);
    const withReason = (reasonJson: string, id: string) =>
      json({ ...second, id }).replace('"decision"', `"reason":${reasonJson},"decision"`);
    const wide = '\u4e2d'.repeat(300); // 300 characters, 900 bytes: too long for an index
    const poison: Array<[string, string]> = [
      ['UNSTORABLE_TEXT', withReason('"nul \\u0000 here"', `nul-${run}`)],
      ['UNSTORABLE_TEXT', withReason('"half \\ud83d pair"', `surrogate-${run}`)],
      [
        'INVALID_DATA',
        json({
          ...second,
          id: `wide-${run}`,
          data: { ...second.data, actor: { ...(second.data.actor as object), id: wide } },
        }),
      ],
      // Valid by the contract, refused by PostgreSQL (no year 0): the class, not a list.
      [
        'STORAGE_REFUSED',
        json({ ...second, id: `year-zero-${run}`, time: '0000-01-01T00:00:00Z' }),
      ],
      // ...delivered twice in the batch: each delivery is dead-lettered.
      [
        'STORAGE_REFUSED',
        json({ ...second, id: `year-zero-${run}`, time: '0000-01-01T00:00:00Z' }),
      ],
    ];
    // One send, one partition: the producer retry case (the same event twice in one
    // batch) and the poison share a batch with valid events before and after them.
    await send(topic, `req-${run}`, [
      json(first),
      json(first),
      ...poison.map(([, value]) => value),
      json(second),
      json(second),
    ]);
    await send(topic, `req-${run}`, [json(third)]);

    await expectEventually(async () =>
      expect(await stored([first.id, second.id, third.id])).toEqual(
        [first.id, second.id, third.id].sort(),
      ),
    );
    const letters = await expectEventually(() => {
      expect(dlq.messages).toHaveLength(poison.length);
      return dlq.messages;
    });
    expect(letters.map((m) => m.headers['x-provenant-error-code']).sort()).toEqual(
      poison.map(([code]) => code).sort(),
    );
    for (const letter of letters) {
      const [, value] = poison.find(([, candidate]) =>
        letter.value!.equals(Buffer.from(candidate)),
      )!;
      expect(letter.headers['x-provenant-error']).not.toContain('\u4e2d');
      expect(letter.headers['x-provenant-topic']).toBe(topic);
      expect(letter.value!.equals(Buffer.from(value))).toBe(true);
    }
    expect(
      Number(
        (await pool.query('SELECT count(*) FROM events WHERE ce_id = $1', [first.id])).rows[0]
          .count,
      ),
    ).toBe(1);
    // The partition advanced past all of it, and the process says it is fine.
    await expectEventually(async () =>
      expect((await committedOffsets(kafka, groupId, topic)).get(0)).toBe(
        (await endOffsets(kafka, topic)).get(0),
      ),
    );
    expect((await fetch(`http://127.0.0.1:${ingestor.port}/readyz`)).status).toBe(200);
    await dlq.stop();
  });

  it('publishes every stored anomaly although the broker refused it when it was stored, across a kill -9', async () => {
    // min.insync.replicas above the replication factor: every acks=all produce is refused.
    const { topic, anomalyTopic, env } = await lane(kafka, { 'min.insync.replicas': '2' });
    let ingestor = await start(env);
    const run = uniqueSuffix();
    const attack = loadScenario('cross-tenant-actor-token', run);
    await send(
      topic,
      attack.requestId,
      attack.events.map((event) => JSON.stringify(event)),
    );
    const ids = await expectEventually(async () => {
      const { rows } = await pool.query<{ id: string }>(
        'SELECT id::text FROM anomalies WHERE request_id = $1 ORDER BY id',
        [attack.requestId],
      );
      expect(rows.length).toBeGreaterThan(0);
      return rows.map((row) => row.id);
    });
    await stopIngestor(ingestor, 'SIGKILL');

    const admin = kafka.admin();
    await admin.connect();
    await admin.alterConfigs({
      validateOnly: false,
      resources: [
        {
          type: ConfigResourceTypes.TOPIC,
          name: anomalyTopic,
          configEntries: [{ name: 'min.insync.replicas', value: '1' }],
        },
      ],
    });
    await admin.disconnect();
    const published = await collectTopic(kafka, anomalyTopic);
    ingestor = await start(env);
    const events = await expectEventually(() => {
      const parsed = published.messages.map((message) =>
        anomalyEventSchema.parse(JSON.parse(message.value!.toString('utf8'))),
      );
      expect([...new Set(parsed.map((event) => event.id))].sort()).toEqual([...ids].sort());
      return parsed;
    });
    for (const event of events) {
      expect(event.type).toBe('provenant.anomaly.detected');
      expect(event.data.requestId).toBe(attack.requestId);
    }
    expect(published.messages.every((m) => m.key === attack.requestId)).toBe(true);
    await expectEventually(async () =>
      expect(
        Number(
          (
            await pool.query(
              'SELECT count(*) FROM anomaly_outbox WHERE anomaly_id = ANY($1::bigint[])',
              [ids],
            )
          ).rows[0].count,
        ),
      ).toBe(0),
    );
    await published.stop();
    await stopIngestor(ingestor);
  });

  it('gives every stored event exactly one place in the ledger order across a kill -9 before it had one', async () => {
    const { topic, env } = await lane(kafka);
    let ingestor = await start(env);
    const attack = loadScenario('cross-tenant-actor-token', uniqueSuffix());
    const ceIds = attack.events.map((event) => event.id);
    const idsOf = async () =>
      (
        await pool.query<{ id: string }>(
          'SELECT id::text FROM events WHERE ce_id = ANY($1) ORDER BY id',
          [ceIds],
        )
      ).rows.map((row) => row.id);
    const places = async (ids: string[]) =>
      (
        await pool.query<{ leaf_index: string }>(
          'SELECT leaf_index::text FROM ledger_entries WHERE event_id = ANY($1::bigint[])',
          [ids],
        )
      ).rows.map((row) => row.leaf_index);
    const turn = await holdLedgerTurn(pool);
    let ids: string[];
    try {
      await send(
        topic,
        attack.requestId,
        attack.events.map((event) => JSON.stringify(event)),
      );
      // Stored and committed, waiting for their place, when the process dies.
      ids = await expectEventually(async () => {
        const stored = await idsOf();
        expect(stored).toHaveLength(ceIds.length);
        return stored;
      });
      await expectEventually(async () =>
        expect(await metricValue(ingestor.port, 'provenant_ledger_pending')).toBeGreaterThanOrEqual(
          ids.length,
        ),
      );
      expect(await places(ids)).toEqual([]);
      await stopIngestor(ingestor, 'SIGKILL');
    } finally {
      await turn.release();
    }

    ingestor = await start(env);
    await expectEventually(async () => expect(await places(ids)).toHaveLength(ids.length));
    expect(new Set(await places(ids)).size).toBe(ids.length);
    const queued = await pool.query(
      'SELECT count(*)::int AS n FROM ledger_queue WHERE event_id = ANY($1::bigint[])',
      [ids],
    );
    expect(queued.rows[0].n).toBe(0);
    // Positions have no holes: a reader that saw position N has seen every one below it.
    const ledger = await pool.query<{ n: number; head: number }>(
      'SELECT count(*)::int AS n, coalesce(max(leaf_index), -1)::int AS head FROM ledger_entries',
    );
    expect(ledger.rows[0].n).toBe(ledger.rows[0].head + 1);
  });

  it('rides through the database dropping its connection mid-batch, without a supervisor', async () => {
    const { topic, env } = await lane(kafka);
    const ingestor = await start(env);
    const { scenario, action, principal } = billing(uniqueSuffix());
    const lock = await holdPrincipalLock(pool, principal);
    try {
      await send(topic, scenario.requestId, [JSON.stringify(action)]);
      const waiting = await expectEventually(async () => {
        const pids = await lock.waiters();
        expect(pids.length).toBeGreaterThan(0);
        return pids;
      });
      // The connection the batch has checked out is killed under it.
      for (const pid of waiting) await pool.query('SELECT pg_terminate_backend($1)', [pid]);
    } finally {
      await lock.release();
    }
    await expectEventually(async () => expect(await stored([action.id])).toEqual([action.id]));
    expect(ingestor.child.exitCode).toBeNull();
    expect(await metricValue(ingestor.port, 'provenant_storage_retries_total')).toBeGreaterThan(0);
    await expectEventually(async () =>
      expect((await fetch(`http://127.0.0.1:${ingestor.port}/readyz`)).status).toBe(200),
    );
  });

  it('on SIGTERM finishes the batch in hand, commits it, then closes the pool', async () => {
    const { topic, groupId, env } = await lane(kafka);
    const ingestor = await start(env);
    const { scenario, action, principal } = billing(uniqueSuffix());
    const lock = await holdPrincipalLock(pool, principal);
    try {
      await send(topic, scenario.requestId, [JSON.stringify(action)]);
      await expectEventually(async () => expect((await lock.waiters()).length).toBeGreaterThan(0));
      ingestor.child.kill('SIGTERM');
      // The lock is released only once shutdown is under way with the batch still in hand.
      await expectEventually(() => expect(ingestor.output()).toContain('stopping:'));
    } finally {
      await lock.release();
    }
    expect([0, 'SIGTERM']).toContain(await ingestor.exited);
    expect(await stored([action.id])).toEqual([action.id]);
    expect((await committedOffsets(kafka, groupId, topic)).get(0)).toBe(
      (await endOffsets(kafka, topic)).get(0),
    );
  });

  it('on SIGTERM exits uncommitted after SHUTDOWN_DEADLINE_MS when the batch cannot finish', async () => {
    const { topic, groupId, env } = await lane(kafka);
    const ingestor = await start({ ...env, SHUTDOWN_DEADLINE_MS: '2000' });
    const { scenario, action, principal } = billing(uniqueSuffix());
    const lock = await holdPrincipalLock(pool, principal);
    try {
      await send(topic, scenario.requestId, [JSON.stringify(action)]);
      await expectEventually(async () => expect((await lock.waiters()).length).toBeGreaterThan(0));
      ingestor.child.kill('SIGTERM');
      expect(await ingestor.exited).toBe(1);
      expect(ingestor.output()).toContain('shutdown deadline passed');
      expect((await committedOffsets(kafka, groupId, topic)).get(0) ?? -1).toBeLessThan(
        (await endOffsets(kafka, topic)).get(0)!,
      );
    } finally {
      await lock.release();
    }
    // The next process stores it, once.
    await start(env);
    await expectEventually(async () => expect(await stored([action.id])).toEqual([action.id]));
  });

  it('records a dead letter once however often its message is read again', async () => {
    const { topic, groupId, env } = await lane(kafka);
    const dlq = await collectTopic(kafka, `${topic}.dlq`);
    let ingestor = await start(env);
    const run = uniqueSuffix();
    const [first] = loadScenario('support-tool-billing', run).events;
    await send(topic, `req-${run}`, ['{"oops', 'not json either', JSON.stringify(first)]);
    await expectEventually(() => expect(dlq.messages).toHaveLength(2));
    await stopIngestor(ingestor);

    // Read the whole partition again, as after a crash before the offset commit.
    const admin = kafka.admin();
    await admin.connect();
    await admin.resetOffsets({ groupId, topic, earliest: true });
    await admin.disconnect();
    ingestor = await start(env);
    await expectEventually(async () =>
      expect(await metricValue(ingestor.port, 'provenant_events_duplicate_total')).toBe(1),
    );
    await expectEventually(async () =>
      expect(
        await metricValue(ingestor.port, 'provenant_outbox_pending', '{kind="dead_letter"}'),
      ).toBe(0),
    );
    const recorded = await pool.query(
      'SELECT code, published_at IS NOT NULL AS published, value IS NULL AS cleared FROM dead_letters WHERE topic = $1',
      [topic],
    );
    expect(recorded.rows).toEqual([
      { code: 'INVALID_JSON', published: true, cleared: true },
      { code: 'INVALID_JSON', published: true, cleared: true },
    ]);
    // Counted on the topic itself (its end offset), not by a reader that could see a message twice.
    expect((await endOffsets(kafka, `${topic}.dlq`)).get(0)).toBe(2);
    expect(
      dlq.messages.map((m: ConsumedMessage) => m.headers['x-provenant-offset']).sort(),
    ).toEqual(['0', '1']);
    await dlq.stop();
  });

  it('redacts raw credentials from the dead-letter copy, value and headers alike', async () => {
    const { topic, env } = await lane(kafka);
    const dlq = await collectTopic(kafka, `${topic}.dlq`);
    await start(env);
    const jwt = `eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ2aWN0aW0ifQ.${uniqueSuffix()}sig`;
    const bearer = `opaque-${uniqueSuffix()}-secret`;
    await kcatProduce(topic, 'req-leak', `{"oops": "${jwt}"`, {
      'content-type': 'application/cloudevents+json',
      authorization: `Bearer ${bearer}`,
    });
    const [letter] = await expectEventually(() => {
      expect(dlq.messages).toHaveLength(1);
      return dlq.messages;
    });
    const copy = `${letter.value!.toString('utf8')} ${JSON.stringify(letter.headers)}`;
    expect(copy).not.toContain(jwt);
    expect(copy).not.toContain(bearer);
    expect(letter.headers['x-provenant-redacted']).toBe('true');
    expect(letter.headers.authorization).toMatch(/^Bearer sha256:[0-9a-f]{64}$/);
    const stored = await pool.query(
      `SELECT count(*) FROM dead_letters d WHERE d::text LIKE '%' || $1 || '%' OR encode(d.value, 'escape') LIKE '%' || $1 || '%'`,
      [jwt.slice(0, 30)],
    );
    expect(stored.rows[0].count).toBe('0');
    await dlq.stop();
  });

  it('says when a partition stops advancing, and when it moves again', async () => {
    const { topic, env } = await lane(kafka);
    const ingestor = await start({ ...env, INGESTOR_STALL_AFTER_MS: '1500' });
    const { scenario, action, principal } = billing(uniqueSuffix());
    const lock = await holdPrincipalLock(pool, principal);
    try {
      await send(topic, scenario.requestId, [JSON.stringify(action)]);
      await expectEventually(async () => {
        const response = await fetch(`http://127.0.0.1:${ingestor.port}/readyz`);
        expect(response.status).toBe(503);
        expect(await response.text()).toContain('partition 0 (lag 1');
      });
      // Readiness computes the stall when asked; the gauges follow at the next measurement.
      const labels = `{topic="${topic}",partition="0"}`;
      await expectEventually(async () => {
        expect(await metricValue(ingestor.port, 'provenant_partition_stalled', labels)).toBe(1);
        expect(await metricValue(ingestor.port, 'provenant_consumer_lag', labels)).toBe(1);
        expect(
          await metricValue(
            ingestor.port,
            'provenant_consumer_oldest_unprocessed_age_seconds',
            labels,
          ),
        ).toBeGreaterThan(1);
      });
    } finally {
      await lock.release();
    }
    await expectEventually(async () =>
      expect((await fetch(`http://127.0.0.1:${ingestor.port}/readyz`)).status).toBe(200),
    );
    const labels = `{topic="${topic}",partition="0"}`;
    await expectEventually(async () =>
      expect(await metricValue(ingestor.port, 'provenant_partition_stalled', labels)).toBe(0),
    );
  });
});
