import { anomalyEventSchema } from '@app/contract';
import { createClient } from 'graphql-ws';
import { Kafka, logLevel, type Producer } from 'kafkajs';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Pool } from 'pg';
import WebSocket from 'ws';
import { generateTraffic, type TrafficEvent } from '../../tools/bench/traffic';
import {
  createDatabase,
  dropDatabase,
  ensureDevKeys,
  freePort,
  migrate,
  startKafka,
  type KafkaBroker,
} from '../../tools/infra';
import { expectEventually } from '../support/eventually';
import { committedOffsets, endOffsets } from '../support/faults';
import { devToken } from '../support/graphql-client';
import { uniqueSuffix } from '../support/infra';
import { startService, stopIngestor, type IngestorProcess } from '../support/service-process';
import { TcpProxy } from './tcp-proxy';

// The fault suite: a stream of realistic events with known anomalies and invalid messages,
// and while it is ingested, the faults an operator meets (kill -9, members dying in a
// group, a broker restart, database connections terminated, the database unreachable).
// After each: every valid event stored exactly once, every invalid one dead-lettered once,
// anomalies stored = published = received by a live subscriber; and how long recovery took.
// `npm run test:faults` runs it at full size and prints the table and a JSON line.

const EVENTS = Number(process.env.FAULT_EVENTS ?? 4000);
const KILLS = Number(process.env.FAULT_KILLS ?? 3);
const OUTAGE_MS = Number(process.env.FAULT_OUTAGE_MS ?? 5000);
const REPORT = process.env.FAULT_REPORT;
const PARTITIONS = 6;
const INVALID_EVERY = 97;
const ADMIN_URL =
  process.env.TEST_DATABASE_ADMIN_URL ?? 'postgresql://postgres@127.0.0.1:5432/postgres';
const PG = { host: '127.0.0.1', port: Number(new URL(ADMIN_URL).port || 5432) };

interface Lab {
  broker: KafkaBroker;
  kafka: Kafka;
  proxy: TcpProxy;
  pool: Pool;
  topic: string;
  groupId: string;
  env: Record<string, string>;
  ingestors: IngestorProcess[];
  startIngestor(): Promise<IngestorProcess>;
  /** Resolves once `fraction` of the valid events are stored. */
  progress(fraction: number): Promise<void>;
  /** Milliseconds until every partition that had lag at this call moves again. */
  recovery(): Promise<() => Promise<number>>;
}

interface Row {
  experiment: string;
  produced: number;
  stored: number;
  lost: number;
  duplicated: number;
  invalid: number;
  deadLettersRecorded: number;
  dlqMessages: number;
  anomaliesStored: number;
  anomaliesPublished: number;
  anomaliesReceived: number;
  receivedTwice: number;
  recoveryMs: number[];
  seconds: number;
}

// A full run (`npm run test:faults`) takes minutes per experiment.
jest.setTimeout(45 * 60_000);

const rows: Row[] = [];
const median = (values: number[]) => {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
};

function invalidMessage(n: number): Buffer {
  const kinds = [
    '{"oops',
    JSON.stringify({ specversion: '1.0', id: `bad-${n}`, type: 'provenant.unknown' }),
    `{"specversion":"1.0","id":"nul-${n}","source":"gw://x","type":"provenant.token.revoked","time":"2026-11-22T10:00:00Z","tenantid":"t\\u0000"}`,
  ];
  return Buffer.from(kinds[n % kinds.length]);
}

async function produceStream(producer: Producer, topic: string, events: TrafficEvent[]) {
  let invalid = 0;
  for (let start = 0; start < events.length; start += 1000) {
    const messages = events.slice(start, start + 1000).flatMap((event, i) => {
      const message = {
        key: event.key,
        value: JSON.stringify(event.value),
        headers: { 'content-type': 'application/cloudevents+json' },
      };
      if ((start + i) % INVALID_EVERY !== 0) return [message];
      invalid += 1;
      return [
        message,
        { key: event.key, value: invalidMessage(start + i), headers: message.headers },
      ];
    });
    await producer.send({ topic, messages });
  }
  return invalid;
}

/** A dashboard subscribed to every tenant of the stream, counting what it receives. */
async function subscribe(port: number, tenants: string[]) {
  const received: string[] = [];
  const client = createClient({
    url: `ws://127.0.0.1:${port}/graphql`,
    webSocketImpl: WebSocket,
    connectionParams: {
      authorization: `Bearer ${await devToken(tenants, ['dashboard'], { exp: '2h' })}`,
    },
    lazy: false,
    retryAttempts: 50,
  });
  client.subscribe<{ anomalyDetected: { id: string } }>(
    { query: 'subscription { anomalyDetected { id } }' },
    {
      next: (message) => message.data && received.push(message.data.anomalyDetected.id),
      error: () => undefined,
      complete: () => undefined,
    },
  );
  return { received, close: () => client.dispose() };
}

async function readAnomalyIds(kafka: Kafka, topic: string, expected: number): Promise<string[]> {
  const ids: string[] = [];
  const consumer = kafka.consumer({ groupId: `faults-reader-${uniqueSuffix()}` });
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  await consumer.run({
    eachMessage: ({ message }) => {
      ids.push(anomalyEventSchema.parse(JSON.parse(message.value!.toString('utf8'))).id);
      return Promise.resolve();
    },
  });
  await expectEventually(() => expect(new Set(ids).size).toBeGreaterThanOrEqual(expected), {
    timeoutMs: 120_000,
  }).catch(() => undefined);
  await consumer.disconnect();
  return ids;
}

async function runExperiment(
  name: string,
  options: { ingestors: number },
  fault: (lab: Lab) => Promise<number[]>,
  broker: KafkaBroker,
): Promise<Row> {
  // Undone in reverse order, also when the experiment fails half-way.
  const cleanups: Array<() => Promise<unknown>> = [];
  try {
    return await experiment(name, options, fault, broker, cleanups);
  } finally {
    for (const cleanup of cleanups.reverse()) await cleanup().catch(() => undefined);
  }
}

async function experiment(
  name: string,
  options: { ingestors: number },
  fault: (lab: Lab) => Promise<number[]>,
  broker: KafkaBroker,
  cleanups: Array<() => Promise<unknown>>,
): Promise<Row> {
  const started = Date.now();
  const run = uniqueSuffix();
  const databaseUrl = new URL(ADMIN_URL);
  databaseUrl.pathname = `/provenant_faults_${run}`;
  await createDatabase(databaseUrl.toString());
  cleanups.push(() => dropDatabase(databaseUrl.toString()));
  await migrate(databaseUrl.toString());
  const proxy = await TcpProxy.start(PG);
  cleanups.push(() => proxy.cut());
  const proxied = new URL(databaseUrl.toString());
  proxied.port = String(proxy.port);
  const pool = new Pool({ connectionString: databaseUrl.toString(), max: 2 });
  pool.on('error', () => undefined);
  cleanups.push(() => pool.end());
  const kafka = new Kafka({
    clientId: `faults-${run}`,
    brokers: [broker.brokers],
    logLevel: logLevel.NOTHING,
  });
  const topic = `faults-${name.replace(/[^a-z0-9]+/gi, '-')}-${run}`;
  const anomalyTopic = `${topic}-anomalies`;
  const admin = kafka.admin();
  await admin.connect();
  await admin.createTopics({
    waitForLeaders: true,
    topics: [topic, `${topic}.dlq`, anomalyTopic].map((t) => ({
      topic: t,
      numPartitions: PARTITIONS,
      replicationFactor: 1,
    })),
  });
  await admin.disconnect();

  const requests = Math.ceil(EVENTS / 5);
  const events = [...generateTraffic({ requests, seed: 11, run })];
  const tenants = [...new Set(events.map((event) => event.value.tenantid))];
  const groupId = `ingestor-${topic}`;
  const env = {
    DATABASE_URL: proxied.toString(),
    KAFKA_BROKERS: broker.brokers,
    KAFKA_TOPIC: topic,
    KAFKA_GROUP_ID: groupId,
    KAFKA_ANOMALY_TOPIC: anomalyTopic,
    KAFKA_TOPIC_PARTITIONS: String(PARTITIONS),
    LOG_LEVEL: 'warn',
  };
  const api = await startService('api', { ...env, DATABASE_URL: databaseUrl.toString() });
  cleanups.push(() => stopIngestor(api, 'SIGKILL'));
  const dashboard = await subscribe(api.port, tenants);
  cleanups.push(async () => {
    await dashboard.close();
  });
  const storedCount = async () =>
    Number((await pool.query('SELECT count(*) FROM events')).rows[0].count);
  const lab: Lab = {
    broker,
    kafka,
    proxy,
    pool,
    topic,
    groupId,
    env,
    ingestors: [],
    async startIngestor() {
      const ingestor = await startService('ingestor', env);
      cleanups.push(() => stopIngestor(ingestor, 'SIGKILL'));
      this.ingestors.push(ingestor);
      return ingestor;
    },
    progress: (fraction) =>
      expectEventually(
        async () => expect(await storedCount()).toBeGreaterThanOrEqual(events.length * fraction),
        {
          timeoutMs: 600_000,
          intervalMs: 50,
        },
      ),
    async recovery() {
      const at = Date.now();
      const [before, high] = await Promise.all([
        committedOffsets(kafka, groupId, topic),
        endOffsets(kafka, topic),
      ]);
      const waiting = [...high.keys()].filter((p) => (before.get(p) ?? -1) < high.get(p)!);
      return async () => {
        await expectEventually(
          async () => {
            const now = await committedOffsets(kafka, groupId, topic);
            for (const p of waiting) expect(now.get(p) ?? -1).toBeGreaterThan(before.get(p) ?? -1);
          },
          { timeoutMs: 600_000, intervalMs: 100 },
        );
        return Date.now() - at;
      };
    },
  };

  const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
  await producer.connect();
  for (let i = 0; i < options.ingestors; i++) await lab.startIngestor();
  const invalid = await produceStream(producer, topic, events);
  await producer.disconnect();
  const recoveryMs = await fault(lab);

  // Settled: every valid event stored, every dead letter recorded and published, the
  // outbox empty, and the dashboard has everything that was stored.
  await expectEventually(
    async () => {
      expect(await storedCount()).toBe(events.length);
      const { rows: counts } = await pool.query(
        `SELECT (SELECT count(*) FROM dead_letters)::int AS recorded,
                (SELECT count(*) FROM dead_letters WHERE published_at IS NULL)::int AS unpublished,
                (SELECT count(*) FROM anomaly_outbox)::int AS outbox,
                (SELECT count(*) FROM anomalies)::int AS anomalies`,
      );
      expect(counts[0]).toMatchObject({ recorded: invalid, unpublished: 0, outbox: 0 });
      expect(new Set(dashboard.received).size).toBe(counts[0].anomalies);
      // The group's committed offsets reached the end of every partition: none left behind.
      const [committed, high] = await Promise.all([
        committedOffsets(kafka, groupId, topic),
        endOffsets(kafka, topic),
      ]);
      for (const [partition, end] of high) expect(committed.get(partition)).toBe(end);
    },
    { timeoutMs: 600_000, intervalMs: 250 },
  );
  const { rows: final } = await pool.query(
    `SELECT (SELECT count(*) FROM events)::int AS stored,
            (SELECT count(DISTINCT (source, ce_id)) FROM events)::int AS distinct_events,
            (SELECT count(*) FROM dead_letters)::int AS recorded,
            (SELECT count(*) FROM anomalies)::int AS anomalies`,
  );
  const published = await readAnomalyIds(kafka, anomalyTopic, final[0].anomalies);
  const dlqEnd = [...(await endOffsets(kafka, `${topic}.dlq`)).values()].reduce((a, b) => a + b, 0);
  const row: Row = {
    experiment: name,
    produced: events.length,
    stored: final[0].stored,
    lost: events.length - final[0].distinct_events,
    duplicated: final[0].stored - final[0].distinct_events,
    invalid,
    deadLettersRecorded: final[0].recorded,
    dlqMessages: dlqEnd,
    anomaliesStored: final[0].anomalies,
    anomaliesPublished: new Set(published).size,
    anomaliesReceived: new Set(dashboard.received).size,
    receivedTwice: dashboard.received.length - new Set(dashboard.received).size,
    recoveryMs,
    seconds: Math.round((Date.now() - started) / 100) / 10,
  };

  return row;
}

describe('the stream under faults', () => {
  let broker: KafkaBroker;
  let dataDir: string;

  beforeAll(async () => {
    ensureDevKeys();
    dataDir = mkdtempSync(join(tmpdir(), 'provenant-faults-kafka-'));
    broker = await startKafka({ port: await freePort(), dataDir, log: false });
    // What the process helpers fall back to; each experiment passes its own.
    process.env.KAFKA_BROKERS = broker.brokers;
    process.env.DATABASE_URL = ADMIN_URL;
  });

  afterAll(async () => {
    await broker?.stop({ keepData: false });
    rmSync(dataDir, { recursive: true, force: true });
    printReport();
  });

  const experiment = (name: string, ingestors: number, fault: (lab: Lab) => Promise<number[]>) =>
    it(`${name}: nothing lost, nothing duplicated, anomalies stored = published = received`, async () => {
      const row = await runExperiment(name, { ingestors }, fault, broker);
      rows.push(row);
      expect(row).toMatchObject({
        lost: 0,
        duplicated: 0,
        deadLettersRecorded: row.invalid,
        anomaliesPublished: row.anomaliesStored,
        anomaliesReceived: row.anomaliesStored,
        receivedTwice: 0,
      });
      expect(row.dlqMessages).toBeGreaterThanOrEqual(row.invalid);
      expect(row.anomaliesStored).toBeGreaterThan(0);
    });

  experiment(`kill -9 x${KILLS}`, 1, async (lab) => {
    const recovery: number[] = [];
    for (let i = 1; i <= KILLS; i++) {
      await lab.progress(i / (KILLS + 1));
      const victim = lab.ingestors[lab.ingestors.length - 1];
      const measure = await lab.recovery();
      await stopIngestor(victim, 'SIGKILL');
      await lab.startIngestor();
      recovery.push(await measure());
    }
    return recovery;
  });

  for (const members of [2, 3]) {
    experiment(`${members} in a group, one killed`, members, async (lab) => {
      await lab.progress(0.3);
      const measure = await lab.recovery();
      await stopIngestor(lab.ingestors[0], 'SIGKILL');
      return [await measure()];
    });
  }

  experiment('broker restart', 1, async (lab) => {
    await lab.progress(0.3);
    const measure = await lab.recovery();
    await lab.broker.stop({ keepData: true });
    broker = await startKafka({ port: lab.broker.port, dataDir: lab.broker.dataDir, log: false });
    lab.broker = broker;
    return [await measure()];
  });

  experiment('database connections terminated', 1, async (lab) => {
    const recovery: number[] = [];
    for (const fraction of [0.2, 0.45, 0.7]) {
      await lab.progress(fraction);
      const measure = await lab.recovery();
      await lab.pool.query(
        `SELECT pg_terminate_backend(pid) FROM pg_stat_activity
         WHERE datname = current_database() AND application_name = 'provenant-ingestor'`,
      );
      recovery.push(await measure());
    }
    return recovery;
  });

  experiment(`database unreachable for ${OUTAGE_MS / 1000} s`, 1, async (lab) => {
    await lab.progress(0.3);
    await lab.proxy.cut();
    const cutAt = Date.now();
    await expectEventually(
      async () => {
        const response = await fetch(`http://127.0.0.1:${lab.ingestors[0].port}/readyz`);
        expect(response.status).toBe(503);
      },
      { timeoutMs: OUTAGE_MS },
    ).catch(() => undefined);
    // The outage lasts OUTAGE_MS whatever the process does: a fixed wait is the experiment.
    await new Promise((resolve) =>
      setTimeout(resolve, Math.max(0, OUTAGE_MS - (Date.now() - cutAt))),
    );
    await lab.proxy.open();
    // Nothing can commit while the database is away: from here, the time to move again.
    const measure = await lab.recovery();
    return [await measure()];
  });
});

function printReport(): void {
  if (rows.length === 0) return;
  const header = [
    'experiment',
    'events',
    'lost',
    'dup',
    'invalid',
    'DLQ rec/pub',
    'anomalies stored/pub/recv',
    'recovery s (median/max)',
    'seconds',
  ];
  const lines = rows.map((row) => [
    row.experiment,
    String(row.produced),
    String(row.lost),
    String(row.duplicated),
    String(row.invalid),
    `${row.deadLettersRecorded}/${row.dlqMessages}`,
    `${row.anomaliesStored}/${row.anomaliesPublished}/${row.anomaliesReceived}`,
    `${(median(row.recoveryMs) / 1000).toFixed(1)}/${(Math.max(...row.recoveryMs, 0) / 1000).toFixed(1)}`,
    String(row.seconds),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...lines.map((line) => line[i].length)));
  const format = (cells: string[]) => cells.map((cell, i) => cell.padEnd(widths[i])).join('  ');
  const table = [format(header), ...lines.map(format)].join('\n');
  const json = {
    bench: 'faults',
    events: EVENTS,
    lost: rows.reduce((sum, row) => sum + row.lost, 0),
    duplicated: rows.reduce((sum, row) => sum + row.duplicated, 0),
    experiments: rows.map((row) => ({
      name: row.experiment,
      lost: row.lost,
      duplicated: row.duplicated,
      deadLetters: row.deadLettersRecorded,
      anomaliesStored: row.anomaliesStored,
      anomaliesPublished: row.anomaliesPublished,
      anomaliesReceived: row.anomaliesReceived,
      recoveryMedianMs: median(row.recoveryMs),
      recoveryMaxMs: Math.max(...row.recoveryMs, 0),
    })),
  };
  if (REPORT) {
    mkdirSync(join(REPORT, '..'), { recursive: true });
    writeFileSync(REPORT, `${table}\n${JSON.stringify(json)}\n`);
  }
  process.stdout.write(`\n${table}\n`);
}
